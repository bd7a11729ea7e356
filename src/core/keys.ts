/**
 * Key derivation — protocol v3 §2. The 256-bit linkage secret K_link never reaches the hub; every keyed
 * computation uses its own subkey:
 *
 *   K_purpose = HKDF-SHA-256(IKM = K_link, salt = "ldh-link/1", info = "ldh-link/1/" ‖ purpose, L = 32)
 *
 * so a subkey leaked or misused for one purpose tells nothing about another (RFC 5869 §3.2). The key
 * fingerprint is HMAC-SHA-256(K_fingerprint, "ldh-link key fingerprint"): a PRF output that lets the hub
 * check that all producers used the same K_link without learning anything about it. Pure.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from './bytes.js';
import { LdhError } from './errors.js';
import { HmacSha256 } from './hmac-sha256.js';

export const LINKAGE_KEY_BYTES = 32;
export const HKDF_SALT = 'ldh-link/1';
export const HKDF_INFO_PREFIX = 'ldh-link/1/';
export const FINGERPRINT_MESSAGE = 'ldh-link key fingerprint';

/** A validated linkage secret. The bytes are kept private to this module's helpers. */
export interface LinkageKey {
  readonly bytes: Uint8Array;
}

export function linkageKey(bytes: Uint8Array): LinkageKey {
  if (bytes.length !== LINKAGE_KEY_BYTES) {
    throw new LdhError('KEY_INVALID', `a linkage key has ${LINKAGE_KEY_BYTES} bytes`);
  }
  if (bytes.every((b) => b === 0)) throw new LdhError('KEY_INVALID', 'the linkage key is all zeros');
  return { bytes };
}

/** HKDF subkey for one purpose, e.g. `nir`, `clk/birth_name`, `block/name-year`, `fingerprint`. */
export function subkey(key: LinkageKey, purpose: string): Uint8Array {
  return hkdf(sha256, key.bytes, utf8(HKDF_SALT), utf8(HKDF_INFO_PREFIX + purpose), 32);
}

/**
 * Fingerprints of the linkage keys published in this repository: the test key of the conformance vectors
 * (protocols/test-vectors-v3.json) and the fixed key of the test fixtures (src/hub/test-hub.ts). Anyone
 * can compute pseudonyms and CLKs under them, so the tool refuses them as real keys (shared/key-files.ts).
 * Fingerprints rather than keys: no key material in production code.
 */
export const PUBLISHED_TEST_KEY_FINGERPRINTS: ReadonlySet<string> = new Set([
  '2f3d867afdcaa36be56b7aac7a19186ef4df812a2a261ef06ddbd5ee4e241f57',
  'dfbfae320e5edb12c171d2c49fe049bacad52fbe36feeb6de5679fc147a7050a',
]);

export function isPublishedTestKey(key: LinkageKey): boolean {
  return PUBLISHED_TEST_KEY_FINGERPRINTS.has(keyFingerprint(key));
}

/** 64 hex characters identifying the key without revealing it. */
export function keyFingerprint(key: LinkageKey): string {
  return toHex(hmac(sha256, subkey(key, 'fingerprint'), utf8(FINGERPRINT_MESSAGE)));
}

/**
 * A reusable keyed HMAC-SHA-256 over the first `len` bytes of a message: the pad blocks are compressed
 * once per key (hmac-sha256.ts; figures in bench/README.md).
 */
export function keyedMac(k: Uint8Array): (message: Uint8Array, len?: number, out?: Uint8Array) => Uint8Array {
  const h = new HmacSha256(k);
  return (message, len = message.length, out = new Uint8Array(32)) => h.macInto(message, len, out);
}
