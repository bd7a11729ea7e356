/**
 * `ldh-link query --hub URL --token-file FILE --study ID --file query.json [--format table|csv|json]
 * [--html FILE]` — a researcher's query: submitted, answered through disclosure control, printed as a
 * readable table with suppressed values marked and a legend (or as CSV / JSON), and written as an HTML
 * page with the charts (release-html.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { defineCommand } from 'citty';
import { LdhError } from '../../core/errors.js';
import { readTokenFile } from '../../producer/upload.js';
import { guarded } from '../guard.js';
import { type ReleaseDocument, renderReleaseHtml } from '../release-html.js';

type Release = ReleaseDocument;

/** The release as an aligned text table: `…` for a suppressed cell, `n/a` for a withheld outcome. */
export function formatRelease(r: Release): string {
  const outcomes = Object.keys(r.result.cells[0]?.outcomes ?? {});
  const head = [...r.result.breakdowns, 'cohort', ...outcomes.map((o) => `${o} (share)`)];
  const rows = r.result.cells.map((c) => [
    ...c.coords,
    c.suppressed ? '…' : String(c.count),
    ...outcomes.map((o) => {
      const v = c.outcomes[o];
      if (c.suppressed || v?.suppressed) return '…';
      if (!v || v.count === null) return 'n/a';
      return `${v.count} (${v.share === null ? '—' : `${(v.share * 100).toFixed(1)} %`})`;
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((x, i) => x.padEnd(widths[i] ?? 0)).join('  ');
  const values = r.result.cells.length * (1 + outcomes.length);
  const suppressed = r.result.cells.reduce(
    (n, c) => n + (c.suppressed ? 1 : 0) + outcomes.filter((o) => c.outcomes[o]?.suppressed).length,
    0,
  );
  const legend = [
    `release ${r.id} of study ${r.study}`,
    `…  suppressed (${suppressed} of ${values} values): ${Object.entries(r.result.suppression)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    ...(r.result.withheld.length
      ? [`n/a  withheld: the horizon is after the end of the data (${r.result.withheld.join(', ')})`]
      : []),
    ...(r.result.rounding ? [`counts rounded to a multiple of ${r.result.rounding}`] : []),
    ...(r.result.noise ? [`counts carry ${r.result.noise} noise (differential privacy)`] : []),
    '`total` rows and columns are margins.',
  ];
  return `${[line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n\n${legend.join('\n')}\n`;
}

export const queryCommand = defineCommand({
  meta: {
    name: 'query',
    description:
      'Submit a query (query language v1, JSON) to a study at the hub with a researcher token; print the released ' +
      'tables with suppressed cells marked.',
  },
  args: {
    hub: { type: 'string', required: true, description: 'hub base URL' },
    'token-file': {
      type: 'string',
      required: true,
      description: 'file holding a researcher token for the study',
    },
    study: { type: 'string', required: true, description: 'study id' },
    file: { type: 'string', required: true, description: 'the query (JSON)' },
    format: { type: 'string', default: 'table', description: 'table | csv | json' },
    html: {
      type: 'string',
      description: 'where to write the HTML page with the charts (default: the query file with .html)',
    },
  },
  run: guarded(
    async (a: {
      hub: string;
      'token-file': string;
      study: string;
      file: string;
      format: string;
      html?: string | undefined;
    }) => {
      if (!['table', 'csv', 'json'].includes(a.format))
        throw new LdhError('USAGE', '--format must be table, csv or json');
      const token = await readTokenFile(a['token-file']);
      let query: unknown;
      try {
        query = JSON.parse(await readFile(a.file, 'utf8'));
      } catch (cause) {
        throw new LdhError('USAGE', `cannot read the query file ${a.file} as JSON`, { cause });
      }
      const call = async (method: string, path: string, body?: unknown, accept = 'application/json') => {
        try {
          return await fetch(new URL(path, a.hub), {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              accept,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
        } catch (cause) {
          throw new LdhError('HUB_UNREACHABLE', 'the hub could not be reached', { cause });
        }
      };
      const r = await call('POST', `/v1/studies/${encodeURIComponent(a.study)}/queries`, query);
      const body = (await r.json().catch(() => ({}))) as Release & {
        code?: string;
        detail?: string;
        title?: string;
      };
      if (!r.ok) {
        throw new LdhError(
          'UPLOAD_REFUSED',
          `the hub refused the query (HTTP ${r.status} ${body.code ?? ''}): ${body.detail ?? body.title ?? ''}`,
        );
      }
      const page = a.html ?? `${a.file.replace(/\.json$/i, '')}.html`;
      await writeFile(page, renderReleaseHtml(body));
      process.stderr.write(`HTML page with the charts: ${page}\n`);
      if (a.format === 'json') process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      else if (a.format === 'csv') {
        const csv = await call(
          'GET',
          `/v1/studies/${encodeURIComponent(a.study)}/queries/${body.id}`,
          undefined,
          'text/csv',
        );
        process.stdout.write(await csv.text());
      } else process.stdout.write(formatRelease(body));
    },
  ),
});
