import {
  createCipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/core/bytes.js';
import { openBytes, parseHeader, recipientId } from '../src/core/seal.js';
import { buildSealVectors } from './seal-vectors.js';

interface Vector {
  name: string;
  chunk_size: number;
  plaintext_hex: string;
  recipient_secret_hex: string;
  recipient_public_hex: string;
  ephemeral_secret_hex: string;
  ephemeral_public_hex: string;
  header_hex: string;
  sealed_hex: string;
  sealed_sha256: string;
}

const b64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

/** The format re-implemented from the protocol text with node:crypto (OpenSSL), not with seal.ts. */
function sealWithOpenSsl(v: Vector): Buffer {
  const esk = createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: b64url(v.ephemeral_secret_hex), x: b64url(v.ephemeral_public_hex) },
    format: 'jwk',
  });
  const rpk = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: b64url(v.recipient_public_hex) },
    format: 'jwk',
  });
  const epk = Buffer.from(v.ephemeral_public_hex, 'hex');
  const rpkBytes = Buffer.from(v.recipient_public_hex, 'hex');
  const shared = diffieHellman({ privateKey: esk, publicKey: rpk });
  const key = Buffer.from(
    hkdfSync('sha256', shared, Buffer.concat([epk, rpkBytes]), 'ldh-link/1 seal chacha20-poly1305', 32),
  );
  const header = Buffer.alloc(56);
  header.write('LDHSEAL1', 0, 'ascii');
  header.writeUInt32BE(v.chunk_size, 8);
  epk.copy(header, 16);
  createHash('sha256').update(rpkBytes).digest().copy(header, 48, 0, 8);
  const pt = Buffer.from(v.plaintext_hex, 'hex');
  const count = Math.max(1, Math.ceil(pt.length / v.chunk_size));
  const parts = [header];
  for (let i = 0; i < count; i++) {
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(i, 5, 6);
    nonce[11] = i === count - 1 ? 1 : 0;
    const chunk = pt.subarray(i * v.chunk_size, (i + 1) * v.chunk_size);
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    c.setAAD(header, { plaintextLength: chunk.length });
    parts.push(c.update(chunk), c.final(), c.getAuthTag());
  }
  return Buffer.concat(parts);
}

describe('sealed-extract test vectors', () => {
  const committed = JSON.parse(
    readFileSync(new URL('../protocols/test-vectors-seal-v1.json', import.meta.url), 'utf8'),
  ) as { vectors: Vector[] };

  it('are exactly what the code computes (run `npm run vectors:seal` after a deliberate change)', () => {
    expect(buildSealVectors()).toEqual(committed);
  });

  it('cover the empty plaintext, a short one and several chunks', () => {
    expect(committed.vectors.map((v) => v.plaintext_hex.length / 2)).toEqual([0, 5, 2560]);
  });

  it.each(committed.vectors.map((v) => [v.name, v] as const))('%s opens to its plaintext', (_name, v) => {
    const sealed = fromHex(v.sealed_hex);
    expect(toHex(sha256(sealed))).toBe(v.sealed_sha256);
    expect(toHex(sealed.subarray(0, 56))).toBe(v.header_hex);
    const h = parseHeader(sealed);
    expect(h.chunkSize).toBe(v.chunk_size);
    expect(toHex(h.epk)).toBe(v.ephemeral_public_hex);
    expect(toHex(h.recipient)).toBe(toHex(recipientId(fromHex(v.recipient_public_hex))));
    expect(toHex(openBytes(fromHex(v.recipient_secret_hex), sealed))).toBe(v.plaintext_hex);
  });

  it.each(committed.vectors.map((v) => [v.name, v] as const))(
    '%s is reproduced by an independent node:crypto implementation',
    (_name, v) => {
      expect(sealWithOpenSsl(v).toString('hex')).toBe(v.sealed_hex);
    },
  );
});
