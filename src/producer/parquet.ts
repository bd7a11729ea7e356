/**
 * The extract's two Parquet files, written by all the threads at once (bucket-parquet.ts): the main
 * thread creates each file with its magic bytes and a shared counter of its end (`createShared`); the
 * threads write each bucket's row groups where the counter puts them; once every bucket is written, the
 * main thread appends the footer, which lists the row groups in bucket order — rid order, an identity's
 * events in input order — whatever their place in the file (`finishShared`).
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Source } from '../core/fields.js';
import { sha256File } from '../extract/sha256-file.js';
import { type ColumnDef, fileFooter, MAGIC } from '../parquet/writer.js';
import { eventParquet, IDENTITY_PARQUET, type PlacedRowGroup, type SharedParquet } from './bucket-parquet.js';

/** The extract's files, by kind. */
export const PARQUET_FILES = { identities: 'extract.parquet', events: 'events.parquet' } as const;

/** Creates `file` (refused if it exists) holding the magic bytes, to be written by the threads. */
export async function createShared(file: string): Promise<SharedParquet> {
  const f = await open(file, 'wx', 0o600);
  try {
    await f.write(MAGIC);
  } finally {
    await f.close();
  }
  const end = new SharedArrayBuffer(8);
  new BigInt64Array(end)[0] = BigInt(MAGIC.length);
  return { file, end };
}

/**
 * Ends a file the threads have written: the footer at its end, listing `groups` (per bucket, in bucket
 * order).
 */
export async function finishShared(
  target: SharedParquet,
  defs: readonly ColumnDef[],
  groups: readonly (readonly PlacedRowGroup[])[],
  createdBy: string,
): Promise<void> {
  const all = groups.flat();
  const footer = fileFooter(
    defs,
    all,
    all.map((g) => g.offset),
    createdBy,
  );
  const f = await open(target.file, 'r+');
  try {
    const end = Number(Atomics.load(new BigInt64Array(target.end), 0));
    const { bytesWritten } = await f.write(footer, 0, footer.length, end);
    if (bytesWritten !== footer.length) throw new Error('a short write of a Parquet footer');
  } finally {
    await f.close();
  }
}

export interface ParquetRun {
  readonly source: Source;
  /** the folder of the extract's files */
  readonly dir: string;
  readonly targets: { readonly identities: SharedParquet; readonly events: SharedParquet };
  /** per kind, each bucket's row groups, once the threads have written them */
  readonly identities: Promise<readonly (readonly PlacedRowGroup[])[]>;
  readonly events: Promise<readonly (readonly PlacedRowGroup[])[]>;
  /** the footers' created_by */
  readonly createdBy: string;
  /** called after each file is finished (timings) */
  readonly step?: (name: string) => void;
}

/** A finished file's SHA-256 (hex) and size, for the manifest. */
export type FileDigest = { sha256: string; bytes: number };

/**
 * Finishes extract.parquet and events.parquet, each as soon as its row groups are written, and hashes it
 * then: the identities' file while the threads still sort the events.
 */
export async function writeParquet(run: ParquetRun): Promise<{ identities: FileDigest; events: FileDigest }> {
  const ids = run.identities.then(async (groups) => {
    await finishShared(run.targets.identities, IDENTITY_PARQUET, groups, run.createdBy);
    run.step?.('ids');
    return sha256File(run.targets.identities.file);
  });
  const evs = run.events.then(async (groups) => {
    await finishShared(run.targets.events, eventParquet(run.source), groups, run.createdBy);
    run.step?.('evs');
    return sha256File(run.targets.events.file);
  });
  // both settle before a failure is passed on: nothing is left writing in the folder
  const [a, b] = await Promise.allSettled([ids, evs]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return { identities: a.value, events: b.value };
}

/** The two shared files of an extract in `dir`, created. */
export async function createExtractFiles(dir: string): Promise<ParquetRun['targets']> {
  return {
    identities: await createShared(join(dir, PARQUET_FILES.identities)),
    events: await createShared(join(dir, PARQUET_FILES.events)),
  };
}
