/**
 * `ldh-link verify`: checks an extract directory as the hub will — manifest schema and versions, the
 * signature against the producer's public key, SHA-256 of each data file, Parquet column schema, row
 * counts, CLK lengths and event→identity references. Each failure is a coded LdhError (exit codes in
 * README) whose message names what failed, never a value.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { LdhError } from '../core/errors.js';
import { type ColumnSpec, eventColumns, IDENTITY_COLUMNS } from '../core/extract-schema.js';
import { Manifest, verifyManifestSignature } from '../core/manifest.js';
import { NIR_CLASSES } from '../core/nir.js';
import { NORMALISATION_VERSION, PROTOCOL_VERSION } from '../core/params.js';
import { type PublicKeyFile, publicKeyBytes } from '../core/signing-keys.js';
import { sha256File } from './sha256-file.js';
import { sqlString } from './sql.js';

export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new LdhError('EXTRACT_MISSING_FILE', `no manifest.json in ${dir}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LdhError('MANIFEST_INVALID', 'manifest.json is not JSON', { cause });
  }
  const o = json as Record<string, unknown>;
  if (o.protocol_version !== PROTOCOL_VERSION || o.normalisation_version !== NORMALISATION_VERSION) {
    throw new LdhError(
      'PROTOCOL_UNSUPPORTED',
      `this tool reads ${PROTOCOL_VERSION} / ${NORMALISATION_VERSION} extracts`,
    );
  }
  const r = Manifest.safeParse(json);
  if (!r.success) {
    const where = r.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new LdhError('MANIFEST_INVALID', `manifest.json does not follow the schema at: ${where}`);
  }
  return r.data;
}

export interface VerifyReport {
  readonly manifest: Manifest;
  readonly checks: readonly string[];
}

export interface SignerKey {
  readonly producer: string;
  readonly keyId: string;
  readonly publicKey: Uint8Array;
}

/** The manifest is signed by this producer's key. */
export function checkSignature(manifest: Manifest, key: SignerKey): void {
  if (key.producer !== manifest.producer || key.keyId !== manifest.signing_key_id) {
    throw new LdhError('EXTRACT_SIGNATURE_INVALID', 'the manifest was not signed with this producer key');
  }
  if (!verifyManifestSignature(manifest, key.publicKey)) {
    throw new LdhError('EXTRACT_SIGNATURE_INVALID', 'the manifest signature does not verify');
  }
}

/** Each data file has the SHA-256 and size the manifest says (`digests` when already computed). */
export async function checkFiles(
  dir: string,
  manifest: Manifest,
  digests?: Readonly<Record<string, { sha256: string; bytes: number }>>,
): Promise<void> {
  for (const f of Object.values(manifest.files)) {
    const path = join(dir, f.path);
    let got = digests?.[f.path];
    if (!got) {
      try {
        await access(path);
      } catch (cause) {
        throw new LdhError('EXTRACT_MISSING_FILE', `${f.path} is missing`, { cause });
      }
      got = await sha256File(path);
    }
    if (got.sha256 !== f.sha256 || got.bytes !== f.bytes) {
      throw new LdhError('EXTRACT_CHECKSUM_MISMATCH', `${f.path} does not match its SHA-256 in the manifest`);
    }
  }
}

/** Parquet schemas, row counts, CLK lengths, rid uniqueness and event → identity references. */
export async function checkParquet(conn: DuckDBConnection, dir: string, manifest: Manifest): Promise<void> {
  const ids = sqlString(join(dir, manifest.files.identities.path));
  const evs = sqlString(join(dir, manifest.files.events.path));
  const expectSchema = async (file: string, name: string, expected: readonly ColumnSpec[]) => {
    let got: string[];
    try {
      const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${file})`);
      got = r.getRows().map((row) => `${String(row[0])} ${String(row[1])}`);
    } catch (cause) {
      throw new LdhError('EXTRACT_SCHEMA_INVALID', `${name} is not a readable Parquet file`, { cause });
    }
    const want = expected.map((c) => `${c.name} ${c.type}`);
    if (got.join(',') !== want.join(',')) {
      throw new LdhError('EXTRACT_SCHEMA_INVALID', `${name} columns are not those of the protocol`);
    }
  };
  await expectSchema(ids, 'extract.parquet', IDENTITY_COLUMNS);
  await expectSchema(evs, 'events.parquet', eventColumns(manifest.source));
  const r = await conn.runAndReadAll(
    `SELECT (SELECT count(*) FROM read_parquet(${ids})), (SELECT count(*) FROM read_parquet(${evs})), ` +
      `(SELECT count(*) FROM read_parquet(${ids}) WHERE octet_length(clk) <> ${manifest.parameters.clk.diffusion.bits / 8}), ` +
      `(SELECT count(*) FROM read_parquet(${evs}) e ANTI JOIN read_parquet(${ids}) i USING (rid)), ` +
      `(SELECT count(*) - count(DISTINCT rid) FROM read_parquet(${ids})), ` +
      `(SELECT count(*) FROM read_parquet(${ids}) WHERE octet_length(nir_p1) <> 32 OR octet_length(idkey) <> 32), ` +
      `(SELECT count(*) FROM read_parquet(${ids}) WHERE nir_class NOT IN (${NIR_CLASSES.map((c) => `'${c}'`).join(', ')}))`,
  );
  const [nIds, nEvs, badClk, orphans, dupRid, badP1, badClass] = (r.getRows()[0] ?? []).map(Number);
  if (nIds !== manifest.files.identities.rows || nIds !== manifest.counts.identities) {
    throw new LdhError('EXTRACT_COUNT_MISMATCH', 'extract.parquet row count differs from the manifest');
  }
  if (nEvs !== manifest.files.events.rows || nEvs !== manifest.counts.events) {
    throw new LdhError('EXTRACT_COUNT_MISMATCH', 'events.parquet row count differs from the manifest');
  }
  if (badClk !== 0)
    throw new LdhError('EXTRACT_SCHEMA_INVALID', `${badClk} CLKs do not have the declared length`);
  if (badP1 !== 0) throw new LdhError('EXTRACT_SCHEMA_INVALID', `${badP1} pseudonyms do not have 32 bytes`);
  if (badClass !== 0)
    throw new LdhError('EXTRACT_SCHEMA_INVALID', `${badClass} NIR classes are not of the protocol`);
  if (orphans !== 0 || dupRid !== 0) {
    throw new LdhError('EXTRACT_SCHEMA_INVALID', 'events reference unknown identities or rids repeat');
  }
}

export async function verifyExtract(dir: string, publicKey: PublicKeyFile): Promise<VerifyReport> {
  const checks: string[] = [];
  const manifest = await readManifest(dir);
  checks.push('manifest schema and versions');
  checkSignature(manifest, {
    producer: publicKey.producer,
    keyId: publicKey.key_id,
    publicKey: publicKeyBytes(publicKey),
  });
  checks.push('Ed25519 signature');
  await checkFiles(dir, manifest);
  checks.push('SHA-256 of extract.parquet and events.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await checkParquet(conn, dir, manifest);
    checks.push('Parquet schemas', 'row counts, CLK lengths, event references');
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return { manifest, checks };
}
