/**
 * The researcher query language, version 1, and its computation into count tables over the persons of a
 * linkage run (issue 6). A query names a cohort (persons with an ARE right opening in a range of quarters,
 * once per quarter at the earliest opening month t, exactly as `cohort.ts`), outcomes at t + k months
 * (`employed`: a DSN contract active, any type; `rsa`: a CNAF RSA month) and up to three breakdowns
 * (`quarter`, `sex`, `age_band`). The result is the count table and one numerator table per outcome, all
 * margins included, in the table model of `src/disclosure/table.ts`; nothing here decides what may be
 * released — `src/disclosure/` does. Months are indexed as year · 12 + month − 1.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import type { SurvivalInput } from '../disclosure/survival.js';
import { buildTable, type Table } from '../disclosure/table.js';
import { sqlString } from '../extract/sql.js';

/** Horizons k (months after the opening) a query may ask for. */
export const OUTCOME_HORIZONS = [3, 6, 12, 18, 24] as const;
export const OUTCOME_KINDS = ['employed', 'rsa'] as const;
export const BREAKDOWNS = ['quarter', 'sex', 'age_band'] as const;
export const MAX_OUTCOMES = 6;
/** Categories of the fixed domains: every category is a row of the table, present in the data or not. */
export const SEX_CATEGORIES = ['1', '2', 'unknown'] as const;
export const AGE_BANDS = ['<25', '25-34', '35-44', '45-54', '55+', 'unknown'] as const;

export type Breakdown = (typeof BREAKDOWNS)[number];

const unique = <T>(xs: readonly T[], key: (x: T) => string = String) =>
  new Set(xs.map(key)).size === xs.length;

const Quarter = z
  .string()
  .regex(/^\d{4}-Q[1-4]$/, 'a quarter is written YYYY-Qn')
  .describe('a calendar quarter, `YYYY-Qn` (n = 1…4)');

export const QueryOutcome = z
  .strictObject({
    kind: z
      .enum(OUTCOME_KINDS)
      .describe(
        '`employed`: a DSN contract (any type) active in month t + k; `rsa`: a CNAF RSA payment month at t + k',
      ),
    k: z.literal(OUTCOME_HORIZONS).describe('months after the opening month t'),
  })
  .describe('an outcome, reported as `<kind>_<k>m`');
export type QueryOutcome = z.infer<typeof QueryOutcome>;

export const QueryV1 = z
  .strictObject({
    version: z.literal(1).describe('version of the query language'),
    cohort: z
      .strictObject({
        are_opening: z
          .strictObject({ from: Quarter, to: Quarter })
          .refine((r) => r.from <= r.to, { message: '`from` is after `to`', path: ['to'] })
          .describe(
            'persons with an ARE right opening in a quarter of [from, to], counted once per quarter at the earliest opening month t of the quarter',
          ),
      })
      .describe('the cohort'),
    outcomes: z
      .array(QueryOutcome)
      .min(1)
      .max(MAX_OUTCOMES)
      .refine((xs) => unique(xs, outcomeName), { message: 'an outcome is asked for twice' })
      .describe('1–6 distinct outcomes, each counted as a numerator over the cohort'),
    time_to_contract: z
      .strictObject({ horizon: z.number().int().min(1).max(36) })
      .optional()
      .describe('also a Kaplan–Meier curve of the months from t to the first DSN contract, up to `horizon`'),
    breakdowns: z
      .array(z.enum(BREAKDOWNS))
      .max(BREAKDOWNS.length)
      .refine((xs) => unique(xs), { message: 'a breakdown is asked for twice' })
      .describe(
        'dimensions of the tables, in this order (none: one `all` cell). `quarter` of the opening; `sex` of the PE identity (1, 2, unknown); `age_band`: age reached in the opening year — opening year − birth year, the hub holding no birth month by data minimisation (<25, 25-34, 35-44, 45-54, 55+, unknown)',
      ),
  })
  .describe('a researcher query, version 1: a cohort, its outcomes and the breakdowns of the tables');
export type QueryV1 = z.infer<typeof QueryV1>;

/** `employed_12m`, `rsa_6m`… — the key of an outcome in results. */
export function outcomeName(o: QueryOutcome): string {
  return `${o.kind}_${o.k}m`;
}

export interface QueryDim {
  readonly name: string;
  readonly categories: readonly string[];
}

export interface QueryResult {
  /** in breakdown order; with no breakdown, one dimension `all` with one category `all` (a table has ≥ 1) */
  readonly dims: readonly QueryDim[];
  /** cohort sizes, margins included */
  readonly counts: Table;
  /** per outcome name, persons with the outcome; same shape as `counts` */
  readonly numerators: Readonly<Record<string, Table>>;
  /** outcomes whose t + k falls after `period.to` for some month of the cohort: their values must be withheld */
  readonly incomplete: readonly string[];
  /** distinct person ids of the cohort, ascending — for the differencing guard, never released */
  readonly persons: readonly number[];
}

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month is written YYYY-MM');
const monthIndex = (col: string) =>
  `(CAST(substr(${col}, 1, 4) AS INTEGER) * 12 + CAST(substr(${col}, 6, 2) AS INTEGER) - 1)`;
const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const quarterIndex = (q: string) => Number(q.slice(0, 4)) * 4 + Number(q.slice(6, 7)) - 1;
const quarterLabel = (q: number) => `${Math.floor(q / 4)}-Q${(q % 4) + 1}`;

/**
 * The cohort as SQL common table expressions: `p` the run's persons, `are` their ARE openings, `c0` one
 * row per person and quarter at the earliest opening month t (the record that defines t: smallest rid,
 * then extract id), with columns person, q, t, extract_id, rid.
 */
function cohortSql(db: string, runId: string, from: number, to: number): string {
  return `p AS (SELECT person, source, extract_id, rid FROM ${db}.run_persons WHERE run_id = ${sqlString(runId)}),
     are AS (
       SELECT p.person, p.extract_id, p.rid, ${monthIndex('e.are_open_date')} AS m
       FROM ${db}.events_pe e JOIN p ON p.source = 'pe' AND p.extract_id = e.extract_id AND p.rid = e.rid
       WHERE e.are_open_date IS NOT NULL),
     c0 AS (
       SELECT person, m // 3 AS q, m AS t, extract_id, rid FROM are WHERE m BETWEEN ${from} AND ${to}
       QUALIFY row_number() OVER (PARTITION BY person, m // 3 ORDER BY m, rid, extract_id) = 1)`;
}

/**
 * Time to the first DSN contract starting at or after t, per cohort member (a person once per quarter),
 * censored at the end of the data — the input of a Kaplan–Meier curve (src/disclosure/survival.ts).
 */
export async function timeToFirstContract(
  conn: DuckDBConnection,
  db: string,
  runId: string,
  q: QueryV1,
  period: { readonly to: string },
): Promise<SurvivalInput[]> {
  const query = QueryV1.parse(q);
  const end = index(Month.parse(period.to));
  const from = quarterIndex(query.cohort.are_opening.from) * 3;
  const to = quarterIndex(query.cohort.are_opening.to) * 3 + 2;
  const rows = await conn.runAndReadAll(
    `WITH ${cohortSql(db, runId, from, to)},
     starts AS (
       SELECT p.person, ${monthIndex('e.contract_start')} AS s
       FROM ${db}.events_dsn e JOIN p ON p.source = 'dsn' AND p.extract_id = e.extract_id AND p.rid = e.rid)
     SELECT c.t, (SELECT min(s) FROM starts WHERE starts.person = c.person AND starts.s >= c.t) AS first
     FROM c0 c WHERE c.t <= ${end}`,
  );
  return rows.getRows().map((r) => {
    const t = Number(r[0]);
    const first = r[1] === null ? null : Number(r[1]);
    return first !== null && first <= end
      ? { time: first - t, event: true }
      : { time: end - t, event: false };
  });
}

/** The age band from the age reached in the opening year (SQL over `t` and `birth_year`). */
const AGE_BAND_SQL = `CASE
  WHEN i.birth_year IS NULL OR c.t // 12 - i.birth_year < 0 THEN 'unknown'
  WHEN c.t // 12 - i.birth_year < 25 THEN '<25'
  WHEN c.t // 12 - i.birth_year < 35 THEN '25-34'
  WHEN c.t // 12 - i.birth_year < 45 THEN '35-44'
  WHEN c.t // 12 - i.birth_year < 55 THEN '45-54'
  ELSE '55+' END`;

/**
 * Computes a query over the persons of linkage run `runId`, in one DuckDB query grouped by the breakdowns.
 * `db` is the hub database's catalog (`main`, or an attached alias); `period.to` is the last month of data.
 * Sex and birth year come from the PE identity of the record whose ARE opening defines t (the smallest
 * rid, then extract id, when several records of the person open at t) — deterministic, and the record
 * that put the person in the cohort. Throws a `ZodError` for an invalid query, or a cohort that ends
 * after `period.to`.
 *
 * @example
 * const r = await computeQuery(conn, 'hub', runId, {
 *   version: 1,
 *   cohort: { are_opening: { from: '2020-Q1', to: '2021-Q4' } },
 *   outcomes: [{ kind: 'employed', k: 12 }],
 *   breakdowns: ['quarter', 'sex'],
 * }, { to: '2025-12' });
 * r.counts.cells.at(-1) // the cohort size
 */
export async function computeQuery(
  conn: DuckDBConnection,
  db: string,
  runId: string,
  q: QueryV1,
  period: { readonly to: string },
): Promise<QueryResult> {
  const query = QueryV1.parse(q);
  const periodTo = index(Month.parse(period.to));
  const fromQ = quarterIndex(query.cohort.are_opening.from);
  const toQ = quarterIndex(query.cohort.are_opening.to);
  const from = fromQ * 3;
  const to = toQ * 3 + 2;
  if (to > periodTo) {
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['cohort', 'are_opening', 'to'],
        message: 'the cohort ends after the last month of data',
        input: query.cohort.are_opening.to,
      },
    ]);
  }

  const quarters = Array.from({ length: toQ - fromQ + 1 }, (_, i) => quarterLabel(fromQ + i));
  const domains: Record<Breakdown, readonly string[]> = {
    quarter: quarters,
    sex: SEX_CATEGORIES,
    age_band: AGE_BANDS,
  };
  const dims: QueryDim[] =
    query.breakdowns.length === 0
      ? [{ name: 'all', categories: ['all'] }]
      : query.breakdowns.map((b) => ({ name: b, categories: domains[b] }));
  const names = query.outcomes.map(outcomeName);

  const groupCols = query.breakdowns.map((b) => (b === 'quarter' ? 'c.q AS quarter' : `c.${b}`));
  const outcomeCols = query.outcomes.map((x, j) => {
    const exists =
      x.kind === 'employed'
        ? `EXISTS (SELECT 1 FROM emp WHERE emp.person = c.person AND emp.s <= c.t + ${x.k} AND (emp.e IS NULL OR emp.e >= c.t + ${x.k}))`
        : `EXISTS (SELECT 1 FROM rsa WHERE rsa.person = c.person AND rsa.m = c.t + ${x.k})`;
    return `count(*) FILTER (WHERE ${exists}) AS o${j}`;
  });
  const rows = await conn.runAndReadAll(
    `WITH ${cohortSql(db, runId, from, to)},
     ci AS (
       SELECT c.person, c.q, c.t,
              CASE WHEN i.sex IN ('1', '2') THEN i.sex ELSE 'unknown' END AS sex,
              ${AGE_BAND_SQL} AS age_band
       FROM c0 c LEFT JOIN ${db}.identities i ON i.source = 'pe' AND i.extract_id = c.extract_id AND i.rid = c.rid),
     emp AS (
       SELECT p.person, ${monthIndex('e.contract_start')} AS s,
              CASE WHEN e.contract_end IS NULL THEN NULL ELSE ${monthIndex('e.contract_end')} END AS e
       FROM ${db}.events_dsn e JOIN p ON p.source = 'dsn' AND p.extract_id = e.extract_id AND p.rid = e.rid),
     rsa AS (
       SELECT DISTINCT p.person, ${monthIndex('e.benefit_month')} AS m
       FROM ${db}.events_cnaf e JOIN p ON p.source = 'cnaf' AND p.extract_id = e.extract_id AND p.rid = e.rid
       WHERE e.benefit = 'rsa')
     SELECT ${[...groupCols, 'count(*) AS n', ...outcomeCols, 'list(DISTINCT c.person) AS persons'].join(', ')}
     FROM ci c ${groupCols.length > 0 ? 'GROUP BY ALL' : ''}`,
  );

  const sizes = dims.map((d) => d.categories.length);
  const interior = sizes.reduce((p, n) => p * n, 1);
  const counts = new Array<number>(interior).fill(0);
  const numerators = names.map(() => new Array<number>(interior).fill(0));
  const persons = new Set<number>();
  for (const r of rows.getRowObjectsJS()) {
    let cell = 0;
    query.breakdowns.forEach((b, d) => {
      const label = b === 'quarter' ? quarterLabel(Number(r.quarter)) : String(r[b]);
      const c = domains[b].indexOf(label);
      if (c < 0) throw new RangeError(`a ${b} category is outside its domain`);
      cell = cell * (sizes[d] as number) + c;
    });
    counts[cell] = Number(r.n);
    numerators.forEach((xs, j) => {
      xs[cell] = Number(r[`o${j}`]);
    });
    for (const p of (r.persons as readonly unknown[] | null) ?? []) persons.add(Number(p));
  }

  return {
    dims,
    counts: buildTable(sizes, counts),
    numerators: Object.fromEntries(names.map((n, j) => [n, buildTable(sizes, numerators[j] ?? [])])),
    // complete only when t + k is within the data for every month of the cohort
    incomplete: query.outcomes.filter((x) => to + x.k > periodTo).map(outcomeName),
    persons: [...persons].sort((a, b) => a - b),
  };
}
