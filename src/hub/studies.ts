/**
 * Studies: created by an admin with a purpose, the breakdowns researchers may use, the period of ARE
 * openings they may query, and a disclosure policy (src/disclosure/policy.ts). Researchers hold tokens
 * of role `researcher:<study>` and see only their study.
 */
import { z } from '@hono/zod-openapi';
import { DisclosurePolicy } from '../disclosure/policy.js';
import { appendAudit } from './audit.js';
import { ProblemError } from './problems.js';
import { BREAKDOWNS } from './query.js';
import { STUDY_ID } from './roles.js';
import type { Store } from './store.js';

export const QUARTER = /^\d{4}-Q[1-4]$/;

export const StudyRequest = z
  .object({
    id: z.string().regex(STUDY_ID),
    purpose: z.string().min(10).max(2000),
    breakdowns: z
      .array(z.enum(BREAKDOWNS))
      .max(BREAKDOWNS.length)
      .refine((xs) => new Set(xs).size === xs.length, { message: 'a breakdown is listed twice' })
      .describe('the variables researchers may break down and filter by'),
    period: z.object({ from: z.string().regex(QUARTER), to: z.string().regex(QUARTER) }).strict(),
    policy: DisclosurePolicy.default(DisclosurePolicy.parse({})),
  })
  .strict()
  .openapi('StudyRequest');
export type StudyRequest = z.infer<typeof StudyRequest>;

export interface Study extends StudyRequest {
  readonly created_at: string;
  readonly closed_at: string | null;
  readonly budget_spent: number;
}

export async function createStudy(store: Store, s: StudyRequest, actor: string): Promise<Study> {
  if (s.period.from > s.period.to)
    throw new ProblemError('validation-failed', 'the period ends before it starts');
  const created = new Date().toISOString();
  await store.write(async (tx) => {
    const exists = await tx.c.runAndReadAll('SELECT 1 FROM studies WHERE id = $id', { id: s.id });
    if (exists.getRows().length) throw new ProblemError('study-exists');
    await tx.c.run('INSERT INTO studies VALUES ($id, $p, $b, $f, $t, $pol, 0, $c, NULL)', {
      id: s.id,
      p: s.purpose,
      b: JSON.stringify(s.breakdowns),
      f: s.period.from,
      t: s.period.to,
      pol: JSON.stringify(s.policy),
      c: created,
    });
    await appendAudit(tx, {
      actor,
      action: 'study.created',
      target: s.id,
      outcome: 'ok',
      detail: {
        threshold: s.policy.threshold,
        rounding: s.policy.rounding,
        dp: s.policy.dp?.mechanism ?? null,
      },
    });
  });
  return { ...s, created_at: created, closed_at: null, budget_spent: 0 };
}

function toStudy(r: Record<string, unknown>): Study {
  return {
    id: String(r.id),
    purpose: String(r.purpose),
    breakdowns: JSON.parse(String(r.breakdowns)) as Study['breakdowns'],
    period: { from: String(r.period_from), to: String(r.period_to) },
    policy: DisclosurePolicy.parse(JSON.parse(String(r.policy))),
    created_at: String(r.created_at),
    closed_at: r.closed_at === null ? null : String(r.closed_at),
    budget_spent: Number(r.budget_spent),
  };
}

export async function getStudy(store: Store, id: string): Promise<Study | undefined> {
  const rows = await store.read('SELECT * FROM studies WHERE id = $id', { id });
  return rows[0] ? toStudy(rows[0]) : undefined;
}

export async function listStudies(store: Store): Promise<Study[]> {
  return (await store.read('SELECT * FROM studies ORDER BY id')).map(toStudy);
}
