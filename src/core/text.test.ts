import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseFirstNames, normaliseSurnames } from './names.js';
import { compact, normaliseName } from './text.js';

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
});
