import { describe, expect, it } from 'vitest';
import { BitMatrix } from './bits.js';
import { FieldBloomEncoder } from './encoders.js';
import { diceMatrix, mutualNearest } from './graph.js';
import { graphCase, runT6Values } from './suite.js';
import { firstNames, sample, secret } from './test-fixtures.js';

describe('T6 graph-matching attack', () => {
  it('computes Dice similarities', () => {
    const m = BitMatrix.fromPositions([[0, 1, 2, 3], [2, 3, 4, 5], [], [0, 1, 2, 3]], 8);
    const s = diceMatrix(m);
    expect(s[0 * 4 + 1]).toBeCloseTo(0.5);
    expect(s[0 * 4 + 3]).toBe(1);
    expect(s[0 * 4 + 2]).toBe(0);
    expect(s[2 * 4 + 2]).toBe(0);
  });

  it('keeps only mutual nearest pairs, with the best/second-best ratio', () => {
    const x = Float64Array.from([0, 10, 20]);
    const y = Float64Array.from([10.5, 1, 50]);
    const r = mutualNearest(x, y, 1);
    expect(Array.from(r.partner)).toEqual([1, 0, -1]); // 20's nearest is 10.5, whose nearest is 10
    expect(r.ratio[0]).toBeCloseTo(1 / 10.5);
  });

  it('builds overlapping cases: the shared records and others, shuffled', () => {
    const recs = Array.from({ length: 20 }, (_, i) => `r${i}`);
    const gc = graphCase(recs, 10, 0.8, 1);
    expect(gc.encoded).toEqual(recs.slice(0, 10));
    expect(gc.plain.filter((r) => gc.encoded.includes(r))).toHaveLength(8);
    expect(new Set(gc.plain).size).toBe(10);
  });

  it('breaks the unhardened field-level Bloom filter at 80 % overlap', () => {
    const knowledge = firstNames();
    const records = sample(knowledge, 2000, 3);
    const gc = graphCase(records, 1000, 0.8, 3);
    const victim = new FieldBloomEncoder(secret(3));
    const attackers = [4, 5].map((s) => new FieldBloomEncoder(secret(s)));
    const r = runT6Values(
      gc,
      (v) => victim.encode(v),
      attackers.map((a) => (v: string) => a.encode(v)),
    );
    expect(r.share).toBeGreaterThan(0.3);
    expect(r.precision).toBeGreaterThan(0.9);
  });
});
