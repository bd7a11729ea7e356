/**
 * CLK (cryptographic long-term key) encoding — protocol v1 §4. Each identity element is cut into tokens;
 * each token of field f sets k_f bits of an l-bit Bloom filter at positions derived from
 * HMAC-SHA-256(K_clk/f, u32be(j) ‖ token) (block j = 0, 1, … gives 16 positions as big-endian 16-bit
 * words, each taken mod l). Keyed per field, so equal tokens in different fields set unrelated bits; no
 * double hashing (whose h2 mod l can be 0); the padding is per value (`_MARTIN_`), so no bigram is shared
 * by every name. A missing field sets no bits. Bit p is bit (7 − p mod 8) of byte ⌊p / 8⌋ (MSB first).
 * Token→positions results are memoised per key (the token vocabulary is small), so encoding a record
 * costs a few map look-ups and bit sets. Pure.
 */
import { utf8 } from './bytes.js';
import { keyedMac, type LinkageKey, subkey } from './keys.js';
import type { ClkFieldParams, ClkParams } from './params.js';

/** Padded bigrams of a compact value, deduplicated, in order of first appearance. */
export function bigrams(value: string, pad: string): string[] {
  if (value === '') return [];
  const s = pad + value + pad;
  const seen = new Set<string>();
  for (let i = 0; i + 1 < s.length; i++) seen.add(s.slice(i, i + 2));
  return [...seen];
}

export function tokenize(field: ClkFieldParams, values: readonly string[], pad: string): string[] {
  if (field.tokenizer === 'whole') return [...new Set(values.filter((v) => v !== ''))];
  const out = new Set<string>();
  for (const v of values) for (const t of bigrams(v, pad)) out.add(t);
  return [...out];
}

const CACHE_LIMIT = 100_000;

/** Positions of one field's tokens, memoised per value list. */
class FieldHasher {
  private readonly mac: (m: Uint8Array, out?: Uint8Array) => Uint8Array;
  private readonly cache = new Map<string, Uint16Array>();
  private readonly digest = new Uint8Array(32);
  constructor(
    key: LinkageKey,
    readonly field: ClkFieldParams,
    private readonly params: ClkParams,
  ) {
    this.mac = keyedMac(subkey(key, `clk/${field.name}`));
  }

  tokenPositions(token: string): Uint16Array {
    const { k } = this.field;
    const mask = this.params.l - 1;
    const out = new Uint16Array(k);
    const t = utf8(token);
    const msg = new Uint8Array(4 + t.length);
    msg.set(t, 4);
    for (let i = 0; i < k; i++) {
      const j = i >>> 4;
      if ((i & 15) === 0) {
        new DataView(msg.buffer).setUint32(0, j);
        this.mac(msg, this.digest);
      }
      const w = i & 15;
      out[i] = (((this.digest[2 * w] ?? 0) << 8) | (this.digest[2 * w + 1] ?? 0)) & mask;
    }
    return out;
  }

  /** All positions for a list of values (joined with \u0000 as the memo key). */
  positions(values: readonly string[]): Uint16Array {
    const memoKey = values.join('\u0000');
    const hit = this.cache.get(memoKey);
    if (hit) return hit;
    const tokens = tokenize(this.field, values, this.params.pad);
    const all = new Uint16Array(tokens.length * this.field.k);
    tokens.forEach((tok, i) => {
      all.set(this.tokenPositions(tok), i * this.field.k);
    });
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(memoKey, all);
    return all;
  }
}

/** Values of each CLK field, in the order of `params.fields`; an empty list sets no bits. */
export type ClkInput = Readonly<Record<string, readonly string[]>>;

export class ClkEncoder {
  private readonly hashers: FieldHasher[];
  constructor(
    key: LinkageKey,
    readonly params: ClkParams,
  ) {
    if (params.l < 8 || params.l > 65536 || (params.l & (params.l - 1)) !== 0) {
      throw new RangeError('CLK length must be a power of two between 8 and 65536');
    }
    this.hashers = params.fields.map((f) => new FieldHasher(key, f, params));
  }

  encode(input: ClkInput): Uint8Array {
    const clk = new Uint8Array(this.params.l >>> 3);
    for (const h of this.hashers) {
      const values = input[h.field.name];
      if (values === undefined || values.length === 0) continue;
      const pos = h.positions(values);
      for (let i = 0; i < pos.length; i++) {
        const p = pos[i] ?? 0;
        clk[p >>> 3] = (clk[p >>> 3] ?? 0) | (0x80 >>> (p & 7));
      }
    }
    return clk;
  }
}

/** Number of set bits. */
export function popcount(clk: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < clk.length; i++) {
    let b = clk[i] ?? 0;
    b = b - ((b >>> 1) & 0x55);
    b = (b & 0x33) + ((b >>> 2) & 0x33);
    n += (b + (b >>> 4)) & 0x0f;
  }
  return n;
}

/** Dice coefficient of two CLKs: 2|A∩B| / (|A|+|B|). */
export function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  for (let i = 0; i < a.length; i++) inter += popcount(Uint8Array.of((a[i] ?? 0) & (b[i] ?? 0)));
  const total = popcount(a) + popcount(b);
  return total === 0 ? 0 : (2 * inter) / total;
}
