/**
 * Answering a researcher's query: validate it against the study, compute its tables over the persons of
 * the linkage run in use, refuse it when its cohort differs from an already released one of the study by
 * fewer than the threshold (cohorts are compared through their definitions over the run's cohort facts:
 * no list of persons is kept per release), spend the privacy budget when the study uses noise, apply
 * disclosure control, then store the release and the audit entry in one transaction. Refusals are audited too. The response holds aggregates only.
 */
import { randomInt } from 'node:crypto';
import { ZodError } from 'zod';
import { differencingVerdict } from '../disclosure/differencing.js';
import { BudgetExhausted, PrivacyBudget, type Rng } from '../disclosure/dp.js';
import type { DisclosurePolicy } from '../disclosure/policy.js';
import { type Protected, protectTables, type ReleasedTables, renderTables } from '../disclosure/release.js';
import { kaplanMeier, releaseCurve, type SurvivalInput, type SurvivalStep } from '../disclosure/survival.js';
import { sqlString } from '../extract/sql.js';
import { appendAudit, audit } from './audit.js';
import { buildFacts } from './facts.js';
import type { LinkageRuns } from './linkage-runs.js';
import { ProblemError } from './problems.js';
import {
  cohortDifferences,
  cohortPredicate,
  computeQuery,
  domainOf,
  type QueryResult,
  QueryV1,
  timeToFirstContract,
  variablesOf,
} from './query.js';
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
  /** with `time_to_contract.by`, one curve per category of that breakdown */
  readonly curves?: Readonly<Record<string, readonly SurvivalStep[]>>;
}

/** Uniform integers from the operating system's CSPRNG (for the DP samplers). */
const cryptoRng: Rng = (n) => {
  if (n <= 0xffffffffffffn) return BigInt(randomInt(Number(n)));
  throw new RangeError('range too large');
};

/** Builds the facts of a run that predates them (hubs upgraded from schema 3): once, in a transaction. */
async function ensureFacts(store: Store, runId: string): Promise<void> {
  const have = await store.read('SELECT 1 FROM run_facts WHERE run_id = $id', { id: runId });
  if (have.length > 0) return;
  await store.write(async (tx) => {
    const again = await tx.c.runAndReadAll(`SELECT 1 FROM run_facts WHERE run_id = ${sqlString(runId)}`);
    if (again.getRows().length === 0) await buildFacts(tx.c, runId);
  });
}

interface Prepared {
  readonly computed: QueryResult;
  readonly protection: Protected;
  readonly curves: Map<string, SurvivalInput[]> | undefined;
}

/**
 * Computed tables and their protection, per store, by run, threshold and query: the same query asked
 * again (by the same or another researcher, in any study with the same threshold) reuses them — they
 * depend on nothing else — and concurrent identical queries wait for one computation. Internal: what is
 * cached is never sent; each release still passes its study's checks and gets its own rounding or noise.
 */
const prepared = new WeakMap<Store, Map<string, Promise<Prepared>>>();
const PREPARED_MAX = 64;

function prepare(store: Store, runId: string, q: QueryV1, policy: DisclosurePolicy): Promise<Prepared> {
  const cache = prepared.get(store) ?? new Map<string, Promise<Prepared>>();
  prepared.set(store, cache);
  const key = JSON.stringify([runId, policy.threshold, q]);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit); // most recently used last
    return hit;
  }
  const work = (async (): Promise<Prepared> => {
    const conn = await store.connect();
    try {
      const invalid = (e: unknown) => {
        if (e instanceof ZodError)
          throw new ProblemError('validation-failed', 'the cohort ends after the data');
        throw e;
      };
      const computed = await computeQuery(conn, 'main', runId, q).catch(invalid);
      const curves = q.time_to_contract
        ? await timeToFirstContract(conn, 'main', runId, q).catch(invalid)
        : undefined;
      return { computed, protection: await protectTables(computed, policy), curves };
    } finally {
      conn.closeSync();
    }
  })();
  cache.set(key, work);
  work.catch(() => cache.delete(key));
  while (cache.size > PREPARED_MAX) cache.delete(cache.keys().next().value as string);
  return work;
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
      variablesOf(q).some((b) => !study.breakdowns.includes(b)) ||
      period.from < study.period.from ||
      period.to > study.period.to
    ) {
      throw new ProblemError('query-not-allowed');
    }
    const runId = await runs.currentRun();
    if (!runId) throw new ProblemError('no-linkage');
    await ensureFacts(store, runId);
    // the earlier releases of the study over the same run, by their cohort (identical cohorts once)
    const earlier = await store.read('SELECT query FROM releases WHERE study = $s AND run_id = $r', {
      s: study.id,
      r: runId,
    });
    const fresh = cohortPredicate(q);
    const others = [
      ...new Set(earlier.map((r) => cohortPredicate(QueryV1.parse(JSON.parse(String(r.query)))))),
    ].filter((p) => p !== fresh);
    const conn = await store.connect();
    let overlaps: { onlyNew: number; onlyReleased: number }[];
    try {
      overlaps = await cohortDifferences(conn, 'main', runId, fresh, others);
    } finally {
      conn.closeSync();
    }
    const verdict = differencingVerdict(
      overlaps.map((o, i) => ({ release: String(i), ...o })),
      study.policy.threshold,
    );
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
    const { computed, protection, curves } = await prepare(store, runId, q, study.policy);
    const result = renderTables(computed, protection, study.policy, cryptoRng);
    const horizon = q.time_to_contract?.horizon ?? 0;
    const curveOf = (input: readonly SurvivalInput[]) =>
      releaseCurve(kaplanMeier(input, horizon), study.policy.threshold);
    let curve: SurvivalStep[] | undefined;
    let curvesBy: Record<string, SurvivalStep[]> | undefined;
    if (curves && q.time_to_contract?.by) {
      const by = q.time_to_contract.by;
      curvesBy = Object.fromEntries(domainOf(q, by).map((c) => [c, curveOf(curves?.get(c) ?? [])]));
    } else if (curves) {
      curve = curveOf(curves.get('all') ?? []);
    }
    const extra = { ...(curve ? { curve } : {}), ...(curvesBy ? { curves: curvesBy } : {}) };
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
        r: JSON.stringify({ ...result, ...extra }),
        n: suppressed,
      });
      await tx.c.run('UPDATE studies SET budget_spent = $b WHERE id = $id', { id: study.id, b: spent });
      await appendAudit(tx, {
        actor,
        action: 'query.released',
        target: id,
        outcome: 'ok',
        detail: { study: study.id, cells: result.cells.length, suppressed, budget_spent: spent },
      });
    });
    return { id, study: study.id, created_at: created, query: q, result, ...extra };
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
  const { curve, curves, ...result } = JSON.parse(String(r.result)) as ReleasedTables & {
    curve?: SurvivalStep[];
    curves?: Record<string, SurvivalStep[]>;
  };
  return {
    id: String(r.id),
    study: String(r.study),
    created_at: String(r.created_at),
    query: JSON.parse(String(r.query)) as QueryV1,
    result,
    ...(curve ? { curve } : {}),
    ...(curves ? { curves } : {}),
  };
}
