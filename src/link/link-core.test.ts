import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { greedyOneToOne, rankPairs } from './assign.js';
import { type EvalRecord, qualityAgainstTruth } from './metrics.js';
import { histogram, otsuThreshold } from './threshold.js';
import { UnionFind } from './union-find.js';

describe('union-find with the NIR-conflict rule', () => {
  it('never puts two different certified NIRs in one set, whatever the order of unions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 2, maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 60 }),
        (nirs, edges) => {
          const uf = new UnionFind(Int32Array.from(nirs));
          for (const [x, y] of edges) uf.union(x % nirs.length, y % nirs.length);
          const { labels } = uf.labels();
          const seen = new Map<number, number>();
          nirs.forEach((n, i) => {
            if (n < 0) return;
            const l = labels[i] as number;
            const before = seen.get(l);
            expect(before === undefined || before === n).toBe(true);
            seen.set(l, n);
          });
        },
      ),
    );
  });

  it('joins through records without a NIR, and refuses the closing edge of a conflict', () => {
    const uf = new UnionFind(Int32Array.from([7, -1, 9, -1]));
    expect(uf.union(0, 1)).toBe(true);
    expect(uf.compatible(1, 2)).toBe(false);
    expect(uf.union(1, 2)).toBe(false);
    expect(uf.union(2, 3)).toBe(true);
    expect(uf.union(3, 0)).toBe(false);
    const { labels, count } = uf.labels();
    expect(count).toBe(2);
    expect(labels[0]).toBe(labels[1]);
    expect(labels[2]).toBe(labels[3]);
  });
});

describe('automatic threshold', () => {
  it('falls in the valley of a bimodal score distribution', () => {
    const scores: number[] = [];
    let seed = 1;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 5000; i++) scores.push(0.35 + 0.15 * rnd()); // chance similarity
    for (let i = 0; i < 2000; i++) scores.push(0.85 + 0.15 * rnd()); // true matches
    const t = otsuThreshold(histogram(scores));
    expect(t).not.toBeNull();
    expect(t as number).toBeGreaterThan(0.5);
    expect(t as number).toBeLessThanOrEqual(0.85);
  });

  it('has nothing to separate in a single bin', () => {
    expect(otsuThreshold(histogram([0.5, 0.5, 0.501]))).toBeNull();
  });
});

describe('one-to-one assignment', () => {
  it('takes the best pairs first and uses each record once, independently of input order', () => {
    const pairs = [
      [0, 10, 0.9],
      [0, 11, 0.95],
      [1, 11, 0.92],
      [1, 10, 0.85],
      [2, 12, 0.5],
    ] as const;
    const run = (ps: readonly (readonly [number, number, number])[]) => {
      const a = Int32Array.from(ps.map((p) => p[0]));
      const b = Int32Array.from(ps.map((p) => p[1]));
      const s = Float32Array.from(ps.map((p) => p[2]));
      const order = rankPairs(a, b, s, ps.length, 0.8);
      return greedyOneToOne(a, b, order, () => true)
        .map((i) => `${a[i]}-${b[i]}`)
        .sort();
    };
    expect(run(pairs)).toEqual(['0-11', '1-10']);
    expect(run([...pairs].reverse())).toEqual(['0-11', '1-10']);
  });

  it('ranks ties by record numbers, and respects a refusal', () => {
    const a = Int32Array.from([5, 3, 4]);
    const b = Int32Array.from([1, 2, 3]);
    const s = Float32Array.from([0.9, 0.9, 0.9]);
    expect([...rankPairs(a, b, s, 3, 0)]).toEqual([1, 2, 0]);
    expect(greedyOneToOne(a, b, rankPairs(a, b, s, 3, 0), (i) => i !== 2)).toEqual([1, 0]);
  });
});

describe('quality against truth', () => {
  const r = (
    source: EvalRecord['source'],
    person: number,
    entity: string,
    nir = -1,
    validNir = false,
  ): EvalRecord => ({
    source,
    person,
    entity,
    nir,
    idkey: -1,
    validNir,
  });

  it('counts pairs per source pair and type', () => {
    const records = [
      r('pe', 0, 'A', 1, true),
      r('dsn', 0, 'A', 1, true), // exact TP
      r('cnaf', 0, 'A'), // fuzzy TP ×2 (with pe, with dsn)
      r('pe', 1, 'B'),
      r('dsn', 1, 'C'), // fuzzy FP
      r('cnaf', 2, 'B'), // fuzzy FN with pe 'B'
    ];
    const q = qualityAgainstTruth(records);
    expect(q.overall).toMatchObject({ tp: 3, fp: 1, fn: 1 });
    expect(q.byType.exact).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(q.byType.fuzzy).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(q.bySourcePair['pe-dsn']).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    expect(q.bySourcePair['pe-cnaf']).toMatchObject({ tp: 1, fp: 0, fn: 1 });
    expect(q.withoutValidNir).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(q.overall.precision).toBeCloseTo(0.75);
    expect(q.overall.recall).toBeCloseTo(0.75);
    expect(q.overall.f1).toBeCloseTo(0.75);
  });
});
