import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from './bytes.js';
import {
  beginOpen,
  beginSeal,
  chunkNonce,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  MAX_CHUNK_INDEX,
  openBytes,
  openChunk,
  parseHeader,
  recipientId,
  SEAL_HEADER_BYTES,
  SEAL_INFO,
  SEAL_TAG_BYTES,
  SealError,
  type SealErrorCode,
  sealBytes,
  sealChunk,
  x25519KeyPair,
} from './seal.js';

const C = 1024;
const FULL = C + SEAL_TAG_BYTES;
const hub = x25519KeyPair(sha256(utf8('seal test recipient')));
const other = x25519KeyPair(sha256(utf8('seal test other recipient')));
const eph = sha256(utf8('seal test ephemeral'));

function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i % 251);
}

function seal(n: number, chunkSize = C): Uint8Array {
  return sealBytes(hub.publicKey, bytes(n), { chunkSize, ephemeralSecret: eph });
}

function codeOf(f: () => unknown): SealErrorCode | 'no error' | 'other error' {
  try {
    f();
    return 'no error';
  } catch (err) {
    return err instanceof SealError ? err.code : 'other error';
  }
}

function flip(b: Uint8Array, at: number): Uint8Array {
  const c = b.slice();
  c[at] = (c[at] ?? 0) ^ 0x01;
  return c;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('the ChaCha20-Poly1305 primitive', () => {
  it('matches RFC 8439 §2.8.2', () => {
    const key = fromHex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = fromHex('070000004041424344454647');
    const aad = fromHex('50515253c0c1c2c3c4c5c6c7');
    const pt = utf8(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const out = chacha20poly1305(key, nonce, aad).encrypt(pt);
    expect(toHex(out.subarray(0, pt.length))).toBe(
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116',
    );
    expect(toHex(out.subarray(pt.length))).toBe('1ae10b594f09e26a7e902ecbd0600691');
  });
});

describe('header', () => {
  it('lays out magic, chunk size, reserved, epk, recipient id in 56 bytes', () => {
    const epk = bytes(32);
    const h = encodeHeader({ chunkSize: DEFAULT_CHUNK_SIZE, epk, recipient: recipientId(hub.publicKey) });
    expect(h.length).toBe(SEAL_HEADER_BYTES);
    expect(toHex(h.subarray(0, 16))).toBe(`${toHex(utf8('LDHSEAL1'))}0001000000000000`);
    expect(toHex(h.subarray(48))).toBe(toHex(sha256(hub.publicKey).subarray(0, 8)));
    const back = parseHeader(h);
    expect(back.chunkSize).toBe(DEFAULT_CHUNK_SIZE);
    expect(toHex(back.epk)).toBe(toHex(epk));
  });

  it('refuses a bad magic, a non-zero reserved field, chunk sizes out of range, a short header', () => {
    const h = seal(10).subarray(0, SEAL_HEADER_BYTES);
    expect(codeOf(() => parseHeader(flip(h, 0)))).toBe('seal-bad-header');
    expect(codeOf(() => parseHeader(flip(h, 15)))).toBe('seal-bad-header');
    const withSize = (n: number) => {
      const c = h.slice();
      new DataView(c.buffer).setUint32(8, n);
      return c;
    };
    expect(codeOf(() => parseHeader(withSize(1023)))).toBe('seal-bad-header');
    expect(codeOf(() => parseHeader(withSize(16 * 1024 * 1024 + 1)))).toBe('seal-bad-header');
    expect(codeOf(() => parseHeader(withSize(16 * 1024 * 1024)))).toBe('no error');
    expect(codeOf(() => parseHeader(h.subarray(0, 55)))).toBe('seal-truncated');
    expect(codeOf(() => parseHeader(new Uint8Array(0)))).toBe('seal-truncated');
    expect(codeOf(() => parseHeader(utf8('PAR1')))).toBe('seal-bad-header');
  });

  it('is refused at sealing time with an out-of-range chunk size', () => {
    expect(() => sealBytes(hub.publicKey, bytes(1), { chunkSize: 1000 })).toThrow(RangeError);
  });
});

describe('key derivation and nonces', () => {
  it('derives the same key on both sides: HKDF(X25519, salt = epk ‖ rpk, info)', () => {
    const s = beginSeal(hub.publicKey, { ephemeralSecret: eph });
    const o = beginOpen(hub.secretKey, s.header);
    expect(toHex(o.key)).toBe(toHex(s.key));
    const epk = x25519.getPublicKey(eph);
    const shared = x25519.getSharedSecret(eph, hub.publicKey);
    const want = hkdf(sha256, shared, concat(epk, hub.publicKey), utf8(SEAL_INFO), 32);
    expect(toHex(s.key)).toBe(toHex(want));
  });

  it('puts the index big-endian in 11 bytes and the last flag in the 12th', () => {
    expect(toHex(chunkNonce(0, false))).toBe('000000000000000000000000');
    expect(toHex(chunkNonce(1, true))).toBe('000000000000000000000101');
    expect(toHex(chunkNonce(2 ** 32 + 2, false))).toBe('000000000000010000000200');
    expect(toHex(chunkNonce(MAX_CHUNK_INDEX, false))).toBe('000000001fffffffffffff00');
    expect(() => chunkNonce(MAX_CHUNK_INDEX + 1, false)).toThrow(RangeError);
    expect(() => chunkNonce(-1, false)).toThrow(RangeError);
  });

  it('refuses a low-order recipient key and a low-order ephemeral key', () => {
    expect(() => sealBytes(new Uint8Array(32), bytes(1))).toThrow(RangeError);
    const s = seal(10).slice();
    s.set(new Uint8Array(32), 16);
    expect(codeOf(() => openBytes(hub.secretKey, s))).toBe('seal-bad-header');
  });
});

describe('round trips', () => {
  it.each([0, 1, C - 1, C, C + 1, 3 * C, 2.5 * C])('%i bytes', (n) => {
    const sealed = seal(n);
    expect(sealed.length).toBe(SEAL_HEADER_BYTES + n + Math.max(1, Math.ceil(n / C)) * SEAL_TAG_BYTES);
    expect(toHex(openBytes(hub.secretKey, sealed))).toBe(toHex(bytes(n)));
  });

  it('uses a fresh ephemeral key per file when none is given', () => {
    const a = sealBytes(hub.publicKey, bytes(5));
    const b = sealBytes(hub.publicKey, bytes(5));
    expect(toHex(a.subarray(16, 48))).not.toBe(toHex(b.subarray(16, 48)));
    expect(toHex(openBytes(hub.secretKey, a))).toBe(toHex(bytes(5)));
  });

  it('holds for random lengths and chunk sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1024, max: 4096 }),
        fc.integer({ min: 0, max: 20_000 }),
        (chunkSize, n) => {
          const pt = bytes(n);
          const sealed = sealBytes(hub.publicKey, pt, { chunkSize });
          return toHex(openBytes(hub.secretKey, sealed)) === toHex(pt);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the chunking rule is enforced when sealing a chunk by hand', () => {
    const s = beginSeal(hub.publicKey, { chunkSize: C, ephemeralSecret: eph });
    expect(() => sealChunk(s.key, s.header, 0, false, bytes(C - 1))).toThrow(RangeError);
    expect(() => sealChunk(s.key, s.header, 1, true, bytes(0))).toThrow(RangeError);
    expect(() => sealChunk(s.key, s.header, 0, true, bytes(C + 1))).toThrow(RangeError);
    expect(sealChunk(s.key, s.header, 0, true, bytes(0)).length).toBe(SEAL_TAG_BYTES);
  });
});

describe('attacks', () => {
  const n = 3 * C + 100; // chunks 0..2 full, chunk 3 holds 100 bytes
  const sealed = seal(n);
  const chunk = (i: number) =>
    sealed.subarray(SEAL_HEADER_BYTES + i * FULL, SEAL_HEADER_BYTES + (i + 1) * FULL);
  const header = sealed.subarray(0, SEAL_HEADER_BYTES);
  const open = (b: Uint8Array) => codeOf(() => openBytes(hub.secretKey, b));

  it('a bit flipped in any header field is refused', () => {
    expect(open(flip(sealed, 3))).toBe('seal-bad-header'); // magic
    expect(open(flip(sealed, 14))).toBe('seal-bad-header'); // reserved
    expect(open(flip(sealed, 11))).toBe('seal-auth-failed'); // chunk size 1024 → 1025, still in range
    expect(open(flip(sealed, 17))).toBe('seal-auth-failed'); // epk
    expect(open(flip(sealed, 47))).toBe('seal-auth-failed'); // epk, last byte
    expect(open(flip(sealed, 50))).toBe('seal-wrong-recipient'); // recipient id
  });

  it('a bit flipped anywhere in any chunk or tag fails', () => {
    for (let i = 0; i < 4; i++) {
      const start = SEAL_HEADER_BYTES + i * FULL;
      const len = i < 3 ? FULL : 100 + SEAL_TAG_BYTES;
      expect(open(flip(sealed, start))).toBe('seal-auth-failed');
      expect(open(flip(sealed, start + len - SEAL_TAG_BYTES - 1))).toBe('seal-auth-failed');
      expect(open(flip(sealed, start + len - 1))).toBe('seal-auth-failed'); // the tag
    }
  });

  it('a dropped chunk fails', () => {
    expect(open(concat(header, chunk(0), chunk(2), sealed.subarray(SEAL_HEADER_BYTES + 3 * FULL)))).toBe(
      'seal-auth-failed',
    );
    expect(open(concat(header, chunk(1), chunk(2), sealed.subarray(SEAL_HEADER_BYTES + 3 * FULL)))).toBe(
      'seal-auth-failed',
    );
  });

  it('swapped chunks fail', () => {
    expect(
      open(concat(header, chunk(1), chunk(0), chunk(2), sealed.subarray(SEAL_HEADER_BYTES + 3 * FULL))),
    ).toBe('seal-auth-failed');
  });

  it('a cut at a chunk boundary is seal-truncated; a cut inside a chunk fails to authenticate', () => {
    for (let i = 1; i <= 3; i++)
      expect(open(sealed.subarray(0, SEAL_HEADER_BYTES + i * FULL))).toBe('seal-truncated');
    expect(open(sealed.subarray(0, SEAL_HEADER_BYTES))).toBe('seal-truncated');
    expect(open(sealed.subarray(0, SEAL_HEADER_BYTES + FULL + 15))).toBe('seal-truncated');
    expect(open(sealed.subarray(0, SEAL_HEADER_BYTES + FULL + 500))).toBe('seal-auth-failed');
    expect(open(sealed.subarray(0, sealed.length - 1))).toBe('seal-auth-failed');
    expect(open(sealed.subarray(0, 20))).toBe('seal-truncated');
  });

  it('bytes appended after the last chunk fail, whether the last chunk is full or not', () => {
    expect(open(concat(sealed, new Uint8Array(1)))).toBe('seal-auth-failed');
    expect(open(concat(sealed, chunk(0)))).toBe('seal-auth-failed');
    const exact = seal(2 * C);
    expect(codeOf(() => openBytes(hub.secretKey, concat(exact, new Uint8Array(16))))).toBe(
      'seal-auth-failed',
    );
  });

  it('the wrong recipient secret is seal-wrong-recipient, before any decryption', () => {
    expect(codeOf(() => openBytes(other.secretKey, sealed))).toBe('seal-wrong-recipient');
  });

  it('an edited recipient id is refused, and would not authenticate either (the header is the AAD)', () => {
    const edited = sealed.slice();
    edited.set(recipientId(other.publicKey), 48);
    expect(codeOf(() => openBytes(hub.secretKey, edited))).toBe('seal-wrong-recipient');
    expect(codeOf(() => openBytes(other.secretKey, edited))).toBe('seal-auth-failed');
    // bypassing the id check with the right key: the chunk does not open under the edited header
    const { key } = beginOpen(hub.secretKey, sealed);
    expect(codeOf(() => openChunk(key, edited.subarray(0, SEAL_HEADER_BYTES), 0, false, chunk(0)))).toBe(
      'seal-auth-failed',
    );
    expect(codeOf(() => openChunk(key, header, 0, false, chunk(0)))).toBe('no error');
  });

  it('a stream sealed with another ephemeral key does not mix: a chunk from another file fails', () => {
    const otherFile = sealBytes(hub.publicKey, bytes(n), { chunkSize: C });
    const foreign = otherFile.subarray(SEAL_HEADER_BYTES, SEAL_HEADER_BYTES + FULL);
    expect(open(concat(header, foreign, sealed.subarray(SEAL_HEADER_BYTES + FULL)))).toBe('seal-auth-failed');
  });
});
