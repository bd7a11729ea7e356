/**
 * The audit log in DuckDB: appending inside the caller's write transaction (so an action and its entry
 * commit together), reading pages, and verifying the whole chain against the head recorded beside the
 * database (`<database>.audit-head.json`, rewritten atomically after each commit that appended).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  type AuditDetail,
  type AuditEntry,
  type AuditOutcome,
  type ChainReport,
  chainEntry,
  verifyChain,
} from '../core/audit-chain.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { Store, Tx } from './store.js';

/** Every action the hub records, with what the entry's `detail` holds (generated into protocols/hub-v1.md). */
export const AUDIT_ACTIONS = {
  'hub.initialised': 'admin init created the secrets and the database; detail: sealing key id',
  'hub.started': 'the service started; detail: tool version',
  'hub.stopped': 'the service stopped cleanly',
  'producer.pinned':
    "a producer's signing key and linkage-key fingerprint were pinned; detail: key id, fingerprint",
  'producer.repinned': 'the pin of a producer was replaced (key rotation); detail: new key id, fingerprint',
  'token.created': 'a token was created; target: token id; detail: role',
  'token.revoked': 'a token was revoked; target: token id',
  'extract.accepted':
    'an extract was loaded; target: extract id; detail: producer, identities, events, bytes, sealed, superseded',
  'extract.duplicate': 'an extract already loaded was sent again; nothing stored; detail: producer, bytes',
  'linkage.started': 'a linkage run started; target: run id; detail: number of current extracts, threshold',
  'linkage.succeeded':
    'a linkage run finished and its persons are now in use; detail: records, persons, links by type, threshold',
  'linkage.failed':
    'a linkage run failed or was interrupted; the previous result stays in use; detail: stage',
  'linkage.cancelled': 'a linkage run was cancelled by an admin; detail: stage',
  'study.created': 'an admin created a study; target: study id; detail: threshold, rounding, DP mechanism',
  'query.released':
    'a query was answered; target: release id; detail: study, cells, suppressed cells, budget spent',
  'query.refused': 'a query was refused; target: study id; detail: problem code',
  'extract.refused':
    'an upload was refused; target: extract id when known; detail: producer, problem code, bytes, request id',
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export interface AuditFields {
  readonly actor: string;
  readonly action: AuditAction;
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  readonly detail: AuditDetail;
}

export const headPath = (databasePath: string) => `${databasePath}.audit-head.json`;

function writeHead(databasePath: string, e: AuditEntry): void {
  const path = headPath(databasePath);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ seq: e.seq, hash: e.hash })}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function readHead(databasePath: string): { seq: number; hash: string } | undefined {
  try {
    const o = JSON.parse(readFileSync(headPath(databasePath), 'utf8')) as { seq: unknown; hash: unknown };
    if (typeof o.seq === 'number' && typeof o.hash === 'string') return { seq: o.seq, hash: o.hash };
  } catch {
    // missing or unreadable: reported by verifyAudit
  }
  return undefined;
}

/** Appends one entry in the transaction `tx`; the head file follows once it commits. */
export async function appendAudit(tx: Tx, f: AuditFields): Promise<AuditEntry> {
  const r = await tx.c.runAndReadAll('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
  const row = r.getRows()[0];
  const last = row ? { seq: Number(row[0]), hash: String(row[1]) } : undefined;
  const e = chainEntry(last, { ...f, at: new Date().toISOString() });
  await tx.c.run(
    'INSERT INTO audit VALUES ($seq, $at, $actor, $action, $target, $outcome, $detail, $prev, $hash)',
    {
      seq: e.seq,
      at: e.at,
      actor: e.actor,
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      detail: canonicalJson(e.detail),
      prev: e.prev,
      hash: e.hash,
    },
  );
  tx.afterCommit(() => writeHead(tx.store.path, e));
  return e;
}

/** Appends one entry in a transaction of its own. */
export function audit(store: Store, f: AuditFields): Promise<AuditEntry> {
  return store.write((tx) => appendAudit(tx, f));
}

function toEntry(r: Record<string, unknown>): AuditEntry {
  return {
    seq: Number(r.seq),
    at: String(r.at),
    actor: String(r.actor),
    action: String(r.action),
    target: r.target === null ? null : String(r.target),
    outcome: String(r.outcome) as AuditOutcome,
    detail: JSON.parse(String(r.detail)) as AuditDetail,
    prev: String(r.prev),
    hash: String(r.hash),
  };
}

export async function readAudit(
  store: Store,
  opts: { after?: number; limit?: number } = {},
): Promise<AuditEntry[]> {
  const rows = await store.read('SELECT * FROM audit WHERE seq > $after ORDER BY seq LIMIT $limit', {
    after: opts.after ?? 0,
    limit: opts.limit ?? 1000,
  });
  return rows.map(toEntry);
}

export async function verifyAudit(store: Store): Promise<ChainReport & { readonly headFile: boolean }> {
  const rows = await store.read('SELECT * FROM audit ORDER BY seq');
  const head = readHead(store.path);
  const report = verifyChain(rows.map(toEntry), head ?? { seq: 0, hash: '' });
  if (report.ok && !head && rows.length > 0) {
    return {
      ok: false,
      entries: rows.length,
      seq: 0,
      problem: 'head-mismatch',
      message: 'the recorded head (audit-head.json beside the database) is missing',
      headFile: false,
    };
  }
  return { ...report, headFile: head !== undefined };
}

/**
 * At start-up: a crash between a commit and the head update leaves the head one entry behind. When the
 * chain verifies up to the recorded head, the head moves to the last entry; the report says what was found.
 */
export async function checkAuditAtStart(store: Store): Promise<Awaited<ReturnType<typeof verifyAudit>>> {
  const r = await verifyAudit(store);
  if (r.ok && r.beyondHead > 0) {
    const rows = await store.read('SELECT * FROM audit ORDER BY seq DESC LIMIT 1');
    if (rows[0]) writeHead(store.path, toEntry(rows[0]));
  }
  return r;
}
