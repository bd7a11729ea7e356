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
import { ACCESS, may, type Role, type RouteKey } from './roles.js';
import { auditRoutes } from './routes/audit.js';
import { extractRoutes } from './routes/extracts.js';
import { healthRoutes } from './routes/health.js';
import { linkageRoutes } from './routes/linkage.js';
import { studyRoutes } from './routes/studies.js';
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

/** The access-table entry of a request, or undefined (the request will be a 404). */
const ROUTES = (Object.keys(ACCESS) as RouteKey[]).map((key) => {
  const [method, path] = key.split(' ') as [string, string];
  return { key, method, re: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) };
});
export function routeKey(method: string, path: string): RouteKey | undefined {
  return ROUTES.find((r) => r.method === method && r.re.test(path))?.key;
}

/**
 * Authentication and authorisation, before any validation or handler: the caller's token and role
 * against the access table (401 for a missing or bad token, 403 for a role the route refuses).
 */
async function authorise(c: HubContext, store: Store): Promise<void> {
  const key = routeKey(c.req.method, c.req.path);
  if (key === undefined || ACCESS[key] === 'public') return;
  const auth = await authenticate(store, c.req.header('authorization'));
  if (!auth.ok) throw new ProblemError(auth.reason);
  c.set('principal', { id: auth.id, role: auth.role });
  if (!may(auth.role, key)) throw new ProblemError('forbidden');
}

/** The authenticated caller of a protected route (set by the authorisation middleware). */
export function caller(c: HubContext): { id: string; role: Role } {
  const p = c.get('principal');
  if (!p) throw new ProblemError('missing-token');
  return p;
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
    try {
      await authorise(c as HubContext, deps.store);
      await next();
    } catch (err) {
      c.res =
        err instanceof ProblemError
          ? problem(c as HubContext, err.code, err.detail)
          : problem(c as HubContext, 'internal');
    }
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
  studyRoutes(app, deps);
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
