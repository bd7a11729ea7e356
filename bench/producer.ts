/**
 * End-to-end producer benchmark: `npm run bench:producer -- --rows 1000000`. Generates (or reuses) a
 * DSN-like CSV of that many rows under .bench-data/, builds dist/ if needed, runs the compiled
 * `ldh-link pseudonymise` in a child process (CSV in → signed extract out) and prints one line:
 *   producer rows=<n> rows_per_s=<x> peak_rss_mb=<y>
 * Peak RSS is the child's maximum resident set (getrusage, reported by bench/with-rss.mjs), so it covers
 * DuckDB's native memory and the worker threads too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MAPPING, writeProducerInput } from './producer-input.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false } },
});
const rows = Number(values.rows);
const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.bench-data', 'producer');
mkdirSync(dir, { recursive: true });
const input = join(dir, `dsn-${rows}.csv`);
if (!existsSync(input)) {
  process.stderr.write(`generating ${rows} rows → ${input}\n`);
  await writeProducerInput(input, rows);
}
writeFileSync(join(dir, 'dsn.mapping.json'), JSON.stringify(MAPPING));
if (!existsSync(join(root, 'dist/cli/main.js')))
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const key = join(dir, 'k.hex');
if (!existsSync(key))
  execFileSync('node', [join(root, 'dist/cli/main.js'), 'keygen', 'linkage', '--out', key]);
if (!existsSync(join(dir, 'keys', 'dsn-signing-key.json'))) {
  execFileSync('node', [
    join(root, 'dist/cli/main.js'),
    'keygen',
    'producer',
    '--producer',
    'dsn',
    '--out',
    join(dir, 'keys'),
  ]);
}
const out = join(dir, 'out');
rmSync(out, { recursive: true, force: true });
const t0 = performance.now();
const r = spawnSync(
  'node',
  [
    join(root, 'bench/with-rss.mjs'),
    'pseudonymise',
    '--source',
    'dsn',
    '--input',
    input,
    '--mapping',
    join(dir, 'dsn.mapping.json'),
    '--linkage-key',
    key,
    '--signing-key',
    join(dir, 'keys', 'dsn-signing-key.json'),
    '--out',
    out,
    '--no-progress',
  ],
  { encoding: 'utf8', env: { ...process.env } },
);
const seconds = (performance.now() - t0) / 1000;
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const rss = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
process.stderr.write(r.stderr.replace(/maxrss_kb=\d+\n/, ''));
if (!values.keep) rmSync(out, { recursive: true, force: true });
process.stdout.write(
  `producer rows=${rows} rows_per_s=${Math.round(rows / seconds)} peak_rss_mb=${Math.round(rss)}\n`,
);
