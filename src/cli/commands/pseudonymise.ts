/**
 * `ldh-link pseudonymise` — the producer's main job (protocol v3). The producer pipeline (DuckDB) and
 * the progress bar are imported in `run`, after the arguments are checked, so --help and usage errors
 * stay fast.
 */
import { defineCommand } from 'citty';
import { LdhError } from '../../core/errors.js';
import { SOURCES, type Source } from '../../core/fields.js';
import { bundled } from '../../producer/bundled.js';
import { formatSummary } from '../../producer/summary.js';
import { guarded } from '../guard.js';

const args = {
  source: { type: 'string', required: true, description: `source: ${SOURCES.join(' | ')}` },
  input: { type: 'string', required: true, description: 'input file (.csv or .parquet)' },
  mapping: { type: 'string', required: true, description: 'mapping file (JSON)' },
  'linkage-key': { type: 'string', required: true, description: 'linkage secret file' },
  'signing-key': { type: 'string', required: true, description: "this producer's signing key file" },
  out: { type: 'string', required: true, description: 'output directory' },
  encoding: { type: 'string', default: 'utf-8', description: 'CSV character encoding: utf-8 | latin1' },
  delimiter: { type: 'string', default: ',', description: 'CSV delimiter (one character; "\\t" for tab)' },
  force: {
    type: 'boolean',
    default: false,
    description: 'replace an extract already in the output directory',
  },
  progress: { type: 'boolean', default: true, description: 'progress bar on a TTY (--no-progress to hide)' },
  'seal-to': {
    type: 'string',
    description: "the hub's sealing public key file: also write DIR/extract.sealed for upload",
  },
  workers: {
    type: 'string',
    description: 'encoding threads (default: one per core, at most 4; 0 = main thread)',
  },
} as const;

interface Args {
  source: string;
  input: string;
  mapping: string;
  'linkage-key': string;
  'signing-key': string;
  out: string;
  encoding: string;
  delimiter: string;
  force: boolean;
  progress: boolean;
  workers: string | undefined;
  'seal-to': string | undefined;
}

export const pseudonymiseCommand = defineCommand({
  meta: {
    name: 'pseudonymise',
    description:
      'Normalise, pseudonymise and encode an input file into a signed extract: DIR/extract.parquet, DIR/events.parquet, ' +
      'DIR/manifest.json (to upload) and DIR/rejects.csv, DIR/record-map.parquet (stay here).',
  },
  args,
  run: guarded(async (a: Args) => {
    if (!SOURCES.includes(a.source as Source))
      throw new LdhError('USAGE', `--source must be one of ${SOURCES.join(', ')}`);
    const enc = a.encoding.toLowerCase().replace('_', '-');
    const encoding =
      enc === 'utf-8' || enc === 'utf8'
        ? 'utf-8'
        : enc === 'latin1' || enc === 'latin-1' || enc === 'iso-8859-1'
          ? 'latin1'
          : null;
    if (encoding === null) throw new LdhError('USAGE', '--encoding must be utf-8 or latin1');
    const workers = a.workers === undefined ? undefined : Number(a.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 64)) {
      throw new LdhError('USAGE', '--workers must be an integer from 0 to 64');
    }
    const tty = a.progress && process.stderr.isTTY === true;
    // the run's bundle when the build made one (producer/bundled.ts): the same code, loaded faster
    const module = new URL('../../producer/pseudonymise.js', import.meta.url);
    const bundle = bundled(module);
    const { pseudonymise } =
      bundle === module
        ? await import('../../producer/pseudonymise.js')
        : ((await import(bundle.href)) as typeof import('../../producer/pseudonymise.js'));
    const bar = tty
      ? new (await import('cli-progress')).SingleBar({
          format: 'pseudonymise [{bar}] {percentage}% | {value}/{total} rows | {eta}s left',
          stream: process.stderr,
        })
      : null;
    let started = false;
    const result = await pseudonymise({
      source: a.source as Source,
      input: a.input,
      mapping: a.mapping,
      linkageKey: a['linkage-key'],
      signingKey: a['signing-key'],
      out: a.out,
      encoding,
      delimiter: a.delimiter === '\\t' ? '\t' : a.delimiter,
      force: a.force,
      countFirst: tty,
      ...(workers === undefined ? {} : { workers }),
      ...(a['seal-to'] === undefined ? {} : { sealTo: a['seal-to'] }),
      onProgress: (rows, total) => {
        if (!bar) return;
        if (!started) {
          bar.start(total ?? rows, 0);
          started = true;
        }
        bar.update(rows);
      },
    }).finally(() => bar?.stop());
    process.stderr.write(formatSummary(result.manifest, result.dir, a['seal-to'] !== undefined));
  }),
});
