/**
 * The extract manifest — protocol v3 §7. A zod schema is the single definition; the hub refuses anything
 * that does not parse, whose signature does not verify, or whose file digests and counts disagree with
 * the files. The signature covers the canonical JSON of every other field:
 *
 *   signed bytes = UTF-8("ldh-link/1 manifest\n") ‖ JCS(manifest without `signature`)
 *   signature    = Ed25519(producer signing key, signed bytes)
 * Pure.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { fromBase64, toBase64, utf8 } from './bytes.js';
import { canonicalJson } from './canonical-json.js';
import { SOURCES } from './fields.js';
import { NIR_CLASSES } from './nir.js';
import { type ClkParams, NORMALISATION_VERSION, PROTOCOL_VERSION } from './params.js';

export const SIGNATURE_CONTEXT = 'ldh-link/1 manifest\n';

const Hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const Count = z.number().int().nonnegative();

export const ExtractFile = z
  .object({ path: z.string().regex(/^[a-z0-9-]+\.parquet$/), sha256: Hex(32), bytes: Count, rows: Count })
  .strict();

export const Manifest = z
  .object({
    format: z.literal('ldh-link/extract'),
    protocol_version: z.literal(PROTOCOL_VERSION),
    normalisation_version: z.literal(NORMALISATION_VERSION),
    tool_version: z.string().min(1),
    producer: z.enum(SOURCES),
    source: z.enum(SOURCES),
    created_at: z.iso.datetime(),
    key_fingerprint: Hex(32),
    signing_key_id: Hex(8),
    parameters: z
      .object({
        clk: z.object({
          l: z.number().int(),
          pad: z.string(),
          fields: z.array(
            z.object({ name: z.string(), tokenizer: z.string(), k: z.number().int() }).strict(),
          ),
          diffusion: z.object({ taps: z.number().int(), bits: z.number().int() }).strict(),
        }),
        event_date_precision: z.literal('month'),
      })
      .strict(),
    files: z.object({ identities: ExtractFile, events: ExtractFile }).strict(),
    counts: z.object({ input_rows: Count, rejected_rows: Count, identities: Count, events: Count }).strict(),
    coverage: z
      .object({
        nir_classes: z.record(z.enum(NIR_CLASSES), Count),
        missing: z.record(z.string(), Count),
        invalid: z.record(z.string(), Count),
        with_idkey: Count,
        rejects: z.record(z.string(), Count),
      })
      .strict(),
    signature: z.object({ alg: z.literal('ed25519'), value: z.string().min(1) }).strict(),
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;
export type UnsignedManifest = Omit<Manifest, 'signature'>;

/** `parameters.clk` of a manifest (protocol v3 §7): a CLK is always diffused (since v2). */
export function manifestClk(p: ClkParams): Manifest['parameters']['clk'] {
  if (p.diffusion === null) throw new RangeError('protocol CLKs are diffused (since v2)');
  return {
    l: p.l,
    pad: p.pad,
    fields: p.fields.map(({ name, tokenizer, k }) => ({ name, tokenizer, k })),
    diffusion: { taps: p.diffusion.taps, bits: p.diffusion.bits },
  };
}

export function signedBytes(m: UnsignedManifest): Uint8Array {
  const { signature: _ignored, ...rest } = m as Manifest;
  return utf8(SIGNATURE_CONTEXT + canonicalJson(rest));
}

export function signManifest(m: UnsignedManifest, secretKey: Uint8Array): Manifest {
  const sig = ed25519.sign(signedBytes(m), secretKey);
  return { ...m, signature: { alg: 'ed25519', value: toBase64(sig) } };
}

export function verifyManifestSignature(m: Manifest, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(fromBase64(m.signature.value), signedBytes(m), publicKey);
  } catch {
    return false;
  }
}
