/**
 * Researcher query benchmark: `npm run bench:query -- [--persons 1000000] [--concurrency 20] [--rounds 3]`.
 *
 * Uses the hub that `npm run bench:link -- --persons N` left under .bench-data/link/pN/run (linked, with
 * its persons). Copies it, creates a study and a researcher token, starts the compiled hub, and has
 * `concurrency` researchers each submit `rounds` times the same cohort query — employed and RSA at 6, 12
 * and 24 months (2 outcomes × 3 horizons) broken down by quarter × sex × age band — through the API,
 * every answer through the whole disclosure control (primary, secondary, the LP audit of the count
 * table and the six numerator tables). Ends with:
 *   query p95_ms=<x> concurrency=<c>
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startHubProcess } from './hub-process.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    concurrency: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const linked = join(root, '.bench-data', 'link', `p${values.persons}`, 'run');
if (!existsSync(join(linked, 'hub.duckdb'))) {
  process.stderr.write(`run \`npm run bench:link -- --persons ${values.persons}\` first\n`);
  process.exit(1);
}
if (!existsSync(join(root, 'dist/cli/main.js')))
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const cli = (...args: string[]) =>
  execFileSync('node', [join(root, 'dist/cli/main.js'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
const run = join(root, '.bench-data', 'query', `p${values.persons}`);
rmSync(run, { recursive: true, force: true });
cpSync(linked, run, { recursive: true });
const config = join(run, 'hub.json');
const researcher = cli('admin', 'token', 'create', '--config', config, '--role', 'researcher:bench').trim();
const admin = readFileSync(join(run, 'admin.token'), 'utf8').trim();
const hub = await startHubProcess(root, config);

const study = await fetch(`${hub.url}/v1/studies`, {
  method: 'POST',
  headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
  body: JSON.stringify({
    id: 'bench',
    purpose: 'Query benchmark: employment and RSA after an ARE opening',
    breakdowns: ['quarter', 'sex', 'age_band'],
    period: { from: '2019-Q1', to: '2024-Q4' },
  }),
});
if (study.status !== 201) throw new Error(`study: HTTP ${study.status}`);
const query = {
  version: 1,
  cohort: { are_opening: { from: '2021-Q1', to: '2022-Q4' } },
  outcomes: [6, 12, 24].flatMap((k) => [
    { kind: 'employed', k },
    { kind: 'rsa', k },
  ]),
  breakdowns: ['quarter', 'sex', 'age_band'],
};
writeFileSync(join(run, 'query.json'), JSON.stringify(query, null, 2));
const times: number[] = [];
let suppressed = 0;
let cells = 0;
const researcherLoop = async () => {
  for (let i = 0; i < Number(values.rounds); i++) {
    const t0 = performance.now();
    const r = await fetch(`${hub.url}/v1/studies/bench/queries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${researcher}`, 'content-type': 'application/json' },
      body: JSON.stringify(query),
    });
    const body = (await r.json()) as { result?: { cells: { suppressed: boolean }[] }; code?: string };
    times.push(performance.now() - t0);
    if (r.status !== 201) throw new Error(`query: HTTP ${r.status} ${body.code}`);
    cells = body.result?.cells.length ?? 0;
    suppressed = body.result?.cells.filter((c) => c.suppressed).length ?? 0;
  }
};
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(values.concurrency) }, researcherLoop));
const wall = (performance.now() - t0) / 1000;
const { peakRssMb } = await hub.stop();
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)] as number;
process.stderr.write(
  `${times.length} queries in ${wall.toFixed(1)} s; median ${pct(0.5).toFixed(0)} ms, p95 ${pct(0.95).toFixed(0)} ms, ` +
    `max ${pct(1).toFixed(0)} ms; ${cells} cells per answer, ${suppressed} suppressed; hub peak RSS ${Math.round(peakRssMb)} MB\n`,
);
process.stdout.write(`query p95_ms=${pct(0.95).toFixed(0)} concurrency=${values.concurrency}\n`);
