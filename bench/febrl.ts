/**
 * FEBRL4 linkage benchmark: `npm run bench:febrl [-- --threshold T] [--bands L --bits R]
 * [--exhaustive-limit N]` (5,000 × 5,000 pairs are compared exhaustively unless the limit is lowered, which
 * makes the engine use LSH candidates with L bands of R bits).
 *
 * dataset4a (5,000 originals) and dataset4b (5,000 corrupted duplicates, one per original) go through the
 * unchanged producer tool — 4a as a PE file, 4b as a CNAF file, with constant event columns because FEBRL
 * has no events — under one linkage key; the two extracts are linked by the engine exactly as the hub
 * does (re-keying changes no score), with the threshold chosen automatically unless given. Ground truth
 * comes from the record ids (`rec-1070-org` ↔ `rec-1070-dup-0`) through each producer's record map; it
 * is used only to score the result. FEBRL fields used: given_name, surname, date_of_birth — protocol v3
 * encodes identity fields only (no address, no social-security number), see bench/README.md. Ends with:
 *   febrl4 precision=<p> recall=<r> f1=<f> threshold=<t>
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEFAULT_LINK_CONFIG, linkRecords } from '../src/link/engine.js';
import { DEFAULT_LSH, type LshParams, lshPositions, pairCollides } from '../src/link/lsh.js';
import { evalRecordsOf, qualityAgainstTruth } from '../src/link/metrics.js';

const { values } = parseArgs({
  options: {
    threshold: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-extras': { type: 'boolean', default: false },
    bands: { type: 'string' },
    bits: { type: 'string' },
    'exhaustive-limit': { type: 'string' },
  },
});
const lsh: LshParams = {
  ...DEFAULT_LSH,
  ...(values.bands ? { bands: Number(values.bands) } : {}),
  ...(values.bits ? { bitsPerBand: Number(values.bits) } : {}),
};
const exhaustiveLimit = values['exhaustive-limit'] ?? process.env.LDH_EXHAUSTIVE_LIMIT;
const root = new URL('..', import.meta.url).pathname;
const febrl = join(root, '..', 'shared', 'benchmarks', 'febrl');
const dir = join(root, '.bench-data', 'febrl');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const cli = (...args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** FEBRL CSV (", " separated, CRLF in 4a) → rows of trimmed fields keyed by header. */
function readFebrl(name: string): Record<string, string>[] {
  const lines = readFileSync(join(febrl, name), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = (lines[0] as string).split(',').map((h) => h.trim());
  return lines.slice(1).map((l) => {
    const cells = l.split(',').map((c) => c.trim());
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

/** FEBRL fields encoded as extra CLK fields (protocol v2 §4.1); `--no-extras` leaves them out. */
const EXTRAS = values['no-extras']
  ? []
  : ['street_number', 'address_1', 'address_2', 'suburb', 'postcode', 'state', 'soc_sec_id'];
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
const sources = [
  { file: 'dataset4a.csv', source: 'pe', extra: { reg_start: ['DEBUT', '2020-01-01'] } },
  {
    file: 'dataset4b.csv',
    source: 'cnaf',
    extra: { benefit_month: ['MOIS', '2020-01'], benefit: ['PRESTATION', 'rsa'] },
  },
] as const;

cli('keygen', 'linkage', '--out', join(dir, 'linkage.key'));
for (const s of sources) {
  const rows = readFebrl(s.file);
  const extra = Object.values(s.extra);
  const header = ['rec_id', 'given_name', 'surname', 'date_of_birth', ...EXTRAS, ...extra.map((e) => e[0])];
  const csv = [
    header.join(','),
    ...rows.map((r) =>
      [
        r.rec_id,
        r.given_name,
        r.surname,
        r.date_of_birth,
        ...EXTRAS.map((x) => r[x]),
        ...extra.map((e) => e[1]),
      ]
        .map((v) => q(v ?? ''))
        .join(','),
    ),
  ].join('\n');
  writeFileSync(join(dir, `${s.source}.csv`), `${csv}\n`);
  const mapping = {
    version: 1,
    source: s.source,
    columns: {
      record_id: 'rec_id',
      first_names: 'given_name',
      birth_name: 'surname',
      birth_date: 'date_of_birth',
      ...Object.fromEntries(EXTRAS.map((x) => [`extra/${x}`, x])),
      ...Object.fromEntries(Object.entries(s.extra).map(([k, v]) => [k, v[0]])),
    },
    date_formats: {
      default: 'YYYYMMDD',
      ...(s.source === 'pe' ? { reg_start: 'YYYY-MM-DD' } : { benefit_month: 'YYYY-MM' }),
    },
  };
  writeFileSync(join(dir, `${s.source}.mapping.json`), JSON.stringify(mapping, null, 2));
  cli('keygen', 'producer', '--producer', s.source, '--out', join(dir, 'keys'));
  cli(
    'pseudonymise',
    '--source',
    s.source,
    '--input',
    join(dir, `${s.source}.csv`),
    '--mapping',
    join(dir, `${s.source}.mapping.json`),
    '--linkage-key',
    join(dir, 'linkage.key'),
    '--signing-key',
    join(dir, 'keys', `${s.source}-signing-key.json`),
    '--out',
    join(dir, s.source),
    '--no-progress',
  );
}

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const parts = sources.map(
  (s) =>
    `SELECT '${s.source}' AS source, i.rid, i.nir_class, i.nir_p1 AS nir_p2, i.idkey AS idkey_p2, i.clk, i.birth_year, i.sex,
       regexp_extract(m.record_id, 'rec-([0-9]+)', 1) AS entity
     FROM read_parquet('${join(dir, s.source, 'extract.parquet')}') i
     JOIN read_csv('${join(dir, s.source, 'record-map.csv')}', header = true, all_varchar = true) m ON m.rid::INTEGER = i.rid`,
);
await conn.run(
  `CREATE TABLE records AS SELECT (row_number() OVER (ORDER BY source, rid) - 1)::INTEGER AS rec, * FROM (${parts.join(' UNION ALL ')})`,
);
const threshold = values.threshold === undefined ? null : Number(values.threshold);
await linkOnce('records');
conn.closeSync();
db.closeSync();
if (!values.keep) rmSync(dir, { recursive: true, force: true });

/** One link of `table`, scored against the truth. */
async function linkOnce(table: string): Promise<void> {
  const t0 = performance.now();
  const result = await linkRecords(conn, table, {
    ...DEFAULT_LINK_CONFIG,
    threshold,
    ...(exhaustiveLimit ? { exhaustiveLimit: Number(exhaustiveLimit) } : {}),
    lsh,
  });
  const seconds = (performance.now() - t0) / 1000;
  const entities = (await conn.runAndReadAll(`SELECT entity FROM ${table} ORDER BY rec`))
    .getRows()
    .map((r) => String(r[0]));
  const quality = qualityAgainstTruth(evalRecordsOf(result, entities));
  // pair completeness of LSH over the true pe–cnaf pairs (aggregates only)
  const truePairs = (
    await conn.runAndReadAll(
      `SELECT a.rec, b.rec, a.clk, b.clk FROM ${table} a
       JOIN ${table} b ON a.entity = b.entity AND a.source = 'pe' AND b.source = 'cnaf'`,
    )
  ).getRows();
  const positions = lshPositions(lsh, 1024);
  let byLsh = 0;
  for (const r of truePairs) {
    const clk = (x: unknown) => (x as { bytes: Uint8Array }).bytes;
    if (pairCollides(clk(r[2]), clk(r[3]), positions, lsh)) byLsh++;
  }
  const s = result.summary;
  process.stderr.write(
    `records ${s.records} (${JSON.stringify(s.recordsBySource)}), persons ${s.persons}, links ${JSON.stringify(s.links)}, ` +
      `threshold ${s.threshold.toFixed(3)} (${s.thresholdChosen}), link ${seconds.toFixed(1)} s\n` +
      `pe-cnaf: ${JSON.stringify({ mode: s.pairs['pe-cnaf']?.mode, comparisons: s.pairs['pe-cnaf']?.comparisons, kept: s.pairs['pe-cnaf']?.kept, accepted: s.pairs['pe-cnaf']?.accepted })}\n` +
      `cross-source pairs: tp ${quality.bySourcePair['pe-cnaf']?.tp} fp ${quality.bySourcePair['pe-cnaf']?.fp} fn ${quality.bySourcePair['pe-cnaf']?.fn}\n` +
      `candidates (${s.pairs['pe-cnaf']?.mode}; lsh ${lsh.bands}×${lsh.bitsPerBand}): ${s.pairs['pe-cnaf']?.candidates} pairs, ${s.pairs['pe-cnaf']?.skippedBuckets} skipped buckets; ` +
      `LSH pair completeness over ${truePairs.length} true pairs: ${(byLsh / truePairs.length).toFixed(4)}\n`,
  );
  const f = quality.bySourcePair['pe-cnaf'] ?? quality.overall;
  process.stdout.write(
    `febrl4 precision=${f.precision.toFixed(4)} recall=${f.recall.toFixed(4)} f1=${f.f1.toFixed(4)} threshold=${s.threshold.toFixed(3)}\n`,
  );
}
