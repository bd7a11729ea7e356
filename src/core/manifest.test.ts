import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { buildVectors } from '../../scripts/vectors.js';
import { fromHex } from './bytes.js';
import { Manifest, signManifest, verifyManifestSignature } from './manifest.js';

const v = buildVectors().manifest_signature;
const secret = fromHex(v.signing_secret_key_hex);
const pub = fromHex(v.signing_public_key_hex);

describe('manifest signature', () => {
  it('signs the canonical JSON with a context prefix, deterministically (Ed25519)', () => {
    const m = signManifest(v.unsigned_manifest, secret);
    expect(m.signature.value).toBe(v.signature_base64);
    expect(v.signed_bytes_utf8.startsWith('ldh-link/1 manifest\n{"counts":')).toBe(true);
    expect(Manifest.safeParse(m).success).toBe(true);
    expect(verifyManifestSignature(m, pub)).toBe(true);
  });

  it('fails on any altered field, another key, or a garbled signature', () => {
    const m = signManifest(v.unsigned_manifest, secret);
    expect(verifyManifestSignature({ ...m, counts: { ...m.counts, events: 2 } }, pub)).toBe(false);
    expect(verifyManifestSignature({ ...m, created_at: '2026-01-02T00:00:00.000Z' }, pub)).toBe(false);
    expect(verifyManifestSignature(m, ed25519.getPublicKey(new Uint8Array(32).fill(9)))).toBe(false);
    expect(verifyManifestSignature({ ...m, signature: { alg: 'ed25519', value: 'AAAA' } }, pub)).toBe(false);
  });

  it('rejects unknown fields and wrong versions in the schema', () => {
    const m = signManifest(v.unsigned_manifest, secret);
    expect(Manifest.safeParse({ ...m, extra: 1 }).success).toBe(false);
    expect(Manifest.safeParse(m).success).toBe(true);
    // v1 extracts carry undiffused CLKs, broken by graph matching (bench/attack.md): refused
    expect(Manifest.safeParse({ ...m, protocol_version: 'ldh-link/1' }).success).toBe(false);
    expect(Manifest.safeParse({ ...m, protocol_version: 'ldh-link/2' }).success).toBe(false);
    expect(Manifest.safeParse({ ...m, protocol_version: 'ldh-link/4' }).success).toBe(false);
    const { diffusion: _d, ...undiffused } = m.parameters.clk;
    expect(Manifest.safeParse({ ...m, parameters: { ...m.parameters, clk: undiffused } }).success).toBe(
      false,
    );
  });
});
