import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacPads, hubKey, hubSubkey, REKEY_PURPOSES, rekeyPseudonym } from './rekey.js';

const K = hubKey(new Uint8Array(32).map((_, i) => i + 1));

describe('hub re-keying', () => {
  it('derives a distinct subkey per purpose', () => {
    expect(REKEY_PURPOSES).toEqual(['nir', 'idkey']);
    const ks = REKEY_PURPOSES.map((p) => Buffer.from(hubSubkey(K, p)).toString('hex'));
    expect(new Set(ks).size).toBe(2);
  });

  it('pads reproduce HMAC-SHA-256 as H(opad ‖ H(ipad ‖ m))', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 200 }),
        (k, m) => {
          const { ipad, opad } = hmacPads(k);
          const inner = sha256(new Uint8Array([...ipad, ...m]));
          const outer = sha256(new Uint8Array([...opad, ...inner]));
          expect(outer).toEqual(hmac(sha256, k, m));
        },
      ),
    );
  });

  it('re-keys pseudonyms deterministically and differently per purpose', () => {
    const p1 = new Uint8Array(32).fill(9);
    expect(rekeyPseudonym(K, 'nir', p1)).toEqual(rekeyPseudonym(K, 'nir', p1));
    expect(rekeyPseudonym(K, 'nir', p1)).not.toEqual(rekeyPseudonym(K, 'idkey', p1));
    expect(rekeyPseudonym(K, 'nir', p1)).not.toEqual(p1);
  });

  it('refuses an all-zero or short hub key', () => {
    expect(() => hubKey(new Uint8Array(32))).toThrow();
    expect(() => hubKey(new Uint8Array(16).fill(1))).toThrow();
  });
});
