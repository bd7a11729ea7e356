/**
 * The Dice-coefficient kernel for comparing CLKs, in WebAssembly (dice.wat, compiled into dice-wasm.ts by
 * `npm run gen:dice`). The CLKs live in the kernel's memory with their popcounts; callers pass index lists
 * and get Dice scores back, either pair by pair (`scorePairs`, for blocked candidate pairs) or as the best
 * k candidates per query above a threshold (`topK`, with the length filter). Big inputs are processed in
 * batches so that the scratch memory stays bounded and V8 can move the kernel from its baseline compiler
 * to the optimising one between calls (a running WebAssembly call is never switched over).
 *
 * Scores are f32: 2·|a∧b| / (|a| + |b|) rounded once to f32, 0 when both popcounts are 0 — bit-exact
 * with `diceReference`. Thresholds are compared in f32 too (`Math.fround(threshold)`). Pure: no I/O.
 */
import { fromBase64 } from '../core/bytes.js';
import { DICE_WASM_BASE64 } from './dice-wasm.js';

/** A CLK's byte length must be a positive multiple of 16 (128 bits); this caps it (scores stay exact in f32). */
export const MAX_CLK_BYTES = 1 << 16;
/** The largest k accepted by `topK` (the per-query buffer is insertion-sorted: O(k) per entry). */
export const MAX_TOP_K = 1024;
/** Pairs per `score_pairs` call. */
const PAIR_BATCH = 1 << 20;
/** Comparisons per `top_k` call (at least one query per call). */
const TOPK_WORK = 1 << 24;
/** Output entries per `top_k` call. */
const TOPK_SLOTS = 1 << 18;
const PAGE = 65_536;

export interface TopKResult {
  /** the query's CLK index, per kept pair: queries in the order given, each one's pairs best first */
  q: Int32Array;
  /** the candidate's CLK index */
  c: Int32Array;
  score: Float32Array;
  count: number;
  /** pairs actually compared (after the length filter) */
  comparisons: number;
}

export interface DiceKernel {
  readonly clkBytes: number;
  /** CLKs loaded */
  readonly count: number;
  /** Appends CLKs (concatenated, `bytes.length / clkBytes` of them); returns the index of the first. */
  add(bytes: Uint8Array): number;
  popcount(index: number): number;
  /** Dice of each (a[i], b[i]) for i < n, into out[i]. */
  scorePairs(a: Int32Array, b: Int32Array, n: number, out: Float32Array): void;
  /**
   * Every query against every candidate: keeps the pairs with Dice ≥ threshold, at most k per query, best
   * first (ties: the earlier candidate first). Candidates whose popcount cannot reach the threshold — or,
   * once k pairs are kept, the k-th best score — are skipped (length filter); the result is the same as
   * comparing them all.
   * @example
   * const r = kernel.topK(Int32Array.of(0, 1), Int32Array.from({ length: kernel.count }, (_, i) => i), 0.8, 5);
   * for (let i = 0; i < r.count; i++) use(r.q[i], r.c[i], r.score[i]);
   */
  topK(queries: Int32Array, candidates: Int32Array, threshold: number, k: number): TopKResult;
  /** Releases the kernel's memory; any later call throws. */
  dispose(): void;
}

/** The parts of the WebAssembly JS API used here (the tsconfig has no DOM lib, @types/node 20 none). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object): Promise<{ exports: unknown }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  memory: WasmMemory;
  comparisons(): number;
  popcounts(clk: number, n: number, words: number, out: number): void;
  check_indices(list: number, n: number, count: number): number;
  score_pairs(
    clk: number,
    pop: number,
    words: number,
    count: number,
    a: number,
    b: number,
    n: number,
    out: number,
  ): number;
  top_k(
    clk: number,
    pop: number,
    words: number,
    queries: number,
    nq: number,
    candidates: number,
    nc: number,
    t: number,
    k: number,
    oq: number,
    oc: number,
    os: number,
  ): number;
}

let compiled: Promise<object> | undefined;

/**
 * A kernel for CLKs of `clkBytes` bytes (a multiple of 16), with room for `initialCapacity` CLKs before
 * its memory first grows.
 * @example
 * const kernel = await createDiceKernel(128, { initialCapacity: clks.length / 128 });
 * kernel.add(clks);
 */
export async function createDiceKernel(
  clkBytes: number,
  opts: { initialCapacity?: number } = {},
): Promise<DiceKernel> {
  if (!Number.isInteger(clkBytes) || clkBytes <= 0 || clkBytes % 16 !== 0 || clkBytes > MAX_CLK_BYTES)
    throw new RangeError(`CLK length must be a positive multiple of 16 bytes, at most ${MAX_CLK_BYTES}`);
  const capacity = opts.initialCapacity ?? 1024;
  if (!Number.isInteger(capacity) || capacity < 0)
    throw new RangeError('initialCapacity must be an integer ≥ 0');
  compiled ??= wasmApi.compile(fromBase64(DICE_WASM_BASE64));
  const instance = await wasmApi.instantiate(await compiled);
  return new WasmDiceKernel(instance.exports as Exports, clkBytes, Math.max(capacity, 16));
}

class WasmDiceKernel implements DiceKernel {
  #wasm: Exports | undefined;
  readonly #words: number;
  #count = 0;
  #capacity = 0;
  /** CLKs start at 0; their popcounts (u32) at #popBase; scratch at #scratchBase, used within one call */
  #popBase = 0;
  #scratchBase = 0;
  #buffer: ArrayBuffer | undefined;
  #u8 = new Uint8Array(0);
  #i32 = new Int32Array(0);
  #f32 = new Float32Array(0);

  constructor(
    wasm: Exports,
    readonly clkBytes: number,
    capacity: number,
  ) {
    this.#wasm = wasm;
    this.#words = clkBytes / 8;
    this.#reserve(capacity);
  }

  get count(): number {
    return this.#count;
  }

  add(bytes: Uint8Array): number {
    const wasm = this.#exports();
    if (bytes.length % this.clkBytes !== 0)
      throw new RangeError(`CLK bytes must come in multiples of ${this.clkBytes}`);
    const n = bytes.length / this.clkBytes;
    const first = this.#count;
    if (first + n > this.#capacity) this.#reserve(Math.max(first + n, 2 * this.#capacity));
    this.#views().u8.set(bytes, first * this.clkBytes);
    wasm.popcounts(first * this.clkBytes, n, this.#words, this.#popBase + 4 * first);
    this.#count += n;
    return first;
  }

  popcount(index: number): number {
    this.#exports();
    if (!Number.isInteger(index) || index < 0 || index >= this.#count)
      throw new RangeError(`no CLK at index ${index}`);
    return this.#views().i32[this.#popBase / 4 + index] ?? 0;
  }

  scorePairs(a: Int32Array, b: Int32Array, n: number, out: Float32Array): void {
    const wasm = this.#exports();
    if (!Number.isInteger(n) || n < 0 || n > a.length || n > b.length || n > out.length)
      throw new RangeError('n must be an integer ≥ 0 within the lengths of a, b and out');
    const m = Math.min(n, PAIR_BATCH);
    const aOff = this.#scratch(12 * m);
    const bOff = aOff + 4 * m;
    const oOff = bOff + 4 * m;
    for (let from = 0; from < n; from += m) {
      const len = Math.min(m, n - from);
      const { i32, f32 } = this.#views();
      i32.set(a.subarray(from, from + len), aOff / 4);
      i32.set(b.subarray(from, from + len), bOff / 4);
      const bad = wasm.score_pairs(0, this.#popBase, this.#words, this.#count, aOff, bOff, len, oOff);
      if (bad !== -1) throw new RangeError(`pair ${from + bad}: CLK index out of range`);
      out.set(f32.subarray(oOff / 4, oOff / 4 + len), from);
    }
  }

  topK(queries: Int32Array, candidates: Int32Array, threshold: number, k: number): TopKResult {
    const wasm = this.#exports();
    if (!(threshold >= 0 && threshold <= 1)) throw new RangeError('threshold must be within [0, 1]');
    if (!Number.isInteger(k) || k < 1 || k > MAX_TOP_K)
      throw new RangeError(`k must be within 1…${MAX_TOP_K}`);
    const nq = queries.length;
    const nc = candidates.length;
    const batch = Math.max(
      1,
      Math.min(nq, Math.floor(TOPK_WORK / Math.max(nc, 1)), Math.floor(TOPK_SLOTS / k)),
    );
    const cOff = this.#scratch(4 * nc + 4 * batch + 12 * batch * k);
    const qOff = cOff + 4 * nc;
    const oq = qOff + 4 * batch;
    const oc = oq + 4 * batch * k;
    const os = oc + 4 * batch * k;
    this.#views().i32.set(candidates, cOff / 4);
    const badC = wasm.check_indices(cOff, nc, this.#count);
    if (badC !== -1) throw new RangeError(`candidate ${badC}: CLK index out of range`);
    const out = new Triples(Math.min(nq * k, 1 << 16));
    let comparisons = 0;
    for (let from = 0; from < nq; from += batch) {
      const len = Math.min(batch, nq - from);
      this.#views().i32.set(queries.subarray(from, from + len), qOff / 4);
      const badQ = wasm.check_indices(qOff, len, this.#count);
      if (badQ !== -1) throw new RangeError(`query ${from + badQ}: CLK index out of range`);
      const kept = wasm.top_k(0, this.#popBase, this.#words, qOff, len, cOff, nc, threshold, k, oq, oc, os);
      comparisons += wasm.comparisons();
      const { i32, f32 } = this.#views();
      out.append(
        i32.subarray(oq / 4, oq / 4 + kept),
        i32.subarray(oc / 4, oc / 4 + kept),
        f32.subarray(os / 4, os / 4 + kept),
      );
    }
    return { ...out.result(), comparisons };
  }

  dispose(): void {
    this.#wasm = undefined;
    this.#buffer = undefined;
    this.#u8 = new Uint8Array(0);
    this.#i32 = new Int32Array(0);
    this.#f32 = new Float32Array(0);
  }

  #exports(): Exports {
    if (this.#wasm === undefined) throw new RangeError('the Dice kernel has been disposed');
    return this.#wasm;
  }

  /** Typed views of the memory, renewed after it grew (growing detaches the old buffer). */
  #views(): { u8: Uint8Array; i32: Int32Array; f32: Float32Array } {
    const buffer = this.#exports().memory.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#u8 = new Uint8Array(buffer);
      this.#i32 = new Int32Array(buffer);
      this.#f32 = new Float32Array(buffer);
    }
    return { u8: this.#u8, i32: this.#i32, f32: this.#f32 };
  }

  #growTo(bytes: number): void {
    const memory = this.#exports().memory;
    if (bytes > 2 ** 32) throw new RangeError('the Dice kernel needs more than 4 GiB of memory');
    const missing = bytes - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
  }

  /** Room for `capacity` CLKs; moves the popcounts up behind the CLK area. */
  #reserve(capacity: number): void {
    const popBase = capacity * this.clkBytes;
    this.#growTo(popBase + 4 * capacity);
    const { u8 } = this.#views();
    u8.copyWithin(popBase, this.#popBase, this.#popBase + 4 * this.#count);
    this.#capacity = capacity;
    this.#popBase = popBase;
    this.#scratchBase = popBase + 16 * Math.ceil(capacity / 4);
  }

  /** `bytes` of scratch memory, valid until the next call that adds CLKs; returns its offset. */
  #scratch(bytes: number): number {
    this.#growTo(this.#scratchBase + bytes);
    return this.#scratchBase;
  }
}

/** Growable output triples (query, candidate, score). */
class Triples {
  q: Int32Array;
  c: Int32Array;
  s: Float32Array;
  n = 0;
  constructor(capacity: number) {
    this.q = new Int32Array(capacity);
    this.c = new Int32Array(capacity);
    this.s = new Float32Array(capacity);
  }
  append(q: Int32Array, c: Int32Array, s: Float32Array): void {
    const need = this.n + q.length;
    if (need > this.q.length) {
      const capacity = Math.max(need, 2 * this.q.length);
      const grow = <T extends Int32Array | Float32Array>(old: T, next: T): T => {
        next.set(old.subarray(0, this.n));
        return next;
      };
      this.q = grow(this.q, new Int32Array(capacity));
      this.c = grow(this.c, new Int32Array(capacity));
      this.s = grow(this.s, new Float32Array(capacity));
    }
    this.q.set(q, this.n);
    this.c.set(c, this.n);
    this.s.set(s, this.n);
    this.n = need;
  }
  result(): Omit<TopKResult, 'comparisons'> {
    const n = this.n;
    return { q: this.q.subarray(0, n), c: this.c.subarray(0, n), score: this.s.subarray(0, n), count: n };
  }
}

/** popcount of each byte value */
const BYTE_POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x !== 0; x &= x - 1) n++;
  return n;
});

/** Dice of two CLKs in plain JavaScript, as the kernel computes it (f32); for tests and benchmarks. */
export function diceReference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError('CLKs of different lengths');
  let and = 0;
  let pa = 0;
  let pb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    and += BYTE_POPCOUNT[x & y] ?? 0;
    pa += BYTE_POPCOUNT[x] ?? 0;
    pb += BYTE_POPCOUNT[y] ?? 0;
  }
  // one rounding to f32: 2·and and pa + pb are exact, and double rounding of a quotient is innocuous here
  return pa + pb === 0 ? 0 : Math.fround((2 * and) / (pa + pb));
}
