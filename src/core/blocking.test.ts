import { describe, expect, it } from 'vitest';
import { BlockingKeyer, blockingParts } from './blocking.js';
import { fromHex } from './bytes.js';
import { normaliseIdentity } from './identity.js';
import { linkageKey } from './keys.js';
import { soundex } from './soundex.js';

const keyer = new BlockingKeyer(linkageKey(fromHex('33'.repeat(32))));
const id = (o: Record<string, string>) =>
  normaliseIdentity({
    birth_date: '1985-07-12',
    sex: '1',
    birth_place: '75056',
    first_names: 'Jean',
    birth_name: 'Dupont',
    ...o,
  });
const shared = (a: string[], b: string[]) => a.filter((k) => b.includes(k));

describe('soundex', () => {
  it('follows the American Soundex rules (H/W do not separate, vowels do)', () => {
    expect(
      ['ROBERT', 'RUPERT', 'RUBIN', 'ASHCRAFT', 'TYMCZAK', 'PFISTER', 'HONEYMAN', 'LEE'].map(soundex),
    ).toEqual(['R163', 'R163', 'R150', 'A261', 'T522', 'P236', 'H555', 'L000']);
  });
});

describe('blocking keys', () => {
  it('emit one key per pass for a complete identity, two per surname pass with a usage name', () => {
    expect(keyer.keys(id({})).map((k) => k.split(':')[0])).toEqual([
      'dob-place',
      'firstname-dob',
      'name-year',
      'names-sex',
    ]);
    const withUsage = keyer.keys(id({ usage_name: 'Martin' }));
    expect(withUsage.filter((k) => k.startsWith('name-year:'))).toHaveLength(2);
  });

  it('survive any single error through at least one pass', () => {
    const base = keyer.keys(id({}));
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
      expect(shared(base, keyer.keys(id(v))).length, JSON.stringify(v)).toBeGreaterThan(0);
  });

  it('sort day and month so that a swap keeps the date passes', () => {
    expect(blockingParts(id({ birth_date: '1985-12-07' }))['dob-place']).toEqual(
      blockingParts(id({}))['dob-place'],
    );
  });

  it('emit nothing for a pass whose inputs are missing', () => {
    expect(keyer.keys(id({ birth_date: '', first_names: '' }))).toEqual([]);
    expect(keyer.keys(id({ birth_date: '' })).map((k) => k.split(':')[0])).toEqual(['names-sex']);
  });
});
