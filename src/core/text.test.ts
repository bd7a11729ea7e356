import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseFirstNames, normaliseFirstNamesAsWritten, normaliseSurnames } from './names.js';
import { compact, NAME_PLACEHOLDERS, normaliseName, normaliseUncached } from './text.js';

describe('name normalisation', () => {
  it('is idempotent and keeps only A–Z and single inner spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const n = normaliseName(s);
        expect(n).toMatch(/^(?:[A-Z]+(?: [A-Z]+)*)?$/);
        expect(normaliseName(n)).toBe(n);
      }),
    );
  });

  it('gives the result of the rules as written, plain names (A–Z, single spaces) included', () => {
    const plainish = fc.string({ unit: fc.constantFrom('A', 'X', 'Z', 'É', ' ', '-', 'a'), maxLength: 12 });
    const cases = fc.oneof(
      plainish,
      fc.string({ unit: 'binary' }),
      fc.constantFrom(...NAME_PLACEHOLDERS, 'XX X'),
    );
    fc.assert(
      fc.property(cases, (s) => {
        expect(normaliseName(s)).toBe(s === '' ? '' : normaliseUncached(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('is insensitive to case, accents and separator variants', () => {
    fc.assert(
      fc.property(fc.constantFrom('Éloïse', 'ÉLOÏSE', 'eloise', ' Eloise ', 'E-loise'), (s) => {
        expect(compact(normaliseName(s))).toBe('ELOISE');
      }),
    );
  });

  it('applies the surname rules', () => {
    expect(normaliseSurnames('Fontaine (De La)', '')).toEqual({ birthName: 'DE LA FONTAINE', usageName: '' });
    expect(normaliseSurnames('Durand épouse Martin-Petit', null)).toEqual({
      birthName: 'DURAND',
      usageName: 'MARTIN PETIT',
    });
    expect(normaliseSurnames('Durand', 'Martin')).toEqual({ birthName: 'DURAND', usageName: 'MARTIN' });
    // the marker must be an inner word; the birth name is cut even when a usage name is given
    expect(normaliseSurnames('Ep. Martin', null)).toEqual({ birthName: 'EP MARTIN', usageName: '' });
    expect(normaliseSurnames('Durand vve Petit', 'Martin')).toEqual({
      birthName: 'DURAND',
      usageName: 'MARTIN',
    });
    // "EPOUSE" inside a name is not a marker
    expect(normaliseSurnames('Lepouse', null).birthName).toBe('LEPOUSE');
  });

  it('splits first names on commas first, spaces otherwise', () => {
    expect(normaliseFirstNames('Jean-Pierre, Marie')).toEqual(['JEAN PIERRE', 'MARIE']);
    expect(normaliseFirstNames('Jean Pierre')).toEqual(['JEAN', 'PIERRE']);
    expect(normaliseFirstNames('')).toEqual([]);
  });

  it('splits plain first-name fields (A–Z, single spaces) as the rule is written', () => {
    const word = fc.oneof(
      fc.string({ unit: fc.constantFrom('A', 'N', 'X', 'C', 'D'), minLength: 1, maxLength: 4 }),
      fc.constantFrom(...NAME_PLACEHOLDERS),
    );
    const field = fc.oneof(
      fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
      fc.string({ unit: fc.constantFrom('A', 'X', ' ', ',', 'é'), maxLength: 10 }),
    );
    fc.assert(
      fc.property(field, (s) => {
        expect(normaliseFirstNames(s)).toEqual(normaliseFirstNamesAsWritten(s));
      }),
      { numRuns: 2000 },
    );
  });
});
