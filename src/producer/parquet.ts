/**
 * The extract's Parquet files, from the threads' sorted buckets: extract.parquet is put together from the
 * row groups the threads wrote (identity-parquet.ts), events.parquet is streamed by DuckDB from the
 * sorted event files (bucket-sort.ts) in bucket order — rid order, an identity's events in input order.
 * The buckets are already sorted, so DuckDB streams them (its insertion order is kept) with no sort, and
 * its memory does not grow with the extract. The events' codes and months repeat: zstd level 1 and
 * dictionary pages make them small (4.9 against 7.6 MB at 1 M rows: bench/README.md, Producer tool).
 */
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ATTRIBUTES, type Source } from '../core/fields.js';
import { sqlString } from '../extract/sql.js';
import type { RowGroupMeta } from '../parquet/writer.js';
import { sortedEventFile } from './bucket-sort.js';
import { assembleIdentities } from './identity-parquet.js';
import { eventIntermediate } from './intermediate.js';

const EVENTS_PARQUET = 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1';

export interface ParquetRun {
  readonly source: Source;
  /** the folder of the sorted buckets, where the Parquet files are written */
  readonly dir: string;
  readonly buckets: number;
  /** the identities' row groups per bucket, once the threads have written them */
  readonly identities: Promise<readonly (readonly RowGroupMeta[])[]>;
  /** resolves when the sorted event files are written */
  readonly events: Promise<unknown>;
  /** the footer's created_by */
  readonly createdBy: string;
  /** called after each file is written (timings) */
  readonly step?: (name: string) => void;
}

/** Writes extract.parquet and events.parquet in `run.dir`, the first while the events are sorted. */
export async function writeParquet(conn: () => Promise<DuckDBConnection>, run: ParquetRun): Promise<void> {
  const { dir } = run;
  const identities = run.identities.then(async (groups) => {
    await assembleIdentities(dir, groups, join(dir, 'extract.parquet'), run.createdBy);
    run.step?.('ids');
  });
  const events = run.events.then(async () => {
    await writeEvents(await conn(), run);
    run.step?.('evs');
  });
  // both settle before a failure is passed on: nothing is left writing in the folder
  const [a, b] = await Promise.allSettled([identities, events]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
}

async function writeEvents(conn: DuckDBConnection, run: ParquetRun): Promise<void> {
  const { source, dir, buckets } = run;
  const files = Array.from({ length: buckets }, (_, b) => sqlString(sortedEventFile(dir, b)));
  const cols = eventIntermediate(source);
  const read =
    `read_csv([${files.join(', ')}], header=false, auto_detect=false, ` +
    `delim=',', quote='"', escape='"', columns={${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}})`;
  const select = [
    'CAST(rid AS INTEGER) AS rid',
    ...ATTRIBUTES[source].map((a) =>
      a.type.kind === 'int' || a.type.kind === 'band' ? `CAST(${a.name} AS INTEGER) AS ${a.name}` : a.name,
    ),
  ].join(', ');
  const out = sqlString(join(dir, 'events.parquet'));
  await conn.run(`COPY (SELECT ${select} FROM ${read}) TO ${out} (${EVENTS_PARQUET})`);
}
