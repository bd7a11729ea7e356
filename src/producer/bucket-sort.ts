/**
 * The last step of the rows phase, in the worker threads: each rid bucket's part files (one per worker,
 * batch-worker.ts) are merged into one file in extract order — by rid, and an identity's events by input
 * row —, so that DuckDB only streams the sorted buckets, in bucket order, into Parquet (parquet.ts) with
 * no sort of its own. A bucket holds a bounded number of rows (`ridBuckets`), so the memory a sort takes
 * does not grow with the input; the buckets of a run are shared out between the threads.
 */
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RID_BITS } from '../core/rid.js';
import { type BucketKind, bucketFile } from './batch-worker.js';

/** The sorted file of one bucket. */
export const sortedBucketFile = (dir: string, kind: BucketKind, bucket: number): string =>
  join(dir, `${kind}-b${String(bucket).padStart(3, '0')}.csv`);

const LF = 0x0a;
const COMMA = 0x2c;
/** Lines of a bucket are numbered in INDEX_BITS bits below the rid in a sort key (< 2^53, exact). */
const INDEX_BITS = 53 - RID_BITS;

/** The unsigned decimal integer at data[at…] up to the next comma; its end in `end.at`. */
function readInt(data: Uint8Array, at: number, end: { at: number }): number {
  let x = 0;
  let i = at;
  for (let c = data[i] as number; c !== COMMA && c !== LF; c = data[++i] as number) x = x * 10 + (c - 48);
  end.at = i;
  return x;
}

/**
 * Buffers and arrays kept from one bucket to the next, grown as needed: touching fresh memory costs more
 * than sorting (the first buckets of a thread took 2–4 times as long as the others while these were
 * allocated per bucket).
 */
let input = Buffer.alloc(0);
let output = Buffer.alloc(0);
let lineStarts = new Int32Array(0);
let sortKeys = new Float64Array(0);
let lineRows = new Float64Array(0);
let lineOrder = new Uint32Array(0);

/** The scratch arrays for `lines` lines (and one more line start), grown to at least twice their size. */
function scratch(lines: number): void {
  if (lineStarts.length > lines) return;
  const n = Math.max(lines + 1, 2 * lineStarts.length);
  lineStarts = new Int32Array(n);
  sortKeys = new Float64Array(n);
  lineRows = new Float64Array(n);
  lineOrder = new Uint32Array(n);
}

/** Reads the files one after another into `input` (grown as needed); the bytes read. */
function readAll(files: readonly string[]): Buffer {
  const fds = files.map((f) => openSync(f, 'r'));
  try {
    const size = fds.reduce((n, fd) => n + fstatSync(fd).size, 0);
    if (input.length < size) {
      input = Buffer.allocUnsafeSlow(Math.max(size, 2 * input.length));
      output = Buffer.allocUnsafeSlow(input.length);
    }
    let at = 0;
    for (const fd of fds) {
      for (
        let n = readSync(fd, input, at, size - at, null);
        n > 0;
        n = readSync(fd, input, at, size - at, null)
      )
        at += n;
    }
    return input.subarray(0, at);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/**
 * Merges the part files of one bucket into its sorted file and removes them. Lines start with
 * `rid,` (identity lines: one per rid) or `rid,row,` (event lines: ordered by rid, then row).
 */
export function sortBucket(dir: string, kind: BucketKind, bucket: number, parts: number): void {
  const files = Array.from({ length: parts }, (_, p) => bucketFile(dir, kind, bucket, p));
  const data = readAll(files);
  let lines = 0;
  for (let i = data.indexOf(LF); i >= 0; i = data.indexOf(LF, i + 1)) lines++;
  if (lines >= 2 ** INDEX_BITS) throw new RangeError('a rid bucket holds too many lines');
  scratch(lines);
  const starts = lineStarts;
  starts[0] = 0;
  for (let n = 1, i = data.indexOf(LF); i >= 0; i = data.indexOf(LF, i + 1)) starts[n++] = i + 1;
  const keys = sortKeys.subarray(0, lines);
  const rows = kind === 'events' ? lineRows : null;
  const end = { at: 0 };
  for (let n = 0; n < lines; n++) {
    keys[n] = readInt(data, starts[n] as number, end) * 2 ** INDEX_BITS + n;
    if (rows !== null) rows[n] = readInt(data, end.at + 1, end);
  }
  keys.sort(); // by rid, then by position in the part files
  const order = lineOrder.subarray(0, lines);
  for (let n = 0; n < lines; n++) order[n] = (keys[n] as number) % 2 ** INDEX_BITS;
  if (rows !== null) byRowWithinRid(keys, order, rows);
  const out = output;
  let o = 0;
  for (let k = 0; k < lines; k++) {
    const n = order[k] as number;
    // a byte loop: lines are short, and a native copy per line costs more than it copies
    for (let i = starts[n] as number, e = starts[n + 1] as number; i < e; i++) out[o++] = data[i] as number;
  }
  writeFileSync(sortedBucketFile(dir, kind, bucket), out.subarray(0, o), { flag: 'wx', mode: 0o600 });
  for (const f of files) unlinkSync(f);
}

/** Orders each run of equal rids (an identity's events from several parts) by input row, in place. */
function byRowWithinRid(keys: Float64Array, order: Uint32Array, rows: Float64Array): void {
  const rid = (i: number) => Math.floor((keys[i] as number) / 2 ** INDEX_BITS);
  for (let from = 0; from < order.length; ) {
    let to = from + 1;
    while (to < order.length && rid(to) === rid(from)) to++;
    // insertion sort: an identity has a few events per bucket
    for (let i = from + 1; i < to; i++) {
      const n = order[i] as number;
      let j = i;
      for (; j > from && (rows[order[j - 1] as number] as number) > (rows[n] as number); j--)
        order[j] = order[j - 1] as number;
      order[j] = n;
    }
    from = to;
  }
}
