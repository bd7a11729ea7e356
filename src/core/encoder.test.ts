import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from './bytes.js';
import { IdentityEncoder } from './encoder.js';
import { normaliseIdentity } from './identity.js';
import { linkageKey } from './keys.js';

const key = linkageKey(fromHex('5a'.repeat(32)));

/** A NIR whose key checks, from 13 digits. */
const nirOf = (digits: string) => `${digits}${String(97 - Number(BigInt(digits) % 97n)).padStart(2, '0')}`;

describe('IdentityEncoder', () => {
  it('encodes the same through the lanes as one MAC after another, long names (several blocks) included', () => {
    const lanes = new IdentityEncoder(key);
    const oneByOne = new IdentityEncoder(key, undefined, null);
    const name = fc.oneof(
      fc.constantFrom('MARTIN', 'LE GALL', 'DE LA FONTAINE-SAINT-ÉTIENNE', 'N’DIAYE', ''),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(
        fc.record({
          nir: fc.oneof(fc.stringMatching(/^[12][0-9]{12}$/).map(nirOf), fc.constant(''), fc.string()),
          birth_name: name,
          usage_name: name,
          first_names: fc.oneof(name, fc.constant('JEAN-BAPTISTE, MARIE ANNE')),
          birth_date: fc.oneof(
            fc
              .date({ min: new Date('1900-01-01'), max: new Date('2020-12-31'), noInvalidDate: true })
              .map((d) => d.toISOString().slice(0, 10)),
            fc.constant('1985-00-00'),
            fc.constant(''),
          ),
          sex: fc.constantFrom('1', '2', ''),
          birth_place: fc.constantFrom('75056', '2A004', '99100', '', '1'),
        }),
        (raw) => {
          const id = normaliseIdentity(raw);
          expect(lanes.encode(id)).toEqual(oneByOne.encode(id));
        },
      ),
      { numRuns: 300 },
    );
  });
});
