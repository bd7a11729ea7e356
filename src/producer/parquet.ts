/**
 * The extract's Parquet files: DuckDB reads the sorted bucket files of the rows phase (bucket-sort.ts) in
 * bucket order and writes extract.parquet and events.parquet in rid order — an identity's events in input
 * order —, whatever the threads. The buckets are already sorted, so DuckDB streams them (its insertion
 * order is kept) with no sort, and its memory does not grow with the extract. Compression, measured at
 * 1 M rows (bench/README.md, Producer tool): the identities' bytes are nearly all random (CLKs,
 * pseudonyms), so they are written with LZ4 and no dictionary pages — zstd level 1 made the file 5 %
 * smaller for a third more time, dictionaries nothing smaller —, in row groups of 16,384 rows, which
 * halved the time of DuckDB's default (122,880: about 28 MB of row group to fill, on a machine where
 * fresh memory is slow); the events' codes and months repeat, so they are written with zstd level 1 and
 * dictionary pages, smaller (4.9 against 7.6 MB) and faster, row groups making no difference there.
 */
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ATTRIBUTES, type Source } from '../core/fields.js';
import { sqlString } from '../extract/sql.js';
import type { BucketKind } from './batch-worker.js';
import { sortedBucketFile } from './bucket-sort.js';
import { eventIntermediate, IDENTITY_INTERMEDIATE } from './intermediate.js';

const PARQUET = {
  identities:
    'FORMAT parquet, COMPRESSION lz4_raw, STRING_DICTIONARY_PAGE_SIZE_LIMIT 1, ROW_GROUP_SIZE 16384',
  events: 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1',
} as const;

export interface ParquetRun {
  readonly source: Source;
  /** the folder of the sorted bucket files, where the Parquet files are written */
  readonly dir: string;
  readonly buckets: number;
  /** resolves when the sorted bucket files of a kind are written (default: they are) */
  readonly sorted?: (kind: BucketKind) => Promise<void>;
  /** called after each file is written (timings) */
  readonly step?: (name: string) => void;
}

export async function writeParquet(conn: DuckDBConnection, run: ParquetRun): Promise<void> {
  const { source, dir: tmp, buckets } = run;
  const read = (kind: BucketKind, cols: readonly string[]) =>
    `read_csv([${Array.from({ length: buckets }, (_, b) => sqlString(sortedBucketFile(tmp, kind, b))).join(', ')}], ` +
    'header=false, auto_detect=false, ' +
    `delim=',', quote='"', escape='"', columns={${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}})`;
  const identities =
    'CAST(rid AS INTEGER) AS rid, nir_class, from_base64(nir_p1) AS nir_p1, from_base64(idkey) AS idkey, from_base64(clk) AS clk, ' +
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
      file: 'extract.parquet',
    },
    {
      table: 'evs',
      kind: 'events' as const,
      select: events,
      cols: eventIntermediate(source),
      file: 'events.parquet',
    },
  ];
  for (const t of tables) {
    await run.sorted?.(t.kind);
    const out = sqlString(join(tmp, t.file));
    await conn.run(`COPY (SELECT ${t.select} FROM ${read(t.kind, t.cols)}) TO ${out} (${PARQUET[t.kind]})`);
    run.step?.(t.table);
  }
}
