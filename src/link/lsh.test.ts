import { describe, expect, it } from 'vitest';
import {
  bandSignature,
  collides,
  collisionProbability,
  type LshParams,
  lshPairs,
  lshPositions,
  pairCollides,
  sortBySignature,
} from './lsh.js';

const BYTES = 128;
const BITS = BYTES * 8;

/** deterministic pseudo-random CLKs, about half the bits set */
function randomClks(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n * BYTES);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** copies CLK `from` into slot `to` with exactly `d` distinct bits flipped (positions from `seed`) */
function flipped(clks: Uint8Array, from: number, to: number, d: number, seed: number): void {
  clks.copyWithin(to * BYTES, from * BYTES, (from + 1) * BYTES);
  const used = new Set<number>();
  let x = seed >>> 0 || 1;
  while (used.size < d) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const pos = (x >>> 8) % BITS;
    if (used.has(pos)) continue;
    used.add(pos);
    const i = to * BYTES + (pos >>> 3);
    clks[i] = (clks[i] as number) ^ (1 << (7 - (pos & 7)));
  }
}

const P: LshParams = { bands: 20, bitsPerBand: 12, seed: 7 };

describe('lshPositions', () => {
  it('is deterministic, distinct within a band and in range', () => {
    const a = lshPositions(P, BITS);
    expect(a).toEqual(lshPositions(P, BITS));
    expect(a).not.toEqual(lshPositions({ ...P, seed: 8 }, BITS));
    expect(a.length).toBe(P.bands * P.bitsPerBand);
    for (let band = 0; band < P.bands; band++) {
      const s = new Set(a.subarray(band * P.bitsPerBand, (band + 1) * P.bitsPerBand));
      expect(s.size).toBe(P.bitsPerBand);
      for (const x of s) expect(x).toBeLessThan(BITS);
    }
  });
  it('rejects bad parameters', () => {
    expect(() => lshPositions({ ...P, bitsPerBand: 33 }, BITS)).toThrow(RangeError);
    expect(() => lshPositions({ ...P, bands: 0 }, BITS)).toThrow(RangeError);
    expect(() => lshPositions({ ...P, bitsPerBand: 16 }, 8)).toThrow(RangeError);
  });
});

describe('bandSignature', () => {
  it('reads the band positions, first position as the high bit (bit j = bit 7 − j mod 8 of byte j / 8)', () => {
    const clks = new Uint8Array(BYTES);
    clks[0] = 0b1000_0000; // bit 0
    clks[1] = 0b0000_0001; // bit 15
    const positions = Uint16Array.of(0, 15, 1, 14);
    expect(bandSignature(clks, BYTES, 0, positions, 0, 2)).toBe(0b11);
    expect(bandSignature(clks, BYTES, 0, positions, 1, 2)).toBe(0b00);
    const thirtyTwo = Uint16Array.from({ length: 32 }, (_, i) => i);
    clks.fill(0xff, 0, 4);
    expect(bandSignature(clks, BYTES, 0, thirtyTwo, 0, 32)).toBe(0xffffffff);
  });
});

describe('sortBySignature', () => {
  it('orders by signature, stably, over the full 32 bits', () => {
    const sig = Uint32Array.of(0x10000, 5, 0xffffffff, 5, 0, 0x10000, 0xfffe0001);
    const order = new Int32Array(sig.length);
    sortBySignature(sig, sig.length, order, new Int32Array(sig.length));
    expect([...order]).toEqual([4, 1, 3, 0, 5, 6, 2]);
  });
});

describe('collisionProbability', () => {
  it('is 1 for identical vectors, 0 when fewer bits agree than a band needs, and grows with bands', () => {
    expect(collisionProbability(0, BITS, 16, 1)).toBe(1);
    expect(collisionProbability(BITS - 15, BITS, 16, 100)).toBe(0);
    expect(collisionProbability(200, BITS, 16, 1)).toBeCloseTo(0.0296, 3); // ≈ (824/1024)^16, without replacement
    expect(collisionProbability(200, BITS, 16, 64)).toBeGreaterThan(collisionProbability(200, BITS, 16, 32));
  });

  it('matches the measured collision rate on synthetic vectors at known Hamming distances', () => {
    const p: LshParams = { bands: 8, bitsPerBand: 12, seed: 3 };
    const positions = lshPositions(p, BITS);
    const trials = 2000;
    for (const d of [50, 150, 300, 512]) {
      const clks = randomClks(2 * trials, d);
      for (let t = 0; t < trials; t++) flipped(clks, 2 * t, 2 * t + 1, d, t + 1);
      let hit = 0;
      for (let t = 0; t < trials; t++) {
        const both = collides(clks, BYTES, 2 * t, 2 * t + 1, positions, p);
        // the same answer for the two CLKs given apart
        const a = clks.subarray(2 * t * BYTES, (2 * t + 1) * BYTES);
        const b = clks.subarray((2 * t + 1) * BYTES, (2 * t + 2) * BYTES);
        expect(pairCollides(a, b, positions, p)).toBe(both);
        if (both) hit++;
      }
      const expected = collisionProbability(d, BITS, p.bitsPerBand, p.bands);
      // binomial sd ≤ 0.0112 at 2,000 trials: 4 sd
      expect(Math.abs(hit / trials - expected)).toBeLessThan(0.045);
    }
  });
});

describe('lshPairs', () => {
  /** every (a, b) that collides, by brute force */
  function brute(clks: Uint8Array, A: number[], B: number[], same: boolean, p: LshParams): string[] {
    const positions = lshPositions(p, BITS);
    const out: string[] = [];
    for (const a of A)
      for (const b of B) {
        if (a === b) continue;
        if (same && A.includes(b) && b < a) continue;
        if (collides(clks, BYTES, a, b, positions, p)) out.push(`${a}-${b}`);
      }
    return out.sort();
  }
  // 60 records: 20 originals, each with two near copies (d = 20, 60), so buckets are neither empty nor trivial
  const clks = randomClks(60, 99);
  for (let i = 0; i < 20; i++) {
    flipped(clks, i, 20 + i, 20, i + 1);
    flipped(clks, i, 40 + i, 60, i + 101);
  }
  const p: LshParams = { bands: 6, bitsPerBand: 8, seed: 5 };
  const run = (
    A: number[],
    B: number[],
    same: boolean,
    extra: Partial<Parameters<typeof lshPairs>[0]> = {},
  ) => {
    const got: string[] = [];
    const stats = lshPairs(
      { clks, clkBytes: BYTES, A, B, same, params: p, bucketCap: 1000, maxPairs: 1e9, ...extra },
      (a, b) => got.push(`${a}-${b}`),
    );
    return { got, stats };
  };

  it('emits exactly the colliding pairs across sources, each once', () => {
    const A = Array.from({ length: 20 }, (_, i) => i);
    const B = Array.from({ length: 40 }, (_, i) => 20 + i);
    const { got, stats } = run(A, B, false);
    const want = brute(clks, A, B, false, p);
    expect(want.length).toBeGreaterThan(20);
    expect([...got].sort()).toEqual(want);
    expect(new Set(got).size).toBe(got.length);
    expect(stats).toEqual({ candidates: want.length, skippedBuckets: 0, capped: false });
  });

  it('within one source emits each unordered pair once, never a record with itself', () => {
    const A = [0, 3, 20, 23, 40];
    const B = Array.from({ length: 60 }, (_, i) => i);
    const { got } = run(A, B, true);
    expect([...got].sort()).toEqual(brute(clks, A, B, true, p));
    const unordered = got.map((k) =>
      k
        .split('-')
        .map(Number)
        .sort((x, y) => x - y)
        .join('-'),
    );
    expect(new Set(unordered).size).toBe(got.length);
    expect(got).toContain('0-20');
  });

  it('is deterministic and stops at maxPairs', () => {
    const A = Array.from({ length: 20 }, (_, i) => i);
    const B = Array.from({ length: 40 }, (_, i) => 20 + i);
    expect(run(A, B, false).got).toEqual(run(A, B, false).got);
    const capped = run(A, B, false, { maxPairs: 7 });
    expect(capped.got.length).toBe(7);
    expect(capped.stats.capped).toBe(true);
  });

  it('skips buckets over the cap, and emits each pair of a bucket at the cap once', () => {
    // 30 identical CLKs on each side: one bucket per band, 30 > cap
    const same = new Uint8Array(60 * BYTES);
    for (let i = 0; i < 60; i++) same.set(clks.subarray(0, BYTES), i * BYTES);
    const A = Array.from({ length: 30 }, (_, i) => i);
    const B = Array.from({ length: 30 }, (_, i) => 30 + i);
    const over = lshPairs(
      { clks: same, clkBytes: BYTES, A, B, same: false, params: p, bucketCap: 29, maxPairs: 1e9 },
      () => undefined,
    );
    expect(over).toEqual({ candidates: 0, skippedBuckets: p.bands, capped: false });
    const got: string[] = [];
    lshPairs(
      {
        clks: same,
        clkBytes: BYTES,
        A,
        B,
        same: false,
        params: p,
        bucketCap: 30,
        maxPairs: 1e9,
      },
      (a, b) => got.push(`${a}-${b}`),
    );
    expect(got).toHaveLength(30 * 30);
    expect(new Set(got).size).toBe(30 * 30);
  });
});
