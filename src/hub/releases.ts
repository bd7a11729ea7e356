/**
 * Answering a researcher's query: validate it against the study, compute its tables over the persons of
 * the linkage run in use, refuse it when its cohort differs from an already released one of the study by
 * fewer than the threshold, spend the privacy budget when the study uses noise, apply disclosure control,
 * then store the release, the persons of its cohort (internal, for later differencing checks) and the
 * audit entry in one transaction. Refusals are audited too. The response holds aggregates only.
 */
import { randomInt } from 'node:crypto';
import { ZodError } from 'zod';
import { differencingVerdict } from '../disclosure/differencing.js';
import { BudgetExhausted, PrivacyBudget, type Rng } from '../disclosure/dp.js';
import { discloseTables, type ReleasedTables } from '../disclosure/release.js';
import { kaplanMeier, releaseCurve, type SurvivalStep } from '../disclosure/survival.js';
import { appendAudit, audit } from './audit.js';
import type { LinkageRuns } from './linkage-runs.js';
import { ProblemError } from './problems.js';
import { computeQuery, QueryV1, timeToFirstContract } from './query.js';
import type { Store } from './store.js';
import type { Study } from './studies.js';

export interface Release {
  readonly id: string;
  readonly study: string;
  readonly created_at: string;
  readonly query: QueryV1;
  readonly result: ReleasedTables;
  /** the Kaplan–Meier curve of time to the first contract, when asked for */
  readonly curve?: readonly SurvivalStep[];
}

/** Uniform integers from the operating system's CSPRNG (for the DP samplers). */
const cryptoRng: Rng = (n) => {
  if (n <= 0xffffffffffffn) return BigInt(randomInt(Number(n)));
  throw new RangeError('range too large');
};

/** The last month with data: the latest contract or benefit month of the current extracts. */
async function dataEnd(store: Store): Promise<string> {
  const rows = await store.read(
    `SELECT max(m) AS m FROM (
       SELECT greatest(max(contract_start), max(contract_end)) AS m FROM events_dsn d
         JOIN extracts e ON e.id = d.extract_id AND e.status = 'current'
       UNION ALL SELECT max(benefit_month) FROM events_cnaf c JOIN extracts e ON e.id = c.extract_id AND e.status = 'current'
       UNION ALL SELECT max(reg_start) FROM events_pe p JOIN extracts e ON e.id = p.extract_id AND e.status = 'current')`,
  );
  const m = rows[0]?.m;
  if (typeof m !== 'string') throw new ProblemError('no-linkage', 'there is no data');
  return m;
}

export async function answerQuery(
  store: Store,
  runs: LinkageRuns,
  study: Study,
  body: unknown,
  actor: string,
): Promise<Release> {
  try {
    if (study.closed_at) throw new ProblemError('study-closed');
    const parsed = QueryV1.safeParse(body);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      throw new ProblemError('validation-failed', `invalid query: ${where}`);
    }
    const q = parsed.data;
    const period = q.cohort.are_opening;
    if (
      q.breakdowns.some((b) => !study.breakdowns.includes(b)) ||
      period.from < study.period.from ||
      period.to > study.period.to
    ) {
      throw new ProblemError('query-not-allowed');
    }
    const runId = await runs.currentRun();
    if (!runId) throw new ProblemError('no-linkage');
    const to = await dataEnd(store);
    const conn = await store.connect();
    let computed: Awaited<ReturnType<typeof computeQuery>>;
    let overlaps: { release: string; onlyNew: number; onlyReleased: number }[];
    let curve: SurvivalStep[] | undefined;
    try {
      computed = await computeQuery(conn, 'main', runId, q, { to }).catch((e: unknown) => {
        if (e instanceof ZodError)
          throw new ProblemError('validation-failed', 'the cohort ends after the data');
        throw e;
      });
      if (q.time_to_contract) {
        const input = await timeToFirstContract(conn, 'main', runId, q, { to });
        curve = releaseCurve(kaplanMeier(input, q.time_to_contract.horizon), study.policy.threshold);
      }
      await conn.run('CREATE OR REPLACE TEMP TABLE new_cohort (person INTEGER)');
      const app = await conn.createAppender('new_cohort');
      for (const p of computed.persons) {
        app.appendInteger(p);
        app.endRow();
      }
      app.closeSync();
      const r = await conn.runAndReadAll(
        `WITH released AS (
           SELECT rc.release_id, rc.person FROM release_cohorts rc JOIN releases r ON r.id = rc.release_id
           WHERE r.study = '${study.id}' AND r.run_id = '${runId}')
         SELECT x.release_id,
                (SELECT count(*) FROM new_cohort n WHERE n.person NOT IN (SELECT person FROM released WHERE release_id = x.release_id)),
                (SELECT count(*) FROM released r2 WHERE r2.release_id = x.release_id AND r2.person NOT IN (SELECT person FROM new_cohort))
         FROM (SELECT DISTINCT release_id FROM released) x`,
      );
      overlaps = r.getRows().map((row) => ({
        release: String(row[0]),
        onlyNew: Number(row[1]),
        onlyReleased: Number(row[2]),
      }));
    } finally {
      conn.closeSync();
    }
    const verdict = differencingVerdict(overlaps, study.policy.threshold);
    if (!verdict.ok) throw new ProblemError('differencing-refused');
    let spent = study.budget_spent;
    if (study.policy.dp) {
      const budget = new PrivacyBudget(study.policy.dp.budget, study.budget_spent);
      try {
        budget.spend(study.policy.dp.perRelease);
      } catch (e) {
        if (e instanceof BudgetExhausted) throw new ProblemError('budget-exhausted');
        throw e;
      }
      spent = budget.spent;
    }
    const result = await discloseTables(computed, study.policy, cryptoRng);
    const id = `${study.id}-${Date.now().toString(36)}-${cryptoRng(1n << 32n).toString(16)}`;
    const created = new Date().toISOString();
    const suppressed = result.cells.filter((c) => c.suppressed).length;
    await store.write(async (tx) => {
      await tx.c.run('INSERT INTO releases VALUES ($id, $s, $by, $t, $run, $q, $r, $n)', {
        id,
        s: study.id,
        by: actor,
        t: created,
        run: runId,
        q: JSON.stringify(q),
        r: JSON.stringify(curve ? { ...result, curve } : result),
        n: suppressed,
      });
      const app = await tx.c.createAppender('release_cohorts');
      for (const p of computed.persons) {
        app.appendVarchar(id);
        app.appendInteger(p);
        app.endRow();
      }
      app.closeSync();
      await tx.c.run('UPDATE studies SET budget_spent = $b WHERE id = $id', { id: study.id, b: spent });
      await appendAudit(tx, {
        actor,
        action: 'query.released',
        target: id,
        outcome: 'ok',
        detail: { study: study.id, cells: result.cells.length, suppressed, budget_spent: spent },
      });
    });
    return { id, study: study.id, created_at: created, query: q, result, ...(curve ? { curve } : {}) };
  } catch (err) {
    await audit(store, {
      actor,
      action: 'query.refused',
      target: study.id,
      outcome: err instanceof ProblemError ? 'refused' : 'error',
      detail: { code: err instanceof ProblemError ? err.code : 'internal' },
    }).catch(() => undefined);
    throw err;
  }
}

export async function getRelease(store: Store, study: string, id: string): Promise<Release | undefined> {
  const rows = await store.read('SELECT * FROM releases WHERE id = $id AND study = $s', { id, s: study });
  const r = rows[0];
  if (!r) return undefined;
  const { curve, ...result } = JSON.parse(String(r.result)) as ReleasedTables & { curve?: SurvivalStep[] };
  return {
    id: String(r.id),
    study: String(r.study),
    created_at: String(r.created_at),
    query: JSON.parse(String(r.query)) as QueryV1,
    result,
    ...(curve ? { curve } : {}),
  };
}
