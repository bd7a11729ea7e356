/** `admin init`, tokens and migrations on a real DuckDB file. */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { LdhError } from '../core/errors.js';
import { PUBLISHED_TEST_KEY_FINGERPRINTS } from '../core/keys.js';
import { readPublicKey } from '../shared/key-files.js';
import { initHub, withHubStore } from './admin.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { pinProducer } from './producers.js';
import { parseRole } from './roles.js';
import { Store } from './store.js';
import { createTestHub } from './test-hub.js';
import { authenticate, createToken, listTokens, revokeToken } from './tokens.js';

describe('hub administration', () => {
  it('init writes owner-only secrets and a migrated database, and refuses to run twice', async () => {
    const h = await createTestHub();
    for (const f of [h.config.secrets.hub_key, h.config.secrets.seal_key, h.config.database]) {
      expect((await stat(f)).mode & 0o777).toBe(0o600);
    }
    await expect(initHub(h.configPath)).rejects.toThrow(/already exist/);
    await withHubStore(h.configPath, async (store) => {
      expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    });
  });

  it('stores only the SHA-256 of a token; revocation and unknown ids are refused', async () => {
    const h = await createTestHub();
    await withHubStore(h.configPath, async (store) => {
      const t = await createToken(store, parseRole('researcher:study-1'), { actor: 'cli', label: 'alice' });
      expect(t.token).toMatch(/^ldh_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const rows = await store.read('SELECT * FROM tokens WHERE id = $id', { id: t.id });
      expect(JSON.stringify(rows)).not.toContain(t.token.slice(21));
      expect(Buffer.from(rows[0]?.hash as Uint8Array).toString('hex')).toBe(
        createHash('sha256').update(t.token).digest('hex'),
      );
      expect(await authenticate(store, `Bearer ${t.token}`)).toMatchObject({
        ok: true,
        role: { kind: 'researcher', study: 'study-1' },
      });
      await revokeToken(store, t.id, { actor: 'cli' });
      expect(await authenticate(store, `Bearer ${t.token}`)).toEqual({ ok: false, reason: 'token-revoked' });
      expect((await listTokens(store)).find((x) => x.id === t.id)).toMatchObject({
        role: 'researcher:study-1',
        label: 'alice',
      });
      await expect(revokeToken(store, '0123456789abcdef', { actor: 'cli' })).rejects.toThrow(LdhError);
    });
    expect(() => parseRole('researcher:Bad Study')).toThrow(LdhError);
    expect(() => parseRole('producer:xyz')).toThrow(LdhError);
  });

  it('refuses to pin the fingerprint of a published test key, so no extract made under one is accepted', async () => {
    const h = await createTestHub();
    const pub = await readPublicKey(join(h.dir, 'keys', 'dsn-public-key.json'));
    await withHubStore(h.configPath, async (store) => {
      for (const fp of PUBLISHED_TEST_KEY_FINGERPRINTS) {
        const err = await pinProducer(store, pub, fp, {
          actor: 'cli',
          producer: 'dsn',
          allowTestKeys: false,
        }).catch((e: unknown) => e);
        expect((err as LdhError).code).toBe('KEY_INVALID');
      }
      // a real fingerprint is pinned; the test suite may pin the published ones (LDH_ALLOW_TEST_KEYS=1)
      await pinProducer(store, pub, 'ab'.repeat(32), { actor: 'cli', producer: 'dsn', allowTestKeys: false });
      await pinProducer(store, pub, [...PUBLISHED_TEST_KEY_FINGERPRINTS][0] as string, {
        actor: 'cli',
        producer: 'dsn',
      });
    });
  });

  it('migrations are applied once; a database from a newer tool is refused', async () => {
    const h = await createTestHub();
    const path = h.config.database;
    const s1 = await Store.open(path);
    await s1.close();
    const s2 = await Store.open(path);
    const n = await s2.read('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(n[0]?.n)).toBe(SCHEMA_VERSION);
    await s2.close();
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    await c.run(`INSERT INTO schema_migrations VALUES (${SCHEMA_VERSION + 1}, 'future', now())`);
    c.closeSync();
    db.closeSync();
    await expect(Store.open(path)).rejects.toThrow(/newer/);
    void join;
  });

  it('migration 5 deletes the blocking keys stored by a hub of protocol v2, and keeps the identities', async () => {
    const h = await createTestHub();
    const path = join(h.dir, 'v2-hub.duckdb');
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    await c.run(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((x) => x.version <= 4)) {
      for (const sql of m.sql) await c.run(sql);
      await c.run(`INSERT INTO schema_migrations VALUES (${m.version}, '${m.name}', now())`);
    }
    await c.run(
      `INSERT INTO identities SELECT 'e1', 'pe', i, 'missing', NULL, NULL, '\\x00'::BLOB,
         ['name-year:' || md5(i::VARCHAR)[1:16]], 1980, '1' FROM range(100) t(i)`,
    );
    c.closeSync();
    db.closeSync();
    const store = await Store.open(path);
    expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    const columns = (
      await store.read("SELECT column_name FROM information_schema.columns WHERE table_name = 'identities'")
    ).map((r) => String(r.column_name));
    expect(columns).not.toContain('block_keys');
    expect(columns).toEqual(
      expect.arrayContaining(['rid', 'nir_p2', 'idkey_p2', 'clk', 'birth_year', 'sex']),
    );
    expect(Number((await store.read('SELECT count(*) AS n FROM identities'))[0]?.n)).toBe(100);
    await store.close();
  });
});
