/** `GET /v1/health`: liveness and a database round trip. No token, no detail beyond ok / failing. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { HubDeps, HubEnv } from '../app.js';

const Health = z
  .object({
    status: z.enum(['ok', 'failing']),
    database: z.enum(['ok', 'failing']),
    schema_version: z.number().int().nullable(),
    version: z.string(),
  })
  .openapi('Health');

export function healthRoutes(app: OpenAPIHono<HubEnv>, deps: HubDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/health',
      summary: 'Liveness and database check',
      responses: {
        200: { description: 'healthy', content: { 'application/json': { schema: Health } } },
        503: {
          description: 'the database does not answer',
          content: { 'application/json': { schema: Health } },
        },
      },
    }),
    async (c) => {
      try {
        const v = await deps.store.schemaVersion();
        return c.json(
          { status: 'ok' as const, database: 'ok' as const, schema_version: v, version: deps.version },
          200,
        );
      } catch {
        return c.json(
          {
            status: 'failing' as const,
            database: 'failing' as const,
            schema_version: null,
            version: deps.version,
          },
          503,
        );
      }
    },
  );
}
