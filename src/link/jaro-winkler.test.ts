import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler } from './jaro-winkler.js';

describe('Jaro–Winkler', () => {
  it('gives the published values', () => {
    // Winkler (1990) / Wikipedia / jellyfish test values
    expect(jaro('MARTHA', 'MARHTA')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.9611, 4);
    expect(jaro('DWAYNE', 'DUANE')).toBeCloseTo(0.8222, 4);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 4);
    expect(jaro('DIXON', 'DICKSONX')).toBeCloseTo(0.7667, 4);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.8133, 4);
    expect(jaro('JELLYFISH', 'SMELLYFISH')).toBeCloseTo(0.8963, 4);
    expect(jaroWinkler('JELLYFISH', 'SMELLYFISH')).toBeCloseTo(0.8963, 4); // no common prefix
  });

  it('caps the prefix at 4 characters and boosts only above 0.7', () => {
    // jaro = (6/7 + 6/6 + 6/6) / 3, prefix 6 counted as 4
    const j = (6 / 7 + 1 + 1) / 3;
    expect(jaroWinkler('DUPONT', 'DUPONTS')).toBeCloseTo(j + 4 * 0.1 * (1 - j), 12);
    // 'AB' vs 'AXXXB': one match in a window of 1 → jaro 0.6 ≤ 0.7, no boost despite the prefix
    expect(jaro('AB', 'AXXXB')).toBeCloseTo((1 / 2 + 1 / 5 + 1) / 3, 12);
    expect(jaroWinkler('AB', 'AXXXB')).toBe(jaro('AB', 'AXXXB'));
  });

  it('handles equal, empty and disjoint strings', () => {
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('MARTIN', 'MARTIN')).toBe(1);
    expect(jaroWinkler('', 'MARTIN')).toBe(0);
    expect(jaroWinkler('ABC', 'XYZ')).toBe(0);
    // a match outside the window does not count: window = ⌊4/2⌋ − 1 = 1
    expect(jaro('ABCD', 'DXYZ')).toBe(0);
  });

  it('is symmetric, in [0, 1], and 1 only for equal strings', () => {
    const name = fc.string({ unit: fc.constantFrom(...'ABDENRST'), maxLength: 12 });
    fc.assert(
      fc.property(name, name, (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaroWinkler(b, a)).toBeCloseTo(s, 12);
        if (a !== b) expect(s).toBeLessThan(1);
      }),
    );
  });
});
