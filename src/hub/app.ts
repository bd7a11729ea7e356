/**
 * The Hono application: request ids, the access log, bearer-token roles, problem+json errors, and the
 * routes with their OpenAPI description (generated from the zod schemas, served at /v1/openapi.json,
 * browsable at /v1/docs).
 */
import { randomBytes } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { routePath } from 'hono/route';
import type { HubConfig } from './config.js';
import type { HubSecrets } from './ingest.js';
import type { LinkageRuns } from './linkage-runs.js';
import type { Logger } from './log.js';
import { type ProblemCode, ProblemError, problemBody } from './problems.js';
import { may, type Role, type RouteKey } from './roles.js';
import { auditRoutes } from './routes/audit.js';
import { extractRoutes } from './routes/extracts.js';
import { healthRoutes } from './routes/health.js';
import { linkageRoutes } from './routes/linkage.js';
import type { Store } from './store.js';
import { authenticate } from './tokens.js';

export interface HubDeps {
  readonly store: Store;
  readonly config: HubConfig;
  readonly secrets: HubSecrets;
  readonly log: Logger;
  readonly version: string;
  readonly runs: LinkageRuns;
}

export interface HubVars {
  reqId: string;
  principal?: { id: string; role: Role };
  problemCode?: string;
}

export type HubEnv = { Bindings: HttpBindings; Variables: HubVars };
export type HubContext = Context<HubEnv>;

export function problem(c: HubContext, code: ProblemCode, detail?: string): Response {
  c.set('problemCode', code);
  const body = problemBody(code, detail, c.get('reqId'));
  return c.body(JSON.stringify(body), body.status as 400, { 'content-type': 'application/problem+json' });
}

/** The caller's role, or a ProblemError (401 for a missing or bad token, 403 for a role the route refuses). */
export async function requireRole(
  c: HubContext,
  store: Store,
  route: RouteKey,
): Promise<{ id: string; role: Role }> {
  const auth = await authenticate(store, c.req.header('authorization'));
  if (!auth.ok) throw new ProblemError(auth.reason);
  c.set('principal', { id: auth.id, role: auth.role });
  if (!may(auth.role, route)) throw new ProblemError('forbidden');
  return { id: auth.id, role: auth.role };
}

export function createApp(deps: HubDeps): OpenAPIHono<HubEnv> {
  const app = new OpenAPIHono<HubEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const where = result.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
        return problem(c as HubContext, 'validation-failed', `invalid: ${where}`);
      }
    },
  });

  app.use('*', async (c, next) => {
    const reqId = randomBytes(8).toString('hex');
    c.set('reqId', reqId);
    const t0 = performance.now();
    await next();
    c.header('x-request-id', reqId);
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');
    const principal = c.get('principal');
    deps.log.info('request', {
      req: reqId,
      method: c.req.method,
      route: routePath(c),
      status: c.res.status,
      ms: Math.round(performance.now() - t0),
      ...(principal ? { token_id: principal.id } : {}),
      ...(c.get('problemCode') ? { code: c.get('problemCode') as string } : {}),
    });
  });

  app.onError((err, c) => {
    if (err instanceof ProblemError) return problem(c as HubContext, err.code, err.detail);
    deps.log.error('unhandled error', { req: c.get('reqId'), error_class: err.name });
    return problem(c as HubContext, 'internal');
  });
  app.notFound((c) => problem(c as HubContext, 'not-found'));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'ldh_<id>_<secret>, created with `ldh-link admin token create`',
  });
  healthRoutes(app, deps);
  extractRoutes(app, deps);
  linkageRoutes(app, deps);
  auditRoutes(app, deps);

  app.doc31('/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'ldh-link hub',
      version: deps.version,
      description:
        'Privacy-preserving record linkage for the French Labor Data Hub. Errors are RFC 9457 problem+json with a stable `code`.',
    },
  });
  app.get('/v1/docs', swaggerUI({ url: '/v1/openapi.json' }));
  return app;
}
