/**
 * Producer signing keys — protocol v3 §7. Ed25519 (RFC 8032). The key id is the first 8 bytes of
 * SHA-256(public key), hex; it names the key in manifests and in the hub's pins. Key files are JSON with
 * a `kind` so that a public key can never be loaded where a private one is expected. Pure.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { fromHex, toHex } from './bytes.js';
import { SOURCES } from './fields.js';

export const SigningKeyFile = z
  .object({
    kind: z.literal('ldh-link/producer-signing-key'),
    producer: z.enum(SOURCES),
    key_id: z.string().regex(/^[0-9a-f]{16}$/),
    secret_key: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type SigningKeyFile = z.infer<typeof SigningKeyFile>;

export const PublicKeyFile = z
  .object({
    kind: z.literal('ldh-link/producer-public-key'),
    producer: z.enum(SOURCES),
    key_id: z.string().regex(/^[0-9a-f]{16}$/),
    public_key: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type PublicKeyFile = z.infer<typeof PublicKeyFile>;

export function keyId(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey).subarray(0, 8));
}

export function newSigningKeyPair(producer: SigningKeyFile['producer'], seed?: Uint8Array) {
  const { secretKey, publicKey } = ed25519.keygen(seed);
  const id = keyId(publicKey);
  const secret: SigningKeyFile = {
    kind: 'ldh-link/producer-signing-key',
    producer,
    key_id: id,
    secret_key: toHex(secretKey),
  };
  const pub: PublicKeyFile = {
    kind: 'ldh-link/producer-public-key',
    producer,
    key_id: id,
    public_key: toHex(publicKey),
  };
  return { secret, pub };
}

export function secretKeyBytes(f: SigningKeyFile): Uint8Array {
  return fromHex(f.secret_key);
}

export function publicKeyBytes(f: PublicKeyFile): Uint8Array {
  return fromHex(f.public_key);
}
