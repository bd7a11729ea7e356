/**
 * The extract's Parquet files: DuckDB reads the workers' bucket files (rows-phase.ts) and writes
 * extract.parquet and events.parquet in rid order — an identity's events in input order —, whatever the
 * threads. Buckets are sorted in groups of at most SORT_GROUP_BYTES of part files, so that a sort fits in
 * DuckDB's memory limit however large the extract: when one group holds everything (a million input rows
 * or so), it is sorted straight into the Parquet file; otherwise each group is sorted on its own and
 * appended to a table (insertion order is kept; beyond the memory limit the table spills to the temporary
 * folder), which is then copied to Parquet as is. zstd level 1: most bytes (CLKs, pseudonyms) are random,
 * and higher levels cost CPU without making the files smaller.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ATTRIBUTES, type Source } from '../core/fields.js';
import { sqlString } from '../extract/sql.js';
import { type BucketKind, bucketFile } from './batch-worker.js';
import { eventIntermediate, IDENTITY_INTERMEDIATE } from './row-processor.js';

/** Bytes of part files sorted at once, at most (DuckDB's memory limit is 256 MB: pseudonymise.ts). */
const SORT_GROUP_BYTES = 192 * 2 ** 20;

const PARQUET = 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1';

/** Consecutive bucket ranges [from, to) whose files hold at most `limit` bytes (one bucket at least). */
export function sortGroups(bucketBytes: readonly number[], limit: number): [number, number][] {
  const groups: [number, number][] = [];
  let from = 0;
  let bytes = 0;
  bucketBytes.forEach((b, i) => {
    if (i > from && bytes + b > limit) {
      groups.push([from, i]);
      from = i;
      bytes = 0;
    }
    bytes += b;
  });
  if (bucketBytes.length > 0) groups.push([from, bucketBytes.length]);
  return groups;
}

export interface ParquetRun {
  readonly source: Source;
  /** the folder of the part files, where the Parquet files are written */
  readonly dir: string;
  /** number of part files per bucket (one per worker) */
  readonly parts: number;
  readonly buckets: number;
  /** bytes of part files sorted at once, at most (default SORT_GROUP_BYTES) */
  readonly groupBytes?: number;
  /** called after each file is written (timings) */
  readonly step?: (name: string) => void;
}

export async function writeParquet(conn: DuckDBConnection, run: ParquetRun): Promise<void> {
  const { source, dir: tmp, parts, buckets } = run;
  const files = (kind: BucketKind, from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) =>
      Array.from({ length: parts }, (_, p) => bucketFile(tmp, kind, from + i, p)),
    ).flat();
  const read = (kind: BucketKind, from: number, to: number, cols: readonly string[]) =>
    `read_csv([${files(kind, from, to).map(sqlString).join(', ')}], header=false, auto_detect=false, ` +
    `delim=',', quote='"', escape='"', columns={${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}})`;
  const identities =
    'CAST(rid AS INTEGER) AS rid, nir_class, unhex(nir_p1) AS nir_p1, unhex(idkey) AS idkey, from_base64(clk) AS clk, ' +
    "CASE WHEN coalesce(block_keys, '') = '' THEN []::VARCHAR[] ELSE string_split(block_keys, ' ') END AS block_keys, " +
    'CAST(birth_year AS SMALLINT) AS birth_year, sex';
  const events = [
    'CAST(rid AS INTEGER) AS rid',
    ...ATTRIBUTES[source].map((a) =>
      a.type.kind === 'int' || a.type.kind === 'band' ? `CAST(${a.name} AS INTEGER) AS ${a.name}` : a.name,
    ),
  ].join(', ');
  const tables = [
    {
      table: 'ids',
      kind: 'identities' as const,
      select: identities,
      cols: IDENTITY_INTERMEDIATE,
      order: 'rid', // unique
      file: 'extract.parquet',
    },
    {
      table: 'evs',
      kind: 'events' as const,
      select: events,
      cols: eventIntermediate(source),
      order: 'rid, CAST(row AS INTEGER)', // an identity's events in input order
      file: 'events.parquet',
    },
  ];
  for (const t of tables) {
    const out = sqlString(join(tmp, t.file));
    const bytes = Array.from({ length: buckets }, (_, b) =>
      files(t.kind, b, b + 1).reduce((n, f) => n + statSync(f).size, 0),
    );
    const groups = sortGroups(bytes, run.groupBytes ?? SORT_GROUP_BYTES);
    const sorted = ([from, to]: [number, number]) =>
      `SELECT ${t.select} FROM ${read(t.kind, from, to, t.cols)} ORDER BY ${t.order}`;
    if (groups.length === 1 && groups[0]) {
      await conn.run(`COPY (${sorted(groups[0])}) TO ${out} (${PARQUET})`);
    } else {
      for (const [i, g] of groups.entries()) {
        await conn.run(
          i === 0 ? `CREATE TABLE ${t.table} AS ${sorted(g)}` : `INSERT INTO ${t.table} ${sorted(g)}`,
        );
      }
      await conn.run(`COPY ${t.table} TO ${out} (${PARQUET})`);
      await conn.run(`DROP TABLE ${t.table}`);
    }
    run.step?.(`${t.table} (${groups.length} sort${groups.length > 1 ? 's' : ''})`);
  }
}
