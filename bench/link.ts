/**
 * End-to-end linkage benchmark: `npm run bench:link -- --persons N [--clear]`.
 *
 * Study of candidate generation: `--study [--bands L --bits R] [--exhaustive-limit N] [--threshold T[,T…]]` links the uploaded
 * extracts with the engine in this process instead (the hub's API takes no LSH parameters), on the same
 * snapshot the hub would link, times the engine alone, and prints quality and the LSH pair completeness.
 *
 * Builds dist/ if needed. Once per size (cached under .bench-data/link/): the synthetic population
 * (`ldh-link synth`, seed 1), a hub template (secrets, three pinned producers, tokens) and the three sealed
 * extracts (`pseudonymise --seal-to`). Each run copies the template to a fresh hub, starts the compiled
 * `ldh-link serve` in a child process, uploads the three extracts (not timed), then times the compiled
 * `ldh-link link` process from its start to its exit (run started → persons committed → report saved),
 * stops the hub and scores the persons against the ground truth (record maps + truth/records.csv).
 * `--clear` also runs the clear-text reference linker on the raw files and prints the price of privacy.
 * Ends with:
 *   link records=<identities> seconds=<s> peak_rss_mb=<hub's peak resident set> f1=<overall F1>
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Source } from '../src/core/fields.js';
import { evaluateRun } from '../src/hub/evaluate.js';
import { DEFAULT_LINK_CONFIG, type LinkSummary, linkRecords } from '../src/link/engine.js';
import { DEFAULT_LSH, type LshParams, lshPositions, pairCollides } from '../src/link/lsh.js';
import { evalRecordsOf, qualityAgainstTruth } from '../src/link/metrics.js';
import { buildReport, renderReportHtml } from '../src/link/report.js';
import { mixtureCuts } from '../src/link/threshold.js';
import { ensureDist, PROTOCOL_STAMP } from './dist.js';
import { startHubProcess } from './hub-process.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '100000' },
    clear: { type: 'boolean', default: false },
    study: { type: 'boolean', default: false },
    bands: { type: 'string' },
    bits: { type: 'string' },
    'exhaustive-limit': { type: 'string' },
    threshold: { type: 'string' },
  },
});
const persons = Number(values.persons);
const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.bench-data', 'link', `p${persons}`);
mkdirSync(dir, { recursive: true });
ensureDist(root);
const cli = (...args: string[]) =>
  execFileSync('node', [join(root, 'dist/cli/main.js'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
const PRODUCERS: { source: Source; encoding: string; delimiter: string }[] = [
  { source: 'pe', encoding: 'latin1', delimiter: ';' },
  { source: 'dsn', encoding: 'utf-8', delimiter: ',' },
  { source: 'cnaf', encoding: 'utf-8', delimiter: '|' },
];

const synth = join(dir, 'synth');
if (!existsSync(join(synth, 'truth', 'records.csv'))) {
  process.stderr.write(`generating ${persons} persons → ${synth}\n`);
  cli('synth', '--persons', String(persons), '--seed', '1', '--out', synth, '--force');
}
const template = join(dir, 'hub-template');
const config = join(template, 'hub.json');
// the template holds extracts: remade when the protocol changes
const ready = join(template, 'ready');
if (!existsSync(ready) || readFileSync(ready, 'utf8') !== PROTOCOL_STAMP) {
  rmSync(template, { recursive: true, force: true });
  mkdirSync(template, { recursive: true });
  writeFileSync(
    config,
    JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, duckdb: { memory_limit: '4GB' } }),
  );
  cli('admin', 'init', '--config', config);
  const fp = /fingerprint ([0-9a-f]{64})/.exec(
    cli('keygen', 'linkage', '--out', join(template, 'linkage.key')),
  )?.[1] as string;
  for (const p of PRODUCERS) {
    cli('keygen', 'producer', '--producer', p.source, '--out', join(template, 'keys'));
    cli(
      'admin',
      'producer',
      'add',
      '--config',
      config,
      '--producer',
      p.source,
      '--public-key',
      join(template, 'keys', `${p.source}-public-key.json`),
      '--fingerprint',
      fp,
    );
    writeFileSync(
      join(template, `${p.source}.token`),
      cli('admin', 'token', 'create', '--config', config, '--role', `producer:${p.source}`),
      { mode: 0o600 },
    );
    process.stderr.write(`pseudonymising ${p.source}\n`);
    cli(
      'pseudonymise',
      '--source',
      p.source,
      '--input',
      join(synth, `${p.source}.csv`),
      '--mapping',
      join(synth, `${p.source}.mapping.json`),
      '--encoding',
      p.encoding,
      '--delimiter',
      p.delimiter,
      '--linkage-key',
      join(template, 'linkage.key'),
      '--signing-key',
      join(template, 'keys', `${p.source}-signing-key.json`),
      '--out',
      join(template, 'extracts', p.source),
      '--no-progress',
      '--seal-to',
      join(template, 'secrets', 'hub-seal.pub.json'),
    );
  }
  writeFileSync(
    join(template, 'admin.token'),
    cli('admin', 'token', 'create', '--config', config, '--role', 'admin'),
    { mode: 0o600 },
  );
  writeFileSync(ready, PROTOCOL_STAMP);
}

const run = join(dir, 'run');
rmSync(run, { recursive: true, force: true });
cpSync(template, run, { recursive: true });
const hub = await startHubProcess(root, join(run, 'hub.json'));
const url = hub.url;
for (const p of PRODUCERS) {
  cli(
    'upload',
    join(run, 'extracts', p.source),
    '--hub',
    url,
    '--token-file',
    join(run, `${p.source}.token`),
    '--no-progress',
  );
}
if (values.study) {
  await hub.stop();
  await studyCandidates();
  process.exit(0);
}
const t0 = performance.now();
const linked = spawnSync(
  'node',
  [
    join(root, 'dist/cli/main.js'),
    'link',
    '--hub',
    url,
    '--token-file',
    join(run, 'admin.token'),
    '--report',
    join(run, 'report.html'),
  ],
  { encoding: 'utf8' },
);
const seconds = (performance.now() - t0) / 1000;
const { peakRssMb: rss, stderr: serverErr } = await hub.stop();
if (linked.status !== 0) {
  process.stderr.write(linked.stderr + linked.stdout + serverErr);
  process.exit(1);
}
const runId = /linkage run (\S+) succeeded/.exec(linked.stdout)?.[1] as string;
process.stderr.write(linked.stdout);

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run(`ATTACH '${join(run, 'hub.duckdb')}' AS hub (READ_ONLY)`);
const ev = await evaluateRun(conn, 'hub', runId, {
  recordMaps: Object.fromEntries(
    PRODUCERS.map((p) => [p.source, join(run, 'extracts', p.source, 'record-map.csv')]),
  ),
  truth: join(synth, 'truth', 'records.csv'),
});
const summary = JSON.parse(
  String(
    (
      await conn.runAndReadAll(`SELECT summary FROM hub.linkage_runs WHERE id = '${runId}'`)
    ).getRows()[0]?.[0],
  ),
) as {
  records: number;
  threshold: number;
  seconds: Record<string, number>;
  pairs: Record<string, { mode: string; comparisons: number; candidates: number }>;
};
conn.closeSync();
db.closeSync();
const q = ev.quality;
// the quality report again, with the ground-truth section the hub cannot have
writeFileSync(
  join(run, 'report-with-truth.html'),
  renderReportHtml(
    buildReport(runId, new Date().toISOString(), summary as unknown as LinkSummary, {
      quality: q,
      pairCompleteness: ev.pairCompleteness,
      label: `synthetic population, ${persons} persons, seed 1`,
    }),
  ),
);
const f = (x: number) => x.toFixed(4);
process.stderr.write(
  `threshold ${summary.threshold}; stages ${JSON.stringify(summary.seconds)}\n` +
    `pairs ${JSON.stringify(Object.fromEntries(Object.entries(summary.pairs).map(([k, v]) => [k, `${v.mode} ${v.comparisons}`])))}\n` +
    `F1 overall ${f(q.overall.f1)} (P ${f(q.overall.precision)} R ${f(q.overall.recall)}), without valid NIR ${f(q.withoutValidNir.f1)} ` +
    `(P ${f(q.withoutValidNir.precision)} R ${f(q.withoutValidNir.recall)}), exact ${f(q.byType.exact.f1)}, fuzzy ${f(q.byType.fuzzy.f1)}\n` +
    `by source pair ${JSON.stringify(Object.fromEntries(Object.entries(q.bySourcePair).map(([k, v]) => [k, f(v.f1)])))}\n` +
    `LSH pair completeness ${JSON.stringify(Object.fromEntries(Object.entries(ev.pairCompleteness).map(([k, v]) => [k, f(v)])))}\n` +
    `report ${join(run, 'report.html')} (with ground truth: ${join(run, 'report-with-truth.html')})\n`,
);
if (values.clear) {
  const { clearLink } = await import('../src/link/clear-linker.js');
  const { qualityAgainstTruth } = await import('../src/link/metrics.js');
  const clear = await clearLink(
    PRODUCERS.map((p) => ({
      source: p.source,
      csv: join(synth, `${p.source}.csv`),
      mapping: join(synth, `${p.source}.mapping.json`),
      encoding: p.encoding as 'utf-8' | 'latin1',
      delimiter: p.delimiter,
    })),
  );
  const truth = new Map(
    readFileSync(join(synth, 'truth', 'records.csv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => {
        const [s, r, pid] = l.split(',');
        return [`${s}\u0000${r}`, pid as string];
      }),
  );
  const cq = qualityAgainstTruth(
    clear.records.map((r, i) => ({
      source: r.source,
      person: r.person,
      entity: truth.get(`${r.source}\u0000${r.recordId}`) ?? `unknown-${i}`,
      nir: -1,
      idkey: -1,
      validNir: false,
    })),
  );
  process.stderr.write(
    `clear-text reference: F1 ${f(cq.overall.f1)} (P ${f(cq.overall.precision)} R ${f(cq.overall.recall)}), threshold ${clear.threshold}, ${clear.seconds.toFixed(1)} s\n` +
      `price of privacy: F1(clear) − F1(private) = ${((cq.overall.f1 - q.overall.f1) * 100).toFixed(2)} points\n`,
  );
}
process.stdout.write(
  `link records=${summary.records} seconds=${seconds.toFixed(1)} peak_rss_mb=${Math.round(rss)} f1=${f(q.overall.f1)}\n`,
);

/** `--study`: the engine in this process on the hub's current extracts, scored against the truth. */
async function studyCandidates(): Promise<void> {
  const lsh: LshParams = {
    ...DEFAULT_LSH,
    ...(values.bands ? { bands: Number(values.bands) } : {}),
    ...(values.bits ? { bitsPerBand: Number(values.bits) } : {}),
  };
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`ATTACH '${join(run, 'hub.duckdb')}' AS hub (READ_ONLY)`);
  const maps = PRODUCERS.map(
    (p) =>
      `SELECT '${p.source}' AS source, rid::INTEGER AS rid, record_id FROM read_csv('${join(run, 'extracts', p.source, 'record-map.csv')}', header = true, all_varchar = true)`,
  ).join(' UNION ALL ');
  // the snapshot linkage-runs.ts links, with the true entity beside it (used only to score)
  await conn.run(
    `CREATE TABLE records AS
     SELECT (row_number() OVER (ORDER BY i.source, i.extract_id, i.rid) - 1)::INTEGER AS rec,
            i.source, i.extract_id, i.rid, i.nir_class, i.nir_p2, i.idkey_p2, i.clk, i.birth_year, i.sex, t.person_id AS entity
     FROM hub.identities i JOIN hub.extracts e ON e.id = i.extract_id AND e.status = 'current'
     JOIN (${maps}) m ON m.source = i.source AND m.rid = i.rid
     LEFT JOIN read_csv('${join(synth, 'truth', 'records.csv')}', header = true, all_varchar = true) t
       ON t.source = i.source AND t.record_id = m.record_id`,
  );
  // --threshold a,b,…: one link per value on the same snapshot ('auto': chosen from the scores)
  for (const t of (values.threshold ?? 'auto').split(','))
    await linkOnce(conn, lsh, t === 'auto' ? null : Number(t));
  conn.closeSync();
  db.closeSync();
}

/** One study link of the `records` snapshot. */
async function linkOnce(conn: DuckDBConnection, lsh: LshParams, threshold: number | null): Promise<void> {
  const table = 'records';
  const limit = values['exhaustive-limit'];
  const t0 = performance.now();
  const result = await linkRecords(conn, table, {
    ...DEFAULT_LINK_CONFIG,
    ...(limit ? { exhaustiveLimit: Number(limit) } : {}),
    threshold,
    lsh,
  });
  const seconds = (performance.now() - t0) / 1000;
  const entities = (await conn.runAndReadAll(`SELECT entity FROM ${table} ORDER BY rec`))
    .getRows()
    .map((r, i) => (r[0] === null ? `unknown-${i}` : String(r[0])));
  const q = qualityAgainstTruth(evalRecordsOf(result, entities));
  // pair completeness over the true cross-source pairs the fuzzy stage must find (no shared NIR / key)
  const truePairs = (
    await conn.runAndReadAll(
      `SELECT a.clk, b.clk FROM ${table} a
       JOIN ${table} b ON a.entity = b.entity AND a.source < b.source
       WHERE NOT (a.nir_p2 IS NOT NULL AND a.nir_p2 = b.nir_p2) AND NOT (a.idkey_p2 IS NOT NULL AND a.idkey_p2 = b.idkey_p2)`,
    )
  ).getRows();
  const positions = lshPositions(lsh, 1024);
  let byLsh = 0;
  const clk = (x: unknown) => (x as { bytes: Uint8Array }).bytes;
  for (const r of truePairs) {
    if (pairCollides(clk(r[0]), clk(r[1]), positions, lsh)) byLsh++;
  }
  const s = result.summary;
  const f = (x: number) => x.toFixed(4);
  let candidates = 0;
  for (const p of Object.values(s.pairs)) if (p.mode !== 'exhaustive') candidates += p.candidates;
  const pooled = (k: 'bestHistogram' | 'runnerUpHistogram') => {
    const h = new Float64Array(100);
    for (const [key, p] of Object.entries(s.pairs)) {
      const [x, y] = key.split('-');
      if (x !== y) for (let i = 0; i < h.length; i++) h[i] = (h[i] as number) + (p[k][i] ?? 0);
    }
    return h;
  };
  const cuts = mixtureCuts(pooled('bestHistogram'), pooled('runnerUpHistogram'), s.config.floor);
  process.stderr.write(
    `threshold ${s.threshold} (${s.thresholdChosen}; model cuts ${JSON.stringify(cuts)}); engine stages ${JSON.stringify(s.seconds)}\n` +
      `pairs ${JSON.stringify(Object.fromEntries(Object.entries(s.pairs).map(([k, v]) => [k, `${v.mode} ${v.candidates} skipped ${v.skippedBuckets}${v.capped ? ' capped' : ''}`])))}\n` +
      `F1 overall ${f(q.overall.f1)} (P ${f(q.overall.precision)} R ${f(q.overall.recall)}), without valid NIR ${f(q.withoutValidNir.f1)} ` +
      `(P ${f(q.withoutValidNir.precision)} R ${f(q.withoutValidNir.recall)}), fuzzy ${f(q.byType.fuzzy.f1)}\n` +
      `LSH ${lsh.bands}×${lsh.bitsPerBand} pair completeness over ${truePairs.length} fuzzy true pairs: ${f(byLsh / truePairs.length)}\n`,
  );
  process.stdout.write(
    `link_study bands=${lsh.bands} bits=${lsh.bitsPerBand} records=${s.records} engine_seconds=${seconds.toFixed(1)} ` +
      `candidates=${candidates} f1=${f(q.overall.f1)} f1_no_nir=${f(q.withoutValidNir.f1)}\n`,
  );
}
