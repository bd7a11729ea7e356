import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoPartial, parseDate, toMonth } from './dates.js';

describe('dates', () => {
  it('reads every declared format to the same date', () => {
    const want = { year: 1985, month: 7, day: 12 };
    expect(parseDate('1985-07-12', 'YYYY-MM-DD')).toEqual(want);
    expect(parseDate('12/07/1985', 'DD/MM/YYYY')).toEqual(want);
    expect(parseDate('19850712', 'YYYYMMDD')).toEqual(want);
    expect(parseDate('12-07-1985', 'DD-MM-YYYY')).toEqual(want);
    expect(parseDate('1985-07', 'YYYY-MM')).toEqual({ year: 1985, month: 7, day: null });
    expect(parseDate('07/1985', 'MM/YYYY')).toEqual({ year: 1985, month: 7, day: null });
  });

  it('never invents an unknown part', () => {
    expect(isoPartial(parseDate('00/07/1985', 'DD/MM/YYYY') ?? { year: 0, month: 0, day: 0 })).toBe(
      '1985-07-XX',
    );
    expect(isoPartial(parseDate('12/00/1985', 'DD/MM/YYYY') ?? { year: 0, month: 0, day: 0 })).toBe(
      '1985-XX-XX',
    );
  });

  it('refuses non-dates and malformed values', () => {
    expect(() => parseDate('1985-02-29', 'YYYY-MM-DD')).toThrow(RangeError);
    expect(() => parseDate('1985-13-01', 'YYYY-MM-DD')).toThrow(RangeError);
    expect(() => parseDate('12/07/1985', 'YYYY-MM-DD')).toThrow(RangeError);
    expect(() => parseDate('1885-01-01', 'YYYY-MM-DD')).toThrow(RangeError);
    expect(parseDate('1984-02-29', 'YYYY-MM-DD')).toEqual({ year: 1984, month: 2, day: 29 });
    expect(parseDate('  ', 'YYYY-MM-DD')).toBeNull();
  });

  it('shares the text of a month between dates', () => {
    const a = toMonth({ year: 2020, month: 3, day: 1 });
    expect(a).toBe('2020-03');
    expect(toMonth({ year: 2020, month: 3, day: 31 })).toBe(a);
    expect(toMonth({ year: 2020, month: null, day: null })).toBeNull();
  });

  it('round-trips every calendar date through every format', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        (d) => {
          const y = d.getUTCFullYear();
          const m = String(d.getUTCMonth() + 1).padStart(2, '0');
          const day = String(d.getUTCDate()).padStart(2, '0');
          const iso = `${y}-${m}-${day}`;
          expect(
            isoPartial(parseDate(`${day}/${m}/${y}`, 'DD/MM/YYYY') ?? { year: 0, month: 0, day: 0 }),
          ).toBe(iso);
          expect(toMonth(parseDate(`${y}${m}${day}`, 'YYYYMMDD') ?? { year: 0, month: 0, day: 0 })).toBe(
            `${y}-${m}`,
          );
        },
      ),
    );
  });
});
