/** `GET /v1/audit` (a page of the chain) and `GET /v1/audit/verify` — admin only. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { HubDeps, HubEnv } from '../app.js';
import { readAudit, verifyAudit } from '../audit.js';
import { ProblemSchema } from '../problems.js';

const Entry = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    outcome: z.enum(['ok', 'refused', 'error']),
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    prev: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEntry');

const Verification = z
  .object({
    ok: z.boolean(),
    entries: z.number().int(),
    seq: z.number().int().optional(),
    problem: z.string().optional(),
    message: z.string().optional(),
    head: z.string().optional(),
    beyond_head: z.number().int().optional(),
  })
  .openapi('AuditVerification');

const problems = {
  401: {
    description: 'missing or bad token',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  403: {
    description: 'not an admin token',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
};

export function auditRoutes(app: OpenAPIHono<HubEnv>, deps: HubDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit',
      summary: 'Audit entries after a sequence number (admin)',
      security: [{ bearer: [] }],
      request: {
        query: z.object({
          after: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: {
        200: {
          description: 'entries in order',
          content: { 'application/json': { schema: z.object({ entries: z.array(Entry) }) } },
        },
        ...problems,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ entries: await readAudit(deps.store, { after: q.after, limit: q.limit }) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit/verify',
      summary: 'Verify the whole hash chain against the recorded head (admin)',
      security: [{ bearer: [] }],
      responses: {
        200: {
          description: 'the verification report',
          content: { 'application/json': { schema: Verification } },
        },
        ...problems,
      },
    }),
    async (c) => {
      const r = await verifyAudit(deps.store);
      return c.json(
        r.ok
          ? { ok: true, entries: r.entries, head: r.head, beyond_head: r.beyondHead }
          : { ok: false, entries: r.entries, seq: r.seq, problem: r.problem, message: r.message },
        200,
      );
    },
  );
}
