import { describe, expect, it } from 'vitest';
import { ClkEncoder, popcount } from '../core/clk.js';
import { diffuse as coreDiffuse, diffusionTaps as coreTaps } from '../core/diffusion.js';
import { clkInput } from '../core/encoder.js';
import { normaliseIdentity } from '../core/identity.js';
import { linkageKey } from '../core/keys.js';
import { CLK_V1, CLK_V2, CLK_V3 } from '../core/params.js';
import { Rng } from '../synth/prng.js';
import {
  balance,
  blip,
  diffuse,
  diffusionTaps,
  FieldBloomEncoder,
  keyedPermutation,
  saltedByYear,
  V1,
  V2,
  V3,
  withDiffusion,
  xorFold,
} from './encoders.js';
import { secret } from './test-fixtures.js';

const key = linkageKey(secret(9));
const bit = (b: Uint8Array, p: number) => ((b[p >>> 3] ?? 0) >>> (7 - (p & 7))) & 1;
const id = (birth_date: string) =>
  normaliseIdentity({
    birth_name: 'Dupont',
    first_names: 'Jean',
    birth_date,
    sex: '1',
    birth_place: '75056',
  });

describe('candidate encodings', () => {
  it('the baseline sets k double-hashed positions per bigram, none for an empty value', () => {
    const enc = new FieldBloomEncoder(secret(1), { l: 1000, k: 20 });
    expect(enc.positions('AN')).toHaveLength(20);
    expect(popcount(enc.encode(''))).toBe(0);
    const a = enc.encode('ANNA');
    for (const q of ['_A', 'AN', 'NN', 'NA', 'A_'])
      for (const p of enc.positions(q)) expect(bit(a, p)).toBe(1);
  });

  it('salting by birth year changes the name bits only, and nothing when the year is unknown', () => {
    const v1 = V1.make(key, [], 0);
    const salted = saltedByYear().make(key, [], 0);
    const unknown = normaliseIdentity({ birth_name: 'Dupont', first_names: 'Jean', sex: '1' });
    expect(salted(unknown)).toEqual(v1(unknown));
    const x = id('1985-07-12');
    expect(salted(x)).not.toEqual(v1(x));
    const sexOnly = normaliseIdentity({ sex: '1', birth_date: '1985-07-12' });
    expect(salted(sexOnly)).toEqual(v1(sexOnly));
  });

  it('XOR-folds halves, balances to exactly half the bits, flips with BLIP', () => {
    expect(xorFold(Uint8Array.from([0b1100, 0b1010]))).toEqual(Uint8Array.from([0b0110]));
    const clk = V1.make(key, [], 0)(id('1985-07-12'));
    const perm = keyedPermutation(new Rng(1, 2, 3, 4), 2048);
    expect(new Set(perm).size).toBe(2048);
    expect(popcount(balance(clk, perm))).toBe(1024);
    const rng = new Rng(5, 6, 7, 8);
    expect(blip(clk, 0, rng)).toEqual(clk);
    expect(blip(clk, 1, rng)).toEqual(clk.map((b) => b ^ 0xff));
  });

  it('diffusion: each output bit is the XOR of its taps', () => {
    const clk = V1.make(key, [], 0)(id('1985-07-12'));
    const taps = diffusionTaps(new Rng(1, 1, 1, 1), 1024, 256, 3);
    const out = diffuse(clk, taps, 3);
    expect(out).toHaveLength(32);
    for (let j = 0; j < 256; j++)
      expect(bit(out, j)).toBe(
        bit(clk, taps[3 * j] ?? 0) ^ bit(clk, taps[3 * j + 1] ?? 0) ^ bit(clk, taps[3 * j + 2] ?? 0),
      );
    // keyed: another key, other taps
    const a = withDiffusion(V1, 2, 1024).make(key, [], 0)(id('1985-07-12'));
    const b = withDiffusion(V1, 2, 1024).make(linkageKey(secret(10)), [], 0)(id('1985-07-12'));
    expect(a).not.toEqual(b);
  });

  it('v3: the v1 filter plus one whole token per composite part, diffused as v2; nothing without parts', () => {
    const x = id('1985-07-12');
    const folded = new ClkEncoder(key, CLK_V3);
    const filter = new ClkEncoder(key, CLK_V1).filter(clkInput(x));
    const tokens: [string, string][] = [
      ['name_year', 'D153|1985'],
      ['firstname_dob', 'J500|1985|0712'],
      ['names_sex', 'D153|J500|1'],
      ['dob_place', '1985|0712|75056'],
    ];
    for (const [field, token] of tokens) {
      const ps = folded.tokenPositions(field, token);
      expect(ps).toHaveLength(40);
      for (const p of ps) filter[p >>> 3] = (filter[p >>> 3] ?? 0) | (0x80 >>> (p & 7));
    }
    const taps = coreTaps(key, 1024, { taps: 2, bits: 1024 });
    expect(V3.make(key, [], 0)(x)).toEqual(coreDiffuse(filter, taps, 2));
    expect(CLK_V2.diffusion).toEqual({ taps: 2, bits: 1024 });
    // no surname, no birth date: no composite part, the v2 CLK unchanged
    const bare = normaliseIdentity({ first_names: 'Jean', sex: '1' });
    expect(V3.make(key, [], 0)(bare)).toEqual(V2.make(key, [], 0)(bare));
  });
});
