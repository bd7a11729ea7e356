/**
 * HMAC-SHA-256 (RFC 2104, FIPS 180-4) specialised for the producer's hot path: millions of short
 * messages under a handful of fixed keys. The key's inner and outer pad blocks are compressed once;
 * each MAC then costs one compression per 64-byte message block plus one for the outer hash, with no
 * allocation: message words are loaded straight into the schedule, and the outer block is built from the
 * inner state's words. Outputs are checked against @noble/hashes in hmac-sha256.test.ts (property test),
 * so this is a faster path to the same function, not a different function. Faster here than node:crypto
 * (whose per-call objects cost more than the hash of a short message) and than a WebAssembly compression
 * function (measured equal): bench/README.md. Pure.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

// biome-ignore format: the FIPS 180-4 constant table reads best as a block
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** The message schedule; compress() reads W[0..16) and fills the rest. */
const W = new Int32Array(64);

/** Loads W[0..16) from the big-endian words of block[off..off+64). */
function loadBlock(block: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + 4 * i;
    W[i] =
      ((block[j] as number) << 24) |
      ((block[j + 1] as number) << 16) |
      ((block[j + 2] as number) << 8) |
      (block[j + 3] as number);
  }
}

/** One SHA-256 compression of the block in W[0..16) into state. */
function compress(state: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15] as number;
    const w2 = W[i - 2] as number;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0;
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (W[i] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
  state[4] = ((state[4] as number) + e) | 0;
  state[5] = ((state[5] as number) + f) | 0;
  state[6] = ((state[6] as number) + g) | 0;
  state[7] = ((state[7] as number) + h) | 0;
}

/**
 * Loads W[0..16) with the last bytes of a message, msg[from..to) (fewer than 64: whole blocks are
 * compressed first), then — with `pad` — the 0x80 byte, zeros, and — when `lengthBits` is not null — the
 * 64-bit big-endian message length in W[14..16).
 */
function loadTail(msg: Uint8Array, from: number, to: number, pad: boolean, lengthBits: number | null): void {
  W.fill(0, 0, 16);
  const n = to - from;
  for (let i = 0; i < n; i++)
    W[i >>> 2] = (W[i >>> 2] as number) | ((msg[from + i] as number) << (24 - 8 * (i & 3)));
  if (pad) W[n >>> 2] = (W[n >>> 2] as number) | (0x80 << (24 - 8 * (n & 3)));
  if (lengthBits !== null) {
    W[14] = Math.floor(lengthBits / 2 ** 32) | 0;
    W[15] = lengthBits | 0;
  }
}

/** A keyed HMAC-SHA-256 with precomputed pad states. Not safe to share between threads (scratch state). */
export class HmacSha256 {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly state = new Int32Array(8);

  constructor(key: Uint8Array) {
    const k = key.length > 64 ? sha256(key) : key;
    const pad = new Uint8Array(64);
    pad.set(k);
    this.inner.set(IV);
    loadBlock(
      pad.map((x) => x ^ 0x36),
      0,
    );
    compress(this.inner);
    this.outer.set(IV);
    loadBlock(
      pad.map((x) => x ^ 0x5c),
      0,
    );
    compress(this.outer);
  }

  /** MAC of msg[0..len) written into out (32 bytes). */
  macInto(msg: Uint8Array, len: number, out: Uint8Array): Uint8Array {
    const st = this.state;
    st.set(this.inner);
    let off = 0;
    while (len - off >= 64) {
      loadBlock(msg, off);
      compress(st);
      off += 64;
    }
    // the last block: the message tail, 0x80, the length in bits (of ipad ‖ message); a tail of 56 bytes
    // or more leaves no room for the length, which then goes in one more block
    const bits = (64 + len) * 8;
    if (len - off <= 55) {
      loadTail(msg, off, len, true, bits);
      compress(st);
    } else {
      loadTail(msg, off, len, true, null);
      compress(st);
      loadTail(msg, 0, 0, false, bits);
      compress(st);
    }
    // outer hash: one block = inner digest (32 bytes), 0x80, zeros, length 64 + 32 bytes
    W.set(st, 0);
    W[8] = 0x80000000 | 0;
    W.fill(0, 9, 15);
    W[15] = (64 + 32) * 8;
    st.set(this.outer);
    compress(st);
    for (let i = 0; i < 8; i++) {
      const v = st[i] as number;
      out[4 * i] = v >>> 24;
      out[4 * i + 1] = v >>> 16;
      out[4 * i + 2] = v >>> 8;
      out[4 * i + 3] = v;
    }
    return out;
  }

  mac(msg: Uint8Array): Uint8Array {
    return this.macInto(msg, msg.length, new Uint8Array(32));
  }
}

/** Reference implementation (noble) — used by tests and for cross-checks. */
export function hmacSha256Reference(key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmac(sha256, key, msg);
}
