/**
 * `POST /v1/extracts` (producer token: a streamed bundle, sealed or, where allowed, plain tar),
 * `GET /v1/extracts/{id}` (admin, or the producer that sent it) and `GET /v1/extracts` (admin).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { SOURCES } from '../../core/fields.js';
import { MEDIA_SEALED, MEDIA_TAR } from '../../extract/bundle-pack.js';
import { caller, type HubContext, type HubDeps, type HubEnv } from '../app.js';
import { getReceipt, ingest, listReceipts } from '../ingest.js';
import { ProblemError, ProblemSchema } from '../problems.js';

export const ReceiptSchema = z
  .object({
    extract_id: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .openapi({ description: 'SHA-256 of the signed manifest' }),
    producer: z.enum(SOURCES),
    status: z.enum(['current', 'superseded']),
    received_at: z.string(),
    created_at: z.string(),
    sealed: z.boolean(),
    identities: z.number().int(),
    events: z.number().int(),
    bytes: z.number().int(),
  })
  .openapi('Receipt');

const asProblem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export function extractRoutes(app: OpenAPIHono<HubEnv>, deps: HubDeps): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/extracts',
      summary: 'Upload a signed extract (streamed; sealed unless the hub allows plain tar)',
      description:
        'The body is a tar of manifest.json, extract.parquet, events.parquet in that order, sealed to the hub key ' +
        `(${MEDIA_SEALED}) or plain (${MEDIA_TAR}). The same content again returns the first receipt with status 200.`,
      security: [{ bearer: [] }],
      request: {
        body: {
          required: true,
          content: {
            [MEDIA_SEALED]: { schema: z.string().openapi({ format: 'binary' }) },
            [MEDIA_TAR]: { schema: z.string().openapi({ format: 'binary' }) },
          },
        },
      },
      responses: {
        201: {
          description: 'accepted and loaded',
          content: { 'application/json': { schema: ReceiptSchema } },
        },
        200: {
          description: 'already received: the first receipt',
          content: { 'application/json': { schema: ReceiptSchema } },
        },
        400: asProblem('truncated-body, bad-bundle, seal-invalid, seal-wrong-recipient'),
        401: asProblem('missing or bad token'),
        403: asProblem('forbidden, wrong-producer, producer-not-registered, sealing-required'),
        409: asProblem('replayed-manifest'),
        413: asProblem('payload-too-large'),
        415: asProblem('unsupported-media-type'),
        422: asProblem(
          'manifest-invalid, unsupported-protocol, bad-signature, fingerprint-mismatch, checksum-mismatch, schema-mismatch, count-mismatch',
        ),
      },
    }),
    async (c) => {
      const who = caller(c as HubContext);
      if (who.role.kind !== 'producer') throw new ProblemError('forbidden');
      const len = c.req.header('content-length');
      const { receipt, duplicate } = await ingest(deps, {
        producer: who.role.producer,
        tokenId: who.id,
        contentType: c.req.header('content-type'),
        contentLength: len === undefined ? undefined : Number(len),
        body: c.env.incoming,
        requestId: c.get('reqId'),
      });
      deps.log.info(duplicate ? 'extract already received' : 'extract accepted', {
        req: c.get('reqId'),
        extract_id: receipt.extract_id,
        producer: receipt.producer,
        rows: receipt.identities + receipt.events,
        bytes: receipt.bytes,
      });
      c.header('location', `/v1/extracts/${receipt.extract_id}`);
      return c.json(receipt, duplicate ? 200 : 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/extracts/{id}',
      summary: 'Status of an extract (admin, or the producer that sent it)',
      security: [{ bearer: [] }],
      request: { params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }) },
      responses: {
        200: {
          description: 'the receipt and current status',
          content: { 'application/json': { schema: ReceiptSchema } },
        },
        401: asProblem('missing or bad token'),
        403: asProblem('forbidden'),
        404: asProblem('no such extract'),
      },
    }),
    async (c) => {
      const who = caller(c as HubContext);
      const receipt = await getReceipt(deps.store, c.req.valid('param').id);
      // a producer learns nothing about other producers' extracts, not even that they exist
      if (!receipt || (who.role.kind === 'producer' && who.role.producer !== receipt.producer)) {
        throw new ProblemError('not-found');
      }
      return c.json(receipt, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/extracts',
      summary: 'All extracts received, newest first (admin)',
      security: [{ bearer: [] }],
      responses: {
        200: {
          description: 'receipts',
          content: { 'application/json': { schema: z.object({ extracts: z.array(ReceiptSchema) }) } },
        },
        401: asProblem('missing or bad token'),
        403: asProblem('forbidden'),
      },
    }),
    async (c) => {
      return c.json({ extracts: await listReceipts(deps.store) }, 200);
    },
  );
}
