import { describe, expect, it } from 'vitest';
import { hash32, mix32, permute32, Rng } from './prng.js';
import { AliasTable, CumulativeTable } from './weighted.js';

describe('Rng', () => {
  it('is deterministic per (seed, stream, index) and independent of other draws', () => {
    const a = Rng.of(1, 2, 3);
    const b = new Rng(0, 0, 0, 0).reseed(1, 2, 3);
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(xs);
    expect(Rng.of(1, 2, 4).u32()).not.toBe(xs[0]);
    expect(Rng.of(2, 2, 3).u32()).not.toBe(xs[0]);
  });

  it('draws uniforms in [0, 1) with the right mean, and geometric variates with mean (1-p)/p', () => {
    const rng = Rng.of(7, 1, 0);
    let sum = 0;
    let geo = 0;
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      geo += rng.geometric(0.2);
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(geo / n).toBeGreaterThan(3.9);
    expect(geo / n).toBeLessThan(4.1);
  });
});

describe('hashing and record-id bijection', () => {
  it('mix32 and permute32 never map two inputs to one output', () => {
    const seen = new Set<number>();
    const also = new Set<number>();
    for (let x = 0; x < 200_000; x++) {
      seen.add(permute32(x, 0xdeadbeef));
      also.add(mix32(x));
    }
    expect(seen.size).toBe(200_000);
    expect(also.size).toBe(200_000);
    expect(hash32(1, 2, 3)).not.toBe(hash32(1, 3, 2));
  });
});

describe('weighted tables', () => {
  it('AliasTable draws each index in proportion to its weight', () => {
    const weights = [1, 0, 3, 6];
    const t = new AliasTable(weights);
    const rng = Rng.of(3, 3, 3);
    const counts = [0, 0, 0, 0];
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const k = t.sample(rng.next());
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts[1]).toBe(0);
    for (const [i, w] of weights.entries()) expect((counts[i] ?? 0) / n).toBeCloseTo(w / 10, 2);
  });

  it('CumulativeTable maps uniforms monotonically onto cells of the right width', () => {
    const t = new CumulativeTable([2, 1, 1]);
    expect(t.index(0)).toBe(0);
    expect(t.index(0.4999)).toBe(0);
    expect(t.index(0.5)).toBe(1);
    expect(t.index(0.9999)).toBe(2);
    expect(t.start(2)).toBeCloseTo(0.75, 12);
    expect(t.maxMass()).toBeCloseTo(0.5, 12);
    expect(() => new CumulativeTable([0, 0])).toThrow();
  });
});
