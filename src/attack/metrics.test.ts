import { describe, expect, it } from 'vitest';
import { claimFrom, SignatureIndex } from './decode.js';
import { reidentification, worstCase } from './metrics.js';

describe('re-identification share', () => {
  it('counts correct claims over every encoded record, and precision over the claims', () => {
    const r = reidentification(['ANNA', null, 'JEAN', 'LUC'], ['ANNA', 'LEA', 'PAUL', 'LUC']);
    expect(r).toEqual({ records: 4, claims: 3, correct: 2, share: 0.5, precision: 2 / 3 });
  });

  it('gives share 0 and precision 1 when nothing is claimed', () => {
    expect(reidentification([null, null], ['A', 'B'])).toEqual({
      records: 2,
      claims: 0,
      correct: 0,
      share: 0,
      precision: 1,
    });
    expect(reidentification([], []).share).toBe(0);
  });

  it('needs one claim per record', () => {
    expect(() => reidentification(['A'], ['A', 'B'])).toThrow(RangeError);
  });

  it('reports the worst attribute', () => {
    const a = reidentification(['A', null], ['A', 'B']);
    const b = reidentification(['A', 'B'], ['A', 'B']);
    expect(worstCase({ first_name: a, birth_name: b }).attribute).toBe('birth_name');
  });
});

describe('the posterior claim rule', () => {
  const index = new SignatureIndex(
    [
      { value: 'ANNA', share: 0.6 },
      { value: 'ANNE', share: 0.3 },
      { value: 'ANA', share: 0.1 },
    ],
    new Set(['_A', 'AN', 'NN', 'NA', 'A_']),
    (v) => {
      const s = `_${v}_`;
      return [...new Set(Array.from({ length: s.length - 1 }, (_, i) => s.slice(i, i + 2)))];
    },
  );

  it('finds the values whose known q-grams are exactly the ones found', () => {
    expect(index.candidates(['_A', 'AN', 'NN', 'NA', 'A_']).map((c) => c.value)).toEqual(['ANNA']);
    // ANNE's known q-grams: _A AN NN (NE, E_ unknown)
    expect(index.candidates(['NN', '_A', 'AN']).map((c) => c.value)).toEqual(['ANNE']);
    expect(index.candidates(['A_'])).toEqual([]);
  });

  it('claims the most frequent candidate only when its posterior reaches the bar', () => {
    const cands = [
      { value: 'X', share: 0.5, unknown: 0 },
      { value: 'Y', share: 0.3, unknown: 0 },
      { value: 'Z', share: 0.2, unknown: 0 },
    ];
    expect(claimFrom(cands, 0.5)).toBe('X');
    expect(claimFrom(cands, 0.6)).toBeNull();
    expect(claimFrom(cands, 0.6, (c) => c.value !== 'Z')).toBe('X'); // 0.5 / 0.8
    expect(claimFrom([], 0.5)).toBeNull();
  });
});
