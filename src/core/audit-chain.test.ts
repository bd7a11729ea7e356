import { describe, expect, it } from 'vitest';
import { type AuditEntry, chainEntry, entryHash, GENESIS_HASH, verifyChain } from './audit-chain.js';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      chainEntry(out.at(-1), {
        at: new Date(Date.UTC(2026, 10, 28, 12, 0, i)).toISOString(),
        actor: i % 2 ? 'token:0011223344556677' : 'cli',
        action: i % 3 ? 'extract.accepted' : 'token.created',
        target: `x${i}`,
        outcome: 'ok',
        detail: { rows: i * 10, code: null },
      }),
    );
  }
  return out;
}

describe('audit hash chain', () => {
  it('links each entry to the previous one from the genesis hash', () => {
    const c = chain(4);
    expect(c[0]?.prev).toBe(GENESIS_HASH);
    expect(c.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < c.length; i++) expect(c[i]?.prev).toBe(c[i - 1]?.hash);
    expect(verifyChain(c, { seq: 4, hash: c[3]?.hash as string })).toEqual({
      ok: true,
      entries: 4,
      head: c[3]?.hash,
      beyondHead: 0,
    });
  });

  it('hashes every field: changing any one changes the hash', () => {
    const e = chain(1)[0] as AuditEntry;
    const variants: Partial<AuditEntry>[] = [
      { seq: 2 },
      { at: '2026-11-28T12:00:01.000Z' },
      { actor: 'system' },
      { action: 'extract.refused' },
      { target: null },
      { outcome: 'refused' },
      { detail: { rows: 1, code: null } },
      { prev: '1'.repeat(64) },
    ];
    for (const v of variants) expect(entryHash({ ...e, ...v })).not.toBe(e.hash);
  });

  it('names the entry where an edit, a deletion, an insertion or a reordering breaks the chain', () => {
    const c = chain(6);
    const edited = c.map((e) => (e.seq === 3 ? { ...e, detail: { rows: 999, code: null } } : e));
    expect(verifyChain(edited)).toMatchObject({ ok: false, seq: 3, problem: 'edited' });

    const deleted = c.filter((e) => e.seq !== 4);
    expect(verifyChain(deleted)).toMatchObject({ ok: false, seq: 5, problem: 'sequence-gap' });

    // a deletion that renumbers and re-hashes the rest still cannot forge the link to entry 3
    const renumbered = c
      .filter((e) => e.seq !== 4)
      .map((e) => (e.seq > 4 ? { ...e, seq: e.seq - 1 } : e))
      .map((e) => ({ ...e, hash: entryHash(e) }));
    expect(verifyChain(renumbered)).toMatchObject({ ok: false, seq: 4, problem: 'link-broken' });

    const forged = chainEntry(c[1], {
      at: c[1]?.at as string,
      actor: 'cli',
      action: 'x',
      target: null,
      outcome: 'ok',
      detail: {},
    });
    const inserted = [...c.slice(0, 2), forged, ...c.slice(2)];
    expect(verifyChain(inserted)).toMatchObject({ ok: false, seq: 3, problem: 'sequence-repeat' });

    const swapped = [c[0], c[2], c[1], ...c.slice(3)] as AuditEntry[];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, seq: 3, problem: 'sequence-gap' });
    const swappedBack = [c[0], c[1], c[3], c[2], ...c.slice(4)] as AuditEntry[];
    expect(verifyChain(swappedBack)).toMatchObject({ ok: false, problem: 'sequence-gap' });
  });

  it('detects a cut tail only against the recorded head', () => {
    const c = chain(5);
    const head = { seq: 5, hash: c[4]?.hash as string };
    expect(verifyChain(c.slice(0, 4)).ok).toBe(true);
    expect(verifyChain(c.slice(0, 4), head)).toMatchObject({ ok: false, seq: 4, problem: 'head-mismatch' });
    // a rewrite that recomputes every later hash verifies as a chain, but not against the head
    const rewritten: AuditEntry[] = [];
    for (const e of c) {
      const { hash: _h, ...rest } = e.seq === 2 ? { ...e, outcome: 'refused' as const } : e;
      rewritten.push(chainEntry(rewritten.at(-1), rest));
    }
    expect(verifyChain(rewritten).ok).toBe(true);
    expect(verifyChain(rewritten, head)).toMatchObject({ ok: false, seq: 5, problem: 'head-mismatch' });
    expect(verifyChain(c, { seq: 3, hash: c[2]?.hash as string })).toMatchObject({ ok: true, beyondHead: 2 });
  });
});
