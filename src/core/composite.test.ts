import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compositeParts, compositeTokens } from './composite.js';
import { normaliseIdentity } from './identity.js';
import { COMPOSITE_V3 } from './params.js';
import { soundex } from './soundex.js';

const id = (o: Record<string, string>) =>
  normaliseIdentity({
    birth_date: '1985-07-12',
    sex: '1',
    birth_place: '75056',
    first_names: 'Jean',
    birth_name: 'Dupont',
    ...o,
  });
const all = (t: Record<string, string[]>) =>
  Object.entries(t).flatMap(([f, tokens]) => tokens.map((x) => `${f}:${x}`));
const shared = (a: string[], b: string[]) => a.filter((k) => b.includes(k));

/** Soundex as the rules are written, one character at a time (the reference of the table-driven one). */
function soundexAsWritten(name: string): string {
  const codes: Record<string, string> = {};
  for (const [letters, code] of [
    ['BFPV', '1'],
    ['CGJKQSXZ', '2'],
    ['DT', '3'],
    ['L', '4'],
    ['MN', '5'],
    ['R', '6'],
  ])
    for (const c of letters ?? '') codes[c] = code ?? '';
  if (name === '') return '';
  const first = name[0] ?? '';
  let out = first;
  let last = codes[first] ?? '';
  for (let i = 1; i < name.length && out.length < 4; i++) {
    const c = name[i] ?? '';
    if (c === 'H' || c === 'W') continue;
    const code = codes[c];
    if (code === undefined) {
      last = '';
      continue;
    }
    if (code !== last) out += code;
    last = code;
  }
  return out.padEnd(4, '0');
}

describe('soundex', () => {
  it('follows the American Soundex rules (H/W do not separate, vowels do)', () => {
    expect(
      ['ROBERT', 'RUPERT', 'RUBIN', 'ASHCRAFT', 'TYMCZAK', 'PFISTER', 'HONEYMAN', 'LEE'].map(soundex),
    ).toEqual(['R163', 'R163', 'R150', 'A261', 'T522', 'P236', 'H555', 'L000']);
  });

  it('gives the code of the rules as written for any text', () => {
    const name = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), maxLength: 12 }),
      fc.string({ unit: fc.constantFrom(...'BHWAPTL'), maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    fc.assert(
      fc.property(name, (s) => {
        expect(soundex(s)).toBe(soundexAsWritten(s));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('composite fields', () => {
  it('give one token per field of protocol §4.3 for a complete identity, as the spec spells them', () => {
    expect(Object.keys(compositeTokens(id({})))).toEqual(COMPOSITE_V3.map((c) => c.field));
    expect(compositeTokens(id({}))).toEqual({
      name_year: ['D153|1985'],
      firstname_dob: ['J500|1985|0712'],
      names_sex: ['D153|J500|1'],
      dob_place: ['1985|0712|75056'],
    });
  });

  it('give two tokens to the surname fields with a usage name, one when it sounds the same', () => {
    const withUsage = compositeTokens(id({ usage_name: 'Martin' }));
    expect(withUsage.name_year).toEqual(['D153|1985', 'M635|1985']);
    expect(withUsage.names_sex).toHaveLength(2);
    expect(compositeTokens(id({ usage_name: 'Dupond' })).name_year).toEqual(['D153|1985']);
    // LE GALL and LEGALL compact to one surname
    expect(compositeParts(id({ birth_name: 'Le Gall', usage_name: 'Legall' })).name_year).toHaveLength(1);
  });

  it('survive any single error through at least one token', () => {
    const base = all(compositeTokens(id({})));
    const variants = [
      { birth_name: 'Dupond' }, // surname typo
      { birth_name: 'Martin' }, // other surname (marriage)
      { first_names: 'Jeanne' },
      { birth_date: '1985-12-07' }, // day/month swap
      { birth_date: '1986-07-12' },
      { birth_place: '13055' },
      { birth_date: '1985-07-00' }, // unknown day
    ];
    for (const v of variants)
      expect(shared(base, all(compositeTokens(id(v)))).length, JSON.stringify(v)).toBeGreaterThan(0);
  });

  it('sort day and month so that a swap keeps the date fields', () => {
    expect(compositeTokens(id({ birth_date: '1985-12-07' })).dob_place).toEqual(
      compositeTokens(id({})).dob_place,
    );
  });

  it('set nothing for a field whose inputs are missing', () => {
    expect(all(compositeTokens(id({ birth_date: '', first_names: '' })))).toEqual([]);
    expect(all(compositeTokens(id({ birth_date: '' })))).toEqual(['names_sex:D153|J500|1']);
  });
});

describe('compositeTokens', () => {
  it('joins the parts of compositeParts, without repeats, for any identity', () => {
    const fromParts = (x: ReturnType<typeof id>) =>
      Object.fromEntries(
        Object.entries(compositeParts(x)).map(([f, list]) => [
          f,
          [...new Set(list.map((parts) => parts.join('|')))],
        ]),
      );
    const name = fc.constantFrom('', 'Dupont', 'Dupond', 'Martin', 'Le Gall', 'Legall', "N'Diaye", 'Ö');
    fc.assert(
      fc.property(
        fc.record({
          birth_name: name,
          usage_name: name,
          first_names: fc.constantFrom('', 'Jean', 'Marie Anne', 'Zoé'),
          birth_date: fc.constantFrom(
            '',
            '1985-07-12',
            '1985-12-07',
            '1985-07-07',
            '1985-07-XX',
            '1985-XX-XX',
          ),
          sex: fc.constantFrom('', '1', '2'),
          birth_place: fc.constantFrom('', '75056', '2A004', '99350'),
        }),
        (o) => {
          const x = id(o);
          expect(compositeTokens(x)).toEqual(fromParts(x));
        },
      ),
      { numRuns: 400 },
    );
  });
});
