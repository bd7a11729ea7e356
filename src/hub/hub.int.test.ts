/**
 * The hub on loopback with a real DuckDB file: authorisation matrix, ingest with re-keying, idempotency,
 * every refusal code (nothing stored, audit entry written), and no secret in logs or responses.
 */
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../core/bytes.js';
import { rekeyPseudonym } from '../core/rekey.js';
import { x25519KeyPair } from '../core/seal.js';
import { sha256File } from '../extract/sha256-file.js';
import { readHubKey } from '../shared/key-files.js';
import { SCHEMA_VERSION } from './migrations.js';
import { PROBLEMS } from './problems.js';
import { ACCESS } from './roles.js';
import {
  createTestHub,
  makeExtract,
  post,
  ROLES,
  sealedOf,
  type TestHub,
  tamperedExtract,
  tarOf,
} from './test-hub.js';

let h: TestHub;
let good: string;
let sealedGood: Buffer;

async function adminGet(path: string): Promise<Record<string, unknown>> {
  const r = await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${h.tokens.admin}` } });
  return (await r.json()) as Record<string, unknown>;
}

async function counts(): Promise<{ extracts: number; identities: number; events: number }> {
  const list = (await adminGet('/v1/extracts')).extracts as { identities: number; events: number }[];
  return {
    extracts: list.length,
    identities: list.reduce((a, e) => a + e.identities, 0),
    events: list.reduce((a, e) => a + e.events, 0),
  };
}

async function lastAudit(): Promise<Record<string, unknown>> {
  const entries = (await adminGet('/v1/audit?limit=1000')).entries as Record<string, unknown>[];
  return entries.at(-1) as Record<string, unknown>;
}

beforeAll(async () => {
  h = await createTestHub();
  good = await makeExtract(h, 'good', { created: new Date('2026-06-01T00:00:00Z') });
  sealedGood = await sealedOf(h, good);
  await h.start();
});

afterAll(async () => {
  await h.stop();
});

describe('authorisation', () => {
  const ID = 'a'.repeat(64);
  // expected status per route and caller; `body` requests send an empty sealed body
  const routes: {
    method: string;
    path: string;
    allowed: readonly string[];
    okStatus: number;
    body?: string;
  }[] = [
    { method: 'GET', path: '/v1/extracts', allowed: ['admin'], okStatus: 200 },
    {
      method: 'GET',
      path: `/v1/extracts/${ID}`,
      allowed: ['admin', 'producer:dsn', 'producer:pe'],
      okStatus: 404,
    },
    { method: 'POST', path: '/v1/extracts', allowed: ['producer:dsn', 'producer:pe'], okStatus: 400 },
    { method: 'GET', path: '/v1/linkage-runs', allowed: ['admin'], okStatus: 200 },
    { method: 'GET', path: '/v1/linkage-runs/20260101-00000000', allowed: ['admin'], okStatus: 404 },
    { method: 'POST', path: '/v1/linkage-runs/20260101-00000000/cancel', allowed: ['admin'], okStatus: 404 },
    { method: 'GET', path: '/v1/linkage-runs/20260101-00000000/report', allowed: ['admin'], okStatus: 404 },
    { method: 'POST', path: '/v1/linkage-runs', allowed: ['admin'], okStatus: 400, body: '{"unknown":1}' },
    { method: 'GET', path: '/v1/studies', allowed: ['admin', 'researcher:s1'], okStatus: 200 },
    { method: 'POST', path: '/v1/studies', allowed: ['admin'], okStatus: 400, body: '{"id":"x"}' },
    {
      method: 'POST',
      path: '/v1/studies/nostudy/queries',
      allowed: ['researcher:s1'],
      okStatus: 404,
      body: '{}',
    },
    {
      method: 'GET',
      path: '/v1/studies/nostudy/queries/q1',
      allowed: ['admin', 'researcher:s1'],
      okStatus: 404,
    },
    { method: 'GET', path: '/v1/audit', allowed: ['admin'], okStatus: 200 },
    { method: 'GET', path: '/v1/audit/verify', allowed: ['admin'], okStatus: 200 },
  ];
  const callers: { name: string; header: (t: TestHub) => string | null; status?: number; code?: string }[] = [
    { name: 'no token', header: () => null, status: 401, code: 'missing-token' },
    { name: 'malformed', header: () => 'Bearer not-a-token', status: 401, code: 'malformed-token' },
    { name: 'basic scheme', header: (t) => `Basic ${t.tokens.admin}`, status: 401, code: 'malformed-token' },
    {
      name: 'unknown id',
      header: (t) => `Bearer ${t.tokens.admin.replace(/^ldh_[0-9a-f]{16}/, 'ldh_0123456789abcdef')}`,
      status: 401,
      code: 'invalid-token',
    },
    {
      name: 'wrong secret',
      header: (t) => `Bearer ${t.tokens.admin.slice(0, -4)}AAAA`,
      status: 401,
      code: 'invalid-token',
    },
    { name: 'revoked', header: (t) => `Bearer ${t.tokens.revoked}`, status: 401, code: 'token-revoked' },
    ...ROLES.map((r) => ({ name: r, header: (t: TestHub) => `Bearer ${t.tokens[r]}` })),
  ];

  for (const route of routes) {
    it(`${route.method} ${route.path.replace(ID, ':id')} for every caller`, async () => {
      for (const c of callers) {
        const auth = c.header(h);
        const r = await fetch(`${h.url}${route.path}`, {
          method: route.method,
          headers: {
            ...(auth ? { authorization: auth } : {}),
            ...(route.method === 'POST'
              ? { 'content-type': route.body ? 'application/json' : 'application/vnd.ldh-link.sealed' }
              : {}),
          },
          ...(route.method === 'POST' ? { body: route.body ?? Buffer.alloc(0) } : {}),
        });
        const body = (await r.json()) as { code?: string };
        const allowed = ROLES.includes(c.name as (typeof ROLES)[number]) && route.allowed.includes(c.name);
        const expected = c.status ?? (allowed ? route.okStatus : 403);
        expect({ caller: c.name, status: r.status }).toEqual({ caller: c.name, status: expected });
        if (c.code) expect(body.code).toBe(c.code);
        if (!allowed && !c.code) expect(body.code).toBe('forbidden');
        if (r.status >= 400) expect(r.headers.get('content-type')).toBe('application/problem+json');
      }
    });
  }

  it('serves health, OpenAPI and docs without a token', async () => {
    const health = await fetch(`${h.url}/v1/health`);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      database: 'ok',
      schema_version: SCHEMA_VERSION,
    });
    const spec = (await (await fetch(`${h.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    // every documented operation is in the access table, and the table has nothing else
    const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect([...operations, 'GET /v1/openapi.json', 'GET /v1/docs'].sort()).toEqual(
      Object.keys(ACCESS).sort(),
    );
    expect((await fetch(`${h.url}/v1/docs`)).status).toBe(200);
    const nf = await fetch(`${h.url}/v1/nothing`);
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as { code: string }).code).toBe('not-found');
  });
});

describe('ingest', () => {
  let receipt: Record<string, unknown>;

  it('accepts a sealed extract, re-keys every pseudonym and keeps no P1', async () => {
    const before = await counts();
    const r = await post(h, sealedGood);
    expect(r.status).toBe(201);
    receipt = r.json;
    const manifest = JSON.parse(await readFile(join(good, 'manifest.json'), 'utf8'));
    expect(receipt).toMatchObject({
      producer: 'dsn',
      status: 'current',
      sealed: true,
      identities: manifest.counts.identities,
      events: manifest.counts.events,
    });
    expect(await counts()).toEqual({
      extracts: before.extracts + 1,
      identities: before.identities + manifest.counts.identities,
      events: before.events + manifest.counts.events,
    });
    expect(await lastAudit()).toMatchObject({
      action: 'extract.accepted',
      target: receipt.extract_id,
      outcome: 'ok',
    });
    const got = await fetch(`${h.url}/v1/extracts/${receipt.extract_id}`, {
      headers: { authorization: `Bearer ${h.tokens['producer:dsn']}` },
    });
    expect(await got.json()).toEqual(receipt);
    const other = await fetch(`${h.url}/v1/extracts/${receipt.extract_id}`, {
      headers: { authorization: `Bearer ${h.tokens['producer:pe']}` },
    });
    expect(other.status).toBe(404);
  });

  it('same content twice: the first receipt, no new rows', async () => {
    const before = await counts();
    const again = await post(h, await sealedOf(h, good)); // sealed anew: other ciphertext, same content
    expect(again.status).toBe(200);
    expect(again.json).toEqual(receipt);
    expect(await counts()).toEqual(before);
    expect(await lastAudit()).toMatchObject({ action: 'extract.duplicate', target: receipt.extract_id });
  });

  const refusals: {
    code: keyof typeof PROBLEMS;
    make: () => Promise<{ body: Buffer; type?: string; token?: string }>;
  }[] = [
    {
      code: 'bad-signature',
      make: async () => {
        const other = await import('../shared/key-files.js').then((k) =>
          k.createSigningKeyFiles('dsn', join(h.dir, 'other-keys')),
        );
        const d = await tamperedExtract(
          h,
          good,
          'forged',
          (m) => {
            m.created_at = '2026-07-01T00:00:00.000Z';
          },
          other.secretPath,
        );
        return { body: await sealedOf(h, d) };
      },
    },
    {
      code: 'bad-signature',
      make: async () => {
        // signed by the right key, then edited: the signature no longer covers it
        const d = await tamperedExtract(h, good, 'edited', (m) => {
          m.created_at = '2026-07-02T00:00:00.000Z';
        });
        const path = join(d, 'manifest.json');
        const m = JSON.parse(await readFile(path, 'utf8'));
        m.counts.input_rows += 1;
        await (await import('node:fs/promises')).writeFile(path, JSON.stringify(m));
        return { body: await sealedOf(h, d) };
      },
    },
    { code: 'wrong-producer', make: async () => ({ body: sealedGood, token: h.tokens['producer:pe'] }) },
    {
      code: 'fingerprint-mismatch',
      make: async () => {
        const k = join(h.dir, 'other-linkage.key');
        await (await import('../shared/key-files.js')).createLinkageKeyFile(k);
        const d = await makeExtract(h, 'otherkey', {
          linkageKey: k,
          created: new Date('2026-07-03T00:00:00Z'),
        });
        return { body: await sealedOf(h, d) };
      },
    },
    {
      code: 'checksum-mismatch',
      make: async () => {
        const d = await tamperedExtract(h, good, 'checksum', (m) => {
          m.created_at = '2026-07-04T00:00:00.000Z';
          m.files.events.sha256 = 'f'.repeat(64);
        });
        return { body: await sealedOf(h, d) };
      },
    },
    {
      code: 'count-mismatch',
      make: async () => {
        const d = await tamperedExtract(h, good, 'counts', (m) => {
          m.created_at = '2026-07-05T00:00:00.000Z';
          m.files.identities.rows += 1;
          m.counts.identities += 1;
        });
        return { body: await sealedOf(h, d) };
      },
    },
    {
      code: 'unsupported-protocol',
      make: async () => {
        const d = await tamperedExtract(h, good, 'v9', (m) => {
          (m as Record<string, unknown>).protocol_version = 'ldh-link/9';
        });
        return { body: await sealedOf(h, d) };
      },
    },
    {
      // a protocol v1 extract: its CLKs are undiffused, which graph matching breaks (bench/attack.md)
      code: 'unsupported-protocol',
      make: async () => {
        const d = await tamperedExtract(h, good, 'v1', (m) => {
          (m as Record<string, unknown>).protocol_version = 'ldh-link/1';
          const { diffusion: _d, ...clk } = m.parameters.clk;
          (m.parameters as Record<string, unknown>).clk = clk;
        });
        return { body: await sealedOf(h, d) };
      },
    },
    {
      // a protocol v2 extract: it names blocking keys, whose classes re-identify records (attack A5)
      code: 'unsupported-protocol',
      make: async () => {
        const d = await tamperedExtract(h, good, 'v2', (m) => {
          (m as Record<string, unknown>).protocol_version = 'ldh-link/2';
          m.parameters.clk.fields = m.parameters.clk.fields.filter((f) => !f.name.includes('_'));
          (m.parameters as Record<string, unknown>).blocking = { passes: ['name-year'], key_bytes: 8 };
        });
        return { body: await sealedOf(h, d) };
      },
    },
    {
      code: 'replayed-manifest',
      make: async () => ({
        body: await sealedOf(h, await makeExtract(h, 'older', { created: new Date('2026-05-01T00:00:00Z') })),
      }),
    },
    { code: 'unsupported-media-type', make: async () => ({ body: sealedGood, type: 'application/json' }) },
    { code: 'sealing-required', make: async () => ({ body: await tarOf(good), type: 'application/x-tar' }) },
    {
      code: 'seal-wrong-recipient',
      make: async () => ({ body: await sealedOf(h, good, x25519KeyPair().publicKey) }),
    },
    {
      code: 'seal-invalid',
      make: async () => {
        const b = Buffer.from(sealedGood);
        b[200] = (b[200] as number) ^ 1;
        return { body: b };
      },
    },
    {
      code: 'truncated-body',
      make: async () => ({ body: sealedGood.subarray(0, 56 + 2 * (1024 + 16)) }), // cut at a chunk boundary
    },
    {
      code: 'bad-bundle',
      make: async () => ({
        body: Buffer.from(
          await import('../core/seal.js').then((s) =>
            s.sealBytes(h.sealPublic, Buffer.alloc(2048, 1), { chunkSize: 1024 }),
          ),
        ),
      }),
    },
    {
      code: 'manifest-invalid',
      make: async () => {
        const d = await tamperedExtract(h, good, 'extra-field', (m) => {
          m.created_at = '2026-07-06T00:00:00.000Z';
          m.comment = 'a field the schema does not know';
        });
        return { body: await sealedOf(h, d) };
      },
    },
    {
      code: 'producer-not-registered',
      make: async () => {
        const d = await tamperedExtract(h, good, 'as-pe', (m) => {
          m.producer = 'pe';
          m.source = 'pe';
        });
        return { body: await sealedOf(h, d), token: h.tokens['producer:pe'] };
      },
    },
    {
      code: 'schema-mismatch',
      make: async () => {
        // a real Parquet file without the `sex` column, with a manifest that vouches for it
        const d = await tamperedExtract(h, good, 'schema', () => undefined);
        const db = await DuckDBInstance.create(':memory:');
        const c = await db.connect();
        const src = join(good, 'extract.parquet');
        const dst = join(d, 'extract.parquet');
        await c.run(`COPY (SELECT * EXCLUDE (sex) FROM read_parquet('${src}')) TO '${dst}' (FORMAT parquet)`);
        c.closeSync();
        db.closeSync();
        const { sha256, bytes } = await sha256File(dst);
        const d2 = await tamperedExtract(h, d, 'schema2', (m) => {
          m.created_at = '2026-07-07T00:00:00.000Z';
          m.files.identities.sha256 = sha256;
          m.files.identities.bytes = bytes;
        });
        return { body: await sealedOf(h, d2) };
      },
    },
    {
      code: 'schema-mismatch',
      make: async () => {
        // a v2 extract's blocking keys under a v3 manifest: a column the protocol does not have
        const d = await tamperedExtract(h, good, 'blocks', () => undefined);
        const db = await DuckDBInstance.create(':memory:');
        const c = await db.connect();
        const src = join(good, 'extract.parquet');
        const dst = join(d, 'extract.parquet');
        await c.run(
          `COPY (SELECT *, ['name-year:0123456789abcdef']::VARCHAR[] AS block_keys FROM read_parquet('${src}')) TO '${dst}' (FORMAT parquet)`,
        );
        c.closeSync();
        db.closeSync();
        const { sha256, bytes } = await sha256File(dst);
        const d2 = await tamperedExtract(h, d, 'blocks2', (m) => {
          m.created_at = '2026-07-08T00:00:00.000Z';
          m.files.identities.sha256 = sha256;
          m.files.identities.bytes = bytes;
        });
        return { body: await sealedOf(h, d2) };
      },
    },
  ];

  for (const [i, t] of refusals.entries()) {
    it(`refuses with ${t.code} (#${i}), stores nothing and audits the refusal`, async () => {
      const { body, type, token } = await t.make();
      const before = await counts();
      const r = await post(h, body, { ...(type ? { type } : {}), ...(token ? { token } : {}) });
      expect(r.json.code).toBe(t.code);
      expect(r.status).toBe(PROBLEMS[t.code].status);
      expect(r.type).toBe('application/problem+json');
      expect(await counts()).toEqual(before);
      expect(await lastAudit()).toMatchObject({
        action: 'extract.refused',
        outcome: 'refused',
        detail: { code: t.code },
      });
    });
  }

  it('refuses a body cut off by the client (connection closed early)', async () => {
    const before = await counts();
    const seqBefore = (await lastAudit()).seq as number;
    const url = new URL(h.url);
    await new Promise<void>((resolve) => {
      const s = connect(Number(url.port), url.hostname, () => {
        s.write(
          `POST /v1/extracts HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${h.tokens['producer:dsn']}\r\n` +
            `content-type: application/vnd.ldh-link.sealed\r\ncontent-length: ${sealedGood.length}\r\n\r\n`,
        );
        s.write(sealedGood.subarray(0, 3000));
        setTimeout(() => s.destroy(), 200);
      });
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    for (let i = 0; i < 200 && ((await lastAudit()).seq as number) === seqBefore; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await lastAudit()).toMatchObject({
      action: 'extract.refused',
      detail: { code: 'truncated-body' },
    });
    expect(await counts()).toEqual(before);
  });

  it('a newer extract supersedes the previous one of the same producer', async () => {
    const newer = await makeExtract(h, 'newer', { created: new Date('2026-08-01T00:00:00Z') });
    const r = await post(h, await sealedOf(h, newer));
    expect(r.status).toBe(201);
    const old = (await adminGet(`/v1/extracts/${receipt.extract_id}`)) as { status: string };
    expect(old.status).toBe('superseded');
  });

  it('two uploads of the same extract at once: one loads it, the other gets its receipt', async () => {
    const d = await makeExtract(h, 'race', { created: new Date('2026-09-01T00:00:00Z') });
    const before = await counts();
    const [a, b] = await Promise.all([post(h, await sealedOf(h, d)), post(h, await sealedOf(h, d))]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.json).toEqual(b.json);
    expect((await counts()).extracts).toBe(before.extracts + 1);
  });

  it('the audit chain verifies after all of this', async () => {
    expect(await adminGet('/v1/audit/verify')).toMatchObject({ ok: true });
  });
});

describe('what the hub keeps and says', () => {
  it('stores P2 = HMAC(K_hub, P1), computed in SQL exactly as the reference, and no P1', async () => {
    await h.stop();
    const hubKey = await readHubKey(h.config.secrets.hub_key);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`ATTACH '${h.config.database}' AS hub (READ_ONLY)`);
    const p1 = (
      await c.runAndReadAll(
        `SELECT rid, hex(nir_p1), hex(idkey) FROM read_parquet('${join(good, 'extract.parquet')}') ORDER BY rid`,
      )
    ).getRows();
    const p2 = (
      await c.runAndReadAll(
        `SELECT rid, hex(nir_p2), hex(idkey_p2) FROM hub.identities i JOIN hub.extracts e ON e.id = i.extract_id
         WHERE e.created_at = '2026-06-01T00:00:00.000Z' ORDER BY rid`,
      )
    ).getRows();
    expect(p2.length).toBe(p1.length);
    let withNir = 0;
    for (const [i, row] of p1.entries()) {
      const [rid, nir, idkey] = row as [number, string | null, string | null];
      const [rid2, nir2, idkey2] = p2[i] as [number, string | null, string | null];
      expect(rid2).toBe(rid);
      if (nir) {
        withNir++;
        expect(nir2).toBe(toHex(rekeyPseudonym(hubKey, 'nir', fromHex(nir.toLowerCase()))).toUpperCase());
      } else expect(nir2).toBeNull();
      if (idkey)
        expect(idkey2).toBe(
          toHex(rekeyPseudonym(hubKey, 'idkey', fromHex(idkey.toLowerCase()))).toUpperCase(),
        );
    }
    expect(withNir).toBeGreaterThan(0);
    // no P1 or producer identity key appears anywhere in the hub's tables
    const hubText = (
      await c.runAndReadAll(
        `SELECT string_agg(hex(coalesce(nir_p2, ''::BLOB)) || hex(coalesce(idkey_p2, ''::BLOB)), ' ')
         FROM hub.identities`,
      )
    ).getRows()[0]?.[0] as string;
    for (const row of p1) {
      const [, nir, idkey] = row as [number, string | null, string | null];
      if (nir) expect(hubText).not.toContain(nir);
      if (idkey) expect(hubText).not.toContain(idkey);
    }
    c.closeSync();
    db.closeSync();
    await h.start();
  });

  it('never logs or returns a token, key or pseudonym', async () => {
    const secrets: string[] = [...Object.values(h.tokens)];
    // the secret part alone (it may itself contain '_')
    secrets.push(...Object.values(h.tokens).map((t) => t.slice('ldh_0123456789abcdef_'.length)));
    secrets.push((await readFile(h.config.secrets.hub_key, 'utf8')).trim());
    secrets.push(JSON.parse(await readFile(h.config.secrets.seal_key, 'utf8')).secret_key);
    secrets.push((await readFile(h.linkageKey, 'utf8')).trim());
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const p1 = (
      await c.runAndReadAll(
        `SELECT lower(hex(nir_p1)), lower(hex(idkey)) FROM read_parquet('${join(good, 'extract.parquet')}')`,
      )
    ).getRows();
    for (const [a, b] of p1) for (const v of [a, b]) if (v) secrets.push(String(v), String(v).slice(0, 16));
    c.closeSync();
    db.closeSync();
    const audit = JSON.stringify(await adminGet('/v1/audit?limit=1000'));
    const logText = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(20);
    for (const s of secrets) {
      expect(logText.toLowerCase()).not.toContain(s.toLowerCase());
      expect(audit.toLowerCase()).not.toContain(s.toLowerCase());
    }
    for (const line of h.logs) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('limits and policy', () => {
  let small: TestHub;
  beforeAll(async () => {
    small = await createTestHub({ ingest: { max_upload_bytes: 16_000, allow_unsealed: true } });
    await small.start();
  });
  afterAll(async () => {
    await small.stop();
  });

  it('refuses an oversized body, declared or streamed, and stores nothing', async () => {
    const rows = Array.from(
      { length: 200 },
      (_, i) =>
        `B${i},,Nom${i},,Prenom${i},19${50 + (i % 40)}0${1 + (i % 9)}1${i % 10},M,75056,20230115,,cdi,full,C,75,2000`,
    );
    const d = await makeExtract(small, 'big', { created: new Date('2026-06-01T00:00:00Z'), rows });
    const body = await sealedOf(small, d);
    expect(body.length).toBeGreaterThan(16_000);
    const declared = await post(small, body);
    expect([declared.status, declared.json.code]).toEqual([413, 'payload-too-large']);
    // no Content-Length: the hub counts while streaming
    const streamed = await fetch(`${small.url}/v1/extracts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${small.tokens['producer:dsn']}`,
        'content-type': 'application/vnd.ldh-link.sealed',
      },
      body: new ReadableStream({
        start(ctl) {
          for (let i = 0; i < body.length; i += 4096) ctl.enqueue(body.subarray(i, i + 4096));
          ctl.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const list = await fetch(`${small.url}/v1/extracts`, {
      headers: { authorization: `Bearer ${small.tokens.admin}` },
    });
    expect(((await list.json()) as { extracts: unknown[] }).extracts).toEqual([]);
  });

  it('accepts a plain tar bundle where the policy allows it', async () => {
    const d = await makeExtract(small, 'tiny', {
      created: new Date('2026-06-02T00:00:00Z'),
      rows: ['A9,185077505612323,Dupont,,Jean,19850712,M,75056,20230115,,cdi,full,C,75,2450.50'],
    });
    const tar = await tarOf(d);
    expect(tar.length).toBeLessThan(16_000);
    const r = await post(small, tar, { type: 'application/x-tar' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ sealed: false, identities: 1, events: 1 });
  });
});
