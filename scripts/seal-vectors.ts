/**
 * Builds the conformance vectors of the sealed-extract format (protocols/test-vectors-seal-v1.json) from
 * the code, under published TEST keys. `npm run vectors:seal` writes the file; scripts/seal-vectors.test.ts
 * checks that the code still produces exactly the committed file and opens every vector.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../src/core/bytes.js';
import {
  beginSeal,
  chunkCount,
  chunkNonce,
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  SEAL_HEADER_BYTES,
  SEAL_INFO,
  SEAL_MAGIC,
  SEAL_TAG_BYTES,
  sealBytes,
  x25519KeyPair,
} from '../src/core/seal.js';

export const TEST_RECIPIENT_SEED = 'ldh-link test seal recipient v1';
export const TEST_EPHEMERAL_SEED = 'ldh-link test seal ephemeral v1';

const PLAINTEXTS: readonly { name: string; chunkSize: number; plaintext: Uint8Array }[] = [
  { name: 'empty', chunkSize: DEFAULT_CHUNK_SIZE, plaintext: new Uint8Array(0) },
  { name: 'hello', chunkSize: DEFAULT_CHUNK_SIZE, plaintext: utf8('hello') },
  {
    name: '2.5 chunks of 1024, bytes i mod 251',
    chunkSize: 1024,
    plaintext: Uint8Array.from({ length: 2560 }, (_, i) => i % 251),
  },
];

export function buildSealVectors() {
  const recipient = x25519KeyPair(sha256(utf8(TEST_RECIPIENT_SEED)));
  const ephemeralSecret = sha256(utf8(TEST_EPHEMERAL_SEED));
  const vectors = PLAINTEXTS.map(({ name, chunkSize, plaintext }) => {
    const ctx = beginSeal(recipient.publicKey, { chunkSize, ephemeralSecret });
    const sealed = sealBytes(recipient.publicKey, plaintext, { chunkSize, ephemeralSecret });
    const count = chunkCount(plaintext.length, chunkSize);
    return {
      name,
      chunk_size: chunkSize,
      plaintext_hex: toHex(plaintext),
      recipient_secret_hex: toHex(recipient.secretKey),
      recipient_public_hex: toHex(recipient.publicKey),
      ephemeral_secret_hex: toHex(ephemeralSecret),
      ephemeral_public_hex: toHex(x25519.getPublicKey(ephemeralSecret)),
      shared_secret_hex: toHex(x25519.getSharedSecret(ephemeralSecret, recipient.publicKey)),
      header_hex: toHex(ctx.header),
      key_hex: toHex(ctx.key),
      nonces_hex: Array.from({ length: count }, (_, i) => toHex(chunkNonce(i, i === count - 1))),
      sealed_hex: toHex(sealed),
      sealed_sha256: toHex(sha256(sealed)),
    };
  });
  return {
    description:
      'Conformance vectors of the ldh-link/1 sealed-extract format, under published TEST keys (never use them ' +
      'for real data). A conforming sealer given the same recipient public key, ephemeral secret and chunk size ' +
      'must produce sealed_hex byte for byte; a conforming opener must recover plaintext_hex from it.',
    protocol: 'ldh-link/1 seal',
    parameters: {
      magic: SEAL_MAGIC,
      header_bytes: SEAL_HEADER_BYTES,
      tag_bytes: SEAL_TAG_BYTES,
      default_chunk_size: DEFAULT_CHUNK_SIZE,
      min_chunk_size: MIN_CHUNK_SIZE,
      max_chunk_size: MAX_CHUNK_SIZE,
      hkdf_info: SEAL_INFO,
    },
    recipient_seed: `SHA-256("${TEST_RECIPIENT_SEED}")`,
    ephemeral_seed: `SHA-256("${TEST_EPHEMERAL_SEED}")`,
    vectors,
  };
}
