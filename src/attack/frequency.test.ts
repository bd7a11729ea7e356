import { describe, expect, it } from 'vitest';
import { BitMatrix } from './bits.js';
import { FieldBloomEncoder } from './encoders.js';
import { expectedBits, frequencyAttack, patternGroups } from './frequency.js';
import { reidentification } from './metrics.js';
import { firstNames, sample, secret } from './test-fixtures.js';

describe('T4 frequency attack', () => {
  it('breaks the unhardened field-level Bloom filter of first names', () => {
    const knowledge = firstNames();
    const truth = sample(knowledge, 8000, 1);
    const enc = new FieldBloomEncoder(secret(1));
    const m = BitMatrix.fromBytes(
      truth.map((v) => enc.encode(v)),
      enc.params.l,
    );
    const r = frequencyAttack(m, knowledge);
    const score = reidentification(r.claims, truth);
    expect(r.aligned).toBeGreaterThan(100);
    expect(score.share).toBeGreaterThan(0.1);
    expect(score.precision).toBeGreaterThan(0.9);
  });

  it('claims nothing when no encoding repeats (a record-level CLK)', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i, (i * 7) % 64, 64 + (i % 30)]);
    const r = frequencyAttack(BitMatrix.fromPositions(rows, 128), firstNames());
    expect(r.aligned).toBe(0);
    expect(r.claims.every((c) => c === null)).toBe(true);
  });

  it('groups identical encodings, largest first, and leaves empty ones out', () => {
    const m = BitMatrix.fromPositions([[1], [2], [1], [], [2], [1]], 8);
    expect(patternGroups(m)).toEqual([
      [0, 2, 5],
      [1, 4],
    ]);
  });

  it('expects the Bloom-filter weight of b tokens of k positions', () => {
    expect(expectedBits(1000, 20, 0)).toBe(0);
    expect(expectedBits(1000, 1, 1)).toBeCloseTo(1);
    expect(expectedBits(1000, 20, 6)).toBeCloseTo(1000 * (1 - 0.999 ** 120));
  });
});
