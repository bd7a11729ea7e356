import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes.js';
import { LdhError } from './errors.js';
import { keyFingerprint, linkageKey, subkey } from './keys.js';

const k = linkageKey(fromHex(`${'00'.repeat(31)}01`));

describe('keys', () => {
  it('derives subkeys with HKDF-SHA-256, salt "ldh-link/1", info "ldh-link/1/<purpose>"', () => {
    const want = hkdf(
      sha256,
      k.bytes,
      new TextEncoder().encode('ldh-link/1'),
      new TextEncoder().encode('ldh-link/1/nir'),
      32,
    );
    expect(toHex(subkey(k, 'nir'))).toBe(toHex(want));
  });

  it('gives every purpose its own key', () => {
    const purposes = ['nir', 'idkey', 'fingerprint', 'clk/birth_name', 'clk/first_name', 'block/name-year'];
    expect(new Set(purposes.map((p) => toHex(subkey(k, p)))).size).toBe(purposes.length);
  });

  it('fingerprints deterministically, differently per key, without containing the key', () => {
    const other = linkageKey(fromHex(`${'00'.repeat(31)}02`));
    expect(keyFingerprint(k)).toBe(keyFingerprint(linkageKey(fromHex(`${'00'.repeat(31)}01`))));
    expect(keyFingerprint(k)).not.toBe(keyFingerprint(other));
    expect(keyFingerprint(k)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyFingerprint(k)).not.toContain(toHex(k.bytes).slice(0, 16));
  });

  it('refuses wrong-length and all-zero keys', () => {
    expect(() => linkageKey(new Uint8Array(16))).toThrow(LdhError);
    expect(() => linkageKey(new Uint8Array(32))).toThrow(/all zeros/);
  });
});
