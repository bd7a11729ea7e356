/**
 * The encodings the attack suite is run against.
 *
 * - `FieldBloomEncoder`, the **unhardened baseline** of the literature (Schnell, Bachteler and Reiher
 *   2009): one Bloom filter per field — here the primary first name — of padded bigrams, k positions per
 *   bigram by double hashing h1 + i·h2 mod l. Keyed, but the attacks never use the key: frequency and
 *   pattern-mining attacks are known to break it without it.
 * - `ClkScheme`s: protocol v1's record-level CLK (the Bloom filter of src/core), protocol v2's (that
 *   filter diffused), protocol v3's (v2 plus the composite fields, as src/core sends it) and the hardening
 *   candidates built on v1 — salting the name tokens with the birth year, BLIP bit flipping, balancing,
 *   XOR-folding and diffusion (Armknecht, Heng and Schnell, PoPETs 2023). Each scheme makes an encoder for
 *   *a* key, so the same code gives the victim's encodings (secret key) and the attacker's simulation of
 *   the public protocol under a key of its own (graph attack, T6).
 *
 * The candidates are measurements, not protocol: diffusion with 2 taps passed and became protocol v2
 * (§4.2, src/core/diffusion.ts); the blocking material folded into the filter as whole tokens (k = 40)
 * passed as the remedy to attack A5 and became protocol v3 (§4.3, src/core/composite.ts). Pure
 * (deterministic in key and seed).
 */

import { utf8 } from '../core/bytes.js';
import { ClkEncoder, tokenize } from '../core/clk.js';
import { clkInput } from '../core/encoder.js';
import type { Identity } from '../core/identity.js';
import { keyedMac, type LinkageKey, subkey } from '../core/keys.js';
import { CLK_V1, CLK_V2, CLK_V3, type ClkParams, clkBits, clkParamsWithExtras } from '../core/params.js';
import { Rng } from '../synth/prng.js';
import { qgramsOf } from './knowledge.js';

export interface FieldBloomParams {
  readonly l: number;
  readonly k: number;
}

/** The baseline of the attack literature: l = 1000, k = 20 (Schnell et al. 2009 used k = 15–30). */
export const BASELINE_BLOOM: FieldBloomParams = { l: 1000, k: 20 };

/** Field-level Bloom filter of padded bigrams with double hashing — the unhardened baseline. */
export class FieldBloomEncoder {
  private readonly h1: (m: Uint8Array) => Uint8Array;
  private readonly h2: (m: Uint8Array) => Uint8Array;
  private readonly memo = new Map<string, number[]>();
  constructor(
    secret: Uint8Array,
    readonly params: FieldBloomParams = BASELINE_BLOOM,
  ) {
    const m1 = keyedMac(subkey({ bytes: secret }, 'attack/baseline/h1'));
    const m2 = keyedMac(subkey({ bytes: secret }, 'attack/baseline/h2'));
    this.h1 = (m) => m1(m);
    this.h2 = (m) => m2(m);
  }

  positions(token: string): number[] {
    let p = this.memo.get(token);
    if (p === undefined) {
      const t = utf8(token);
      const d1 = this.h1(t);
      const d2 = this.h2(t);
      const a =
        ((d1[0] ?? 0) * 2 ** 24 + ((d1[1] ?? 0) << 16) + ((d1[2] ?? 0) << 8) + (d1[3] ?? 0)) % this.params.l;
      const b =
        ((d2[0] ?? 0) * 2 ** 24 + ((d2[1] ?? 0) << 16) + ((d2[2] ?? 0) << 8) + (d2[3] ?? 0)) % this.params.l;
      p = [];
      for (let i = 0; i < this.params.k; i++) p.push((a + i * b) % this.params.l);
      this.memo.set(token, p);
    }
    return p;
  }

  /** The filter of one value, MSB-first bytes. An empty value sets no bit. */
  encode(value: string): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.params.l / 8));
    for (const q of qgramsOf(value))
      for (const p of this.positions(q)) out[p >>> 3] = (out[p >>> 3] ?? 0) | (0x80 >>> (p & 7));
    return out;
  }
}

/** Encodes one identity (and its extra fields' normalised values) to bytes. */
export type IdentityClk = (id: Identity, extras?: Readonly<Record<string, string>>) => Uint8Array;

export interface ClkScheme {
  readonly name: string;
  readonly description: string;
  /** length of the encodings, bits */
  readonly bits: number;
  /** an encoder under `key`; `seed` drives the randomness of randomised schemes (BLIP) */
  make(key: LinkageKey, extraFields: readonly string[], seed: number): IdentityClk;
}

/** Protocol v1: the record-level Bloom filter of src/core, sent as is. */
export const V1: ClkScheme = {
  name: 'v1',
  description: 'protocol v1 CLK (record level, keyed HMAC per field, l = 1024)',
  bits: CLK_V1.l,
  make(key, extraFields) {
    const enc = new ClkEncoder(key, clkParamsWithExtras(extraFields, CLK_V1));
    return (id, extras = {}) => enc.encode(clkInput(id, extras));
  },
};

/** Protocol v2: the v1 filter diffused (src/core's CLK_V2). */
export const V2: ClkScheme = {
  name: 'v2',
  description: 'protocol v2 CLK (the v1 filter diffused, 2 taps per bit, 1,024 bits; src/core)',
  bits: clkBits(CLK_V2),
  make(key, extraFields) {
    const enc = new ClkEncoder(key, clkParamsWithExtras(extraFields, CLK_V2));
    return (id, extras = {}) => enc.encode(clkInput(id, extras));
  },
};

/**
 * Protocol v3, the production encoding, exactly as the producer tool computes it (src/core): v2 plus the
 * composite fields (§4.3) — the material of v2's blocking keys, which v3 does not send.
 */
export const V3: ClkScheme = {
  name: 'v3',
  description: 'protocol v3 CLK (v2 plus the composite fields, k = 40; no blocking keys; src/core)',
  bits: clkBits(CLK_V3),
  make(key, extraFields) {
    const enc = new ClkEncoder(key, clkParamsWithExtras(extraFields, CLK_V3));
    return (id, extras = {}) => enc.encode(clkInput(id, extras));
  },
};

const NAME_FIELDS = new Set(['birth_name', 'usage_name', 'first_name', 'other_first_names']);

/**
 * v1 with the name tokens salted by the birth year: the token `AN` of a person born in 1985 is hashed as
 * `AN#1985`, so the same bigram sets unrelated bits in different birth years (no salt when the year is
 * unknown). Other fields unchanged.
 */
export function saltedByYear(base: ClkParams = CLK_V1): ClkScheme {
  return {
    name: 'v1+salt(year)',
    description: 'v1, name bigrams salted with the birth year',
    bits: base.l,
    make(key, extraFields) {
      const params = clkParamsWithExtras(extraFields, base);
      const enc = new ClkEncoder(key, params);
      const memo = new Map<string, Uint16Array>();
      const words = params.l >>> 5;
      return (id, extras = {}) => {
        const input = clkInput(id, extras);
        const salt = id.birthDate === null ? '' : `#${id.birthDate.year}`;
        const acc = new Uint32Array(words);
        for (const f of params.fields) {
          const values = input[f.name] ?? [];
          if (values.length === 0) continue;
          for (const t of tokenize(f, values, params.pad)) {
            const tok = NAME_FIELDS.has(f.name) ? t + salt : t;
            const k = `${f.name}\u0000${tok}`;
            let ps = memo.get(k);
            if (ps === undefined) {
              ps = enc.tokenPositions(f.name, tok);
              memo.set(k, ps);
            }
            for (const p of ps) acc[p >>> 5] = ((acc[p >>> 5] ?? 0) | (0x80000000 >>> (p & 31))) >>> 0;
          }
        }
        return wordsToBytes(acc);
      };
    },
  };
}

function wordsToBytes(acc: Uint32Array): Uint8Array {
  const out = new Uint8Array(acc.length * 4);
  for (let i = 0; i < acc.length; i++) {
    const w = acc[i] ?? 0;
    out[4 * i] = w >>> 24;
    out[4 * i + 1] = (w >>> 16) & 0xff;
    out[4 * i + 2] = (w >>> 8) & 0xff;
    out[4 * i + 3] = w & 0xff;
  }
  return out;
}

const getBit = (b: Uint8Array, p: number): number => ((b[p >>> 3] ?? 0) >>> (7 - (p & 7))) & 1;
const setBit = (b: Uint8Array, p: number): void => {
  b[p >>> 3] = (b[p >>> 3] ?? 0) | (0x80 >>> (p & 7));
};

/** A generator seeded from the key and a purpose, for keyed permutations and diffusion taps. */
export function keyedRng(key: LinkageKey, purpose: string): Rng {
  const k = subkey(key, `attack/${purpose}`);
  const u = (i: number) =>
    ((k[i] ?? 0) << 24) | ((k[i + 1] ?? 0) << 16) | ((k[i + 2] ?? 0) << 8) | (k[i + 3] ?? 0);
  return new Rng(u(0), u(4), u(8), u(12));
}

/**
 * BLIP (Schnell and Borgs 2016): every bit is flipped independently with probability f, with fresh
 * randomness per encoding (two producers encoding one person flip different bits) — randomised response.
 */
export function blip(clk: Uint8Array, f: number, rng: Rng): Uint8Array {
  const out = Uint8Array.from(clk);
  const l = clk.length * 8;
  for (let p = 0; p < l; p++) if (rng.next() < f) out[p >>> 3] = (out[p >>> 3] ?? 0) ^ (0x80 >>> (p & 7));
  return out;
}

/** XOR-folding (Schnell, Borgs and Encarnação 2016): bit i of the result is b[i] ⊕ b[i + l/2]. */
export function xorFold(clk: Uint8Array): Uint8Array {
  const h = clk.length >>> 1;
  const out = new Uint8Array(h);
  for (let i = 0; i < h; i++) out[i] = (clk[i] ?? 0) ^ (clk[i + h] ?? 0);
  return out;
}

/** A keyed permutation of `l` positions (Fisher–Yates). */
export function keyedPermutation(rng: Rng, l: number): Uint16Array {
  const p = new Uint16Array(l);
  for (let i = 0; i < l; i++) p[i] = i;
  for (let i = l - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i] ?? 0;
    p[i] = p[j] ?? 0;
    p[j] = t;
  }
  return p;
}

/**
 * Balancing (Berger et al. 2017 for Bloom filters): the filter followed by its complement, then a keyed
 * permutation of the 2l bits — every encoding has exactly l bits set.
 */
export function balance(clk: Uint8Array, perm: Uint16Array): Uint8Array {
  const l = clk.length * 8;
  const out = new Uint8Array(clk.length * 2);
  for (let p = 0; p < 2 * l; p++) {
    const src = p < l ? getBit(clk, p) : 1 - getBit(clk, p - l);
    if (src === 1) setBit(out, perm[p] ?? p);
  }
  return out;
}

/** Diffusion taps: for each of `lOut` output bits, `t` distinct input positions drawn with the keyed generator. */
export function diffusionTaps(rng: Rng, lIn: number, lOut: number, t: number): Uint16Array {
  const taps = new Uint16Array(lOut * t);
  for (let j = 0; j < lOut; j++) {
    for (let i = 0; i < t; i++) {
      let p: number;
      do p = rng.int(lIn);
      while (taps.subarray(j * t, j * t + i).includes(p));
      taps[j * t + i] = p;
    }
  }
  return taps;
}

/**
 * Diffusion (Armknecht, Heng and Schnell 2023): output bit j is the XOR of the t input bits at the keyed
 * taps of j. One input bit influences about t·lOut/lIn output bits and each output bit mixes t input bits,
 * so no output bit belongs to one token: the per-position statistics frequency and pattern-mining attacks
 * feed on are flattened, while Hamming distances are kept in order (P(output bits differ) =
 * (1 − (1 − 2δ)^t)/2 for input bits differing at rate δ).
 */
export function diffuse(clk: Uint8Array, taps: Uint16Array, t: number): Uint8Array {
  const lOut = taps.length / t;
  const out = new Uint8Array(Math.ceil(lOut / 8));
  for (let j = 0; j < lOut; j++) {
    let x = 0;
    for (let i = 0; i < t; i++) x ^= getBit(clk, taps[j * t + i] ?? 0);
    if (x === 1) setBit(out, j);
  }
  return out;
}

/** A scheme that post-processes another scheme's encodings. */
function postProcessed(
  inner: ClkScheme,
  name: string,
  description: string,
  bits: number,
  build: (key: LinkageKey, seed: number) => (clk: Uint8Array) => Uint8Array,
): ClkScheme {
  return {
    name,
    description,
    bits,
    make(key, extraFields, seed) {
      const enc = inner.make(key, extraFields, seed);
      const post = build(key, seed);
      return (id, extras) => post(enc(id, extras));
    },
  };
}

export function withBlip(inner: ClkScheme, f: number): ClkScheme {
  return postProcessed(
    inner,
    `${inner.name}+blip(${f})`,
    `${inner.description}; BLIP f = ${f}`,
    inner.bits,
    (_k, seed) => {
      const rng = Rng.of(seed, 7, 0);
      return (clk) => blip(clk, f, rng);
    },
  );
}

export function withXorFold(inner: ClkScheme): ClkScheme {
  return postProcessed(
    inner,
    `${inner.name}+xorfold`,
    `${inner.description}; XOR-folded`,
    inner.bits / 2,
    () => xorFold,
  );
}

export function withBalancing(inner: ClkScheme): ClkScheme {
  return postProcessed(
    inner,
    `${inner.name}+balance`,
    `${inner.description}; balanced`,
    inner.bits * 2,
    (key) => {
      const perm = keyedPermutation(keyedRng(key, 'balance'), inner.bits * 2);
      return (clk) => balance(clk, perm);
    },
  );
}

export function withDiffusion(inner: ClkScheme, t: number, lOut: number): ClkScheme {
  return postProcessed(
    inner,
    `${inner.name}+diffusion(t=${t},l=${lOut})`,
    `${inner.description}; diffusion, ${t} taps per output bit, ${lOut} output bits`,
    lOut,
    (key) => {
      const taps = diffusionTaps(keyedRng(key, 'diffusion'), inner.bits, lOut, t);
      return (clk) => diffuse(clk, taps, t);
    },
  );
}
