/**
 * The hash chain of the hub's audit log — hub protocol §7. Each entry carries the hash of the one
 * before it, so that editing, deleting, inserting or reordering entries breaks the chain at a place
 * `verifyChain` names:
 *
 *   hash(entry) = SHA-256( UTF-8("ldh-link/1 audit\n") ‖ JCS({seq, at, actor, action, target, outcome, detail, prev}) )
 *
 * with `prev` the previous entry's hash (64 zero hex digits for the first) and `seq` = 1, 2, 3… The
 * chain alone cannot see its own tail cut off; the hub keeps the head (seq, hash) outside the database
 * too, and `verifyChain` checks it when given. Entries never hold a secret, identity, pseudonym or token
 * (the detail is a flat record of counts, codes and ids). Pure.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from './bytes.js';
import { canonicalJson } from './canonical-json.js';

export const AUDIT_CONTEXT = 'ldh-link/1 audit\n';
export const GENESIS_HASH = '0'.repeat(64);

export type AuditOutcome = 'ok' | 'refused' | 'error';
export type AuditDetail = Readonly<Record<string, string | number | boolean | null>>;

export interface AuditEntry {
  readonly seq: number;
  /** ISO-8601 UTC with milliseconds */
  readonly at: string;
  /** `token:<id>`, `cli` or `system` */
  readonly actor: string;
  /** e.g. `extract.accepted`, `extract.refused`, `token.created` */
  readonly action: string;
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  readonly detail: AuditDetail;
  readonly prev: string;
  readonly hash: string;
}

export type UnsealedEntry = Omit<AuditEntry, 'hash'>;

export function entryHash(e: UnsealedEntry): string {
  const body = {
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    detail: e.detail,
    prev: e.prev,
  };
  return toHex(sha256(utf8(AUDIT_CONTEXT + canonicalJson(body))));
}

/** The next entry after `last` (or the first one). */
export function chainEntry(
  last: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  fields: Omit<UnsealedEntry, 'seq' | 'prev'>,
): AuditEntry {
  const unsealed: UnsealedEntry = { ...fields, seq: (last?.seq ?? 0) + 1, prev: last?.hash ?? GENESIS_HASH };
  return { ...unsealed, hash: entryHash(unsealed) };
}

export type ChainProblem =
  | 'edited'
  | 'link-broken'
  | 'sequence-gap'
  | 'sequence-repeat'
  | 'sequence-order'
  | 'head-mismatch';

export type ChainReport =
  | {
      readonly ok: true;
      readonly entries: number;
      readonly head: string;
      /** entries written after the recorded head (a crash between commit and head update, or appends) */
      readonly beyondHead: number;
    }
  | {
      readonly ok: false;
      readonly entries: number;
      readonly seq: number;
      readonly problem: ChainProblem;
      readonly message: string;
    };

const MESSAGES: Record<ChainProblem, string> = {
  edited: 'the entry does not match its hash: it was edited',
  'link-broken':
    'the entry does not carry the previous entry’s hash: an entry was deleted, inserted or moved before it',
  'sequence-gap': 'sequence numbers skip: an entry was deleted before this one',
  'sequence-repeat': 'a sequence number repeats: an entry was inserted',
  'sequence-order': 'sequence numbers go backwards: entries were reordered',
  'head-mismatch':
    'the last entry is not the recorded head: entries were deleted from the end or the head was replaced',
};

function problem(entries: number, seq: number, p: ChainProblem): ChainReport {
  return { ok: false, entries, seq, problem: p, message: MESSAGES[p] };
}

/**
 * Verifies entries in storage order (the order they were written). `head`, when given, is the (seq, hash)
 * recorded outside the database after an append: the entry with that seq must exist and carry that hash.
 */
export function verifyChain(
  entries: Iterable<AuditEntry>,
  head?: { readonly seq: number; readonly hash: string },
): ChainReport {
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  let n = 0;
  let anchored = head === undefined || head.seq === 0;
  for (const e of entries) {
    n++;
    if (e.seq === prevSeq) return problem(n, e.seq, 'sequence-repeat');
    if (e.seq < prevSeq) return problem(n, e.seq, 'sequence-order');
    if (entryHash(e) !== e.hash) return problem(n, e.seq, 'edited');
    if (e.seq !== prevSeq + 1) return problem(n, e.seq, 'sequence-gap');
    if (e.prev !== prevHash) return problem(n, e.seq, 'link-broken');
    if (head && e.seq === head.seq) {
      if (e.hash !== head.hash) return problem(n, e.seq, 'head-mismatch');
      anchored = true;
    }
    prevHash = e.hash;
    prevSeq = e.seq;
  }
  if (!anchored) return problem(n, prevSeq, 'head-mismatch');
  return { ok: true, entries: n, head: prevHash, beyondHead: head ? prevSeq - head.seq : 0 };
}
