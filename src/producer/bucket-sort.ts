/**
 * The sort of a rid bucket, in the worker threads, before its rows become Parquet row groups
 * (bucket-parquet.ts): the bucket's part files (one per worker, batch-worker.ts) read into one buffer,
 * their identity records or event lines put in extract order — by rid, and an identity's events by input
 * row — with a radix sort. A bucket holds a bounded number of rows (`ridBuckets`), so the memory a sort
 * takes does not grow with the input.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { RID_BITS } from '../core/rid.js';

const LF = 0x0a;
const COMMA = 0x2c;
/** The rids are sorted in two passes of a radix sort, RADIX_BITS bits each. */
const RADIX_BITS = Math.ceil(RID_BITS / 2);
const RADIX = 1 << RADIX_BITS;

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
let lineStarts = new Int32Array(0);
let lineRids = new Uint32Array(0);
let lineRows = new Float64Array(0);
let lineOrder = new Uint32Array(0);
let swapOrder = new Uint32Array(0);
const counts = new Int32Array(RADIX);

/** The scratch arrays for `lines` lines (and one more line start), grown to at least twice their size. */
function scratch(lines: number): void {
  if (lineStarts.length > lines) return;
  const n = Math.max(lines + 1, 2 * lineStarts.length);
  lineStarts = new Int32Array(n);
  lineRids = new Uint32Array(n);
  lineRows = new Float64Array(n);
  lineOrder = new Uint32Array(n);
  swapOrder = new Uint32Array(n);
}

/**
 * The lines 0 … n − 1 ordered by rid, lines of equal rid in their order: a stable radix sort, two passes
 * of RADIX_BITS bits (with it a bucket sorts in about half the time it took with a comparison sort of
 * float keys: bench/README.md, Producer tool). The order is valid until the next call.
 */
export function orderByRid(rids: Uint32Array, n: number): Uint32Array {
  scratch(n);
  let from = swapOrder;
  let to = lineOrder;
  for (let i = 0; i < n; i++) from[i] = i;
  for (let shift = 0; shift < RID_BITS; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const d = ((rids[i] as number) >>> shift) & (RADIX - 1);
      counts[d] = (counts[d] as number) + 1;
    }
    for (let d = 0, at = 0; d < RADIX; d++) {
      const c = counts[d] as number;
      counts[d] = at;
      at += c;
    }
    for (let i = 0; i < n; i++) {
      const line = from[i] as number;
      const d = ((rids[line] as number) >>> shift) & (RADIX - 1);
      const at = counts[d] as number;
      counts[d] = at + 1;
      to[at] = line;
    }
    [from, to] = [to, from];
  }
  return from;
}

/**
 * Reads the files one after another into a buffer kept for the next call (grown as needed); the bytes
 * read, valid until the next call.
 */
export function readAll(files: readonly string[]): Buffer {
  const fds = files.map((f) => openSync(f, 'r'));
  try {
    const size = fds.reduce((n, fd) => n + fstatSync(fd).size, 0);
    if (input.length < size) {
      input = Buffer.allocUnsafeSlow(Math.max(size, 2 * input.length));
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

/** Event lines in extract order: line n is data[starts[n] … starts[n + 1]), with its rid. */
export interface SortedLines {
  readonly lines: number;
  /** the lines, in order */
  readonly order: Uint32Array;
  readonly starts: Int32Array;
  readonly rids: Uint32Array;
}

/**
 * Puts event lines (`rid,row,…` each ending with a line feed) in extract order: by rid, then by input
 * row. The arrays are valid until the next call.
 */
export function sortEventLines(data: Uint8Array): SortedLines {
  let lines = 0;
  for (let i = data.indexOf(LF); i >= 0; i = data.indexOf(LF, i + 1)) lines++;
  scratch(lines);
  const starts = lineStarts;
  starts[0] = 0;
  for (let n = 1, i = data.indexOf(LF); i >= 0; i = data.indexOf(LF, i + 1)) starts[n++] = i + 1;
  const rids = lineRids;
  const rows = lineRows;
  const end = { at: 0 };
  for (let n = 0; n < lines; n++) {
    const rid = readInt(data, starts[n] as number, end);
    if (rid >= 2 ** RID_BITS) throw new RangeError('a rid out of range');
    rids[n] = rid;
    rows[n] = readInt(data, end.at + 1, end);
  }
  // by rid, then by position in the part files
  const order = orderByRid(rids, lines);
  byRowWithinRid(order, lines, rids, rows);
  return { lines, order, starts, rids };
}

/**
 * Orders each run of equal rids (an identity's events) by input row, in place. A run is already in order
 * when its events come from one part file — always, as each thread assigns its own rids —, which one
 * pass checks; a run out of order is insertion-sorted.
 */
function byRowWithinRid(order: Uint32Array, n: number, rids: Uint32Array, rows: Float64Array): void {
  for (let k = 1; k < n; k++) {
    const line = order[k] as number;
    const prev = order[k - 1] as number;
    if (rids[line] !== rids[prev] || (rows[prev] as number) <= (rows[line] as number)) continue;
    let j = k;
    for (; j > 0; j--) {
      const before = order[j - 1] as number;
      if (rids[before] !== rids[line] || (rows[before] as number) <= (rows[line] as number)) break;
      order[j] = before;
    }
    order[j] = line;
  }
}
