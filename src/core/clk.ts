/**
 * CLK (cryptographic long-term key) encoding — protocol v1 §4. Each identity element is cut into tokens;
 * each token of field f sets k_f bits of an l-bit Bloom filter at positions derived from
 * HMAC-SHA-256(K_clk/f, u32be(j) ‖ token) (block j = 0, 1, … gives 16 positions as big-endian 16-bit
 * words, each taken mod l). Keyed per field, so equal tokens in different fields set unrelated bits; no
 * double hashing (whose h2 mod l can be 0); the padding is per value (`_MARTIN_`), so no bigram is shared
 * by every name. A missing field sets no bits. Bit p is bit (7 − p mod 8) of byte ⌊p / 8⌋ (MSB first).
 * The bits of each field value are memoised per key (names and dates repeat across millions of rows),
 * so encoding a record costs a few map look-ups and ORs of 32 words. Pure.
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

const CACHE_LIMIT = 200_000;

/** One field's keyed hashing, with memo tables: token → positions, and value list → bit mask. */
class FieldHasher {
  private readonly mac: (m: Uint8Array, len?: number, out?: Uint8Array) => Uint8Array;
  private readonly masks = new Map<string, Uint32Array>();
  private readonly digest = new Uint8Array(32);
  private readonly words: number;
  constructor(
    key: LinkageKey,
    readonly field: ClkFieldParams,
    private readonly params: ClkParams,
  ) {
    this.mac = keyedMac(subkey(key, `clk/${field.name}`));
    this.words = params.l >>> 5;
  }

  /** The k bit positions of one token (protocol v1 §4). */
  tokenPositions(token: string): Uint16Array {
    const { k } = this.field;
    const mask = this.params.l - 1;
    const out = new Uint16Array(k);
    const t = utf8(token);
    const msg = new Uint8Array(4 + t.length);
    msg.set(t, 4);
    const view = new DataView(msg.buffer);
    for (let i = 0; i < k; i++) {
      if ((i & 15) === 0) {
        view.setUint32(0, i >>> 4);
        this.mac(msg, msg.length, this.digest);
      }
      const w = i & 15;
      out[i] = (((this.digest[2 * w] ?? 0) << 8) | (this.digest[2 * w + 1] ?? 0)) & mask;
    }
    return out;
  }

  /**
   * The field's bits for one value, as l/32 words (bit p = bit 31 − p mod 32 of word ⌊p/32⌋), memoised.
   * A field with several values is the OR of its values' masks — the same bits as pooling their tokens.
   */
  mask(value: string): Uint32Array {
    const hit = this.masks.get(value);
    if (hit) return hit;
    const m = new Uint32Array(this.words);
    for (const tok of tokenize(this.field, [value], this.params.pad)) {
      for (const p of this.tokenPositions(tok)) m[p >>> 5] = (m[p >>> 5] ?? 0) | (0x80000000 >>> (p & 31));
    }
    if (this.masks.size >= CACHE_LIMIT) this.masks.clear();
    this.masks.set(value, m);
    return m;
  }
}

/** Values of each CLK field, by field name; an absent or empty list sets no bits. */
export type ClkInput = Readonly<Record<string, readonly string[]>>;

export class ClkEncoder {
  private readonly hashers: FieldHasher[];
  private readonly acc: Uint32Array;
  constructor(
    key: LinkageKey,
    readonly params: ClkParams,
  ) {
    if (params.l < 32 || params.l > 65536 || (params.l & (params.l - 1)) !== 0) {
      throw new RangeError('CLK length must be a power of two between 32 and 65536');
    }
    this.hashers = params.fields.map((f) => new FieldHasher(key, f, params));
    this.acc = new Uint32Array(params.l >>> 5);
  }

  /** Bit positions of one token of one field (for test vectors and documentation). */
  tokenPositions(field: string, token: string): Uint16Array {
    const h = this.hashers.find((x) => x.field.name === field);
    if (!h) throw new RangeError(`unknown CLK field ${field}`);
    return h.tokenPositions(token);
  }

  encode(input: ClkInput): Uint8Array {
    const acc = this.acc;
    acc.fill(0);
    for (const h of this.hashers) {
      const values = input[h.field.name];
      if (values === undefined || values.length === 0) continue;
      for (const v of values) {
        if (v === '') continue;
        const m = h.mask(v);
        for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] ?? 0) | (m[i] ?? 0);
      }
    }
    // bit p is bit (7 − p mod 8) of byte ⌊p/8⌋: words are written big-endian
    const clk = new Uint8Array(this.params.l >>> 3);
    for (let i = 0; i < acc.length; i++) {
      const w = acc[i] ?? 0;
      clk[4 * i] = w >>> 24;
      clk[4 * i + 1] = w >>> 16;
      clk[4 * i + 2] = w >>> 8;
      clk[4 * i + 3] = w;
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

/** Dice coefficient of two CLKs, 2|A∩B| / (|A|+|B|) — a reference for tests, not the hub's kernel. */
export function dice(a: Uint8Array, b: Uint8Array): number {
  const and = a.map((x, i) => x & (b[i] ?? 0));
  const total = popcount(a) + popcount(b);
  return total === 0 ? 0 : (2 * popcount(and)) / total;
}
