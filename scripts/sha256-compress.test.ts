import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { compress } from '../src/core/sha256-compress.js';
import { SHA256_COMPRESS_TS, sha256CompressSource } from './gen-sha256.js';

const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** SHA-256 of a message of at most 55 bytes (one padded block), through `compress`, as hex. */
function oneBlockSha256(msg: Uint8Array): string {
  const block = new Uint8Array(64);
  block.set(msg);
  block[msg.length] = 0x80;
  const view = new DataView(block.buffer);
  view.setUint32(60, msg.length * 8);
  const out = new Int32Array(8);
  compress(
    IV,
    new Int32Array(16).map((_, i) => view.getInt32(4 * i)),
    out,
  );
  return Array.from(out, (x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
}

describe('src/core/sha256-compress.ts', () => {
  it('is the output of scripts/gen-sha256.ts (run `npm run gen:sha256`)', () => {
    expect(readFileSync(SHA256_COMPRESS_TS, 'utf8')).toBe(sha256CompressSource());
  });

  it('gives the FIPS 180-4 digest of "abc", and that of @noble/hashes for random messages', () => {
    expect(oneBlockSha256(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    for (let n = 0; n <= 55; n += 5) {
      const msg = crypto.getRandomValues(new Uint8Array(n));
      expect(oneBlockSha256(msg)).toBe(Buffer.from(sha256(msg)).toString('hex'));
    }
  });
});
