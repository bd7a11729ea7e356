/**
 * Builds the conformance vectors of the hub protocol v1 (protocols/test-vectors-hub-v1.json):
 * re-keying (hub-v1.md §6) and the audit hash chain (§7), under a published TEST hub key. Pure: the
 * file is written by scripts/gen-hub-vectors.ts (`npm run vectors:hub`, i.e.
 * `"vectors:hub": "tsx scripts/gen-hub-vectors.ts"` in package.json); scripts/hub-vectors.test.ts checks
 * that the code still produces exactly the committed file and that every case meets its hand-written
 * expectation, and protocols/reference/ldh_link_v3.py recomputes it independently.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  AUDIT_CONTEXT,
  type AuditEntry,
  type ChainProblem,
  type ChainReport,
  chainEntry,
  entryHash,
  GENESIS_HASH,
  type UnsealedEntry,
  verifyChain,
} from '../src/core/audit-chain.js';
import { fromHex, toHex, utf8 } from '../src/core/bytes.js';
import { canonicalJson } from '../src/core/canonical-json.js';
import { HKDF_SALT } from '../src/core/keys.js';
import { PROTOCOL_VERSION } from '../src/core/params.js';
import {
  HUB_INFO_PREFIX,
  hmacPads,
  hubKey,
  hubSubkey,
  REKEY_PURPOSES,
  rekeyPseudonym,
} from '../src/core/rekey.js';
// type only (erased): checks the hard-coded action names without loading src/hub/ at run time
import type { AuditAction } from '../src/hub/audit.js';

export const HUB_VECTORS_FORMAT = 'ldh-link/test-vectors-hub';
/** The published TEST hub key: bytes 0x01, 0x02, …, 0x20. Never use it for real data. */
export const TEST_HUB_KEY_HEX = Array.from({ length: 32 }, (_, i) =>
  (i + 1).toString(16).padStart(2, '0'),
).join('');

const digest = (label: string) => toHex(sha256(utf8(label)));

/** Inputs of the P1 → P2 cases: 32-byte values (hex), or null (a record without that pseudonym). */
const PSEUDONYM_CASES: readonly { name: string; nir_p1: string | null; idkey: string | null }[] = [
  { name: 'all zero bytes (same input for both purposes)', nir_p1: '00'.repeat(32), idkey: '00'.repeat(32) },
  { name: 'all 0xff bytes (same input for both purposes)', nir_p1: 'ff'.repeat(32), idkey: 'ff'.repeat(32) },
  {
    name: 'bytes 0x00..0x1f (same input for both purposes)',
    nir_p1: toHex(Uint8Array.from({ length: 32 }, (_, i) => i)),
    idkey: toHex(Uint8Array.from({ length: 32 }, (_, i) => i)),
  },
  {
    name: 'SHA-256 of labels #1',
    nir_p1: digest('ldh-link hub test nir_p1 #1'),
    idkey: digest('ldh-link hub test idkey #1'),
  },
  {
    name: 'SHA-256 of labels #2',
    nir_p1: digest('ldh-link hub test nir_p1 #2'),
    idkey: digest('ldh-link hub test idkey #2'),
  },
  {
    name: 'SHA-256 of labels #3',
    nir_p1: digest('ldh-link hub test nir_p1 #3'),
    idkey: digest('ldh-link hub test idkey #3'),
  },
  { name: 'no NIR pseudonym (null stays null)', nir_p1: null, idkey: digest('ldh-link hub test idkey #4') },
  { name: 'no identity key (null stays null)', nir_p1: digest('ldh-link hub test nir_p1 #5'), idkey: null },
];

const ACTOR_TOKEN = 'token:0123456789abcdef';

type AuditFields = Omit<UnsealedEntry, 'seq' | 'prev'> & { readonly action: AuditAction };

const AUDIT_FIELDS: readonly AuditFields[] = [
  {
    at: '2026-01-05T09:00:00.000Z',
    actor: 'cli',
    action: 'hub.initialised',
    target: null,
    outcome: 'ok',
    detail: { seal_key_id: '5ea15ea15ea15ea1' },
  },
  {
    at: '2026-01-05T09:01:00.000Z',
    actor: 'system',
    action: 'hub.started',
    target: null,
    outcome: 'ok',
    detail: { version: '0.1.0' },
  },
  {
    at: '2026-01-05T10:15:30.250Z',
    actor: ACTOR_TOKEN,
    action: 'extract.accepted',
    target: digest('ldh-link hub test extract #1'),
    outcome: 'ok',
    detail: { producer: 'cnaf', identities: 1200, events: 3400, bytes: 524288, sealed: true, superseded: 0 },
  },
  {
    at: '2026-01-05T10:20:00.500Z',
    actor: ACTOR_TOKEN,
    action: 'extract.refused',
    target: null,
    outcome: 'refused',
    detail: { producer: 'cnaf', code: 'bad-signature', bytes: 2048, request: '00112233aabbccdd' },
  },
];

export function auditChain(): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const f of AUDIT_FIELDS) out.push(chainEntry(out.at(-1), f));
  return out;
}

const at = (c: readonly AuditEntry[], seq: number): AuditEntry => {
  const e = c[seq - 1];
  if (!e) throw new RangeError(`no entry ${seq}`);
  return e;
};

/** An entry with some fields replaced and its hash recomputed (what someone who can write the table can do). */
function resealed(e: AuditEntry, changes: Partial<UnsealedEntry>): AuditEntry {
  const { hash: _old, ...rest } = e;
  const u: UnsealedEntry = { ...rest, ...changes };
  return { ...u, hash: entryHash(u) };
}

type Head = { readonly seq: number; readonly hash: string } | null;

type Expectation =
  | { readonly ok: false; readonly problem: ChainProblem; readonly seq: number }
  | { readonly ok: true; readonly entries: number; readonly beyond_head: number };

interface TamperCase {
  readonly name: string;
  readonly description: string;
  /** hand-written: what a conforming verifier reports */
  readonly expect: Expectation;
  readonly build: (chain: readonly AuditEntry[]) => { entries: AuditEntry[]; head: Head };
}

const headOf = (c: readonly AuditEntry[], seq: number): Head => ({ seq, hash: at(c, seq).hash });

export const TAMPER_CASES: readonly TamperCase[] = [
  {
    name: 'edit entry 2 detail',
    description: "entry 2's detail.version is changed from 0.1.0 to 9.9.9; nothing else (its hash is kept)",
    expect: { ok: false, problem: 'edited', seq: 2 },
    build: (c) => ({
      entries: [at(c, 1), { ...at(c, 2), detail: { version: '9.9.9' } }, at(c, 3), at(c, 4)],
      head: headOf(c, 4),
    }),
  },
  {
    name: 'delete entry 3',
    description: 'entry 3 is removed; entries 1, 2 and 4 are left unchanged',
    expect: { ok: false, problem: 'sequence-gap', seq: 4 },
    build: (c) => ({ entries: [at(c, 1), at(c, 2), at(c, 4)], head: headOf(c, 4) }),
  },
  {
    name: 'swap entries 2 and 3',
    description: 'entries 2 and 3, each unchanged, are handed to the verifier in the order 1, 3, 2, 4',
    expect: { ok: false, problem: 'sequence-gap', seq: 3 },
    build: (c) => ({ entries: [at(c, 1), at(c, 3), at(c, 2), at(c, 4)], head: headOf(c, 4) }),
  },
  {
    name: 'swap entries 2 and 3, renumbered',
    description:
      "entries 2 and 3 exchange places and take each other's seq (entry 3's other fields and hash at seq 2, " +
      "entry 2's at seq 3)",
    expect: { ok: false, problem: 'edited', seq: 2 },
    build: (c) => ({
      entries: [at(c, 1), { ...at(c, 3), seq: 2 }, { ...at(c, 2), seq: 3 }, at(c, 4)],
      head: headOf(c, 4),
    }),
  },
  {
    name: 'swap entries 2 and 3, renumbered and re-hashed',
    description:
      'as the previous case, but the hash of each moved entry is recomputed over its new seq (its prev is kept)',
    expect: { ok: false, problem: 'link-broken', seq: 2 },
    build: (c) => ({
      entries: [at(c, 1), resealed(at(c, 3), { seq: 2 }), resealed(at(c, 2), { seq: 3 }), at(c, 4)],
      head: headOf(c, 4),
    }),
  },
  {
    name: 'insert a copy of entry 2',
    description: 'an exact copy of entry 2 is inserted right after it: 1, 2, 2, 3, 4',
    expect: { ok: false, problem: 'sequence-repeat', seq: 2 },
    build: (c) => ({ entries: [at(c, 1), at(c, 2), at(c, 2), at(c, 3), at(c, 4)], head: headOf(c, 4) }),
  },
  {
    name: 'append a copy of entry 1',
    description: 'an exact copy of entry 1 is appended after entry 4: 1, 2, 3, 4, 1',
    expect: { ok: false, problem: 'sequence-order', seq: 1 },
    build: (c) => ({ entries: [at(c, 1), at(c, 2), at(c, 3), at(c, 4), at(c, 1)], head: headOf(c, 4) }),
  },
  {
    name: 'cut the tail',
    description: 'entry 4 is removed; the recorded head is still (4, hash of entry 4)',
    expect: { ok: false, problem: 'head-mismatch', seq: 3 },
    build: (c) => ({ entries: [at(c, 1), at(c, 2), at(c, 3)], head: headOf(c, 4) }),
  },
  {
    name: 'cut the tail, no head',
    description: 'entry 4 is removed and no head is given: the chain alone cannot see a cut tail',
    expect: { ok: true, entries: 3, beyond_head: 0 },
    build: (c) => ({ entries: [at(c, 1), at(c, 2), at(c, 3)], head: null }),
  },
  {
    name: 'rewrite forward from entry 2',
    description:
      "entry 2's detail.version is changed to 9.9.9 and entries 2, 3 and 4 are re-hashed and re-linked " +
      '(a consistent chain); the recorded head is still (4, original hash of entry 4)',
    expect: { ok: false, problem: 'head-mismatch', seq: 4 },
    build: (c) => {
      const e2 = resealed(at(c, 2), { detail: { version: '9.9.9' } });
      const e3 = resealed(at(c, 3), { prev: e2.hash });
      const e4 = resealed(at(c, 4), { prev: e3.hash });
      return { entries: [at(c, 1), e2, e3, e4], head: headOf(c, 4) };
    },
  },
  {
    name: 'head one entry behind',
    description:
      'not tampering: the chain is intact but the recorded head is (3, hash of entry 3), as after a crash ' +
      'between a commit and the head update; the chain verifies and one entry lies beyond the head',
    expect: { ok: true, entries: 4, beyond_head: 1 },
    build: (c) => ({ entries: [...c], head: headOf(c, 3) }),
  },
];

function reportJson(r: ChainReport) {
  return r.ok
    ? { ok: true as const, entries: r.entries, head: r.head, beyond_head: r.beyondHead }
    : { ok: false as const, problem: r.problem, seq: r.seq };
}

function expectedJson(e: Expectation, entries: readonly AuditEntry[]) {
  if (!e.ok) return { ok: false as const, problem: e.problem, seq: e.seq };
  return {
    ok: true as const,
    entries: e.entries,
    head: entries.at(-1)?.hash ?? GENESIS_HASH,
    beyond_head: e.beyond_head,
  };
}

/** An entry with its fields in the order of hub-v1.md §7 (for reading; JCS sorts them anyway). */
const stored = (e: AuditEntry): AuditEntry => ({
  seq: e.seq,
  at: e.at,
  actor: e.actor,
  action: e.action,
  target: e.target,
  outcome: e.outcome,
  detail: e.detail,
  prev: e.prev,
  hash: e.hash,
});

const body = (e: AuditEntry) =>
  canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    detail: e.detail,
    prev: e.prev,
  });

export function buildHubVectors() {
  const key = hubKey(fromHex(TEST_HUB_KEY_HEX));
  const chain = auditChain();
  const last = at(chain, chain.length);
  const rekey = (purpose: 'nir' | 'idkey', hex: string | null) =>
    hex === null ? null : toHex(rekeyPseudonym(key, purpose, fromHex(hex)));
  return {
    description:
      'Conformance vectors of the ldh-link hub protocol v1 (protocols/hub-v1.md §6 re-keying, §7 audit ' +
      'log), under a published TEST hub key (bytes 0x01..0x20; never use it for real data). Every output is ' +
      'what a conforming implementation must produce byte for byte; each tamper case gives the entries as ' +
      'handed to the verifier (in that order), the recorded head (null: none) and what the verifier reports.',
    format: HUB_VECTORS_FORMAT,
    protocol_version: PROTOCOL_VERSION,
    test_hub_key_hex: TEST_HUB_KEY_HEX,
    parameters: {
      hkdf_salt: HKDF_SALT,
      hkdf_info_prefix: HUB_INFO_PREFIX,
      purposes: [...REKEY_PURPOSES],
      audit_context: AUDIT_CONTEXT,
      audit_genesis_hash: GENESIS_HASH,
    },
    subkeys: Object.fromEntries(
      REKEY_PURPOSES.map((p) => {
        const k = hubSubkey(key, p);
        const { ipad, opad } = hmacPads(k);
        return [p, { key_hex: toHex(k), ipad_hex: toHex(ipad), opad_hex: toHex(opad) }];
      }),
    ),
    rekey_pseudonyms: PSEUDONYM_CASES.map((c) => ({
      name: c.name,
      nir_p1_hex: c.nir_p1,
      nir_p2_hex: rekey('nir', c.nir_p1),
      idkey_hex: c.idkey,
      idkey_p2_hex: rekey('idkey', c.idkey),
    })),
    audit_chain: {
      entries: chain.map((entry) => ({ entry: stored(entry), canonical_json: body(entry) })),
      head: { seq: last.seq, hash: last.hash },
      expected: reportJson(verifyChain(chain, { seq: last.seq, hash: last.hash })),
    },
    audit_tamper_cases: TAMPER_CASES.map((t) => {
      const { entries, head } = t.build(chain);
      return {
        name: t.name,
        description: t.description,
        entries: entries.map(stored),
        head,
        expected: expectedJson(t.expect, entries),
      };
    }),
  };
}

/** Hand-written expectations of the tamper cases that verifyChain does not meet (empty when all hold). */
export function unmetHubExpectations(): string[] {
  const chain = auditChain();
  const out: string[] = [];
  for (const t of TAMPER_CASES) {
    const { entries, head } = t.build(chain);
    const got = reportJson(verifyChain(entries, head ?? undefined));
    const want = expectedJson(t.expect, entries);
    if (JSON.stringify(got) !== JSON.stringify(want))
      out.push(`${t.name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  return out;
}
