/**
 * Researcher query benchmark: `npm run bench:query -- [--persons 1000000] [--concurrency 20] [--rounds 3]`.
 *
 * Uses the hub that `npm run bench:link -- --persons N` left under .bench-data/link/pN/run (linked, with
 * its persons). Copies it, creates a study and a researcher token, starts the compiled hub, and has
 * `concurrency` researchers each submit `rounds` times the same cohort query — employed (any contract), in
 * a CDI and receiving RSA at 6, 12 and 24 months (3 outcomes × 3 horizons) broken down by quarter × sex ×
 * age band — through the API, every answer through the whole disclosure control (the count table and
 * the nine numerator tables protected together, exact LP audit). A warm-up query first builds the run's
 * cohort facts when the hub predates them (timed apart). Ends with:
 *   query p95_ms=<x> concurrency=<c>
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDist } from './dist.js';
import { startHubProcess } from './hub-process.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    concurrency: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    distinct: { type: 'boolean', default: false },
  },
});
const root = new URL('..', import.meta.url).pathname;
const linked = join(root, '.bench-data', 'link', `p${values.persons}`, 'run');
if (!existsSync(join(linked, 'hub.duckdb'))) {
  process.stderr.write(`run \`npm run bench:link -- --persons ${values.persons}\` first\n`);
  process.exit(1);
}
ensureDist(root);
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
    breakdowns: ['quarter', 'sex', 'age_band', 'region', 'allowance_band', 'prev_contract'],
    period: { from: '2019-Q1', to: '2024-Q4' },
  }),
});
if (study.status !== 201) throw new Error(`study: HTTP ${study.status}`);
// 3 outcomes × 3 horizons × 3 breakdowns (issue 6)
const query = {
  version: 1,
  cohort: { are_opening: { from: '2021-Q1', to: '2022-Q4' } },
  outcomes: [6, 12, 24].flatMap((k) => [
    { kind: 'employed', k },
    { kind: 'employed_cdi', k },
    { kind: 'rsa', k },
  ]),
  breakdowns: ['quarter', 'sex', 'age_band'],
};
// --distinct: researcher i asks its own query (another range of quarters and another third breakdown), so
// that no two answers can share a computation
const TRIPLES = [
  ['quarter', 'sex', 'age_band'],
  ['quarter', 'sex', 'region'],
  ['quarter', 'age_band', 'prev_contract'],
  ['quarter', 'sex', 'allowance_band'],
];
const queryOf = (i: number) =>
  values.distinct
    ? {
        ...query,
        cohort: { are_opening: { from: `${2020 + (Math.floor(i / 4) % 3)}-Q${(i % 4) + 1}`, to: '2022-Q4' } },
        breakdowns: TRIPLES[i % TRIPLES.length],
      }
    : query;
writeFileSync(join(run, 'query.json'), JSON.stringify(query, null, 2));
const times: number[] = [];
let suppressed = 0;
let cells = 0;
const researcherLoop = async (who: number) => {
  for (let i = 0; i < Number(values.rounds); i++) {
    const t0 = performance.now();
    const r = await fetch(`${hub.url}/v1/studies/bench/queries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${researcher}`, 'content-type': 'application/json' },
      body: JSON.stringify(queryOf(who)),
    });
    const body = (await r.json()) as {
      result?: { cells: { suppressed: boolean; outcomes: Record<string, { suppressed: boolean }> }[] };
      code?: string;
    };
    times.push(performance.now() - t0);
    const released = body.result?.cells ?? [];
    cells = released.length * (1 + query.outcomes.length);
    if (r.status !== 201) throw new Error(`query: HTTP ${r.status} ${body.code}`);
    suppressed = released.reduce(
      (n, c) => n + (c.suppressed ? 1 : 0) + Object.values(c.outcomes).filter((o) => o.suppressed).length,
      0,
    );
  }
};
// the first query of a hub upgraded from before the cohort facts builds them for the run (once)
const w0 = performance.now();
const warm = await fetch(`${hub.url}/v1/studies/bench/queries`, {
  method: 'POST',
  headers: { authorization: `Bearer ${researcher}`, 'content-type': 'application/json' },
  body: JSON.stringify(query),
});
if (warm.status !== 201) throw new Error(`warm-up query: HTTP ${warm.status}`);
process.stderr.write(
  `warm-up query (facts of the run built if missing): ${(performance.now() - w0).toFixed(0)} ms\n`,
);
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(values.concurrency) }, (_, i) => researcherLoop(i)));
const wall = (performance.now() - t0) / 1000;
const { peakRssMb } = await hub.stop();
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)] as number;
process.stderr.write(
  `${times.length} queries in ${wall.toFixed(1)} s; median ${pct(0.5).toFixed(0)} ms, p95 ${pct(0.95).toFixed(0)} ms, ` +
    `max ${pct(1).toFixed(0)} ms; ${cells} values per answer, ${suppressed} suppressed; hub peak RSS ${Math.round(peakRssMb)} MB\n`,
);
process.stdout.write(
  `query p95_ms=${pct(0.95).toFixed(0)} concurrency=${values.concurrency}${values.distinct ? ' distinct=1' : ''}\n`,
);
