/**
 * `POST /v1/linkage-runs` (start), `GET /v1/linkage-runs` (list), `GET /v1/linkage-runs/{id}` (status,
 * stage, progress), `POST /v1/linkage-runs/{id}/cancel`, `GET /v1/linkage-runs/{id}/report` (the quality
 * report: HTML, or JSON with `Accept: application/json`) — admin only. Aggregates only: no person, record
 * or pseudonym ever appears in a response.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LinkSummary } from '../../link/engine.js';
import { buildReport, renderReportHtml } from '../../link/report.js';
import { caller, type HubContext, type HubDeps, type HubEnv } from '../app.js';
import { ProblemError, ProblemSchema } from '../problems.js';

const RunSchema = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    stage: z.string().nullable(),
    progress: z.record(z.string(), z.number()).nullable(),
    error: z.string().nullable(),
    current: z.boolean().openapi({ description: 'this run’s persons are the ones in use' }),
    counts: z
      .object({
        records: z.number().int(),
        persons: z.number().int(),
        links: z.record(z.string(), z.number().int()),
        threshold: z.number(),
      })
      .nullable(),
  })
  .openapi('LinkageRun');

export const RunRequest = z
  .object({
    threshold: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .optional()
      .openapi({ description: 'Dice threshold; omitted or null: automatic' }),
    bucket_cap: z.number().int().min(10).max(1_000_000).optional(),
    exhaustive_limit: z.number().int().min(0).optional(),
    max_pairs: z.number().int().min(1000).optional(),
  })
  .strict()
  .openapi('LinkageRunRequest');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});
const IdParam = z.object({ id: z.string().regex(/^[0-9]{8}-[0-9a-f]{8}$/) });

export function linkageRoutes(app: OpenAPIHono<HubEnv>, deps: HubDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/linkage-runs',
      summary: 'Start a linkage run over the current extracts (admin); one at a time',
      security: [{ bearer: [] }],
      request: { body: { required: false, content: { 'application/json': { schema: RunRequest } } } },
      responses: {
        202: { description: 'started', content: { 'application/json': { schema: RunSchema } } },
        400: problem('validation-failed'),
        401: problem('missing or bad token'),
        403: problem('forbidden'),
        409: problem('run-in-progress'),
      },
    }),
    async (c) => {
      const who = caller(c as HubContext);
      const body =
        c.req.header('content-length') === '0' ? {} : ((await c.req.json().catch(() => ({}))) as unknown);
      const parsed = RunRequest.safeParse(body ?? {});
      if (!parsed.success)
        throw new ProblemError('validation-failed', 'the body is not a linkage-run request');
      const r = parsed.data;
      const run = await deps.runs.start(`token:${who.id}`, {
        ...(r.threshold !== undefined ? { threshold: r.threshold } : {}),
        ...(r.bucket_cap !== undefined ? { bucketCap: r.bucket_cap } : {}),
        ...(r.exhaustive_limit !== undefined ? { exhaustiveLimit: r.exhaustive_limit } : {}),
        ...(r.max_pairs !== undefined ? { maxPairs: r.max_pairs } : {}),
      });
      c.header('location', `/v1/linkage-runs/${run.id}`);
      return c.json(run, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/linkage-runs',
      summary: 'All linkage runs, newest first (admin)',
      security: [{ bearer: [] }],
      responses: {
        200: {
          description: 'runs',
          content: { 'application/json': { schema: z.object({ runs: z.array(RunSchema) }) } },
        },
        401: problem('missing or bad token'),
        403: problem('forbidden'),
      },
    }),
    async (c) => {
      return c.json({ runs: await deps.runs.list() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/linkage-runs/{id}',
      summary: 'Status of a linkage run: stage, progress, counts (admin)',
      security: [{ bearer: [] }],
      request: { params: IdParam },
      responses: {
        200: { description: 'status', content: { 'application/json': { schema: RunSchema } } },
        401: problem('missing or bad token'),
        403: problem('forbidden'),
        404: problem('no such run'),
      },
    }),
    async (c) => {
      const s = await deps.runs.status(c.req.valid('param').id);
      if (!s) throw new ProblemError('not-found');
      return c.json(s, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/linkage-runs/{id}/cancel',
      summary: 'Cancel a running linkage run (admin); the previous result stays in use',
      security: [{ bearer: [] }],
      request: { params: IdParam },
      responses: {
        200: { description: 'cancelled', content: { 'application/json': { schema: RunSchema } } },
        401: problem('missing or bad token'),
        403: problem('forbidden'),
        404: problem('no such run'),
        409: problem('run-not-running'),
      },
    }),
    async (c) => {
      const who = caller(c as HubContext);
      return c.json(await deps.runs.cancel(c.req.valid('param').id, `token:${who.id}`), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/linkage-runs/{id}/report',
      summary: 'Quality report of a finished run: HTML page, or JSON with Accept: application/json (admin)',
      security: [{ bearer: [] }],
      request: { params: IdParam },
      responses: {
        200: {
          description: 'the report (aggregates only)',
          content: {
            'text/html': { schema: z.string() },
            'application/json': { schema: z.object({}).passthrough() },
          },
        },
        401: problem('missing or bad token'),
        403: problem('forbidden'),
        404: problem('no such run, or no report yet'),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const s = await deps.runs.status(id);
      const summary = (await deps.runs.summary(id)) as LinkSummary | undefined;
      if (!s || !summary)
        throw new ProblemError('not-found', 'the run has no report (not finished, or failed)');
      const report = buildReport(id, s.finished_at ?? s.created_at, summary);
      if ((c.req.header('accept') ?? '').includes('application/json')) return c.json(report, 200);
      c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      return c.html(renderReportHtml(report), 200);
    },
  );
}
