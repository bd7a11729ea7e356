/**
 * extract.parquet, written by the worker threads themselves: each sorts the identity records of a rid
 * bucket (intermediate.ts; a radix sort on the rid, bucket-sort.ts) and writes them as Parquet row groups
 * into the bucket's row-group file, returning their metadata; the main thread then puts the files
 * together in bucket order, behind the magic bytes, and writes the footer (`assembleIdentities`). No CSV
 * is written or parsed, and DuckDB is not involved: the CLKs and pseudonyms go from the records to the
 * pages as bytes. The values are PLAIN and uncompressed — nearly all of them are random bytes, which LZ4
 * only made 5 % smaller —, the NIR class and sex as dictionaries.
 */
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { IDENTITY_COLUMNS } from '../core/extract-schema.js';
import { NIR_CLASSES } from '../core/nir.js';
import { RID_BITS } from '../core/rid.js';
import {
  type ColumnDef,
  type ColumnType,
  fileFooter,
  MAGIC,
  RowGroupBuilder,
  type RowGroupMeta,
} from '../parquet/writer.js';
import { bucketFile } from './batch-worker.js';
import { orderByRid, readAll } from './bucket-sort.js';
import { FLAG, IDENTITY_RECORD as R } from './intermediate.js';

/** The identities' Parquet columns: IDENTITY_COLUMNS, with how each is written. */
export const IDENTITY_PARQUET: readonly ColumnDef[] = IDENTITY_COLUMNS.map((c) => ({
  name: c.name,
  type: c.type as ColumnType,
  required: c.name === 'rid' || c.name === 'nir_class' || c.name === 'clk',
  dictionary: c.name === 'nir_class' || c.name === 'sex',
}));

/**
 * Rows per row group, at most: a bucket's identities are cut into equal row groups below this. A large row
 * group is more fresh memory to fill, which is slow on the machines measured (bench/README.md).
 */
const ROW_GROUP_ROWS = 16_384;

/** The row-group file of one bucket. */
export const rowGroupFile = (dir: string, bucket: number): string =>
  join(dir, `identities-b${String(bucket).padStart(3, '0')}.rg`);

const ASCII = new TextEncoder();
const CLASS_BYTES = NIR_CLASSES.map((c) => ASCII.encode(c));
const SEX_BYTES = [ASCII.encode('1'), ASCII.encode('2')];

/** One builder per thread, its buffers kept from one row group to the next. */
let builder: RowGroupBuilder | null = null;
let rids = new Uint32Array(0);

/**
 * Sorts the identity records of one bucket's part files by rid into the bucket's row-group file, and
 * removes the part files; the row groups' metadata, offsets from the start of the file.
 */
export function sortIdentityBucket(
  dir: string,
  bucket: number,
  parts: number,
  recordBytes: number,
): RowGroupMeta[] {
  const files = Array.from({ length: parts }, (_, p) => bucketFile(dir, 'identities', bucket, p));
  const data = readAll(files);
  if (data.length % recordBytes !== 0) throw new RangeError('a truncated identity record');
  const n = data.length / recordBytes;
  if (rids.length < n) rids = new Uint32Array(Math.max(n, 2 * rids.length));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let k = 0; k < n; k++) {
    const rid = view.getUint32(k * recordBytes, true);
    if (rid >= 2 ** RID_BITS) throw new RangeError('a rid out of range');
    rids[k] = rid;
  }
  const order = orderByRid(rids, n);
  builder ??= new RowGroupBuilder(IDENTITY_PARQUET);
  const b = builder;
  const [rid, nirClass, nir, idkey, clk, birthYear, sex] = b.columns;
  if (!(rid && nirClass && nir && idkey && clk && birthYear && sex)) throw new Error('IDENTITY_PARQUET');
  const groups = Math.ceil(n / ROW_GROUP_ROWS);
  const metas: RowGroupMeta[] = [];
  const fd = openSync(rowGroupFile(dir, bucket), 'wx', 0o600);
  try {
    for (let g = 0, k = 0; g < groups; g++) {
      b.reset();
      for (const end = Math.round(((g + 1) * n) / groups); k < end; k++) {
        const at = (order[k] as number) * recordBytes;
        const flags = data[at + R.flags] as number;
        rid.int(rids[order[k] as number] as number);
        nirClass.bytes(CLASS_BYTES[data[at + R.nirClass] as number] as Uint8Array);
        if (flags & FLAG.nir) nir.bytes(data, at + R.nir, at + R.nir + 32);
        else nir.null();
        if (flags & FLAG.idkey) idkey.bytes(data, at + R.idkey, at + R.idkey + 32);
        else idkey.null();
        clk.bytes(data, at + R.clk, at + recordBytes);
        if (flags & FLAG.birthYear) birthYear.int(view.getUint16(at + R.birthYear, true));
        else birthYear.null();
        if (flags & FLAG.sex) sex.bytes(SEX_BYTES[(data[at + R.sex] as number) - 0x31] as Uint8Array);
        else sex.null();
      }
      const { pieces, meta } = b.finish();
      for (const p of pieces) for (let off = 0; off < p.length; ) off += writeSync(fd, p, off);
      metas.push(meta);
    }
  } finally {
    closeSync(fd);
  }
  for (const f of files) unlinkSync(f);
  return metas;
}

/**
 * Writes `out` from the buckets' row-group files, in bucket order, and removes them: the magic bytes,
 * the row groups, the footer. `groups[b]` is what `sortIdentityBucket` returned for bucket b.
 */
export async function assembleIdentities(
  dir: string,
  groups: readonly (readonly RowGroupMeta[])[],
  out: string,
  createdBy: string,
): Promise<void> {
  const file = await open(out, 'wx', 0o600);
  try {
    await file.write(MAGIC);
    let at = MAGIC.length;
    const metas: RowGroupMeta[] = [];
    const offsets: number[] = [];
    for (const [bucket, bucketGroups] of groups.entries()) {
      const bytes = await readFile(rowGroupFile(dir, bucket));
      let within = 0;
      for (const g of bucketGroups) {
        metas.push(g);
        offsets.push(at + within);
        within += g.size;
      }
      if (within !== bytes.length) throw new Error('a row-group file of the wrong size');
      await file.write(bytes);
      at += bytes.length;
      await rm(rowGroupFile(dir, bucket));
    }
    await file.write(fileFooter(IDENTITY_PARQUET, metas, offsets, createdBy));
  } finally {
    await file.close();
  }
}
