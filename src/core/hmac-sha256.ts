/**
 * HMAC-SHA-256 (RFC 2104, FIPS 180-4) specialised for the producer's hot path: millions of short
 * messages under a handful of fixed keys. The key's inner and outer pad blocks are compressed once;
 * each MAC then costs one compression per 64-byte message block plus one for the outer hash, with no
 * allocation: message words are loaded straight into the block, and the outer block is built from the
 * inner state's words. The compression is unrolled (sha256-compress.ts, generated). Outputs are checked against @noble/hashes in hmac-sha256.test.ts (property test),
 * so this is a faster path to the same function, not a different function. Faster here than node:crypto
 * (whose per-call objects cost more than the hash of a short message) and than a WebAssembly compression
 * function of one message (measured equal): bench/README.md. Many one-block MACs at once go faster through
 * hmac-lanes.ts, four per pass of a WebAssembly SIMD kernel. Pure.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { compress } from './sha256-compress.js';

const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** The message block being compressed, as 16 big-endian words. */
const W = new Int32Array(16);

/** The big-endian 32-bit word at bytes[j..j+4). */
function be32(bytes: Uint8Array, j: number): number {
  return (
    ((bytes[j] as number) << 24) |
    ((bytes[j + 1] as number) << 16) |
    ((bytes[j + 2] as number) << 8) |
    (bytes[j + 3] as number)
  );
}

/** Loads W from the big-endian words of block[off..off+64). */
function loadBlock(block: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) W[i] = be32(block, off + 4 * i);
}

/**
 * Loads w (W by default) with the last bytes of a message, msg[from..to) (fewer than 64: whole blocks are
 * compressed first), then — with `pad` — the 0x80 byte, zeros, and — when `lengthBits` is not null — the
 * 64-bit big-endian message length in w[14..16).
 */
function loadTail(
  msg: Uint8Array,
  from: number,
  to: number,
  pad: boolean,
  lengthBits: number | null,
  w: Int32Array = W,
): void {
  const n = to - from;
  // whole words first, then the bytes of the last partial word
  const whole = n >>> 2;
  let i = 0;
  for (; i < whole; i++) w[i] = be32(msg, from + 4 * i);
  let last = 0;
  for (let b = 4 * whole; b < n; b++) last |= (msg[from + b] as number) << (24 - 8 * (b & 3));
  if (pad) last |= 0x80 << (24 - 8 * (n & 3));
  if (i < 16) w[i++] = last;
  for (; i < 16; i++) w[i] = 0;
  if (lengthBits !== null) {
    w[14] = Math.floor(lengthBits / 2 ** 32) | 0;
    w[15] = lengthBits | 0;
  }
}

/** Longest message that fits the inner hash's last block with its padding and length. */
export const ONE_BLOCK_BYTES = 55;

/**
 * Loads w with the single, padded block of the inner hash of msg[0..len) (len ≤ 55), its length counted
 * after the ipad block; false, w untouched, for a longer message.
 */
export function loadOneBlock(msg: Uint8Array, len: number, w: Int32Array): boolean {
  if (len > ONE_BLOCK_BYTES) return false;
  loadTail(msg, 0, len, true, (64 + len) * 8, w);
  return true;
}

/**
 * Loads w with the single, padded block of the inner hash of u32be(prefix) ‖ ASCII(text), straight from
 * the string's character codes; false when `text` is not ASCII or longer than 51 characters (w is then
 * left in an unspecified state).
 */
function loadPrefixedAscii(prefix: number, text: string, w: Int32Array): boolean {
  const n = text.length;
  if (n > ONE_BLOCK_BYTES - 4) return false;
  for (let i = 1; i < 16; i++) w[i] = 0;
  w[0] = prefix | 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return false;
    const b = 4 + i;
    w[b >>> 2] = (w[b >>> 2] as number) | (c << (24 - 8 * (b & 3)));
  }
  const end = 4 + n;
  w[end >>> 2] = (w[end >>> 2] as number) | (0x80 << (24 - 8 * (end & 3)));
  w[15] = (64 + end) * 8;
  return true;
}

/** A digest's 8 words written big-endian into out (32 bytes). */
export function digestBytes(words: Int32Array, out: Uint8Array): Uint8Array {
  for (let i = 0; i < 8; i++) {
    const v = words[i] as number;
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = v >>> 16;
    out[4 * i + 2] = v >>> 8;
    out[4 * i + 3] = v;
  }
  return out;
}

/** A keyed HMAC-SHA-256 with precomputed pad states. Not safe to share between threads (scratch state). */
export class HmacSha256 {
  /** the state after the ipad block (8 words; for hmac-lanes.ts, which must not write it) */
  readonly inner = new Int32Array(8);
  /** the state after the opad block (8 words; the same) */
  readonly outer = new Int32Array(8);
  private readonly state = new Int32Array(8);

  constructor(key: Uint8Array) {
    const k = key.length > 64 ? sha256(key) : key;
    const pad = new Uint8Array(64);
    pad.set(k);
    loadBlock(
      pad.map((x) => x ^ 0x36),
      0,
    );
    compress(IV, W, this.inner);
    loadBlock(
      pad.map((x) => x ^ 0x5c),
      0,
    );
    compress(IV, W, this.outer);
  }

  /**
   * MAC of msg[0..len) as 8 big-endian 32-bit words, in a state array that the next call overwrites
   * (for callers that read the digest as numbers: no bytes written, nothing allocated).
   */
  macWords(msg: Uint8Array, len: number): Int32Array {
    const st = this.state;
    let from: Int32Array = this.inner;
    let off = 0;
    while (len - off >= 64) {
      loadBlock(msg, off);
      compress(from, W, st);
      from = st;
      off += 64;
    }
    // the last block: the message tail, 0x80, the length in bits (of ipad ‖ message); a tail of 56 bytes
    // or more leaves no room for the length, which then goes in one more block
    const bits = (64 + len) * 8;
    if (len - off <= 55) {
      loadTail(msg, off, len, true, bits);
      compress(from, W, st);
    } else {
      loadTail(msg, off, len, true, null);
      compress(from, W, st);
      loadTail(msg, 0, 0, false, bits);
      compress(st, W, st);
    }
    return this.outerHash(st);
  }

  /** The outer hash of an inner digest held in `st`, written back into `st`. */
  private outerHash(st: Int32Array): Int32Array {
    // one block: the inner digest (32 bytes), 0x80, zeros, the length 64 + 32 bytes
    for (let i = 0; i < 8; i++) W[i] = st[i] as number;
    W[8] = 0x80000000 | 0;
    for (let i = 9; i < 15; i++) W[i] = 0;
    W[15] = (64 + 32) * 8;
    compress(this.outer, W, st);
    return st;
  }

  /**
   * `macWords` of the message u32be(prefix) ‖ ASCII(text), loaded straight from the string's character
   * codes; null — nothing computed — when `text` is not ASCII or too long for one block (over 51
   * characters): the caller then encodes the message itself. For the CLK's token positions (clk.ts).
   */
  macPrefixedAscii(prefix: number, text: string): Int32Array | null {
    if (!loadPrefixedAscii(prefix, text, W)) return null;
    const st = this.state;
    compress(this.inner, W, st);
    return this.outerHash(st);
  }

  /** MAC of msg[0..len) written into out (32 bytes). */
  macInto(msg: Uint8Array, len: number, out: Uint8Array): Uint8Array {
    return digestBytes(this.macWords(msg, len), out);
  }

  mac(msg: Uint8Array): Uint8Array {
    return this.macInto(msg, msg.length, new Uint8Array(32));
  }
}

/** Reference implementation (noble) — used by tests and for cross-checks. */
export function hmacSha256Reference(key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmac(sha256, key, msg);
}
