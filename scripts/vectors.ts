/**
 * Builds the conformance vectors of protocol v3 (protocols/test-vectors-v3.json) from the code, under a
 * published test key. `npm run vectors` writes the file; src/core/vectors.test.ts checks that the code
 * still produces exactly the committed file, and that each case meets its hand-written expectation.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, toBase64, toHex, utf8 } from '../src/core/bytes.js';
import { ClkEncoder, popcount, tokenize } from '../src/core/clk.js';
import { DIFFUSION_PURPOSE, diffusionTaps } from '../src/core/diffusion.js';
import { clkInput, IdentityEncoder } from '../src/core/encoder.js';
import { identityToJson, normaliseIdentity } from '../src/core/identity.js';
import { keyFingerprint, linkageKey, subkey } from '../src/core/keys.js';
import { manifestClk, signedBytes, signManifest, type UnsignedManifest } from '../src/core/manifest.js';
import {
  CLK_V3,
  type ClkParams,
  clkParamsWithExtras,
  EXTRA_FIELD_PREFIX,
  NORMALISATION_VERSION,
  PROTOCOL_VERSION,
} from '../src/core/params.js';
import { keyId } from '../src/core/signing-keys.js';
import { normaliseExtra } from '../src/core/text.js';
import { VECTOR_CASES, type VectorCase } from './vector-cases.js';

export const TEST_KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
export const TEST_SIGNING_SEED = 'ldh-link test signing key v1';

/** A case's extra CLK fields (protocol v3 §4.1), normalised by the code, by name in mapping order. */
function extrasOf(c: VectorCase): Record<string, string> {
  return Object.fromEntries((c.extra ?? []).map((x) => [x.name, normaliseExtra(x.raw)]));
}

/** `extra_fields` of a case: each extra field's manifest entry, raw and normalised value, and tokens. */
function extraFieldsJson(params: ClkParams, c: VectorCase, extras: Readonly<Record<string, string>>) {
  return (c.extra ?? []).map((x) => {
    const name = `${EXTRA_FIELD_PREFIX}${x.name}`;
    const field = params.fields.find((f) => f.name === name);
    if (field === undefined) throw new Error(`no CLK field ${name}`);
    const value = extras[x.name] ?? '';
    return {
      name,
      tokenizer: field.tokenizer,
      k: field.k,
      raw: x.raw,
      normalised: value,
      tokens: tokenize(field, value === '' ? [] : [value], params.pad),
    };
  });
}

export function buildVectors() {
  const key = linkageKey(fromHex(TEST_KEY_HEX));
  const clk = new ClkEncoder(key, CLK_V3);
  const diffusion = CLK_V3.diffusion;
  if (diffusion === null) throw new Error('protocol CLKs are diffused (since v2)');
  const taps = diffusionTaps(key, CLK_V3.l, diffusion);
  const tapBytes = new Uint8Array(taps.length * 2);
  taps.forEach((t, i) => {
    tapBytes[2 * i] = t >>> 8;
    tapBytes[2 * i + 1] = t & 0xff;
  });
  const extraNames = [...new Set(VECTOR_CASES.flatMap((c) => (c.extra ?? []).map((x) => x.name)))];
  const extraClk = new ClkEncoder(key, clkParamsWithExtras(extraNames));
  const purposes = [
    'nir',
    'idkey',
    'fingerprint',
    ...CLK_V3.fields.map((f) => `clk/${f.name}`),
    ...extraNames.map((n) => `clk/${EXTRA_FIELD_PREFIX}${n}`),
    DIFFUSION_PURPOSE,
  ];
  const cases = VECTOR_CASES.map((c) => {
    const id = normaliseIdentity(c.input, c.birth_date_format ?? 'YYYY-MM-DD');
    // the CLK fields of this case's extract: §4's, then the case's extra fields in mapping order
    const params = clkParamsWithExtras((c.extra ?? []).map((x) => x.name));
    const extras = extrasOf(c);
    const enc = new IdentityEncoder(key, params).encode(id, extras);
    const filter = new ClkEncoder(key, params).filter(clkInput(id, extras));
    return {
      name: c.name,
      rule: c.rule,
      input: c.input,
      birth_date_format: c.birth_date_format ?? 'YYYY-MM-DD',
      ...(c.extra === undefined ? {} : { extra_fields: extraFieldsJson(params, c, extras) }),
      normalised: { ...identityToJson(id), invalid: id.invalid },
      clk_input: clkInput(id, extras),
      nir_pseudonym: enc.nirPseudonym,
      idkey: enc.idkey,
      bloom_filter_base64: toBase64(filter),
      bloom_filter_popcount: popcount(filter),
      clk_base64: toBase64(enc.clk),
      clk_popcount: popcount(enc.clk),
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
      clk: manifestClk(CLK_V3),
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
      'Conformance vectors of ldh-link protocol v3. Inputs under a published TEST key (never use it for real data); ' +
      'every output is what a conforming implementation must produce byte for byte. A case with extra_fields ' +
      'encodes extra CLK fields (§4.1): each with its manifest entry (name, tokenizer, k), raw and normalised ' +
      'value and tokens; its clk_input includes them and its CLK uses the §4 fields followed by them. ' +
      'clk_input lists the tokens of every field, the composite fields of §4.3 included. ' +
      'bloom_filter_base64 is the Bloom filter of §4 before diffusion, clk_base64 the CLK sent (§4.2).',
    protocol_version: PROTOCOL_VERSION,
    normalisation_version: NORMALISATION_VERSION,
    test_key_hex: TEST_KEY_HEX,
    key_fingerprint: keyFingerprint(key),
    subkeys: Object.fromEntries(purposes.map((p) => [p, toHex(subkey(key, p))])),
    clk_parameters: CLK_V3,
    diffusion_taps: {
      description:
        'taps of protocol v3 §4.2: output bit j is the XOR of the Bloom-filter bits at taps[2j] and taps[2j + 1]; ' +
        'first_64_bits lists the taps of output bits 0–63 in order, sha256_u16be is the SHA-256 of all ' +
        `${taps.length} taps each written as u16be`,
      first_64_bits: [...taps.subarray(0, 64 * diffusion.taps)],
      sha256_u16be: toHex(sha256(tapBytes)),
    },
    token_positions: [
      { field: 'birth_name', token: '_D', positions: [...clk.tokenPositions('birth_name', '_D')] },
      { field: 'first_name', token: 'JE', positions: [...clk.tokenPositions('first_name', 'JE')] },
      { field: 'birth_year', token: '1985', positions: [...clk.tokenPositions('birth_year', '1985')] },
      { field: 'sex', token: '1', positions: [...clk.tokenPositions('sex', '1')] },
      {
        field: 'name_year',
        token: 'D153|1985',
        positions: [...clk.tokenPositions('name_year', 'D153|1985')],
      },
      ...extraNames.slice(0, 1).map((n) => ({
        field: `${EXTRA_FIELD_PREFIX}${n}`,
        token: '_1',
        positions: [...extraClk.tokenPositions(`${EXTRA_FIELD_PREFIX}${n}`, '_1')],
      })),
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
    for (const x of c.extra ?? []) {
      const n = normaliseExtra(x.raw);
      if (n !== x.normalised)
        out.push(
          `${c.name}: extra/${x.name} expected ${JSON.stringify(x.normalised)}, got ${JSON.stringify(n)}`,
        );
    }
  }
  return out;
}
