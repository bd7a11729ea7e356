/**
 * Studies and researchers' queries: `POST /v1/studies` (admin), `GET /v1/studies` (admin: all; a
 * researcher: its own), `POST /v1/studies/{id}/queries` (the study's researchers), `GET
 * /v1/studies/{id}/queries/{qid}` (JSON, or CSV with `Accept: text/csv`). A researcher asking about
 * another study gets `not-found`: it cannot even learn that the study exists.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { caller, type HubContext, type HubDeps, type HubEnv } from '../app.js';
import { ProblemError, ProblemSchema } from '../problems.js';
import { answerQuery, getRelease, type Release } from '../releases.js';
import type { Role } from '../roles.js';
import { createStudy, getStudy, listStudies, type Study, StudyRequest } from '../studies.js';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});
const StudySchema = z.object({}).passthrough().openapi('Study');
const ReleaseSchema = z.object({}).passthrough().openapi('Release');
const StudyId = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/) });

function mayRead(role: Role, study: string): boolean {
  return role.kind === 'admin' || (role.kind === 'researcher' && role.study === study);
}

async function studyFor(deps: HubDeps, c: HubContext, id: string): Promise<Study> {
  const study = await getStudy(deps.store, id);
  if (!study || !mayRead(caller(c).role, id)) throw new ProblemError('not-found');
  return study;
}

export function toCsv(r: Release): string {
  const outcomes = Object.keys(r.result.cells[0]?.outcomes ?? {});
  const head = [
    ...r.result.breakdowns,
    'count',
    ...outcomes.flatMap((o) => [`${o}_count`, `${o}_share`, `${o}_suppressed`]),
    'suppressed',
  ];
  const cell = (v: number | string | null) => (v === null ? '' : String(v));
  const lines = r.result.cells.map((c) =>
    [
      ...c.coords,
      cell(c.count),
      ...outcomes.flatMap((o) => [
        cell(c.outcomes[o]?.count ?? null),
        cell(c.outcomes[o]?.share ?? null),
        c.outcomes[o]?.suppressed ? 'yes' : 'no',
      ]),
      c.suppressed ? 'yes' : 'no',
    ].join(','),
  );
  return `${[head.join(','), ...lines].join('\n')}\n`;
}

export function studyRoutes(app: OpenAPIHono<HubEnv>, deps: HubDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/studies',
      summary: 'Create a study: purpose, allowed breakdowns and period, disclosure policy (admin)',
      security: [{ bearer: [] }],
      request: { body: { required: true, content: { 'application/json': { schema: StudyRequest } } } },
      responses: {
        201: { description: 'created', content: { 'application/json': { schema: StudySchema } } },
        400: problem('validation-failed'),
        401: problem('missing or bad token'),
        403: problem('forbidden'),
        409: problem('study-exists'),
      },
    }),
    async (c) => {
      const who = caller(c as HubContext);
      const study = await createStudy(deps.store, c.req.valid('json'), `token:${who.id}`);
      return c.json(study, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/studies',
      summary: 'Studies: all for an admin, its own for a researcher',
      security: [{ bearer: [] }],
      responses: {
        200: {
          description: 'studies',
          content: { 'application/json': { schema: z.object({ studies: z.array(StudySchema) }) } },
        },
        401: problem('missing or bad token'),
        403: problem('forbidden'),
      },
    }),
    async (c) => {
      const role = caller(c as HubContext).role;
      const studies = (await listStudies(deps.store)).filter((s) => mayRead(role, s.id));
      return c.json({ studies }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/studies/{id}/queries',
      summary:
        'Submit a query (query language v1); the answer passes disclosure control (the study’s researchers)',
      security: [{ bearer: [] }],
      request: {
        params: StudyId,
        body: { required: true, content: { 'application/json': { schema: z.object({}).passthrough() } } },
      },
      responses: {
        201: {
          description: 'released tables (aggregates only)',
          content: { 'application/json': { schema: ReleaseSchema } },
        },
        400: problem('validation-failed'),
        401: problem('missing or bad token'),
        403: problem('forbidden, query-not-allowed'),
        404: problem('no such study'),
        409: problem('study-closed, no-linkage'),
        422: problem('differencing-refused, budget-exhausted'),
      },
    }),
    async (c) => {
      const who = caller(c as HubContext);
      const study = await studyFor(deps, c as HubContext, c.req.valid('param').id);
      const release = await answerQuery(deps.store, deps.runs, study, c.req.valid('json'), `token:${who.id}`);
      c.header('location', `/v1/studies/${study.id}/queries/${release.id}`);
      return c.json(release as unknown as Record<string, never>, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/studies/{id}/queries/{qid}',
      summary: 'A released answer, as JSON or as CSV (Accept: text/csv)',
      security: [{ bearer: [] }],
      request: { params: StudyId.extend({ qid: z.string().regex(/^[a-z0-9-]{1,120}$/) }) },
      responses: {
        200: {
          description: 'the release',
          content: { 'application/json': { schema: ReleaseSchema }, 'text/csv': { schema: z.string() } },
        },
        401: problem('missing or bad token'),
        403: problem('forbidden'),
        404: problem('no such study or release'),
      },
    }),
    async (c) => {
      const { id, qid } = c.req.valid('param');
      await studyFor(deps, c as HubContext, id);
      const release = await getRelease(deps.store, id, qid);
      if (!release) throw new ProblemError('not-found');
      if ((c.req.header('accept') ?? '').includes('text/csv')) {
        return c.body(toCsv(release), 200, { 'content-type': 'text/csv; charset=utf-8' });
      }
      return c.json(release as unknown as Record<string, never>, 200);
    },
  );
}
