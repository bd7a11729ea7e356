import { describe, expect, it } from 'vitest';
import { differencingVerdict } from './differencing.js';
import { DisclosurePolicy } from './policy.js';
import { primarySuppression } from './primary.js';
import { roundToBase } from './rounding.js';

describe('primary suppression', () => {
  it('suppresses small counts, small numerators and small complements', () => {
    const counts = [50, 8, 40, 40, 11];
    const found = [[25, 4, 35, 5, 5]];
    const { suppressed, reasons } = primarySuppression(counts, found, 11);
    expect(Array.from(suppressed)).toEqual([0, 1, 1, 1, 1]);
    expect(reasons).toEqual([
      { cell: 1, rule: 'count' },
      { cell: 2, rule: 'complement', outcome: 0 },
      { cell: 3, rule: 'numerator', outcome: 0 },
      { cell: 4, rule: 'numerator', outcome: 0 },
    ]);
  });

  it('keeps a cell exactly at the threshold', () => {
    expect(Array.from(primarySuppression([22, 11], [[11, 0]], 11).suppressed)).toEqual([0, 1]);
    expect(Array.from(primarySuppression([22, 11], [[11, 11]], 11).suppressed)).toEqual([0, 1]);
    expect(Array.from(primarySuppression([22], [[11]], 11).suppressed)).toEqual([0]);
  });

  it('refuses impossible numerators', () => {
    expect(() => primarySuppression([10], [[11]], 5)).toThrow(RangeError);
  });
});

describe('policy', () => {
  it('defaults to 11 and never goes below the floor of 5', () => {
    expect(DisclosurePolicy.parse({}).threshold).toBe(11);
    expect(DisclosurePolicy.safeParse({ threshold: 4 }).success).toBe(false);
    expect(
      DisclosurePolicy.safeParse({ dp: { mechanism: 'discrete-laplace', budget: 1, perRelease: 2 } }).success,
    ).toBe(false);
  });
});

describe('rounding and the differencing guard', () => {
  it('rounds half up to the base', () => {
    expect([0, 2, 3, 12, 13, 17, 18].map((v) => roundToBase(v, 5))).toEqual([0, 0, 5, 10, 15, 15, 20]);
  });

  it('refuses a cohort that differs from a released one by one person, allows identical and distant ones', () => {
    expect(differencingVerdict([{ release: 'r1', onlyNew: 0, onlyReleased: 1 }], 11)).toEqual({
      ok: false,
      release: 'r1',
      difference: 1,
    });
    expect(differencingVerdict([{ release: 'r1', onlyNew: 0, onlyReleased: 0 }], 11)).toEqual({ ok: true });
    expect(differencingVerdict([{ release: 'r1', onlyNew: 30, onlyReleased: 5 }], 11)).toEqual({ ok: true });
  });
});
