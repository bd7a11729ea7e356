import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from './bytes.js';
import { bigrams, ClkEncoder, dice, popcount } from './clk.js';
import { clkInput, IdentityEncoder } from './encoder.js';
import { hmacSha256Reference } from './hmac-sha256.js';
import { normaliseIdentity } from './identity.js';
import { linkageKey, subkey } from './keys.js';
import { CLK_V1, CLK_V3 } from './params.js';

const key = linkageKey(fromHex('11'.repeat(32)));
const enc = new ClkEncoder(key, CLK_V1);
const idEnc = new IdentityEncoder(key);
const id = (o: Record<string, string>) =>
  normaliseIdentity({
    birth_date: '1985-07-12',
    sex: '1',
    birth_place: '75056',
    first_names: 'Jean',
    birth_name: 'Dupont',
    ...o,
  });

describe('CLK encoding', () => {
  it('cuts padded bigrams without a pad shared by every name', () => {
    expect(bigrams('ANNA', '_')).toEqual(['_A', 'AN', 'NN', 'NA', 'A_']);
    expect(bigrams('', '_')).toEqual([]);
  });

  it('derives token positions from HMAC(K_clk/f, u32be(j) ‖ UTF-8(token)), ASCII or not, short or long', () => {
    const k = subkey(key, 'clk/birth_place');
    for (const token of ['75056', 'ÉCOLE-ÎLE', 'X'.repeat(60), 'Ä'.repeat(30)]) {
      const expected: number[] = [];
      for (let j = 0; expected.length < 40; j++) {
        const msg = new Uint8Array([0, 0, 0, j, ...new TextEncoder().encode(token)]);
        const d = hmacSha256Reference(k, msg);
        for (let w = 0; w < 16 && expected.length < 40; w++)
          expected.push((((d[2 * w] ?? 0) << 8) | (d[2 * w + 1] ?? 0)) & 1023);
      }
      const fieldK = CLK_V1.fields.find((f) => f.name === 'birth_place')?.k ?? 0;
      expect([...enc.tokenPositions('birth_place', token)]).toEqual(expected.slice(0, fieldK));
    }
  });

  it('sets exactly the union of the token positions (bit p = bit 7 − p mod 8 of byte p/8)', () => {
    const clk = enc.encode({ sex: ['1'] });
    const pos = new Set(enc.tokenPositions('sex', '1'));
    for (let p = 0; p < CLK_V1.l; p++) {
      const bit = ((clk[p >>> 3] ?? 0) >>> (7 - (p & 7))) & 1;
      expect(bit).toBe(pos.has(p) ? 1 : 0);
    }
  });

  it('sets no bit for a missing field', () => {
    expect(popcount(enc.encode({}))).toBe(0);
    const a = enc.encode(clkInput(id({ birth_place: '' })));
    const b = enc.encode(clkInput(id({})));
    // removing the place only removes bits
    for (let i = 0; i < a.length; i++) expect((a[i] ?? 0) & ~(b[i] ?? 0)).toBe(0);
  });

  it('keys each field separately: the same token in two fields sets different bits', () => {
    expect([...enc.tokenPositions('birth_name', 'AB')]).not.toEqual([
      ...enc.tokenPositions('first_name', 'AB').slice(0, 30),
    ]);
  });

  it('depends on the key', () => {
    const other = new ClkEncoder(linkageKey(fromHex('22'.repeat(32))), CLK_V1);
    expect(dice(enc.encode(clkInput(id({}))), other.encode(clkInput(id({}))))).toBeLessThan(0.7);
  });

  it('keeps close identities close and different ones apart', () => {
    const a = idEnc.encode(id({})).clk;
    const typo = idEnc.encode(id({ birth_name: 'Dupond' })).clk;
    const swap = idEnc.encode(id({ birth_date: '1985-12-07' })).clk;
    const other = idEnc.encode(
      id({
        birth_name: 'Martin',
        first_names: 'Sophie',
        sex: '2',
        birth_date: '1990-03-02',
        birth_place: '13055',
      }),
    ).clk;
    expect(dice(a, typo)).toBeGreaterThan(0.85);
    expect(dice(a, swap)).toBeGreaterThan(0.8);
    expect(dice(a, other)).toBeLessThan(0.6);
    expect(dice(a, a)).toBe(1);
  });

  it('fills about half the filter on a typical identity', () => {
    const c = idEnc.encode(id({ birth_name: 'Lefebvre', first_names: 'Jean-Baptiste, Pierre' })).clk;
    expect(popcount(c) / CLK_V1.l).toBeGreaterThan(0.35);
    expect(popcount(c) / CLK_V1.l).toBeLessThan(0.65);
  });
});

describe('composite tokens through HmacLanes', () => {
  const v3 = new ClkEncoder(key, CLK_V3);
  const oneByOne = new ClkEncoder(key, CLK_V3, null);
  const composite = ['name_year', 'firstname_dob', 'names_sex', 'dob_place'] as const;

  it('give the filter that one MAC after another gives, whatever the tokens', () => {
    fc.assert(
      fc.property(
        fc.record(
          Object.fromEntries(
            composite.map((f) => [f, fc.array(fc.string({ maxLength: 60 }), { maxLength: 4 })]),
          ) as Record<(typeof composite)[number], fc.Arbitrary<string[]>>,
        ),
        fc.string({ maxLength: 12 }),
        (tokens, name) => {
          const input = { ...tokens, birth_name: [name] };
          expect(Buffer.from(v3.filter(input)).toString('hex')).toBe(
            Buffer.from(oneByOne.filter(input)).toString('hex'),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hash one by one the tokens that do not fit the lanes', () => {
    // 3 blocks per token at k = 40: 200 tokens are more jobs than one computation holds; a long filter
    // keeps the last tokens' bits visible
    const long = { ...CLK_V3, l: 65536 };
    const many = Array.from({ length: 200 }, (_, i) => `T${i}|1985`);
    const input = { name_year: many, dob_place: ['1985|0712|75056'] };
    const lanes = new ClkEncoder(key, long).filter(input);
    expect(Buffer.from(lanes).toString('hex')).toBe(
      Buffer.from(new ClkEncoder(key, long, null).filter(input)).toString('hex'),
    );
    expect(popcount(lanes)).toBeGreaterThan(popcount(new ClkEncoder(key, long).filter({ name_year: many })));
  });
});
