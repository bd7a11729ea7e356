/**
 * Builds the conformance vectors of protocol v1 (protocols/test-vectors-v1.json) from the code, under a
 * published test key. `npm run vectors` writes the file; src/core/vectors.test.ts checks that the code
 * still produces exactly the committed file, and that each case meets its hand-written expectation.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { BlockingKeyer, blockingParts } from '../src/core/blocking.js';
import { fromHex, toBase64, toHex, utf8 } from '../src/core/bytes.js';
import { ClkEncoder, popcount } from '../src/core/clk.js';
import { clkInput, IdentityEncoder } from '../src/core/encoder.js';
import { identityToJson, normaliseIdentity } from '../src/core/identity.js';
import { keyFingerprint, linkageKey, subkey } from '../src/core/keys.js';
import { signedBytes, signManifest, type UnsignedManifest } from '../src/core/manifest.js';
import { BLOCKING_V1, CLK_V1, NORMALISATION_VERSION, PROTOCOL_VERSION } from '../src/core/params.js';
import { keyId } from '../src/core/signing-keys.js';
import { VECTOR_CASES } from './vector-cases.js';

export const TEST_KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
export const TEST_SIGNING_SEED = 'ldh-link test signing key v1';

export function buildVectors() {
  const key = linkageKey(fromHex(TEST_KEY_HEX));
  const encoder = new IdentityEncoder(key);
  const clk = new ClkEncoder(key, CLK_V1);
  const keyer = new BlockingKeyer(key);
  const purposes = [
    'nir',
    'idkey',
    'fingerprint',
    ...CLK_V1.fields.map((f) => `clk/${f.name}`),
    ...BLOCKING_V1.map((p) => `block/${p.name}`),
  ];
  const cases = VECTOR_CASES.map((c) => {
    const id = normaliseIdentity(c.input, c.birth_date_format ?? 'YYYY-MM-DD');
    const enc = encoder.encode(id);
    return {
      name: c.name,
      rule: c.rule,
      input: c.input,
      birth_date_format: c.birth_date_format ?? 'YYYY-MM-DD',
      normalised: { ...identityToJson(id), invalid: id.invalid },
      clk_input: clkInput(id),
      nir_pseudonym: enc.nirPseudonym,
      idkey: enc.idkey,
      clk_base64: toBase64(enc.clk),
      clk_popcount: popcount(enc.clk),
      blocking_parts: blockingParts(id),
      blocking_keys: keyer.keys(id),
    };
  });
  const secret = sha256(utf8(TEST_SIGNING_SEED));
  const publicKey = ed25519.getPublicKey(secret);
  const unsigned: UnsignedManifest = {
    format: 'ldh-link/extract',
    protocol_version: PROTOCOL_VERSION,
    normalisation_version: NORMALISATION_VERSION,
    tool_version: '0.0.0-test',
    producer: 'cnaf',
    source: 'cnaf',
    created_at: '2026-01-01T00:00:00.000Z',
    key_fingerprint: keyFingerprint(key),
    signing_key_id: keyId(publicKey),
    parameters: {
      clk: {
        l: CLK_V1.l,
        pad: CLK_V1.pad,
        fields: CLK_V1.fields.map(({ name, tokenizer, k }) => ({ name, tokenizer, k })),
      },
      blocking: { passes: BLOCKING_V1.map((p) => p.name), key_bytes: 8 },
      event_date_precision: 'month',
    },
    files: {
      identities: { path: 'extract.parquet', sha256: '0'.repeat(64), bytes: 1, rows: 1 },
      events: { path: 'events.parquet', sha256: '1'.repeat(64), bytes: 1, rows: 1 },
    },
    counts: { input_rows: 1, rejected_rows: 0, identities: 1, events: 1 },
    coverage: {
      nir_classes: { certified: 1, unverified: 0, provisional: 0, invalid: 0, missing: 0 },
      missing: {},
      invalid: {},
      with_idkey: 1,
      rejects: {},
    },
  };
  const signed = signManifest(unsigned, secret);
  return {
    description:
      'Conformance vectors of ldh-link protocol v1. Inputs under a published TEST key (never use it for real data); ' +
      'every output is what a conforming implementation must produce byte for byte.',
    protocol_version: PROTOCOL_VERSION,
    normalisation_version: NORMALISATION_VERSION,
    test_key_hex: TEST_KEY_HEX,
    key_fingerprint: keyFingerprint(key),
    subkeys: Object.fromEntries(purposes.map((p) => [p, toHex(subkey(key, p))])),
    clk_parameters: CLK_V1,
    token_positions: [
      { field: 'birth_name', token: '_D', positions: [...clk.tokenPositions('birth_name', '_D')] },
      { field: 'first_name', token: 'JE', positions: [...clk.tokenPositions('first_name', 'JE')] },
      { field: 'birth_year', token: '1985', positions: [...clk.tokenPositions('birth_year', '1985')] },
      { field: 'sex', token: '1', positions: [...clk.tokenPositions('sex', '1')] },
    ],
    cases,
    manifest_signature: {
      signing_secret_key_hex: toHex(secret),
      signing_public_key_hex: toHex(publicKey),
      unsigned_manifest: unsigned,
      signed_bytes_utf8: new TextDecoder().decode(signedBytes(unsigned)),
      signature_base64: signed.signature.value,
    },
  };
}

/** Hand-written expectations that the code does not meet (empty when all hold). */
export function unmetExpectations(): string[] {
  const out: string[] = [];
  for (const c of VECTOR_CASES) {
    const got = identityToJson(normaliseIdentity(c.input, c.birth_date_format ?? 'YYYY-MM-DD'));
    for (const [k, v] of Object.entries(c.expect)) {
      if (JSON.stringify(got[k]) !== JSON.stringify(v))
        out.push(`${c.name}: ${k} expected ${JSON.stringify(v)}, got ${JSON.stringify(got[k])}`);
    }
  }
  return out;
}
