/**
 * Scoring a linkage run against ground truth — for synthetic data and benchmarks only: it needs each
 * producer's record map (rid → record id, which never leaves the producer) and the truth file
 * (source, record_id → person_id), which no real deployment has. Reads the hub's database read-only
 * (`run_persons`, `identities`) and returns pairwise quality (src/link/metrics.ts) and the pair
 * completeness of the LSH candidates: among true cross-source pairs that share neither a NIR pseudonym
 * nor an identity key (those the fuzzy stage must find), the share whose CLKs collide in at least one LSH
 * band (src/link/lsh.ts `pairCollides`, the run's LSH parameters; bucket caps not applied).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SOURCES, type Source } from '../core/fields.js';
import { sqlString } from '../extract/sql.js';
import { DEFAULT_LSH, type LshParams, lshPositions, pairCollides } from '../link/lsh.js';
import { type EvalRecord, type QualityAgainstTruth, qualityAgainstTruth } from '../link/metrics.js';

export interface TruthFiles {
  /** per source, the producer's record-map.csv of the extract that was linked */
  readonly recordMaps: Partial<Record<Source, string>>;
  /** truth/records.csv: source, record_id, person_id */
  readonly truth: string;
}

export interface Evaluation {
  readonly quality: QualityAgainstTruth;
  readonly pairCompleteness: Record<string, number>;
  readonly unmatchedRecords: number;
}

/** `db` is the attached hub database's alias (e.g. `hub`, or `main` when opened directly). */
export async function evaluateRun(
  conn: DuckDBConnection,
  db: string,
  runId: string,
  files: TruthFiles,
  lsh: LshParams = DEFAULT_LSH,
): Promise<Evaluation> {
  const maps = Object.entries(files.recordMaps).map(
    ([s, path]) =>
      `SELECT '${s}' AS source, rid::INTEGER AS rid, record_id FROM read_csv(${sqlString(path as string)}, header = true, all_varchar = true)`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE eval_records AS
     SELECT p.source, p.person, t.person_id AS entity, i.nir_class = 'certified' AS valid_nir,
            CASE WHEN i.nir_p2 IS NULL THEN -1 ELSE dense_rank() OVER (PARTITION BY i.nir_p2 IS NULL ORDER BY i.nir_p2) END AS nir,
            CASE WHEN i.idkey_p2 IS NULL THEN -1 ELSE dense_rank() OVER (PARTITION BY i.idkey_p2 IS NULL ORDER BY i.idkey_p2) END AS idkey,
            i.clk
     FROM ${db}.run_persons p
     JOIN ${db}.identities i ON i.extract_id = p.extract_id AND i.rid = p.rid
     JOIN (${maps.join(' UNION ALL ')}) m ON m.source = p.source AND m.rid = p.rid
     LEFT JOIN read_csv(${sqlString(files.truth)}, header = true, all_varchar = true) t
       ON t.source = p.source AND t.record_id = m.record_id
     WHERE p.run_id = ${sqlString(runId)}`,
  );
  const rows = (
    await conn.runAndReadAll('SELECT source, person, entity, nir, idkey, valid_nir FROM eval_records')
  ).getRows();
  let unmatched = 0;
  const records: EvalRecord[] = rows.map((r, i) => {
    if (r[2] === null) unmatched++;
    return {
      source: String(r[0]) as Source,
      person: Number(r[1]),
      entity: r[2] === null ? `unknown-${i}` : String(r[2]),
      nir: Number(r[3]),
      idkey: Number(r[4]),
      validNir: r[5] === true,
    };
  });
  const pc = await conn.runAndReadAll(
    `SELECT a.source || '-' || b.source AS pair, a.clk, b.clk
     FROM eval_records a JOIN eval_records b ON a.entity = b.entity AND a.source < b.source
     WHERE NOT (a.nir >= 0 AND a.nir = b.nir) AND NOT (a.idkey >= 0 AND a.idkey = b.idkey)`,
  );
  const order = (k: string) => {
    const [x, y] = k.split('-') as [Source, Source];
    return SOURCES.indexOf(x) <= SOURCES.indexOf(y) ? k : `${y}-${x}`;
  };
  const tally = new Map<string, { pairs: number; hits: number }>();
  let positions: Uint16Array | null = null;
  for (const r of pc.getRows()) {
    const a = (r[1] as { bytes: Uint8Array }).bytes;
    const b = (r[2] as { bytes: Uint8Array }).bytes;
    positions ??= lshPositions(lsh, a.length * 8);
    const t = tally.get(order(String(r[0]))) ?? { pairs: 0, hits: 0 };
    t.pairs++;
    if (pairCollides(a, b, positions, lsh)) t.hits++;
    tally.set(order(String(r[0])), t);
  }
  const pairCompleteness = Object.fromEntries([...tally].map(([k, t]) => [k, t.hits / t.pairs]));
  await conn.run('DROP TABLE IF EXISTS eval_records');
  return { quality: qualityAgainstTruth(records), pairCompleteness, unmatchedRecords: unmatched };
}
