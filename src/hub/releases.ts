/**
 * Answering a researcher's query: validate it against the study, compute its tables over the persons of
 * the linkage run in use, refuse it when its cohort differs from an already released one of the study by
 * fewer than the threshold (cohorts are compared through their definitions over the run's cohort facts:
 * no list of persons is kept per release), spend the privacy budget when the study uses noise, apply
 * disclosure control, then store the release and the audit entry in one transaction. Refusals are audited too. The response holds aggregates only.
 */
import { randomInt } from 'node:crypto';
import { ZodError } from 'zod';
import { auditCombined, type ReleasedQuery } from '../disclosure/combined.js';
import { differencingVerdict } from '../disclosure/differencing.js';
import { BudgetExhausted, PrivacyBudget, type Rng } from '../disclosure/dp.js';
import type { DisclosurePolicy } from '../disclosure/policy.js';
import { type Protected, protectTables, type ReleasedTables, renderTables } from '../disclosure/release.js';
import { kaplanMeier, releaseCurve, type SurvivalInput, type SurvivalStep } from '../disclosure/survival.js';
import type { Table } from '../disclosure/table.js';
import { sqlString } from '../extract/sql.js';
import { appendAudit, audit } from './audit.js';
import { buildFacts } from './facts.js';
import type { LinkageRuns } from './linkage-runs.js';
import { ProblemError } from './problems.js';
import {
  BREAKDOWNS,
  cohortDifferences,
  cohortPredicate,
  computeQuery,
  domainOf,
  MAX_BREAKDOWNS,
  MAX_OUTCOMES,
  outcomeName,
  type QueryResult,
  QueryV1,
  smallestCellDifference,
  timeToFirstContract,
  variablesOf,
} from './query.js';
import type { Store } from './store.js';
import { getStudy, type Study } from './studies.js';

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

/** A release's masks as stored (older releases carry no per-outcome flag: a count hides its outcomes). */
function storedMasks(
  r: ReleasedTables,
  names: readonly string[],
): { count: Uint8Array; outcome: Uint8Array[] } {
  return {
    count: Uint8Array.from(r.cells, (c) => (c.count === null ? 1 : 0)),
    outcome: names.map((o) =>
      Uint8Array.from(r.cells, (c) => (c.count === null || c.outcomes[o]?.suppressed ? 1 : 0)),
    ),
  };
}

/** Above this many cube values (cells × (1 + outcomes)), a combination is refused rather than audited. */
export const COMBINED_AUDIT_MAX = 40_000;

/**
 * The new release audited together with the releases of the study with the same cohort (same run, same
 * definition): their tables are margins of one cube (disclosure/combined.ts). Releases that asked the
 * same breakdowns and outcomes add nothing to each other and are counted once. Studies with rounding or
 * noise are not audited this way: their released values are not the exact margins.
 */
async function auditWithEarlier(
  store: Store,
  runId: string,
  study: Study,
  q: QueryV1,
  fresh: { computed: QueryResult; protection: Protected },
): Promise<{ exposed: number; targets: number }> {
  const rows = await store.read(
    'SELECT id, query FROM releases WHERE study = $s AND run_id = $r ORDER BY created_at',
    { s: study.id, r: runId },
  );
  const predicate = cohortPredicate(q);
  const signature = (x: QueryV1) => JSON.stringify([x.breakdowns, x.outcomes]);
  const seen = new Set([signature(q)]);
  const earlier: { query: QueryV1; result: ReleasedTables }[] = [];
  for (const r of rows) {
    const query = QueryV1.parse(JSON.parse(String(r.query)));
    if (cohortPredicate(query) !== predicate || seen.has(signature(query))) continue;
    seen.add(signature(query));
    const [stored] = await store.read('SELECT result FROM releases WHERE id = $id', { id: String(r.id) });
    earlier.push({ query, result: JSON.parse(String(stored?.result)) as ReleasedTables });
  }
  if (earlier.length === 0) return { exposed: 0, targets: 0 };
  const vars = BREAKDOWNS.filter((b) =>
    [q, ...earlier.map((e) => e.query)].some((x) => x.breakdowns.includes(b)),
  );
  const dims = vars.map((v) => domainOf(q, v).length);
  const names = new Set([q, ...earlier.map((e) => e.query)].flatMap((x) => x.outcomes.map(outcomeName)));
  if (dims.reduce((p, n) => p * (n + 1), 1) * (1 + names.size) > COMBINED_AUDIT_MAX) {
    return { exposed: 1, targets: 0 };
  }
  const toRelease = (
    query: QueryV1,
    computed: QueryResult,
    masks: { count: Uint8Array; outcome: Uint8Array[] },
    released: readonly string[],
  ): ReleasedQuery => ({
    vars: query.breakdowns,
    counts: computed.counts,
    countMask: masks.count,
    numerators: released.map((name, k) => ({
      name,
      table: computed.numerators[name] as Table,
      mask: masks.outcome[k] as Uint8Array,
    })),
  });
  const releases: ReleasedQuery[] = [
    toRelease(
      q,
      fresh.computed,
      { count: fresh.protection.joint.counts, outcome: [...fresh.protection.joint.numerators] },
      fresh.protection.released,
    ),
  ];
  for (const e of earlier) {
    const { computed } = await prepare(store, runId, e.query, study.policy);
    const released = Object.keys(computed.numerators).filter((o) => !computed.incomplete.includes(o));
    releases.push(toRelease(e.query, computed, storedMasks(e.result, released), released));
  }
  // the true cube, when it is itself a query the language can express: a known solution for the audit
  let truth: QueryResult | undefined;
  if (vars.length <= MAX_BREAKDOWNS && names.size <= MAX_OUTCOMES) {
    const outcomes = [...names].map((n) => {
      const m = /^(.*)_(\d+)m$/.exec(n) as RegExpExecArray;
      return { kind: m[1], k: Number(m[2]) };
    });
    truth = (
      await prepare(
        store,
        runId,
        QueryV1.parse({ ...q, outcomes, breakdowns: vars, time_to_contract: undefined }),
        study.policy,
      )
    ).computed;
  }
  return auditCombined(vars, dims, releases, study.policy.threshold, truth);
}

/** One release at a time per study: the checks against earlier releases see every one of them. */
const studyQueues = new WeakMap<Store, Map<string, Promise<unknown>>>();

export function answerQuery(
  store: Store,
  runs: LinkageRuns,
  study: Study,
  body: unknown,
  actor: string,
): Promise<Release> {
  const queues = studyQueues.get(store) ?? new Map<string, Promise<unknown>>();
  studyQueues.set(store, queues);
  const run = () => answerInTurn(store, runs, study, body, actor);
  const turn = (queues.get(study.id) ?? Promise.resolve()).then(run, run);
  const settled = turn.catch(() => undefined);
  queues.set(study.id, settled);
  void settled.then(() => {
    if (queues.get(study.id) === settled) queues.delete(study.id);
  });
  return turn;
}

async function answerInTurn(
  store: Store,
  runs: LinkageRuns,
  asked: Study,
  body: unknown,
  actor: string,
): Promise<Release> {
  // read again in turn: the budget spent by the release before this one counts
  const study = (await getStudy(store, asked.id)) ?? asked;
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
    if (q.time_to_contract && (study.policy.rounding || study.policy.dp)) {
      // a curve's steps carry exact counts (the cohort size at month 0): not in studies that promise
      // rounded or noisy values
      throw new ProblemError(
        'query-not-allowed',
        'survival curves are not released in studies with rounding or noise',
      );
    }
    const runId = await runs.currentRun();
    if (!runId) throw new ProblemError('no-linkage');
    await ensureFacts(store, runId);
    // The earlier releases of the study — on any linkage run: their cohorts are re-derived from their
    // definitions over the current run's facts, so a new run does not reset the guard.
    const earlier = (await store.read('SELECT query FROM releases WHERE study = $s', { s: study.id })).map(
      (r) => QueryV1.parse(JSON.parse(String(r.query))),
    );
    const fresh = cohortPredicate(q);
    const others = [...new Set(earlier.map(cohortPredicate))].filter((p) => p !== fresh);
    // each distinct earlier cohort with the breakdowns it was released by, once
    const pairs = new Map<string, QueryV1>();
    for (const e of earlier) {
      if (cohortPredicate(e) === fresh) continue;
      pairs.set(JSON.stringify([cohortPredicate(e), [...e.breakdowns].sort()]), e);
    }
    const conn = await store.connect();
    let overlaps: { onlyNew: number; onlyReleased: number }[];
    let smallestCell = 0;
    try {
      overlaps = await cohortDifferences(conn, 'main', runId, fresh, others);
      for (const e of pairs.values()) {
        const d = await smallestCellDifference(conn, 'main', runId, q, e, study.policy.threshold);
        if (d > 0) {
          smallestCell = d;
          break;
        }
      }
    } finally {
      conn.closeSync();
    }
    const verdict = differencingVerdict(
      overlaps.map((o, i) => ({ release: String(i), ...o })),
      study.policy.threshold,
    );
    if (smallestCell > 0) throw new ProblemError('differencing-refused');
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
    if (!study.policy.rounding && !study.policy.dp) {
      const combined = await auditWithEarlier(store, runId, study, q, { computed, protection });
      if (combined.exposed > 0) throw new ProblemError('combination-refused');
    }
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
