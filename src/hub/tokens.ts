/**
 * Bearer tokens: `ldh_<id>_<secret>`, id = 8 random bytes in hex (public: it names the token in the
 * audit log and in `token revoke`), secret = 32 random bytes in base64url. The hub stores the id, the
 * role and SHA-256 of the whole token — a token is 256 bits of CSPRNG output, so a fast hash is enough
 * and a stolen table yields nothing usable. The token itself is shown once, when created.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DuckDBBlobValue } from '@duckdb/node-api';
import { LdhError } from '../core/errors.js';
import { appendAudit } from './audit.js';
import { parseRole, type Role, roleName } from './roles.js';
import type { Store } from './store.js';

export const TOKEN_PATTERN = /^ldh_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export async function createToken(
  store: Store,
  role: Role,
  opts: { label?: string; actor: string },
): Promise<{ id: string; token: string }> {
  const id = randomBytes(8).toString('hex');
  const token = `ldh_${id}_${randomBytes(32).toString('base64url')}`;
  await store.write(async (tx) => {
    await tx.c.run('INSERT INTO tokens VALUES ($id, $role, $hash, $label, now(), NULL)', {
      id,
      role: roleName(role),
      hash: new DuckDBBlobValue(hashToken(token)),
      label: opts.label ?? null,
    });
    await appendAudit(tx, {
      actor: opts.actor,
      action: 'token.created',
      target: id,
      outcome: 'ok',
      detail: { role: roleName(role) },
    });
  });
  return { id, token };
}

export async function revokeToken(store: Store, id: string, opts: { actor: string }): Promise<void> {
  if (!/^[0-9a-f]{16}$/.test(id)) throw new LdhError('USAGE', 'a token id is 16 hex digits');
  await store.write(async (tx) => {
    const r = await tx.c.runAndReadAll('SELECT revoked_at IS NULL FROM tokens WHERE id = $id', { id });
    const row = r.getRows()[0];
    if (!row) throw new LdhError('NOT_FOUND', 'no token has this id');
    if (row[0] === true) await tx.c.run('UPDATE tokens SET revoked_at = now() WHERE id = $id', { id });
    await appendAudit(tx, {
      actor: opts.actor,
      action: 'token.revoked',
      target: id,
      outcome: 'ok',
      detail: { already_revoked: row[0] !== true },
    });
  });
}

export interface TokenInfo {
  readonly id: string;
  readonly role: string;
  readonly label: string | null;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

export async function listTokens(store: Store): Promise<TokenInfo[]> {
  const rows = await store.read(
    `SELECT id, role, label, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at,
            strftime(revoked_at, '%Y-%m-%dT%H:%M:%SZ') AS revoked_at FROM tokens ORDER BY created_at, id`,
  );
  return rows as unknown as TokenInfo[];
}

export type AuthResult =
  | { readonly ok: true; readonly id: string; readonly role: Role }
  | {
      readonly ok: false;
      readonly reason: 'missing-token' | 'malformed-token' | 'invalid-token' | 'token-revoked';
    };

/** Checks an `Authorization` header value. Unknown ids and wrong secrets are indistinguishable. */
export async function authenticate(store: Store, header: string | undefined): Promise<AuthResult> {
  if (!header) return { ok: false, reason: 'missing-token' };
  const m = /^Bearer (\S+)$/.exec(header);
  const token = m?.[1];
  const parts = token ? TOKEN_PATTERN.exec(token) : null;
  if (!token || !parts) return { ok: false, reason: 'malformed-token' };
  const rows = await store.read(
    'SELECT role, hash, revoked_at IS NOT NULL AS revoked FROM tokens WHERE id = $id',
    {
      id: parts[1] as string,
    },
  );
  const row = rows[0];
  const stored = row ? Buffer.from(row.hash as Uint8Array) : Buffer.alloc(32);
  const match = timingSafeEqual(stored, hashToken(token)) && row !== undefined;
  if (!match) return { ok: false, reason: 'invalid-token' };
  if (row.revoked === true) return { ok: false, reason: 'token-revoked' };
  return { ok: true, id: parts[1] as string, role: parseRole(String(row.role)) };
}
