/**
 * Roles of the hub's bearer tokens — `admin`, `producer:<source>`, `researcher:<study>` — and what each
 * may do. Pure.
 */

import { LdhError } from '../core/errors.js';
import { SOURCES, type Source } from '../core/fields.js';

export type Role =
  | { readonly kind: 'admin' }
  | { readonly kind: 'producer'; readonly producer: Source }
  | { readonly kind: 'researcher'; readonly study: string };

export const STUDY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function parseRole(s: string): Role {
  if (s === 'admin') return { kind: 'admin' };
  const [kind, arg, ...rest] = s.split(':');
  if (rest.length === 0 && kind === 'producer' && SOURCES.includes(arg as Source)) {
    return { kind: 'producer', producer: arg as Source };
  }
  if (rest.length === 0 && kind === 'researcher' && arg !== undefined && STUDY_ID.test(arg)) {
    return { kind: 'researcher', study: arg };
  }
  throw new LdhError(
    'USAGE',
    `a role is admin, producer:<${SOURCES.join('|')}> or researcher:<study id: lower-case letters, digits, hyphens>`,
  );
}

export function roleName(r: Role): string {
  return r.kind === 'admin'
    ? 'admin'
    : r.kind === 'producer'
      ? `producer:${r.producer}`
      : `researcher:${r.study}`;
}

export type RoleKind = Role['kind'];

/**
 * Who may call what: the single table the routes enforce and protocols/hub-v1.md shows (generated).
 * Rows are `METHOD path`; a producer reads only its own extracts' status.
 */
export const ACCESS = {
  'GET /v1/health': 'public',
  'GET /v1/openapi.json': 'public',
  'GET /v1/docs': 'public',
  'POST /v1/extracts': ['producer'],
  'GET /v1/extracts/{id}': ['admin', 'producer'],
  'GET /v1/extracts': ['admin'],
  'POST /v1/linkage-runs': ['admin'],
  'GET /v1/linkage-runs': ['admin'],
  'GET /v1/linkage-runs/{id}': ['admin'],
  'POST /v1/linkage-runs/{id}/cancel': ['admin'],
  'GET /v1/linkage-runs/{id}/report': ['admin'],
  'POST /v1/studies': ['admin'],
  'GET /v1/studies': ['admin', 'researcher'],
  'POST /v1/studies/{id}/queries': ['researcher'],
  'GET /v1/studies/{id}/queries/{qid}': ['admin', 'researcher'],
  'GET /v1/audit': ['admin'],
  'GET /v1/audit/verify': ['admin'],
} as const satisfies Record<string, 'public' | readonly RoleKind[]>;
export type RouteKey = keyof typeof ACCESS;

export function may(role: Role, route: RouteKey): boolean {
  const a: 'public' | readonly RoleKind[] = ACCESS[route];
  return a === 'public' || a.includes(role.kind);
}
