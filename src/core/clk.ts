/**
 * CLK (cryptographic long-term key) encoding — protocol v3 §4. Each identity element is cut into tokens;
 * each token of field f sets k_f bits of an l-bit Bloom filter at positions derived from
 * HMAC-SHA-256(K_clk/f, u32be(j) ‖ token) (block j = 0, 1, … gives 16 positions as big-endian 16-bit
 * words, each taken mod l). Keyed per field, so equal tokens in different fields set unrelated bits; no
 * double hashing (whose h2 mod l can be 0); the padding is per value (`_MARTIN_`), so no bigram is shared
 * by every name. A missing field sets no bits. Bit p is bit (7 − p mod 8) of byte ⌊p / 8⌋ (MSB first).
 * In protocol v2 this filter is not sent as such: it is diffused (§4.2, diffusion.ts) into the CLK.
 * Token positions are memoised per key (the token vocabulary is small: 27² bigrams per field, years,
 * days, communes), so encoding a record costs a few table look-ups and bit sets. Pure.
 */
import { Diffuser, diffusionTaps } from './diffusion.js';
import { HmacLanes } from './hmac-lanes.js';
import { HmacSha256 } from './hmac-sha256.js';
import { type LinkageKey, subkey } from './keys.js';
import { BoundedMemo } from './memo.js';
import { type ClkFieldParams, type ClkParams, COMPOSITE_V3, clkBits } from './params.js';

const encoder = new TextEncoder();
const COMPOSITE_FIELDS: ReadonlySet<string> = new Set(COMPOSITE_V3.map((c) => c.field));

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

/** Index of a compact-name character in bigram tables: `_` (the pad) is 0, A–Z are 1–26. */
const ALPHABET = 27;
function charIndex(c: number, pad: number): number {
  if (c === pad) return 0;
  return c >= 65 && c <= 90 ? c - 64 : -1;
}

/** Before the first block's digest (positionsInto): no allocation per token. */
const NO_DIGEST: Int32Array = new Int32Array(0);

/** Numeric whole tokens of up to this many digits are memoised in tables indexed by their value. */
const NUMERIC_DIGITS = 5;

/**
 * One field's keyed hashing. Token → positions results are memoised per key: for bigram fields in a
 * 27 × 27 table indexed by the two characters (no hashing of strings at all); for numeric whole values of
 * up to 5 digits (years, months, days, sex, commune codes) in tables indexed by the value; for the others
 * (Corsican communes, non-numeric values) in a bounded map.
 */
class FieldHasher {
  private readonly mac: HmacSha256;
  private msg = new Uint8Array(64);
  private readonly bigramTable: Uint16Array;
  private readonly bigramDone = new Uint8Array(ALPHABET * ALPHABET);
  private readonly wholeTokens = new BoundedMemo<Uint16Array>(8_192);
  private readonly hashToken = (t: string): Uint16Array => this.tokenPositions(t);
  /** numeric whole tokens: slot of each value by number of digits (-1: not seen), positions by slot */
  private readonly numericSlots: (Int32Array | undefined)[] = [];
  private numericPositions = new Uint16Array(0);
  private numericCount = 0;
  private readonly pad: number;
  /** a composite field (§4.3): tokens nearly all distinct, hashed without a memo, through the lanes */
  readonly composite: boolean;
  constructor(
    key: LinkageKey,
    readonly field: ClkFieldParams,
    private readonly params: ClkParams,
  ) {
    this.mac = new HmacSha256(subkey(key, `clk/${field.name}`));
    this.bigramTable = new Uint16Array(field.tokenizer === 'bigrams' ? ALPHABET * ALPHABET * field.k : 0);
    this.pad = params.pad.charCodeAt(0);
    this.composite = COMPOSITE_FIELDS.has(field.name);
  }

  /** The k bit positions of one token (protocol v3 §4). */
  tokenPositions(token: string): Uint16Array {
    const out = new Uint16Array(this.field.k);
    this.positionsInto(token, out, null);
    return out;
  }

  /**
   * The k positions of `token` into `out`, or — `out` null — straight into `acc` as bits (no allocation:
   * for composite tokens, nearly all distinct, which a memo would not help). With `lanes`, block j's
   * digest is job `firstJob + j` of the lanes, already computed (`queue`).
   */
  private positionsInto(
    token: string,
    out: Uint16Array | null,
    acc: Uint32Array | null,
    lanes: HmacLanes | null = null,
    firstJob = 0,
  ): void {
    const { k } = this.field;
    const mask = this.params.l - 1;
    let d = NO_DIGEST;
    for (let i = 0; i < k; i++) {
      const w = i & 15;
      if (w === 0) d = lanes === null ? this.blockDigest(i >>> 4, token) : lanes.digest(firstJob + (i >>> 4));
      // position w is the w-th big-endian 16-bit word of the digest: the high or low half of word w / 2
      const word = d[w >>> 1] as number;
      const p = ((w & 1) === 0 ? word >>> 16 : word) & mask;
      if (out !== null) out[i] = p;
      else if (acc !== null) acc[p >>> 5] = (acc[p >>> 5] as number) | (0x80000000 >>> (p & 31));
    }
  }

  /**
   * Queues the MACs of the blocks of `token` (j = 0 … ⌈k/16⌉ − 1) in `lanes`, as consecutive jobs: the
   * first one's number, or −1 (nothing queued) when the token does not fit them (`addQueued` then hashes
   * it here).
   */
  queue(token: string, lanes: HmacLanes): number {
    const blocks = (this.field.k + 15) >>> 4;
    if (lanes.free < blocks) return -1;
    const first = lanes.addPrefixedAscii(this.mac, 0, token);
    if (first < 0) return -1;
    for (let j = 1; j < blocks; j++) lanes.addPrefixedAscii(this.mac, j, token);
    return first;
  }

  /** `addValue` of a token whose blocks were queued from job `firstJob` (−1: not queued) and computed. */
  addQueued(token: string, lanes: HmacLanes, firstJob: number, acc: Uint32Array): void {
    if (firstJob < 0) this.addValue(token, acc);
    else this.positionsInto(token, null, acc, lanes, firstJob);
  }

  /** HMAC-SHA-256(K_clk/f, u32be(j) ‖ UTF-8(token)) as 8 words (the hasher's scratch state). */
  private blockDigest(j: number, token: string): Int32Array {
    const direct = this.mac.macPrefixedAscii(j, token);
    if (direct !== null) return direct;
    // a non-ASCII or long token: the message in a reused buffer
    if (this.msg.length < 4 + 3 * token.length) this.msg = new Uint8Array(4 + 3 * token.length);
    const msg = this.msg;
    const len = 4 + encoder.encodeInto(token, msg.subarray(4)).written;
    msg[0] = j >>> 24;
    msg[1] = j >>> 16;
    msg[2] = j >>> 8;
    msg[3] = j;
    return this.mac.macWords(msg, len);
  }

  /** The slot of a numeric token in `numericPositions`, or -1 when the value is not numeric or too long. */
  private numericSlot(value: string): number {
    const n = value.length;
    if (n === 0 || n > NUMERIC_DIGITS) return -1;
    let x = 0;
    for (let i = 0; i < n; i++) {
      const d = value.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      x = x * 10 + d;
    }
    // one table per length keeps "01" and "1" apart
    let slots = this.numericSlots[n];
    if (slots === undefined) {
      slots = new Int32Array(10 ** n).fill(-1);
      this.numericSlots[n] = slots;
    }
    let slot = slots[x] as number;
    if (slot < 0) {
      const { k } = this.field;
      slot = this.numericCount++;
      if (this.numericPositions.length < (slot + 1) * k) {
        const grown = new Uint16Array(Math.max(64 * k, 2 * this.numericPositions.length));
        grown.set(this.numericPositions);
        this.numericPositions = grown;
      }
      this.numericPositions.set(this.tokenPositions(value), slot * k);
      slots[x] = slot;
    }
    return slot;
  }

  /** ORs the bits of every token of `value` into `acc` (l/32 words, bit p = bit 31 − p mod 32 of word ⌊p/32⌋). */
  addValue(value: string, acc: Uint32Array): void {
    const { k } = this.field;
    if (this.field.tokenizer === 'whole') {
      const slot = this.numericSlot(value);
      if (slot >= 0) setBits(acc, this.numericPositions, slot * k, k);
      else if (this.composite) this.positionsInto(value, null, acc);
      else setBits(acc, this.wholeTokens.get(value, this.hashToken), 0, k);
      return;
    }
    // padded bigrams: _V0, V0V1, …, Vn-1_
    let prev = 0;
    for (let i = 0; i <= value.length; i++) {
      const cur = i === value.length ? 0 : charIndex(value.charCodeAt(i), this.pad);
      if (cur < 0) {
        // a character outside the compact alphabet: hash its bigrams as strings (never on normalised input)
        for (const tok of bigrams(value, this.params.pad)) setBits(acc, this.tokenPositions(tok), 0, k);
        return;
      }
      const idx = prev * ALPHABET + cur;
      if (this.bigramDone[idx] === 0) {
        const a = prev === 0 ? this.params.pad : String.fromCharCode(prev + 64);
        const b = cur === 0 ? this.params.pad : String.fromCharCode(cur + 64);
        this.bigramTable.set(this.tokenPositions(a + b), idx * k);
        this.bigramDone[idx] = 1;
      }
      setBits(acc, this.bigramTable, idx * k, k);
      prev = cur;
    }
  }
}

function setBits(acc: Uint32Array, positions: Uint16Array, from: number, n: number): void {
  const end = from + n;
  for (let i = from; i < end; i++) {
    const p = positions[i] as number;
    acc[p >>> 5] = (acc[p >>> 5] as number) | (0x80000000 >>> (p & 31));
  }
}

/** Values of each CLK field, by field name; an absent or empty list sets no bits. */
export type ClkInput = Readonly<Record<string, readonly string[]>>;

/**
 * The values of one record's CLK fields as a list of (field index in the parameters' `fields`, value) —
 * the encoder's hot path: reused from one record to the next, nothing to clear but its length. The order
 * of the values does not change the filter (its bits are ORed).
 */
export class ClkValues {
  private fields = new Int32Array(64);
  private readonly values: string[] = [];
  /** values held */
  length = 0;

  clear(): void {
    this.length = 0;
  }

  /** Adds `value` to field `field`; an empty value, or a field index below 0 (not encoded), is ignored. */
  add(field: number, value: string): void {
    if (field < 0 || value === '') return;
    const n = this.length;
    if (n === this.fields.length) {
      const grown = new Int32Array(2 * n);
      grown.set(this.fields);
      this.fields = grown;
    }
    this.fields[n] = field;
    this.values[n] = value;
    this.length = n + 1;
  }

  field(i: number): number {
    return this.fields[i] as number;
  }

  value(i: number): string {
    return this.values[i] as string;
  }
}

export class ClkEncoder {
  private readonly hashers: FieldHasher[];
  private readonly acc: Uint32Array;
  private readonly diffuser: Diffuser | null;
  /** per composite token (in `accumulate` order), the first job of its blocks */
  private readonly jobs: number[] = [];
  private readonly lanes: HmacLanes | null;
  private readonly inputValues = new ClkValues();
  /**
   * @param lanes where the composite tokens' MACs are computed, four at a time (hmac-lanes.ts); null:
   *   one after another, in JavaScript (the same result)
   */
  constructor(
    key: LinkageKey,
    readonly params: ClkParams,
    lanes: HmacLanes | null = HmacLanes.create(),
  ) {
    if (params.l < 32 || params.l > 65536 || (params.l & (params.l - 1)) !== 0) {
      throw new RangeError('CLK length must be a power of two between 32 and 65536');
    }
    this.hashers = params.fields.map((f) => new FieldHasher(key, f, params));
    // the composite fields' MACs go through the lanes
    this.lanes = this.hashers.some((h) => h.composite) ? lanes : null;
    this.acc = new Uint32Array(params.l >>> 5);
    const d = params.diffusion;
    if (d !== null && (d.bits < 8 || d.bits % 8 !== 0))
      throw new RangeError('CLK diffusion bits must be a multiple of 8');
    this.diffuser = d === null ? null : new Diffuser(diffusionTaps(key, params.l, d), d.taps);
  }

  /** Length in bits of the CLKs produced. */
  get bits(): number {
    return clkBits(this.params);
  }

  /** Bit positions of one token of one field (for test vectors and documentation). */
  tokenPositions(field: string, token: string): Uint16Array {
    const h = this.hashers.find((x) => x.field.name === field);
    if (!h) throw new RangeError(`unknown CLK field ${field}`);
    return h.tokenPositions(token);
  }

  /**
   * The CLK: the Bloom filter of `input`, diffused when the parameters say so (§4.2) — written into `out`
   * (`bits / 8` bytes) when given.
   */
  encode(input: ClkInput, out?: Uint8Array): Uint8Array {
    const values = this.valuesOf(input);
    this.lanes?.clear();
    this.queue(values);
    this.lanes?.compute();
    return this.finish(values, out);
  }

  /** The Bloom filter of §4 before diffusion (for test vectors and documentation). */
  filter(input: ClkInput): Uint8Array {
    const values = this.valuesOf(input);
    this.lanes?.clear();
    this.queue(values);
    this.lanes?.compute();
    this.accumulate(values);
    return this.filterBytes();
  }

  /** The names of the fields, in the order of `ClkValues`. */
  get fieldNames(): string[] {
    return this.hashers.map((h) => h.field.name);
  }

  /** The values of `input` by field index, in a list reused by the next call. */
  private valuesOf(input: ClkInput): ClkValues {
    const values = this.inputValues;
    values.clear();
    const { hashers } = this;
    for (let i = 0; i < hashers.length; i++) {
      const vs = input[(hashers[i] as FieldHasher).field.name];
      if (vs !== undefined) for (const v of vs) values.add(i, v);
    }
    return values;
  }

  /**
   * `encode` in two halves, for a caller that adds MACs of its own to the lanes it gave this encoder
   * (encoder.ts), with the values by field index: `queue` adds the composite tokens' MACs to the lanes
   * (the caller has cleared them); once the caller has computed the lanes, `finish` makes the CLK of the
   * same values.
   */
  queue(values: ClkValues): void {
    const { lanes, jobs, hashers } = this;
    jobs.length = 0;
    if (lanes === null) return;
    for (let i = 0; i < values.length; i++) {
      const h = hashers[values.field(i)] as FieldHasher;
      if (h.composite) jobs.push(h.queue(values.value(i), lanes));
    }
  }

  /** The second half of `encode` (see `queue`). */
  finish(values: ClkValues, out?: Uint8Array): Uint8Array {
    this.accumulate(values);
    if (this.diffuser === null) return this.filterBytes(out);
    return this.diffuser.diffuse(this.acc, out ?? new Uint8Array(this.diffuser.bits >>> 3));
  }

  /** The filter's words, from the MACs of the composite tokens that `queue` queued, now computed. */
  private accumulate(values: ClkValues): void {
    this.acc.fill(0);
    const { lanes, jobs, hashers } = this;
    // the composite values in the order `queue` queued them
    let queued = 0;
    for (let i = 0; i < values.length; i++) {
      const h = hashers[values.field(i)] as FieldHasher;
      const v = values.value(i);
      if (lanes !== null && h.composite) h.addQueued(v, lanes, jobs[queued++] as number, this.acc);
      else h.addValue(v, this.acc);
    }
  }

  private filterBytes(out?: Uint8Array): Uint8Array {
    const acc = this.acc;
    // bit p is bit (7 − p mod 8) of byte ⌊p/8⌋: words are written big-endian
    const clk = out ?? new Uint8Array(this.params.l >>> 3);
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
