import fc from 'fast-check';
import { distance } from 'fastest-levenshtein';
import { describe, expect, it } from 'vitest';
import { normaliseNir } from '../core/nir.js';
import { bucket, nirTypo } from './errors-model.js';
import { Rng } from './prng.js';
import { hasNonAscii, separatorVariant, stripAccents, typo } from './typos.js';

const name = fc.stringMatching(/^[A-ZÉÈÏË][A-ZÉÈÏË' -]{0,20}$/);

describe('typos', () => {
  it('always change the name by one edit (a transposition counts 2 for Levenshtein) and add no accent', () => {
    fc.assert(
      fc.property(name, fc.integer({ min: 0, max: 1e6 }), (s, seed) => {
        const t = typo(s, Rng.of(seed, 9, 0));
        expect(t).not.toBe(s);
        expect(t.length).toBeGreaterThan(0);
        expect(distance(s, t)).toBeLessThanOrEqual(2);
        expect(hasNonAscii(t.replace(/[ÉÈÏË]/g, ''))).toBe(false);
      }),
    );
  });

  it('strip accents and vary separators without touching letters', () => {
    expect(stripAccents('HÉLÈNE-FRANÇOISE')).toBe('HELENE-FRANCOISE');
    expect(stripAccents('NOËL')).toBe('NOEL');
    const rng = Rng.of(1, 1, 1);
    for (const s of ['LE GALL', 'MARTIN-DUPONT', "D'ALMEIDA"]) {
      const v = separatorVariant(s, rng);
      expect(v).not.toBe(s);
      expect(v.replace(/[ '-]/g, '')).toBe(s.replace(/[ '-]/g, ''));
    }
  });
});

describe('NIR typos and error buckets', () => {
  it('a NIR typo always breaks the key, Corsica included', () => {
    const rng = Rng.of(5, 5, 5);
    for (const nir of ['185077505612323', '185072A00400159', '285072B04501232']) {
      const fixed =
        normaliseNir(nir).nir ??
        `${nir.slice(0, 13)}${String(97 - (Number(nir.slice(0, 13).replace('2A', '19').replace('2B', '18')) % 97)).padStart(2, '0')}`;
      for (let i = 0; i < 200; i++) {
        const t = nirTypo(fixed, rng);
        expect(t).toHaveLength(15);
        expect(normaliseNir(t).class).toBe('invalid');
      }
    }
  });

  it('bucket picks consecutive, mutually exclusive ranges', () => {
    expect(bucket(0.005, 0.01, 0.02)).toBe(0);
    expect(bucket(0.015, 0.01, 0.02)).toBe(1);
    expect(bucket(0.031, 0.01, 0.02)).toBe(-1);
    expect(bucket(0.5)).toBe(-1);
  });
});
