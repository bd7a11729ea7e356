/**
 * `ldh-link link --hub URL --token-file FILE` — start a linkage run at the hub (admin token), follow it,
 * print its counts, and save its quality report. Ctrl-C cancels the run.
 */
import { writeFile } from 'node:fs/promises';
import { defineCommand } from 'citty';
import { LdhError } from '../../core/errors.js';
import { readTokenFile } from '../../producer/upload.js';
import { guarded } from '../guard.js';

interface Run {
  id: string;
  status: string;
  stage: string | null;
  progress: Record<string, number> | null;
  error: string | null;
  counts: { records: number; persons: number; links: Record<string, number>; threshold: number } | null;
}

async function call(
  hub: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  let url: URL;
  try {
    url = new URL(path, hub);
  } catch (cause) {
    throw new LdhError('USAGE', 'the --hub URL is not valid', { cause });
  }
  try {
    return await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new LdhError('HUB_UNREACHABLE', 'the hub could not be reached', { cause });
  }
}

async function json<T>(r: Response): Promise<T> {
  const body = (await r.json().catch(() => ({}))) as T & { code?: string; detail?: string; title?: string };
  if (!r.ok) {
    throw new LdhError(
      'UPLOAD_REFUSED',
      `the hub answered HTTP ${r.status} ${body.code ?? ''}: ${body.detail ?? body.title ?? ''}`,
    );
  }
  return body;
}

export const linkCommand = defineCommand({
  meta: {
    name: 'link',
    description:
      'Start a linkage run at the hub over the current extracts (admin token), follow its stages, print its counts ' +
      'and save the quality report (HTML). Ctrl-C cancels the run.',
  },
  args: {
    hub: { type: 'string', required: true, description: 'hub base URL' },
    'token-file': { type: 'string', required: true, description: 'file holding an admin token' },
    threshold: { type: 'string', description: 'Dice threshold (default: chosen from the scores)' },
    report: { type: 'string', description: 'write the HTML quality report to this file' },
    wait: {
      type: 'boolean',
      default: true,
      description: 'follow the run to its end (--no-wait: start and return)',
    },
  },
  run: guarded(
    async (a: {
      hub: string;
      'token-file': string;
      threshold: string | undefined;
      report: string | undefined;
      wait: boolean;
    }) => {
      const token = await readTokenFile(a['token-file']);
      const threshold = a.threshold === undefined ? undefined : Number(a.threshold);
      if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
        throw new LdhError('USAGE', '--threshold must be in [0, 1]');
      let run = await json<Run>(
        await call(a.hub, token, 'POST', '/v1/linkage-runs', threshold === undefined ? {} : { threshold }),
      );
      process.stderr.write(`linkage run ${run.id} started\n`);
      if (!a.wait) {
        process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
        return;
      }
      const onSigint = () => {
        process.stderr.write('\ncancelling…\n');
        void call(a.hub, token, 'POST', `/v1/linkage-runs/${run.id}/cancel`);
      };
      process.once('SIGINT', onSigint);
      let last = '';
      try {
        while (run.status === 'running') {
          await new Promise((r) => setTimeout(r, 500));
          run = await json<Run>(await call(a.hub, token, 'GET', `/v1/linkage-runs/${run.id}`));
          const line = `  ${run.stage ?? ''} ${Object.entries(run.progress ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`;
          if (line !== last && run.status === 'running') process.stderr.write(`${line}\n`);
          last = line;
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
      if (run.status !== 'succeeded') {
        throw new LdhError(
          'LINKAGE_FAILED',
          `linkage run ${run.id} ${run.status}${run.error ? ` (${run.error})` : ''}`,
        );
      }
      const c = run.counts;
      process.stdout.write(
        `linkage run ${run.id} succeeded: ${c?.records} records → ${c?.persons} persons; links nir ${c?.links.nir}, ` +
          `idkey ${c?.links.idkey}, fuzzy ${c?.links.fuzzy}; threshold ${c?.threshold.toFixed(3)}\n`,
      );
      if (a.report) {
        const r = await call(a.hub, token, 'GET', `/v1/linkage-runs/${run.id}/report`);
        if (!r.ok) throw new LdhError('UPLOAD_REFUSED', `the hub answered HTTP ${r.status} for the report`);
        await writeFile(a.report, await r.text());
        process.stdout.write(`quality report: ${a.report}\n`);
      }
    },
  ),
});
