/**
 * Ingest of one extract: receive the bundle, check it, re-key it and load it in one transaction.
 *
 * Checks run cheapest first and each refusal has its problem code: media type and sealing policy →
 * size → bundle structure → manifest schema and versions → token producer = manifest producer → pinned
 * key → signature → linkage-key fingerprint → duplicate (same extract id: the first receipt, nothing
 * stored) → replay (not newer than the last accepted) → SHA-256 → Parquet schema and counts. Every
 * refusal is audited; the staging directory is always removed.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DuckDBBlobValue } from '@duckdb/node-api';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../core/bytes.js';
import { canonicalJson } from '../core/canonical-json.js';
import { LdhError } from '../core/errors.js';
import { eventColumns } from '../core/extract-schema.js';
import type { Source } from '../core/fields.js';
import type { Manifest } from '../core/manifest.js';
import { type HubKey, hmacPads, hubSubkey, REKEY_PURPOSES } from '../core/rekey.js';
import { MEDIA_SEALED, MEDIA_TAR } from '../extract/bundle-pack.js';
import { sqlString } from '../extract/sql.js';
import { checkFiles, checkParquet, checkSignature, readManifest } from '../extract/verify.js';
import { appendAudit, audit } from './audit.js';
import { receiveBundle } from './bundle.js';
import type { HubConfig } from './config.js';
import { fault } from './fault.js';
import type { Logger } from './log.js';
import { type ProblemCode, ProblemError } from './problems.js';
import { pinnedProducer } from './producers.js';
import type { Store, Tx } from './store.js';

export interface HubSecrets {
  readonly hubKey: HubKey;
  readonly seal: { readonly secretKey: Uint8Array; readonly publicKey: Uint8Array; readonly keyId: string };
}

export interface IngestDeps {
  readonly store: Store;
  readonly config: HubConfig;
  readonly secrets: HubSecrets;
  readonly log: Logger;
}

export interface IngestRequest {
  readonly producer: Source;
  readonly tokenId: string;
  readonly contentType: string | undefined;
  readonly contentLength: number | undefined;
  readonly body: Readable;
  readonly requestId: string;
}

export interface Receipt {
  readonly extract_id: string;
  readonly producer: Source;
  readonly status: 'current' | 'superseded';
  readonly received_at: string;
  readonly created_at: string;
  readonly sealed: boolean;
  readonly identities: number;
  readonly events: number;
  readonly bytes: number;
}

const LDH_TO_PROBLEM: Partial<Record<string, ProblemCode>> = {
  PROTOCOL_UNSUPPORTED: 'unsupported-protocol',
  MANIFEST_INVALID: 'manifest-invalid',
  EXTRACT_MISSING_FILE: 'bad-bundle',
  EXTRACT_SIGNATURE_INVALID: 'bad-signature',
  EXTRACT_CHECKSUM_MISMATCH: 'checksum-mismatch',
  EXTRACT_SCHEMA_INVALID: 'schema-mismatch',
  EXTRACT_COUNT_MISMATCH: 'count-mismatch',
};

function toProblem(err: unknown): unknown {
  if (err instanceof LdhError) {
    const code = LDH_TO_PROBLEM[err.code];
    if (code) return new ProblemError(code, err.message);
  }
  return err;
}

/** The extract id: SHA-256 of the canonical JSON of the signed manifest (which binds the files). */
export function extractId(m: Manifest): string {
  return toHex(sha256(utf8(canonicalJson(m))));
}

export function mediaIsSealed(contentType: string | undefined, config: HubConfig): boolean {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === MEDIA_SEALED) return true;
  if (media === MEDIA_TAR) {
    if (!config.ingest.allow_unsealed) throw new ProblemError('sealing-required');
    return false;
  }
  throw new ProblemError('unsupported-media-type', `send ${MEDIA_SEALED} or ${MEDIA_TAR}`);
}

const receiptColumns =
  'id AS extract_id, producer, status, sealed, identities, events, bytes, received_at, created_at';

function toReceipt(r: Record<string, unknown>): Receipt {
  return {
    extract_id: String(r.extract_id),
    producer: r.producer as Source,
    status: r.status as Receipt['status'],
    received_at: String(r.received_at),
    created_at: String(r.created_at),
    sealed: r.sealed === true,
    identities: Number(r.identities),
    events: Number(r.events),
    bytes: Number(r.bytes),
  };
}

export async function listReceipts(store: Store): Promise<Receipt[]> {
  const rows = await store.read(`SELECT ${receiptColumns} FROM extracts ORDER BY received_at DESC, id`);
  return rows.map(toReceipt);
}

export async function getReceipt(store: Store, id: string): Promise<Receipt | undefined> {
  const rows = await store.read(`SELECT ${receiptColumns} FROM extracts WHERE id = $id`, { id });
  return rows[0] ? toReceipt(rows[0]) : undefined;
}

export async function ingest(
  deps: IngestDeps,
  req: IngestRequest,
): Promise<{ receipt: Receipt; duplicate: boolean }> {
  const { store, config, secrets } = deps;
  const actor = `token:${req.tokenId}`;
  const staging = join(config.data_dir, 'staging', `${Date.now()}-${randomBytes(6).toString('hex')}`);
  let id: string | null = null;
  let bodyBytes = 0;
  try {
    const sealed = mediaIsSealed(req.contentType, config);
    if (req.contentLength !== undefined && req.contentLength > config.ingest.max_upload_bytes) {
      throw new ProblemError('payload-too-large', `the limit is ${config.ingest.max_upload_bytes} bytes`);
    }
    const bundle = await receiveBundle(req.body, {
      dir: staging,
      maxBytes: config.ingest.max_upload_bytes,
      ...(sealed ? { sealedTo: secrets.seal } : {}),
    });
    bodyBytes = bundle.bodyBytes;
    fault('received');
    const manifest = await readManifest(staging).catch((e) => Promise.reject(toProblem(e)));
    if (manifest.producer !== req.producer || manifest.source !== req.producer) {
      throw new ProblemError('wrong-producer', `this token uploads for ${req.producer}`);
    }
    const pin = await pinnedProducer(store, req.producer);
    if (!pin) throw new ProblemError('producer-not-registered');
    try {
      checkSignature(manifest, { producer: pin.producer, keyId: pin.keyId, publicKey: pin.publicKey });
    } catch (e) {
      throw toProblem(e);
    }
    if (manifest.key_fingerprint !== pin.keyFingerprint) throw new ProblemError('fingerprint-mismatch');
    const extract = extractId(manifest);
    id = extract;
    // duplicate or replay: checked here to skip the work, and again in the load transaction, where it
    // is decisive when two uploads of the same producer race
    const seen = () =>
      store.write(async (tx) => {
        const first = await alreadyStored(tx, extract, manifest);
        if (first) await appendAudit(tx, duplicateEntry(actor, extract, req.producer, bodyBytes));
        return first;
      });
    const first = await seen();
    if (first) return { receipt: first, duplicate: true };
    const digests = {
      [manifest.files.identities.path]: bundle.files['extract.parquet'],
      [manifest.files.events.path]: bundle.files['events.parquet'],
    };
    if (
      manifest.files.identities.path !== 'extract.parquet' ||
      manifest.files.events.path !== 'events.parquet'
    ) {
      throw new ProblemError('manifest-invalid', 'the manifest names other files than the bundle holds');
    }
    await checkFiles(staging, manifest, digests).catch((e) => Promise.reject(toProblem(e)));
    await store
      .withReader((c) => checkParquet(c, staging, manifest))
      .catch((e) => Promise.reject(toProblem(e)));
    const outcome = await store.write(async (tx) => {
      const again = await alreadyStored(tx, extract, manifest);
      if (again) {
        await appendAudit(tx, duplicateEntry(actor, extract, req.producer, bodyBytes));
        return { receipt: again, duplicate: true };
      }
      tx.afterCommit(() => fault('committed'));
      const r = await load(tx, {
        id: id as string,
        manifest,
        staging,
        sealed,
        bytes: bodyBytes,
        hubKey: secrets.hubKey,
      });
      await appendAudit(tx, {
        actor,
        action: 'extract.accepted',
        target: id,
        outcome: 'ok',
        detail: {
          producer: req.producer,
          identities: r.identities,
          events: r.events,
          bytes: bodyBytes,
          sealed,
          superseded: r.superseded,
        },
      });
      fault('loaded');
      return { receipt: r.receipt, duplicate: false };
    });
    return outcome;
  } catch (err) {
    const e = toProblem(err);
    await audit(store, {
      actor,
      action: 'extract.refused',
      target: id,
      outcome: e instanceof ProblemError ? 'refused' : 'error',
      detail: {
        producer: req.producer,
        code: e instanceof ProblemError ? e.code : 'internal',
        bytes: bodyBytes,
        request: req.requestId,
      },
    }).catch(() => undefined);
    throw e;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The first receipt when this extract is already stored; a ProblemError when the manifest is not newer
 * than every extract already accepted from its producer (a replay); undefined otherwise.
 */
async function alreadyStored(tx: Tx, id: string, m: Manifest): Promise<Receipt | undefined> {
  const same = await tx.c.runAndReadAll(`SELECT ${receiptColumns} FROM extracts WHERE id = $id`, { id });
  const row = same.getRowObjectsJS()[0];
  if (row) return toReceipt(row as Record<string, unknown>);
  const earlier = await tx.c.runAndReadAll('SELECT created_at FROM extracts WHERE producer = $p', {
    p: m.producer,
  });
  const latest = Math.max(...earlier.getRows().map((r) => Date.parse(String(r[0]))));
  if (Date.parse(m.created_at) <= latest) throw new ProblemError('replayed-manifest');
  return undefined;
}

function duplicateEntry(actor: string, id: string, producer: Source, bytes: number) {
  return {
    actor,
    action: 'extract.duplicate' as const,
    target: id,
    outcome: 'ok' as const,
    detail: { producer, bytes },
  };
}

/** SQL for HMAC-SHA-256 with the pads bound as `$<p>i` / `$<p>o`: H(opad ‖ H(ipad ‖ m)). */
const hmacSql = (p: string, m: string) => `unhex(sha256($${p}o || unhex(sha256($${p}i || ${m}))))`;

async function load(
  tx: Tx,
  x: { id: string; manifest: Manifest; staging: string; sealed: boolean; bytes: number; hubKey: HubKey },
): Promise<{ receipt: Receipt; identities: number; events: number; superseded: number }> {
  const { manifest: m } = x;
  const pads: Record<string, DuckDBBlobValue> = {};
  for (const purpose of REKEY_PURPOSES) {
    const { ipad, opad } = hmacPads(hubSubkey(x.hubKey, purpose));
    pads[`${purpose}i`] = new DuckDBBlobValue(ipad);
    pads[`${purpose}o`] = new DuckDBBlobValue(opad);
  }
  const ids = sqlString(join(x.staging, 'extract.parquet'));
  const evs = sqlString(join(x.staging, 'events.parquet'));
  const sup = await tx.c.runAndReadAll(
    `UPDATE extracts SET status = 'superseded' WHERE producer = $p AND status = 'current' RETURNING id`,
    { p: m.producer },
  );
  await tx.c.run(
    `INSERT INTO extracts VALUES ($id, $p, $s, 'current', $created, $received, $sealed, $bytes,
       $nid, $nev, $fp, $pv, $manifest)`,
    {
      id: x.id,
      p: m.producer,
      s: m.source,
      created: m.created_at,
      received: new Date().toISOString(),
      sealed: x.sealed,
      bytes: x.bytes,
      nid: m.counts.identities,
      nev: m.counts.events,
      fp: m.key_fingerprint,
      pv: m.protocol_version,
      manifest: JSON.stringify(m),
    },
  );
  const nIds = await tx.c.run(
    `INSERT INTO identities SELECT $id, $s, rid, nir_class, ${hmacSql('nir', 'nir_p1')}, ${hmacSql('idkey', 'idkey')},
       clk, birth_year, sex FROM read_parquet(${ids})`,
    { id: x.id, s: m.source, ...pads },
  );
  const cols = eventColumns(m.source).map((c) => c.name);
  const nEvs = await tx.c.run(
    `INSERT INTO events_${m.source} (extract_id, ${cols.join(', ')}) SELECT $id, ${cols.join(', ')} FROM read_parquet(${evs})`,
    { id: x.id },
  );
  const identities = Number(nIds.rowsChanged);
  const events = Number(nEvs.rowsChanged);
  if (identities !== m.counts.identities || events !== m.counts.events) {
    throw new ProblemError('count-mismatch', 'the loaded row counts differ from the manifest');
  }
  const r = await tx.c.runAndReadAll(`SELECT ${receiptColumns} FROM extracts WHERE id = $id`, { id: x.id });
  const row = r.getRowObjectsJS()[0] as Record<string, unknown>;
  return { receipt: toReceipt(row), identities, events, superseded: sup.getRows().length };
}
