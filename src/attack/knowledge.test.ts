import { describe, expect, it } from 'vitest';
import { cohortWeights, pairKey, qgramStats } from './knowledge.js';
import { firstNames } from './test-fixtures.js';

describe('adversary knowledge', () => {
  it('derives q-gram frequencies and co-occurrences from value frequencies', () => {
    const s = qgramStats([
      { value: 'ANNA', share: 0.75 },
      { value: 'ANA', share: 0.25 },
    ]);
    expect(s.single.get('AN')).toBe(1);
    expect(s.single.get('NN')).toBe(0.75);
    expect(s.pair.get(pairKey('NN', '_A'))).toBe(0.75);
    expect(s.pair.get(pairKey('A_', 'NA'))).toBe(1);
  });

  it('weights birth decades by the years of the cohort they cover, clamped to the tables', () => {
    const w = cohortWeights(1955, 2005, 0.5, [1940, 1950, 1960, 1970, 1980, 1990, 2000, 2010]);
    expect(w(1, 1950)).toBe(2.5);
    expect(w(2, 1960)).toBe(5);
    expect(w(1, 2000)).toBe(3);
    expect(w(1, 1940)).toBe(0);
  });

  it('normalises the table to compact values whose shares sum to 1', () => {
    const k = firstNames();
    expect(k.reduce((s, v) => s + v.share, 0)).toBeCloseTo(1);
    expect(k.some((v) => v.value === 'JEANPIERRE')).toBe(true);
    expect(k.every((v) => /^[A-Z]+$/.test(v.value))).toBe(true);
  });
});
