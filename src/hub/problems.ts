/**
 * RFC 9457 problem details: every error the API returns is `application/problem+json` with a stable
 * `code` (also the last segment of `type`). The table is the single list of codes; protocols/hub-v1.md
 * shows it (generated). `detail` is written for a person and never quotes a value, token or identity.
 */
import { z } from '@hono/zod-openapi';

export const PROBLEMS = {
  'missing-token': { status: 401, title: 'A bearer token is required' },
  'malformed-token': { status: 401, title: 'The bearer token is not an ldh-link token' },
  'invalid-token': { status: 401, title: 'The bearer token is not valid' },
  'token-revoked': { status: 401, title: 'The bearer token has been revoked' },
  forbidden: { status: 403, title: 'This token’s role may not do this' },
  'not-found': { status: 404, title: 'No such resource' },
  'validation-failed': { status: 400, title: 'The request does not follow the API schema' },
  'unsupported-media-type': { status: 415, title: 'Send a tar bundle or a sealed bundle' },
  'sealing-required': { status: 403, title: 'This hub accepts sealed extracts only' },
  'payload-too-large': { status: 413, title: 'The upload exceeds the hub’s size limit' },
  'truncated-body': { status: 400, title: 'The upload ended before the bundle was complete' },
  'bad-bundle': {
    status: 400,
    title: 'The bundle does not hold exactly manifest.json, extract.parquet, events.parquet',
  },
  'seal-wrong-recipient': { status: 400, title: 'The extract was sealed to another hub key' },
  'seal-invalid': { status: 400, title: 'The sealed extract does not decrypt (altered or corrupt)' },
  'manifest-invalid': { status: 422, title: 'The manifest does not follow the schema' },
  'unsupported-protocol': { status: 422, title: 'Protocol or normalisation version not supported' },
  'wrong-producer': { status: 403, title: 'The manifest names another producer than the token' },
  'producer-not-registered': { status: 403, title: 'No signing key is pinned for this producer' },
  'bad-signature': { status: 422, title: 'The manifest signature does not verify against the pinned key' },
  'fingerprint-mismatch': { status: 422, title: 'The extract was made with another linkage key' },
  'checksum-mismatch': { status: 422, title: 'A data file does not match its SHA-256 in the manifest' },
  'schema-mismatch': { status: 422, title: 'A data file does not have the protocol’s columns' },
  'count-mismatch': { status: 422, title: 'Row counts differ from the manifest' },
  'replayed-manifest': {
    status: 409,
    title: 'The manifest is not newer than the last accepted extract of this producer',
  },
  'run-in-progress': { status: 409, title: 'A linkage run is already in progress' },
  'run-not-running': { status: 409, title: 'This linkage run is not running' },
  'clk-parameters-differ': {
    status: 409,
    title: 'The current extracts were encoded with different CLK parameters and cannot be linked together',
  },
  'study-exists': { status: 409, title: 'A study with this id exists' },
  'study-closed': { status: 409, title: 'The study is closed' },
  'no-linkage': { status: 409, title: 'No linkage run has succeeded yet: there are no persons to query' },
  'query-not-allowed': {
    status: 403,
    title: 'The query uses a breakdown or a period the study does not allow',
  },
  'differencing-refused': {
    status: 422,
    title: 'The cohort differs from an already released one by fewer persons than the threshold',
  },
  'combination-refused': {
    status: 422,
    title:
      'Combined with the tables already released for the same cohort in the study, this release would reveal a suppressed value',
  },
  'budget-exhausted': { status: 422, title: 'The study’s privacy budget is spent' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;
export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];
export const problemType = (code: ProblemCode) => `urn:ldh-link:problem:${code}`;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: problemType('bad-signature') }),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(PROBLEM_CODES as [ProblemCode, ...ProblemCode[]]),
    detail: z.string().optional(),
    instance: z.string().optional().openapi({ description: 'request id, also in the hub’s log' }),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof ProblemSchema>;

/** An error that becomes a problem response. */
export class ProblemError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
  ) {
    super(detail ?? PROBLEMS[code].title);
    this.name = 'ProblemError';
  }
  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

export function problemBody(code: ProblemCode, detail: string | undefined, instance: string): Problem {
  const p = PROBLEMS[code];
  return {
    type: problemType(code),
    title: p.title,
    status: p.status,
    code,
    ...(detail ? { detail } : {}),
    instance,
  };
}
