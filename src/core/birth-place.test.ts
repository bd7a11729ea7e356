import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseBirthPlace, normaliseBirthPlaceAsWritten } from './birth-place.js';

/** The result, or the error's name when the value is refused. */
function outcome(read: (raw: string) => unknown, raw: string): unknown {
  try {
    return read(raw);
  } catch (e) {
    return (e as Error).name;
  }
}

describe('birth place', () => {
  it('reads mainland, Corsican, overseas and foreign codes, and pads a lost leading zero', () => {
    expect(normaliseBirthPlace('75056')).toEqual({ code: '75056', dept: '75', abroad: false });
    expect(normaliseBirthPlace('2a004')).toEqual({ code: '2A004', dept: '2A', abroad: false });
    expect(normaliseBirthPlace('97411')).toEqual({ code: '97411', dept: '974', abroad: false });
    expect(normaliseBirthPlace('98735')).toEqual({ code: '98735', dept: '987', abroad: false });
    expect(normaliseBirthPlace('99350')).toEqual({ code: '99350', dept: '99', abroad: true });
    expect(normaliseBirthPlace('1053')).toEqual({ code: '01053', dept: '01', abroad: false });
    expect(normaliseBirthPlace(' 13 055 ')).toEqual({ code: '13055', dept: '13', abroad: false });
  });

  it('reads placeholders as missing and refuses what is not a COG code', () => {
    for (const v of [null, '', '00000', 'XXXXX', '  ']) expect(normaliseBirthPlace(v)).toBeNull();
    for (const v of ['00123', '123', '2C004', '750561', 'PARIS']) {
      expect(() => normaliseBirthPlace(v)).toThrow(RangeError);
    }
  });

  it('reads every value as the rules are written (the five-digit shortcut included)', () => {
    const value = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 5, maxLength: 5 }),
      fc.constantFrom('00000', '00123', '97000', '98000', '99000', '96000', '09999'),
      fc.string({ unit: fc.constantFrom(...'0129789AaBX '), minLength: 3, maxLength: 7 }),
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(normaliseBirthPlace, v)).toEqual(outcome(normaliseBirthPlaceAsWritten, v));
      }),
      { numRuns: 3000 },
    );
  });
});
