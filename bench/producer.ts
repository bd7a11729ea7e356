/**
 * End-to-end producer benchmark: `npm run bench:producer -- --rows 1000000 [--input synth|distinct]`.
 * Builds dist/ if needed, makes (or reuses, under .bench-data/producer/) an input of about that many rows,
 * runs the compiled `ldh-link pseudonymise` in a child process (CSV in → signed extract out) and ends with
 * one line:
 *   producer rows=<n> rows_per_s=<x> peak_rss_mb=<y>
 * Inputs: `synth` (default) is the DSN file of the synthetic population (`ldh-link synth`), a realistic
 * producer file — about 2.3 contract rows per person, names and birth places with their real frequencies,
 * identification errors; `distinct` is a worst case — every row a different person, birth places uniform.
 * Peak RSS is the child's maximum resident set (getrusage, reported by bench/with-rss.mjs), so it covers
 * DuckDB's native memory and the worker threads too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDist } from './dist.js';
import { MAPPING, writeProducerInput } from './producer-input.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    input: { type: 'string', default: 'synth' },
    workers: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.bench-data', 'producer');
mkdirSync(dir, { recursive: true });
ensureDist(root);
const cli = (...args: string[]) =>
  execFileSync('node', [join(root, 'dist/cli/main.js'), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });

let input: string;
let mapping: string;
if (values.input === 'distinct') {
  input = join(dir, `distinct-${rows}.csv`);
  mapping = join(dir, 'distinct.mapping.json');
  if (!existsSync(input)) {
    process.stderr.write(`generating ${rows} rows → ${input}\n`);
    await writeProducerInput(input, rows);
  }
  writeFileSync(mapping, JSON.stringify(MAPPING));
} else if (values.input === 'synth') {
  // the synthetic DSN file has about 2.3 rows per person
  const persons = Math.ceil(rows / 2.3);
  const synth = join(dir, `synth-${persons}`);
  if (!existsSync(join(synth, 'dsn.csv'))) {
    process.stderr.write(`generating a synthetic population of ${persons} persons → ${synth}\n`);
    cli('synth', '--persons', String(persons), '--seed', '1', '--out', synth, '--force');
  }
  input = join(synth, 'dsn.csv');
  mapping = join(synth, 'dsn.mapping.json');
} else {
  throw new Error('--input must be synth or distinct');
}
const inputRows = readFileSync(input).reduce((n, b) => (b === 10 ? n + 1 : n), 0) - 1;
const key = join(dir, 'k.hex');
if (!existsSync(key)) cli('keygen', 'linkage', '--out', key);
const signingKey = join(dir, 'keys', 'dsn-signing-key.json');
if (!existsSync(signingKey)) cli('keygen', 'producer', '--producer', 'dsn', '--out', join(dir, 'keys'));
const out = join(dir, 'out');
rmSync(out, { recursive: true, force: true });
const args = [
  'pseudonymise',
  '--source',
  'dsn',
  '--input',
  input,
  '--mapping',
  mapping,
  '--linkage-key',
  key,
];
args.push('--signing-key', signingKey, '--out', out, '--no-progress');
if (values.workers !== undefined) args.push('--workers', values.workers);
const t0 = performance.now();
const r = spawnSync('node', [join(root, 'bench/with-rss.mjs'), ...args], { encoding: 'utf8' });
const seconds = (performance.now() - t0) / 1000;
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const rss = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
process.stderr.write(r.stderr.replace(/maxrss_kb=\d+\n/, ''));
process.stderr.write(`input ${values.input}: ${input}\n`);
if (!values.keep) rmSync(out, { recursive: true, force: true });
process.stdout.write(
  `producer rows=${inputRows} rows_per_s=${Math.round(inputRows / seconds)} peak_rss_mb=${Math.round(rss)}\n`,
);
