/**
 * The extract's Parquet row groups, written by the worker threads: each sorts a rid bucket's part files
 * (intermediate.ts, bucket-sort.ts) and writes their rows as row groups into the bucket's row-group file
 * of that kind, returning their metadata; the main thread then puts the files together in bucket order
 * (parquet.ts). No intermediate is written again and DuckDB is not involved.
 * - Identities: the CLKs and pseudonyms go from the records to the pages as bytes, PLAIN and
 *   uncompressed — nearly all of them are random bytes, which LZ4 only made 1 % smaller —, the NIR class
 *   and sex as dictionaries.
 * - Events: every attribute as a dictionary (codes, months, bands repeat), built from the records' codes
 *   (attribute-codes.ts), the pages compressed with gzip level 1.
 */
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { eventColumns, IDENTITY_COLUMNS } from '../core/extract-schema.js';
import { ATTRIBUTES, type Source } from '../core/fields.js';
import { NIR_CLASSES } from '../core/nir.js';
import {
  type Codec,
  type ColumnBuilder,
  type ColumnDef,
  type ColumnType,
  RowGroupBuilder,
  type RowGroupMeta,
} from '../parquet/writer.js';
import { attributeCodes, NULL_CODE } from './attribute-codes.js';
import { type BucketKind, bucketFile } from './batch-worker.js';
import { readAll, sortEventRecords, sortIdentityRecords } from './bucket-sort.js';
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
/** Rows per events row group, at most: the dictionaries and the compression work better on more rows. */
const EVENT_GROUP_ROWS = 65_536;

/** The events' Parquet columns: eventColumns(source), with how each is written. */
export function eventParquet(source: Source): ColumnDef[] {
  return eventColumns(source).map((c) => ({
    name: c.name,
    type: c.type as ColumnType,
    required: c.name === 'rid',
    dictionary: c.name !== 'rid',
  }));
}

/** The events' pages: gzip level 1 (RFC 1952), CompressionCodec GZIP. */
export const EVENT_CODEC: Codec = {
  id: 2,
  compress: (body) =>
    gzipSync(body.length === 1 ? (body[0] as Uint8Array) : Buffer.concat(body), { level: 1 }),
};

/**
 * A Parquet file that the threads write at once (parquet.ts): each row group goes where the shared
 * counter of the file's end puts it, taken atomically, so that no thread waits for another and nothing is
 * copied afterwards. Row groups thus lie in the file in the order they were finished; the footer lists
 * them in bucket order, which is the order readers return rows in.
 */
export interface SharedParquet {
  readonly file: string;
  /** a BigInt64Array of one element: the file's end, where the next row group goes */
  readonly end: SharedArrayBuffer;
}

/** A row group's metadata and where it was written in its file. */
export interface PlacedRowGroup extends RowGroupMeta {
  readonly offset: number;
}

/** Writes the row group `b` holds into `target` at the end it takes; its metadata. */
function writeGroup(fd: number, end: BigInt64Array, b: RowGroupBuilder): PlacedRowGroup {
  const { pieces, meta } = b.finish();
  let at = Number(Atomics.add(end, 0, BigInt(meta.size)));
  const offset = at;
  for (const p of pieces) {
    for (let off = 0; off < p.length; ) {
      const n = writeSync(fd, p, off, p.length - off, at);
      off += n;
      at += n;
    }
  }
  return { ...meta, offset };
}

/** Runs `write` with the target file open for positioned writes. */
function intoShared<T>(target: SharedParquet, write: (fd: number, end: BigInt64Array) => T): T {
  const fd = openSync(target.file, 'r+');
  try {
    return write(fd, new BigInt64Array(target.end));
  } finally {
    closeSync(fd);
  }
}

const ASCII = new TextEncoder();
const CLASS_BYTES = NIR_CLASSES.map((c) => ASCII.encode(c));
const SEX_BYTES = [ASCII.encode('1'), ASCII.encode('2')];

/** One builder per thread and kind, its buffers kept from one row group to the next. */
let identityBuilder: RowGroupBuilder | null = null;
let eventWriter: {
  source: Source;
  builder: RowGroupBuilder;
  decoders: readonly ((code: number) => string | number)[];
} | null = null;

/**
 * Writes `n` sorted rows into row groups of `target` through `b`, cut into equal groups of at most
 * `maxRows`: `row(k)` appends the k-th row to `b`'s columns. The groups' metadata and places.
 */
function writeRows(
  target: SharedParquet,
  b: RowGroupBuilder,
  n: number,
  maxRows: number,
  row: (k: number) => void,
): PlacedRowGroup[] {
  const groups = Math.ceil(n / maxRows);
  const metas: PlacedRowGroup[] = [];
  intoShared(target, (fd, end) => {
    for (let g = 0, k = 0; g < groups; g++) {
      b.reset();
      for (const stop = Math.round(((g + 1) * n) / groups); k < stop; k++) row(k);
      metas.push(writeGroup(fd, end, b));
    }
  });
  return metas;
}

/** Runs `write` on the bytes of one bucket's part files of a kind (valid during the call), then removes them. */
function fromParts<T>(
  dir: string,
  kind: BucketKind,
  bucket: number,
  parts: number,
  write: (data: Buffer) => T,
): T {
  const files = Array.from({ length: parts }, (_, p) => bucketFile(dir, kind, bucket, p));
  const result = write(readAll(files));
  for (const f of files) unlinkSync(f);
  return result;
}

/**
 * Sorts the identity records of one bucket's part files by rid into row groups of `target`, and removes
 * the part files; the row groups' metadata and places.
 */
export function writeIdentityBucket(
  dir: string,
  bucket: number,
  parts: number,
  recordBytes: number,
  target: SharedParquet,
): PlacedRowGroup[] {
  return fromParts(dir, 'identities', bucket, parts, (data) => identityGroups(data, recordBytes, target));
}

function identityGroups(data: Buffer, recordBytes: number, target: SharedParquet): PlacedRowGroup[] {
  const order = sortIdentityRecords(data, recordBytes);
  const n = data.length / recordBytes;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  identityBuilder ??= new RowGroupBuilder(IDENTITY_PARQUET);
  const b = identityBuilder;
  const [rid, nirClass, nir, idkey, clk, birthYear, sex] = b.columns;
  if (!(rid && nirClass && nir && idkey && clk && birthYear && sex)) throw new Error('IDENTITY_PARQUET');
  return writeRows(target, b, n, ROW_GROUP_ROWS, (k) => {
    const at = (order[k] as number) * recordBytes;
    const flags = data[at + R.flags] as number;
    rid.int(view.getUint32(at + R.rid, true));
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
  });
}

/**
 * Sorts the event records of one bucket's part files (by rid, then input row) into row groups of
 * `target`, and removes the part files; the row groups' metadata and places. Each attribute's codes
 * become values once per distinct code and row group (attribute-codes.ts).
 */
export function writeEventBucket(
  dir: string,
  source: Source,
  bucket: number,
  parts: number,
  target: SharedParquet,
): PlacedRowGroup[] {
  return fromParts(dir, 'events', bucket, parts, (data) => eventGroups(data, source, target));
}

function eventGroups(data: Buffer, source: Source, target: SharedParquet): PlacedRowGroup[] {
  if (data.byteOffset % 4 !== 0 || data.length % 4 !== 0) throw new RangeError('a truncated event record');
  const records = new Int32Array(data.buffer, data.byteOffset, data.length / 4);
  if (eventWriter?.source !== source) {
    const codes = attributeCodes(ATTRIBUTES[source]);
    eventWriter = {
      source,
      builder: new RowGroupBuilder(eventParquet(source), EVENT_CODEC),
      decoders: codes.map((c) => c.decode),
    };
  }
  const { builder: b, decoders } = eventWriter;
  const words = 2 + decoders.length;
  const order = sortEventRecords(records, words);
  const n = records.length / words;
  const [rid, ...attributes] = b.columns;
  if (rid === undefined) throw new Error('eventParquet');
  return writeRows(target, b, n, EVENT_GROUP_ROWS, (k) => {
    const at = (order[k] as number) * words;
    rid.int(records[at] as number);
    for (let c = 0; c < attributes.length; c++) {
      const code = records[at + 2 + c] as number;
      const col = attributes[c] as ColumnBuilder;
      if (code === NULL_CODE) col.null();
      else col.coded(code, decoders[c] as (code: number) => string | number);
    }
  });
}
