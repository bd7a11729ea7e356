import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacPads, hubKey, hubSubkey, rekeyBlockKey, rekeyPseudonym } from './rekey.js';

const K = hubKey(new Uint8Array(32).map((_, i) => i + 1));

describe('hub re-keying', () => {
  it('derives a distinct subkey per purpose', () => {
    const ks = (['nir', 'idkey', 'block'] as const).map((p) => Buffer.from(hubSubkey(K, p)).toString('hex'));
    expect(new Set(ks).size).toBe(3);
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

  it('keeps the pass of a blocking key and replaces its value', () => {
    const r = rekeyBlockKey(K, 'name-year:0123456789abcdef');
    expect(r).toMatch(/^name-year:[0-9a-f]{16}$/);
    expect(r).not.toBe('name-year:0123456789abcdef');
    expect(rekeyBlockKey(K, 'dob-place:0123456789abcdef').slice(10)).not.toBe(r.slice(10));
    expect(() => rekeyBlockKey(K, 'nopass')).toThrow();
  });

  it('refuses an all-zero or short hub key', () => {
    expect(() => hubKey(new Uint8Array(32))).toThrow();
    expect(() => hubKey(new Uint8Array(16).fill(1))).toThrow();
  });
});
