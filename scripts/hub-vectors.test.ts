import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AuditEntry, chainEntry, entryHash, verifyChain } from '../src/core/audit-chain.js';
import { fromHex, toHex } from '../src/core/bytes.js';
import { canonicalJson } from '../src/core/canonical-json.js';
import { hmacPads, hubKey, hubSubkey, REKEY_PURPOSES, rekeyPseudonym } from '../src/core/rekey.js';
import { AUDIT_ACTIONS } from '../src/hub/audit.js';
import { buildHubVectors, TEST_HUB_KEY_HEX, unmetHubExpectations } from './hub-vectors.js';

type Head = { seq: number; hash: string } | null;
type Expected =
  | { ok: true; entries: number; head: string; beyond_head: number }
  | { ok: false; problem: string; seq: number };

interface HubVectors {
  format: string;
  test_hub_key_hex: string;
  subkeys: Record<string, { key_hex: string; ipad_hex: string; opad_hex: string }>;
  rekey_pseudonyms: {
    name: string;
    nir_p1_hex: string | null;
    nir_p2_hex: string | null;
    idkey_hex: string | null;
    idkey_p2_hex: string | null;
  }[];
  audit_chain: {
    entries: { entry: AuditEntry; canonical_json: string }[];
    head: { seq: number; hash: string };
    expected: Expected;
  };
  audit_tamper_cases: {
    name: string;
    description: string;
    entries: AuditEntry[];
    head: Head;
    expected: Expected;
  }[];
}

const committed = JSON.parse(
  readFileSync(new URL('../protocols/test-vectors-hub-v1.json', import.meta.url), 'utf8'),
) as HubVectors;
const key = hubKey(fromHex(committed.test_hub_key_hex));

/** The formulas of hub-v1.md §6 with node:crypto (OpenSSL), not with rekey.ts. */
const sslSubkey = (purpose: string) =>
  Buffer.from(hkdfSync('sha256', fromHex(TEST_HUB_KEY_HEX), 'ldh-link/1', `ldh-link/1/hub/${purpose}`, 32));
const sslHmac = (k: Uint8Array, m: Uint8Array | string) => createHmac('sha256', k).update(m).digest('hex');
/** The form computed inside DuckDB: sha256(opad ‖ unhex(sha256(ipad ‖ m))). */
const viaPads = (ipadHex: string, opadHex: string, mHex: string) => {
  const inner = createHash('sha256')
    .update(Buffer.from(ipadHex + mHex, 'hex'))
    .digest();
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(opadHex, 'hex'), inner]))
    .digest('hex');
};

function report(entries: readonly AuditEntry[], head: Head): Expected {
  const r = verifyChain(entries, head ?? undefined);
  return r.ok
    ? { ok: true, entries: r.entries, head: r.head, beyond_head: r.beyondHead }
    : { ok: false, problem: r.problem, seq: r.seq };
}

describe('hub test vectors (re-keying, audit chain)', () => {
  it('meet every hand-written tamper-case expectation', () => {
    expect(unmetHubExpectations()).toEqual([]);
  });

  it('are exactly what the code computes (run `npm run vectors:hub` after a deliberate protocol change)', () => {
    expect(buildHubVectors()).toEqual(committed);
  });

  it('use the published test hub key 0x01..0x20 and say it is a test key', () => {
    expect(committed.test_hub_key_hex).toBe(toHex(Uint8Array.from({ length: 32 }, (_, i) => i + 1)));
    expect(committed.format).toBe('ldh-link/test-vectors-hub');
    expect(JSON.stringify(committed)).toContain('TEST hub key');
  });

  it.each(REKEY_PURPOSES.map((p) => [p] as const))('subkey %s and its pad blocks', (p) => {
    const s = committed.subkeys[p];
    expect(s?.key_hex).toBe(toHex(hubSubkey(key, p)));
    expect(s?.key_hex).toBe(sslSubkey(p).toString('hex'));
    const { ipad, opad } = hmacPads(fromHex(s?.key_hex ?? ''));
    expect(s?.ipad_hex).toBe(toHex(ipad));
    expect(s?.opad_hex).toBe(toHex(opad));
  });

  it.each(committed.rekey_pseudonyms.map((c) => [c.name, c] as const))('P1 → P2: %s', (_name, c) => {
    const cases = [
      ['nir', c.nir_p1_hex, c.nir_p2_hex],
      ['idkey', c.idkey_hex, c.idkey_p2_hex],
    ] as const;
    for (const [purpose, input, output] of cases) {
      if (input === null) {
        expect(output).toBeNull();
        continue;
      }
      expect(fromHex(input)).toHaveLength(32);
      expect(output).toBe(toHex(rekeyPseudonym(key, purpose, fromHex(input))));
      expect(output).toBe(sslHmac(sslSubkey(purpose), fromHex(input)));
      const pads = committed.subkeys[purpose];
      expect(output).toBe(viaPads(pads?.ipad_hex ?? '', pads?.opad_hex ?? '', input));
    }
  });

  it('audit chain: canonical JSON, hashes and links, rebuilt with chainEntry, accepted by verifyChain', () => {
    const entries = committed.audit_chain.entries.map((e) => e.entry);
    expect(entries).toHaveLength(4);
    let last: AuditEntry | undefined;
    for (const { entry, canonical_json } of committed.audit_chain.entries) {
      const { hash, ...fields } = entry;
      expect(canonical_json).toBe(canonicalJson(fields));
      expect(hash).toBe(entryHash(fields));
      expect(hash).toBe(
        createHash('sha256').update(`ldh-link/1 audit\n${canonical_json}`, 'utf8').digest('hex'),
      );
      const { seq: _s, prev: _p, ...rest } = fields;
      const rebuilt = chainEntry(last, rest);
      expect(rebuilt).toEqual(entry);
      expect(Object.keys(AUDIT_ACTIONS)).toContain(entry.action);
      expect(entry.actor).toMatch(/^(cli|system|token:[0-9a-f]{16})$/);
      last = rebuilt;
    }
    expect(new Set(entries.map((e) => e.actor))).toEqual(
      new Set(['cli', 'system', 'token:0123456789abcdef']),
    );
    expect(committed.audit_chain.head).toEqual({ seq: 4, hash: last?.hash });
    expect(report(entries, committed.audit_chain.head)).toEqual(committed.audit_chain.expected);
    expect(committed.audit_chain.expected.ok).toBe(true);
  });

  it.each(committed.audit_tamper_cases.map((t) => [t.name, t] as const))('tamper case: %s', (_name, t) => {
    expect(report(t.entries, t.head)).toEqual(t.expected);
  });

  it('tamper cases name every problem of hub-v1.md §7', () => {
    const problems = new Set(
      committed.audit_tamper_cases.flatMap((t) => (t.expected.ok ? [] : [t.expected.problem])),
    );
    expect([...problems].sort()).toEqual(
      ['edited', 'head-mismatch', 'link-broken', 'sequence-gap', 'sequence-order', 'sequence-repeat'].sort(),
    );
  });
});
