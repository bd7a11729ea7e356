/**
 * Re-keying at the hub — hub protocol §6. The hub never keeps a producer's pseudonym P1: on ingest each
 * one becomes P2 = HMAC-SHA-256(K_hub,purpose, P1), so that neither a producer's table nor a copy of the
 * hub's database can be joined to the other by one party alone (two layers, as France's FOIN does).
 *
 *   K_hub,purpose = HKDF-SHA-256(IKM = K_hub, salt = "ldh-link/1", info = "ldh-link/1/hub/" ‖ purpose, L = 32)
 *
 * Purposes: `nir` (the NIR pseudonym) and `idkey` (the secondary identity key); protocol v3 sends no
 * blocking keys, so v1–v2's `block` purpose is gone. CLKs are stored as received: a keyed permutation of
 * their bits would keep Dice scores but not hide them from a party holding K_link, so it would add nothing. The hub computes the same HMAC inside DuckDB from the
 * two pad blocks (`hmacPads`); the functions here are the reference the SQL is tested against. Pure.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from './bytes.js';
import { LdhError } from './errors.js';
import { HKDF_SALT } from './keys.js';

export const HUB_KEY_BYTES = 32;
export const HUB_INFO_PREFIX = 'ldh-link/1/hub/';
export const REKEY_PURPOSES = ['nir', 'idkey'] as const;
export type RekeyPurpose = (typeof REKEY_PURPOSES)[number];

export interface HubKey {
  readonly bytes: Uint8Array;
}

export function hubKey(bytes: Uint8Array): HubKey {
  if (bytes.length !== HUB_KEY_BYTES)
    throw new LdhError('KEY_INVALID', `a hub key has ${HUB_KEY_BYTES} bytes`);
  if (bytes.every((b) => b === 0)) throw new LdhError('KEY_INVALID', 'the hub key is all zeros');
  return { bytes };
}

/**
 * SHA-256 of the hub key published with the hub conformance vectors (protocols/test-vectors-hub-v1.json):
 * anyone can re-key under it, so it is refused as a real K_hub (shared/key-files.ts). A digest, not the key.
 */
export const PUBLISHED_TEST_HUB_KEY_DIGESTS: ReadonlySet<string> = new Set([
  'ae216c2ef5247a3782c135efa279a3e4cdc61094270f5d2be58c6204b7a612c9',
]);

/** Whether the bytes read from a hub key file are a published test key (checked before `hubKey`). */
export function isPublishedTestHubKey(raw: Uint8Array): boolean {
  return PUBLISHED_TEST_HUB_KEY_DIGESTS.has(toHex(sha256(raw)));
}

export function hubSubkey(key: HubKey, purpose: RekeyPurpose): Uint8Array {
  return hkdf(sha256, key.bytes, utf8(HKDF_SALT), utf8(HUB_INFO_PREFIX + purpose), 32);
}

/** The HMAC-SHA-256 inner and outer pad blocks of a 32-byte key (RFC 2104): HMAC(k, m) = H(opad ‖ H(ipad ‖ m)). */
export function hmacPads(k: Uint8Array): { ipad: Uint8Array; opad: Uint8Array } {
  if (k.length > 64) throw new RangeError('keys longer than a block are hashed first; not used here');
  const ipad = new Uint8Array(64).fill(0x36);
  const opad = new Uint8Array(64).fill(0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i] = 0x36 ^ (k[i] as number);
    opad[i] = 0x5c ^ (k[i] as number);
  }
  return { ipad, opad };
}

/** P2 from P1 (or the re-keyed secondary identity key). */
export function rekeyPseudonym(key: HubKey, purpose: 'nir' | 'idkey', p1: Uint8Array): Uint8Array {
  return hmac(sha256, hubSubkey(key, purpose), p1);
}
