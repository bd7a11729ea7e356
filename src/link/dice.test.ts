import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDiceKernel, type DiceKernel, diceReference, MAX_TOP_K } from './dice.js';

/** mulberry32: a small seeded PRNG for test data */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * n CLKs of `bytes` bytes: densities spread over 0–0.9 (so popcounts differ and the length filter acts),
 * every third one a near copy of an earlier one (so there are high scores), some exact duplicates (ties).
 */
function clks(n: number, bytes: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n * bytes);
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * bytes, (i + 1) * bytes);
    if (i > 0 && i % 3 === 0) {
      const src = Math.floor(r() * i);
      row.set(out.subarray(src * bytes, (src + 1) * bytes));
      if (i % 9 !== 0)
        for (let f = 0; f < 1 + r() * 8; f++) {
          const j = Math.floor(r() * bytes);
          row[j] = (row[j] ?? 0) ^ (1 << (f & 7));
        }
      continue;
    }
    const density = r() * 0.9;
    for (let j = 0; j < bytes; j++) {
      let b = 0;
      for (let bit = 0; bit < 8; bit++) if (r() < density) b |= 1 << bit;
      row[j] = b;
    }
  }
  return out;
}

const clkAt = (all: Uint8Array, bytes: number, i: number) => all.subarray(i * bytes, (i + 1) * bytes);
const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** topK by brute force: every pair scored, ≥ fround(threshold), best first, ties by candidate order. */
function bruteTopK(
  all: Uint8Array,
  bytes: number,
  queries: Int32Array,
  candidates: Int32Array,
  threshold: number,
  k: number,
): [number, number, number][] {
  const t = Math.fround(threshold);
  const out: [number, number, number][] = [];
  for (const q of queries) {
    const kept: [number, number, number][] = [];
    for (const c of candidates) {
      const s = diceReference(clkAt(all, bytes, q), clkAt(all, bytes, c));
      if (s >= t) kept.push([q, c, s]);
    }
    // Array.prototype.sort is stable: equal scores stay in candidate order
    out.push(...kept.sort((x, y) => y[2] - x[2]).slice(0, k));
  }
  return out;
}

function triples(r: { q: Int32Array; c: Int32Array; score: Float32Array; count: number }) {
  return Array.from({ length: r.count }, (_, i) => [r.q[i], r.c[i], r.score[i]]);
}

async function kernelWith(all: Uint8Array, bytes: number): Promise<DiceKernel> {
  const kernel = await createDiceKernel(bytes);
  kernel.add(all);
  return kernel;
}

describe('diceReference', () => {
  const z = new Uint8Array(16);
  const ones = new Uint8Array(16).fill(0xff);
  const hi = new Uint8Array(16).fill(0xf0);
  const lo = new Uint8Array(16).fill(0x0f);

  it('gives the edge cases: zeros, ones, identical, disjoint, one empty', () => {
    expect(diceReference(z, z)).toBe(0);
    expect(diceReference(ones, ones)).toBe(1);
    expect(diceReference(hi, hi)).toBe(1);
    expect(diceReference(hi, lo)).toBe(0);
    expect(diceReference(z, ones)).toBe(0);
    // 2·64 / (128 + 64)
    expect(diceReference(ones, hi)).toBe(Math.fround(2 / 3));
  });

  it('refuses CLKs of different lengths', () => {
    expect(() => diceReference(z, new Uint8Array(32))).toThrow(RangeError);
  });
});

describe('Dice kernel', () => {
  it('scores exactly as the reference (f32, bit for bit), for several CLK lengths', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(16, 32, 48, 128, 256),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        async (bytes, n, seed) => {
          const all = clks(n, bytes, seed);
          const kernel = await kernelWith(all, bytes);
          const a = Int32Array.from({ length: n * n }, (_, i) => Math.floor(i / n));
          const b = Int32Array.from({ length: n * n }, (_, i) => i % n);
          const out = new Float32Array(n * n);
          kernel.scorePairs(a, b, n * n, out);
          for (let i = 0; i < n * n; i++) {
            const x = clkAt(all, bytes, a[i] ?? 0);
            expect(out[i]).toBe(diceReference(x, clkAt(all, bytes, b[i] ?? 0)));
          }
          for (let i = 0; i < n; i++)
            expect(kernel.popcount(i)).toBe(
              clkAt(all, bytes, i).reduce((s, v) => s + v.toString(2).replaceAll('0', '').length, 0),
            );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('scores the edge cases: all zeros, all ones, identical, disjoint', async () => {
    const bytes = 128;
    const all = new Uint8Array(4 * bytes);
    all.fill(0xff, bytes, 2 * bytes); // 1: ones
    all.fill(0xaa, 2 * bytes, 3 * bytes); // 2: alternate bits
    all.fill(0x55, 3 * bytes, 4 * bytes); // 3: the complement of 2
    const kernel = await kernelWith(all, bytes);
    const out = new Float32Array(6);
    kernel.scorePairs(Int32Array.of(0, 1, 2, 2, 0, 1), Int32Array.of(0, 1, 2, 3, 1, 2), 6, out);
    expect([...out]).toEqual([0, 1, 1, 0, 0, Math.fround(2 / 3)]);
    expect([0, 1, 2, 3].map((i) => kernel.popcount(i))).toEqual([0, 1024, 512, 512]);
    // an empty CLK scores 0 with everything: kept at threshold 0, never above
    expect(triples(kernel.topK(Int32Array.of(0), range(4), 0, 4))).toEqual([
      [0, 0, 0],
      [0, 1, 0],
      [0, 2, 0],
      [0, 3, 0],
    ]);
    expect(kernel.topK(Int32Array.of(0), range(4), 0.01, 4)).toMatchObject({ count: 0, comparisons: 0 });
    expect(triples(kernel.topK(Int32Array.of(2), range(4), 0.5, 4))).toEqual([
      [2, 2, 1],
      [2, 1, Math.fround(2 / 3)],
    ]);
  });

  it('adds CLKs in several calls (memory grows, popcounts move) with the same results as one call', async () => {
    const bytes = 48;
    const all = clks(700, bytes, 7);
    const once = await kernelWith(all, bytes);
    const pieces = await createDiceKernel(bytes, { initialCapacity: 0 });
    let first = 0;
    for (const size of [1, 15, 0, 17, 100, 300, 267]) {
      expect(pieces.add(all.subarray(first * bytes, (first + size) * bytes))).toBe(first);
      first += size;
    }
    expect(pieces.count).toBe(700);
    const r = rng(3);
    const a = Int32Array.from({ length: 5000 }, () => Math.floor(r() * 700));
    const b = Int32Array.from({ length: 5000 }, () => Math.floor(r() * 700));
    const [x, y] = [new Float32Array(5000), new Float32Array(5000)];
    once.scorePairs(a, b, 5000, x);
    pieces.scorePairs(a, b, 5000, y);
    expect(y).toEqual(x);
    for (let i = 0; i < 700; i++) expect(pieces.popcount(i)).toBe(once.popcount(i));
    const q = range(50);
    expect(triples(pieces.topK(q, range(700), 0.5, 5))).toEqual(triples(once.topK(q, range(700), 0.5, 5)));
  });

  it('scores pair lists longer than one internal batch (2^20 pairs)', async () => {
    const bytes = 16;
    const n = 40;
    const all = clks(n, bytes, 11);
    const kernel = await kernelWith(all, bytes);
    const matrix = Array.from({ length: n * n }, (_, i) =>
      diceReference(clkAt(all, bytes, Math.floor(i / n)), clkAt(all, bytes, i % n)),
    );
    const total = (1 << 20) + 12_345;
    const r = rng(5);
    const a = Int32Array.from({ length: total }, () => Math.floor(r() * n));
    const b = Int32Array.from({ length: total }, () => Math.floor(r() * n));
    const out = new Float32Array(total + 1).fill(-1);
    kernel.scorePairs(a, b, total, out);
    let wrong = 0;
    for (let i = 0; i < total; i++) if (out[i] !== matrix[(a[i] ?? 0) * n + (b[i] ?? 0)]) wrong++;
    expect(wrong).toBe(0);
    expect(out[total]).toBe(-1);
  });

  it('topK equals brute force: threshold, k, ties, and the length filter never drops a passing pair', async () => {
    for (const [bytes, seed] of [
      [16, 1],
      [128, 2],
      [64, 3],
    ] as const) {
      const n = 120;
      const all = clks(n, bytes, seed);
      const kernel = await kernelWith(all, bytes);
      const queries = range(n).filter((i) => i % 4 !== 1);
      // candidates in a shuffled order, with some repeated (ties between equal CLKs)
      const r = rng(seed);
      const candidates = Int32Array.from([...range(n), 5, 9, 9]);
      for (let i = candidates.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [candidates[i], candidates[j]] = [candidates[j] ?? 0, candidates[i] ?? 0];
      }
      const some = diceReference(clkAt(all, bytes, 3), clkAt(all, bytes, 30));
      for (const threshold of [0, 0.3, some, 0.6, 0.8, 0.95, 1])
        for (const k of [1, 3, 10, MAX_TOP_K]) {
          const got = kernel.topK(queries, candidates, threshold, k);
          expect(triples(got)).toEqual(bruteTopK(all, bytes, queries, candidates, threshold, k));
          expect(got.comparisons).toBeLessThanOrEqual(queries.length * candidates.length);
          if (threshold === 0 && k === MAX_TOP_K)
            expect(got.comparisons).toBe(queries.length * candidates.length);
        }
      // the length filter does skip comparisons when popcounts differ
      expect(kernel.topK(queries, candidates, 0.9, MAX_TOP_K).comparisons).toBeLessThan(
        (queries.length * candidates.length) / 2,
      );
    }
  });

  it('topK over more queries than one batch holds, and more comparisons than one call makes', async () => {
    const bytes = 16;
    const all = clks(400, bytes, 21);
    const kernel = await kernelWith(all, bytes);
    // 2^18 output slots per call / k = 1024 → 256 queries per call: 3 calls
    const queries = Int32Array.from({ length: 600 }, (_, i) => (i * 7) % 400);
    const few = range(300);
    expect(triples(kernel.topK(queries, few, 0.4, MAX_TOP_K))).toEqual(
      bruteTopK(all, bytes, queries, few, 0.4, MAX_TOP_K),
    );
    // 2^24 comparisons per call / 2^18 candidates → 64 queries per call: 2 calls
    const many = Int32Array.from({ length: 1 << 18 }, (_, i) => (i * 13) % 400);
    const q = range(100);
    const whole = kernel.topK(q, many, 0.5, 4);
    const oneByOne = [...q].flatMap((x) => triples(kernel.topK(Int32Array.of(x), many, 0.5, 4)));
    expect(triples(whole)).toEqual(oneByOne);
    expect(whole.count).toBeGreaterThan(100);
  });

  it('refuses bad lengths, indices, thresholds and k, and calls after dispose', async () => {
    for (const bytes of [0, 8, 24, 17.5, 1 << 17])
      await expect(createDiceKernel(bytes)).rejects.toThrow(RangeError);
    const kernel = await kernelWith(clks(4, 16, 1), 16);
    expect(() => kernel.add(new Uint8Array(20))).toThrow(RangeError);
    expect(() => kernel.popcount(4)).toThrow(RangeError);
    const out = new Float32Array(2);
    expect(() => kernel.scorePairs(Int32Array.of(0, 4), Int32Array.of(0, 0), 2, out)).toThrow(/pair 1/);
    expect(() => kernel.scorePairs(Int32Array.of(0), Int32Array.of(-1), 1, out)).toThrow(/pair 0/);
    expect(() => kernel.scorePairs(Int32Array.of(0), Int32Array.of(0), 2, out)).toThrow(RangeError);
    expect(() => kernel.topK(Int32Array.of(0), Int32Array.of(1, 4), 0.5, 1)).toThrow(/candidate 1/);
    expect(() => kernel.topK(Int32Array.of(0, 9), Int32Array.of(1), 0.5, 1)).toThrow(/query 1/);
    for (const t of [-0.1, 1.1, Number.NaN])
      expect(() => kernel.topK(range(1), range(1), t, 1)).toThrow(RangeError);
    for (const k of [0, MAX_TOP_K + 1, 1.5])
      expect(() => kernel.topK(range(1), range(1), 0.5, k)).toThrow(RangeError);
    expect(kernel.topK(new Int32Array(0), range(4), 0, 1).count).toBe(0);
    expect(kernel.topK(range(4), new Int32Array(0), 0, 1)).toMatchObject({ count: 0, comparisons: 0 });
    kernel.dispose();
    expect(() => kernel.popcount(0)).toThrow(/disposed/);
  });
});
