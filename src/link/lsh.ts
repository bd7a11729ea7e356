/**
 * Candidate pairs by locality-sensitive hashing over the CLKs the hub already holds (bit-sampling LSH for
 * the Hamming distance): `bands` bands of `bitsPerBand` CLK bit positions each, chosen by the hub from a
 * seed (not secret: the CLKs are at the hub anyway); two records are candidates when their bits agree on
 * every position of at least one band. With a share h of differing bits, a pair collides in one band with
 * probability C(m − hm, r) / C(m, r) ≈ (1 − h)^r, and in at least one of L bands with 1 − (1 − that)^L.
 * Unlike keyed blocking keys (bench/attack.md, A5) the buckets reveal nothing the CLKs do not.
 *
 * Per band, the residual records are sorted by signature (LSD radix sort, two 16-bit passes) and each run of
 * equal signatures is one bucket; buckets with more than `bucketCap` records on a side are skipped. A pair
 * is emitted once, in the first band whose non-skipped bucket holds both records (the earlier bands'
 * signatures are kept, record-major: 4 bytes per residual record per band). Pure: no I/O.
 */

export interface LshParams {
  /** number of bands L */
  readonly bands: number;
  /** CLK bit positions per band r (1…32) */
  readonly bitsPerBand: number;
  /** seed of the positions' generator */
  readonly seed: number;
}

/**
 * Defaults: 16 bits per band as measured on FEBRL4 and the synthetic population (bench/README.md,
 * "Blocking without keys"); 16 bands since the engine compares every pair within each (birth year, sex)
 * partition and uses LSH only across partitions — at 1,000,000 persons 64 bands took the candidate stage
 * from 31 s to 77 s for the same F1 (bench/README.md, "Synthetic population").
 */
export const DEFAULT_LSH: LshParams = { bands: 16, bitsPerBand: 16, seed: 1 };

export function checkLshParams(p: LshParams, clkBits: number): void {
  if (!Number.isInteger(p.bands) || p.bands < 1 || p.bands > 4096)
    throw new RangeError('lsh bands must be an integer in 1…4096');
  if (!Number.isInteger(p.bitsPerBand) || p.bitsPerBand < 1 || p.bitsPerBand > 32 || p.bitsPerBand > clkBits)
    throw new RangeError('lsh bitsPerBand must be an integer in 1…32, at most the CLK length');
  if (!Number.isInteger(p.seed)) throw new RangeError('lsh seed must be an integer');
}

/** mulberry32: a small deterministic generator (positions need no secrecy, only reproducibility). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The bit positions of every band, band after band: `bitsPerBand` distinct positions in [0, clkBits) per
 * band (bands may share positions). Deterministic in (params, clkBits).
 */
export function lshPositions(p: LshParams, clkBits: number): Uint16Array {
  checkLshParams(p, clkBits);
  const next = generator(p.seed);
  const out = new Uint16Array(p.bands * p.bitsPerBand);
  const used = new Uint8Array(clkBits);
  for (let band = 0; band < p.bands; band++) {
    used.fill(0);
    for (let k = 0; k < p.bitsPerBand; k++) {
      let pos: number;
      do pos = Math.floor(next() * clkBits);
      while (used[pos] === 1);
      used[pos] = 1;
      out[band * p.bitsPerBand + k] = pos;
    }
  }
  return out;
}

/** The signature of record `rec` in `band`: its bits at the band's positions (bit order of protocol v3 §4). */
export function bandSignature(
  clks: Uint8Array,
  clkBytes: number,
  rec: number,
  positions: Uint16Array,
  band: number,
  bitsPerBand: number,
): number {
  const base = rec * clkBytes;
  let sig = 0;
  for (let k = 0; k < bitsPerBand; k++) {
    const pos = positions[band * bitsPerBand + k] as number;
    const bit = ((clks[base + (pos >>> 3)] as number) >>> (7 - (pos & 7))) & 1;
    sig = ((sig << 1) | bit) >>> 0;
  }
  return sig;
}

/** Whether records a and b agree on every position of at least one band (they would share a bucket). */
export function collides(
  clks: Uint8Array,
  clkBytes: number,
  a: number,
  b: number,
  positions: Uint16Array,
  p: LshParams,
): boolean {
  for (let band = 0; band < p.bands; band++)
    if (
      bandSignature(clks, clkBytes, a, positions, band, p.bitsPerBand) ===
      bandSignature(clks, clkBytes, b, positions, band, p.bitsPerBand)
    )
      return true;
  return false;
}

/** `collides` for two CLKs given apart (equal lengths): they would share a bucket of some band. */
export function pairCollides(a: Uint8Array, b: Uint8Array, positions: Uint16Array, p: LshParams): boolean {
  for (let band = 0; band < p.bands; band++)
    if (
      bandSignature(a, a.length, 0, positions, band, p.bitsPerBand) ===
      bandSignature(b, b.length, 0, positions, band, p.bitsPerBand)
    )
      return true;
  return false;
}

/**
 * The probability that a pair at Hamming distance `d` (of `bits`) collides in at least one of `bands`
 * bands of `r` distinct positions: 1 − (1 − C(bits − d, r) / C(bits, r))^bands.
 */
export function collisionProbability(d: number, bits: number, r: number, bands: number): number {
  let one = 1;
  for (let k = 0; k < r; k++) one *= Math.max(0, bits - d - k) / (bits - k);
  return 1 - (1 - one) ** bands;
}

/** `order[0…n)` ← 0…n−1 sorted by `sig` (stable LSD radix sort, two 16-bit passes). */
export function sortBySignature(sig: Uint32Array, n: number, order: Int32Array, scratch: Int32Array): void {
  const count = new Int32Array(65537);
  for (let i = 0; i < n; i++) scratch[i] = i;
  let src = scratch;
  let dst = order;
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const v = (((sig[src[i] as number] as number) >>> shift) & 0xffff) + 1;
      count[v] = (count[v] as number) + 1;
    }
    for (let v = 0; v < 65536; v++) count[v + 1] = (count[v + 1] as number) + (count[v] as number);
    for (let i = 0; i < n; i++) {
      const x = src[i] as number;
      const v = ((sig[x] as number) >>> shift) & 0xffff;
      dst[count[v] as number] = x;
      count[v] = (count[v] as number) + 1;
    }
    [src, dst] = [dst, src];
  }
  // after an even number of passes the result is in the buffer the first pass read
  if (src !== order) order.set(src.subarray(0, n));
}

export interface LshInput {
  readonly clks: Uint8Array;
  readonly clkBytes: number;
  /** query side and candidate side (record indices); within one source A ⊆ B */
  readonly A: readonly number[];
  readonly B: readonly number[];
  readonly same: boolean;
  readonly params: LshParams;
  /** buckets with more records than this on one side are skipped */
  readonly bucketCap: number;
  /** stop after this many pairs */
  readonly maxPairs: number;
  /** pairs another candidate source already produced (the engine's partitions): not emitted */
  readonly skip?: (a: number, b: number) => boolean;
}

export interface LshStats {
  candidates: number;
  skippedBuckets: number;
  capped: boolean;
}

/**
 * Every pair (a ∈ A, b ∈ B, a ≠ b) sharing a non-skipped bucket, once, to `emit` (within one source an
 * unordered pair once, as (a, b) with a ∈ A, and a < b when both are in A). Stops at `maxPairs`.
 * @example
 * const s = lshPairs({ clks, clkBytes: 128, A, B, same: false, params: DEFAULT_LSH, bucketCap: 2000, maxPairs: 1e8 },
 *   (a, b) => pairs.push([a, b]));
 */
export function lshPairs(input: LshInput, emit: (a: number, b: number) => void): LshStats {
  const steps = lshPairsByBand(input, emit);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `lshPairs` one band at a time: yields after each band (so that a caller can let other work run),
 * returns the statistics.
 */
export function* lshPairsByBand(
  input: LshInput,
  emit: (a: number, b: number) => void,
): Generator<void, LshStats, void> {
  const { clks, clkBytes, A, B, same, params, bucketCap, maxPairs, skip } = input;
  const L = params.bands;
  const r = params.bitsPerBand;
  const positions = lshPositions(params, clkBytes * 8);
  // the union of both sides, each member flagged with its side(s)
  const recs: number[] = same ? [...B] : [...A, ...B];
  const u = recs.length;
  const side = new Uint8Array(u); // bit 0: in A, bit 1: in B
  if (same) {
    const inA = new Set(A);
    for (let l = 0; l < u; l++) side[l] = 2 | (inA.has(recs[l] as number) ? 1 : 0);
  } else for (let l = 0; l < u; l++) side[l] = l < A.length ? 1 : 2;
  const sigs = new Uint32Array(u * L);
  const bandSig = new Uint32Array(u);
  const order = new Int32Array(u);
  const scratch = new Int32Array(u);
  const skipped: Set<number>[] = [];
  const stats: LshStats = { candidates: 0, skippedBuckets: 0, capped: false };
  const runA: number[] = [];
  const runB: number[] = [];
  /** an earlier band already emitted this pair */
  const earlier = (la: number, lb: number, band: number): boolean => {
    for (let i = 0; i < band; i++) {
      const s = sigs[la * L + i] as number;
      if (s === sigs[lb * L + i] && !(skipped[i] as Set<number>).has(s)) return true;
    }
    return false;
  };
  for (let band = 0; band < L; band++) {
    for (let l = 0; l < u; l++) {
      const s = bandSignature(clks, clkBytes, recs[l] as number, positions, band, r);
      bandSig[l] = s;
      sigs[l * L + band] = s;
    }
    sortBySignature(bandSig, u, order, scratch);
    const skippedHere = new Set<number>();
    skipped.push(skippedHere);
    let start = 0;
    while (start < u) {
      const s = bandSig[order[start] as number] as number;
      let end = start + 1;
      while (end < u && bandSig[order[end] as number] === s) end++;
      runA.length = 0;
      runB.length = 0;
      for (let x = start; x < end; x++) {
        const l = order[x] as number;
        if ((side[l] as number) & 1) runA.push(l);
        if ((side[l] as number) & 2) runB.push(l);
      }
      start = end;
      if (runA.length === 0 || runB.length === 0 || (runA.length === 1 && runB.length === 1 && same))
        continue;
      if (runA.length > bucketCap || runB.length > bucketCap) {
        skippedHere.add(s);
        stats.skippedBuckets++;
        continue;
      }
      for (const la of runA) {
        const a = recs[la] as number;
        for (const lb of runB) {
          if (la === lb) continue;
          const b = recs[lb] as number;
          if (same && (side[lb] as number) & 1 && b < a) continue;
          if (earlier(la, lb, band) || skip?.(a, b)) continue;
          if (stats.candidates >= maxPairs) {
            stats.capped = true;
            return stats;
          }
          stats.candidates++;
          emit(a, b);
        }
      }
    }
    yield;
  }
  return stats;
}
