import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nirControlKey, normaliseNir, normaliseNirAsWritten, withControlKey } from './nir.js';

const body = fc
  .tuple(
    fc.constantFrom('1', '2', '7', '8'),
    fc.integer({ min: 0, max: 99 }),
    fc.integer({ min: 1, max: 12 }),
    fc.constantFrom('75', '2A', '2B', '99', '13', '01'),
    fc.integer({ min: 1, max: 999 }),
    fc.integer({ min: 1, max: 999 }),
  )
  .map(
    ([s, y, m, d, c, o]) =>
      `${s}${String(y).padStart(2, '0')}${String(m).padStart(2, '0')}${d}${String(c).padStart(3, '0')}${String(o).padStart(3, '0')}`,
  );

describe('NIR', () => {
  it('computes the control key, Corsica included', () => {
    expect(nirControlKey('1850775056123')).toBe(23);
    // 2A counts as 19: the key of 185072A004001 is that of 1850719004001
    expect(nirControlKey('185072A004001')).toBe(nirControlKey('1850719004001'));
    expect(nirControlKey('285072B045012')).toBe(nirControlKey('2850718045012'));
  });

  it('round-trips every NIR built with its key, whatever separators surround it', () => {
    fc.assert(
      fc.property(body, fc.constantFrom('', ' ', '.', '-'), (b, sep) => {
        const nir = withControlKey(b);
        const spaced = [
          nir.slice(0, 1),
          nir.slice(1, 3),
          nir.slice(3, 5),
          nir.slice(5, 7),
          nir.slice(7, 10),
          nir.slice(10, 13),
          nir.slice(13),
        ].join(sep);
        const r = normaliseNir(spaced.toLowerCase());
        expect(r.nir).toBe(nir);
        expect(r.class).toBe(b[0] === '1' || b[0] === '2' ? 'certified' : 'provisional');
      }),
    );
  });

  it('refuses any single-digit change (the key detects it)', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1, max: 9 }), (b, pos, delta) => {
        const nir = withControlKey(b);
        const c = nir[pos] ?? '';
        fc.pre(/[0-9]/.test(c) && !(pos >= 5 && pos <= 6 && /[AB]/.test(nir.slice(5, 7))));
        const changed = nir.slice(0, pos) + String((Number(c) + delta) % 10) + nir.slice(pos + 1);
        expect(normaliseNir(changed).class).toBe('invalid');
      }),
    );
  });

  it('reads every value as the rules are written (the 15-digit shortcut included)', () => {
    const digits = (n: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
    const value = fc.oneof(
      body.map(withControlKey),
      digits(13).map(withControlKey), // any month (unknown-month codes), any first digit
      digits(15),
      digits(15).map((s) => `9${s.slice(1)}`),
      fc.constantFrom('000000000000000', '999999999999999', '100000000000000', '800000000000000'),
      fc.string({ unit: fc.constantFrom(...'0123456789 AB.x'), minLength: 13, maxLength: 17 }),
    );
    fc.assert(
      fc.property(value, fc.constantFrom(null, true, false), (v, flag) => {
        expect(normaliseNir(v, flag)).toEqual(normaliseNirAsWritten(v, flag));
      }),
      { numRuns: 2000 },
    );
  });

  it('classifies missing, placeholder, malformed and uncertified values', () => {
    expect(normaliseNir('').class).toBe('missing');
    expect(normaliseNir(null).class).toBe('missing');
    expect(normaliseNir('000000000000000').class).toBe('missing');
    expect(normaliseNir('1850775056123').class).toBe('invalid');
    expect(normaliseNir('385077505612323').class).toBe('invalid');
    expect(normaliseNir('185077505612323', false).class).toBe('unverified');
    expect(normaliseNir('185997505612340').monthKnown).toBe(false);
  });
});
