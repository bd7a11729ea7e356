import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kaplanMeier, releaseCurve } from './survival.js';

describe('Kaplan–Meier', () => {
  it('matches a hand computation with censoring', () => {
    // events at 1, 1, 3; censored at 2 and 5
    const data = [
      { time: 1, event: true },
      { time: 1, event: true },
      { time: 2, event: false },
      { time: 3, event: true },
      { time: 5, event: false },
    ];
    const km = kaplanMeier(data, 4);
    expect(km.map((s) => [s.month, s.atRisk, s.events])).toEqual([
      [0, 5, 0],
      [1, 5, 2],
      [2, 3, 0],
      [3, 2, 1],
      [4, 1, 0],
    ]);
    expect(km[1]?.survival).toBeCloseTo(3 / 5);
    expect(km[3]?.survival).toBeCloseTo((3 / 5) * (1 / 2));
    expect(km[4]?.survival).toBeCloseTo(0.3);
  });

  it('never increases and stays in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ time: fc.integer({ min: 0, max: 30 }), event: fc.boolean() }), {
          maxLength: 200,
        }),
        (data) => {
          const km = kaplanMeier(data, 24);
          for (let i = 1; i < km.length; i++)
            expect((km[i]?.survival as number) <= (km[i - 1]?.survival as number) + 1e-12).toBe(true);
          for (const s of km) expect(s.survival >= 0 && s.survival <= 1).toBe(true);
        },
      ),
    );
  });

  it('suppresses every step from the first at-risk count under the threshold', () => {
    const data = Array.from({ length: 30 }, (_, i) => ({ time: i, event: i % 2 === 0 }));
    const released = releaseCurve(kaplanMeier(data, 29), 11);
    const firstHidden = released.findIndex((s) => s.suppressed);
    expect(firstHidden).toBe(20); // at risk 30 − 20 = 10 < 11
    expect(
      released.slice(firstHidden).every((s) => s.suppressed && s.atRisk === null && s.survival === null),
    ).toBe(true);
    expect(released.slice(0, firstHidden).every((s) => (s.atRisk as number) >= 11)).toBe(true);
  });
});
