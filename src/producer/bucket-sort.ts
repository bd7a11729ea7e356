/**
 * The sort of a rid bucket, in the worker threads, before its rows become Parquet row groups
 * (bucket-parquet.ts): the bucket's part files (one per worker, batch-worker.ts) read into one buffer,
 * their identity or event records put in extract order — by rid, and an identity's events by input
 * row — with a radix sort. A bucket holds a bounded number of rows (`ridBuckets`), so the memory a sort
 * takes does not grow with the input.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { RID_BITS } from '../core/rid.js';

/** The rids are sorted in two passes of a radix sort, RADIX_BITS bits each. */
const RADIX_BITS = Math.ceil(RID_BITS / 2);
const RADIX = 1 << RADIX_BITS;

/**
 * Buffers and arrays kept from one bucket to the next, grown as needed: touching fresh memory costs more
 * than sorting (the first buckets of a thread took 2–4 times as long as the others while these were
 * allocated per bucket).
 */
let input = Buffer.alloc(0);
let recordRids = new Uint32Array(0);
let recordRows = new Uint32Array(0);
let order = new Uint32Array(0);
let swap = new Uint32Array(0);
const counts = new Int32Array(RADIX);

/** The scratch arrays for `n` records, grown to at least twice their size. */
function scratch(n: number): void {
  if (order.length >= n) return;
  const size = Math.max(n, 2 * order.length);
  recordRids = new Uint32Array(size);
  recordRows = new Uint32Array(size);
  order = new Uint32Array(size);
  swap = new Uint32Array(size);
}

/**
 * The records 0 … n − 1 ordered by rid, records of equal rid in their order: a stable radix sort, two
 * passes of RADIX_BITS bits (with it a bucket sorts in about half the time it took with a comparison sort
 * of float keys: bench/README.md, Producer tool). The order is valid until the next call.
 */
function orderByRid(rids: Uint32Array, n: number): Uint32Array {
  scratch(n);
  let from = swap;
  let to = order;
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

/**
 * Puts identity records (intermediate.ts: `recordBytes` bytes each, the rid first, little-endian) in rid
 * order. The order, of records 0 … n − 1, is valid until the next call.
 */
export function sortIdentityRecords(data: Uint8Array, recordBytes: number): Uint32Array {
  if (data.length % recordBytes !== 0) throw new RangeError('a truncated identity record');
  const n = data.length / recordBytes;
  scratch(n);
  const rids = recordRids;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let k = 0; k < n; k++) {
    const rid = view.getUint32(k * recordBytes, true);
    if (rid >= 2 ** RID_BITS) throw new RangeError('a rid out of range');
    rids[k] = rid;
  }
  return orderByRid(rids, n);
}

/**
 * Puts event records (intermediate.ts: `words` 32-bit words each, the rid first, then the input row) in
 * extract order: by rid, then by input row. The order, of records 0 … n − 1, is valid until the next call.
 */
export function sortEventRecords(records: Int32Array, words: number): Uint32Array {
  if (records.length % words !== 0) throw new RangeError('a truncated event record');
  const n = records.length / words;
  scratch(n);
  const rids = recordRids;
  const rows = recordRows;
  for (let k = 0, at = 0; k < n; k++, at += words) {
    const rid = (records[at] as number) >>> 0;
    if (rid >= 2 ** RID_BITS) throw new RangeError('a rid out of range');
    rids[k] = rid;
    rows[k] = (records[at + 1] as number) >>> 0;
  }
  // by rid, then by position in the part files
  const sorted = orderByRid(rids, n);
  byRowWithinRid(sorted, n, rids, rows);
  return sorted;
}

/**
 * Orders each run of equal rids (an identity's events) by input row, in place. A run is already in order
 * when its events come from one part file — always, as each thread assigns its own rids —, which one
 * pass checks; a run out of order is insertion-sorted.
 */
function byRowWithinRid(order: Uint32Array, n: number, rids: Uint32Array, rows: Uint32Array): void {
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
