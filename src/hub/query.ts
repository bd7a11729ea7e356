/**
 * The researcher query language, version 1, and its computation into count tables over the cohort facts
 * of a linkage run (facts.ts). A query names a cohort (persons with an ARE right opening in a range of
 * quarters, once per quarter at the earliest opening month t, optionally filtered on the breakdown
 * variables), outcomes at t + k months (facts.ts `OUTCOME_BITS`) and up to three breakdowns. The result is
 * the count table and one numerator table per outcome, all margins included, in the table model of
 * `src/disclosure/table.ts`; nothing here decides what may be released — `src/disclosure/` does. Months
 * are indexed as year · 12 + month − 1, quarters as year · 4 + quarter − 1.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import type { SurvivalInput } from '../disclosure/survival.js';
import { buildTable, type Table } from '../disclosure/table.js';
import { sqlString } from '../extract/sql.js';
import { DOMAINS, OUTCOME_BITS, OUTCOME_HORIZONS, OUTCOME_KINDS, type OutcomeKind } from './facts.js';

export { OUTCOME_HORIZONS, OUTCOME_KINDS } from './facts.js';
export const BREAKDOWNS = [
  'quarter',
  'sex',
  'age_band',
  'region',
  'allowance_band',
  'prev_contract',
] as const;
export const MAX_BREAKDOWNS = 3;
export const MAX_OUTCOMES = 12;
export type Breakdown = (typeof BREAKDOWNS)[number];
export type Variable = Exclude<Breakdown, 'quarter'>;
export const VARIABLES = BREAKDOWNS.filter((b): b is Variable => b !== 'quarter');

const unique = <T>(xs: readonly T[], key: (x: T) => string = String) =>
  new Set(xs.map(key)).size === xs.length;

const Quarter = z
  .string()
  .regex(/^\d{4}-Q[1-4]$/, 'a quarter is written YYYY-Qn')
  .describe('a calendar quarter, `YYYY-Qn` (n = 1…4)');

const categories = (v: Variable) =>
  z
    .array(z.enum(DOMAINS[v] as unknown as [string, ...string[]]))
    .min(1)
    .refine((xs) => unique(xs), { message: 'a category is listed twice' });

export const QueryFilters = z
  .strictObject({
    sex: categories('sex').optional(),
    age_band: categories('age_band').optional(),
    region: categories('region').optional(),
    allowance_band: categories('allowance_band').optional(),
    prev_contract: categories('prev_contract').optional(),
  })
  .describe('keep only the cohort members in these categories (each variable must be allowed by the study)');
export type QueryFilters = z.infer<typeof QueryFilters>;

export const QueryOutcome = z
  .strictObject({
    kind: z
      .enum(OUTCOME_KINDS as [OutcomeKind, ...OutcomeKind[]])
      .describe(
        `${OUTCOME_KINDS.map((k) => `\`${k}\`: ${OUTCOME_BITS[k].definition}`).join('; ')} — in month t + k`,
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
        filters: QueryFilters.optional(),
      })
      .describe('the cohort'),
    outcomes: z
      .array(QueryOutcome)
      .min(1)
      .max(MAX_OUTCOMES)
      .refine((xs) => unique(xs, outcomeName), { message: 'an outcome is asked for twice' })
      .describe(`1–${MAX_OUTCOMES} distinct outcomes, each counted as a numerator over the cohort`),
    time_to_contract: z
      .strictObject({
        horizon: z.number().int().min(1).max(36),
        by: z.enum(BREAKDOWNS).optional().describe('one curve per category of this breakdown'),
      })
      .optional()
      .describe('also a Kaplan–Meier curve of the months from t to the first DSN contract, up to `horizon`'),
    breakdowns: z
      .array(z.enum(BREAKDOWNS))
      .max(MAX_BREAKDOWNS)
      .refine((xs) => unique(xs), { message: 'a breakdown is asked for twice' })
      .describe(
        'dimensions of the tables, in this order (none: one `all` cell). `quarter` of the opening; `sex` of the PE identity (1, 2, unknown); `age_band`: age reached in the opening year — opening year − birth year, the hub holding no birth month by data minimisation (<25, 25-34, 35-44, 45-54, 55+, unknown); `region` of residence at the opening (INSEE region code from the PE département; `other`: overseas collectivities); `allowance_band`: gross daily ARE allowance, euros; `prev_contract`: type of the last DSN contract started before t (`none`)',
      ),
  })
  .describe('a researcher query, version 1: a cohort, its outcomes and the breakdowns of the tables');
export type QueryV1 = z.infer<typeof QueryV1>;

/** The variables a query uses: its breakdowns, its filters and its curves' breakdown. */
export function variablesOf(q: QueryV1): Breakdown[] {
  const used = new Set<Breakdown>(q.breakdowns);
  for (const v of Object.keys(q.cohort.filters ?? {})) used.add(v as Breakdown);
  if (q.time_to_contract?.by) used.add(q.time_to_contract.by);
  return [...used];
}

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
  /** outcomes whose t + k falls after the end of the data for some month of the cohort: withheld */
  readonly incomplete: readonly string[];
}

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month is written YYYY-MM');
const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const quarterIndex = (q: string) => Number(q.slice(0, 4)) * 4 + Number(q.slice(6, 7)) - 1;
export const quarterLabel = (q: number) => `${Math.floor(q / 4)}-Q${(q % 4) + 1}`;

/** The quarters of the cohort's range, as labels. */
export function quartersOf(q: QueryV1): string[] {
  const from = quarterIndex(q.cohort.are_opening.from);
  const to = quarterIndex(q.cohort.are_opening.to);
  return Array.from({ length: to - from + 1 }, (_, i) => quarterLabel(from + i));
}

/** The categories of a breakdown in a query (every one is a row of the table, present in the data or not). */
export function domainOf(q: QueryV1, b: Breakdown): readonly string[] {
  return b === 'quarter' ? quartersOf(q) : DOMAINS[b];
}

/**
 * The cohort as a SQL predicate over `cohort_facts` rows: the quarter range and the filters. Every value
 * comes from the validated query (quarters parsed, categories from fixed domains) and is quoted.
 */
export function cohortPredicate(q: QueryV1): string {
  const from = quarterIndex(q.cohort.are_opening.from);
  const to = quarterIndex(q.cohort.are_opening.to);
  const parts = [`q BETWEEN ${from} AND ${to}`];
  for (const v of VARIABLES) {
    const cats = q.cohort.filters?.[v];
    if (cats) parts.push(`${v} IN (${[...cats].sort().map(sqlString).join(', ')})`);
  }
  return parts.join(' AND ');
}

/** The last month of data of a run's facts, `YYYY-MM`; undefined when the facts are not built. */
export async function factsEnd(
  conn: DuckDBConnection,
  db: string,
  runId: string,
): Promise<string | undefined> {
  const r = await conn.runAndReadAll(
    `SELECT data_end FROM ${db}.run_facts WHERE run_id = ${sqlString(runId)}`,
  );
  const row = r.getRows()[0];
  return row ? String(row[0]) : undefined;
}

function checkRange(query: QueryV1, end: string): void {
  const to = quarterIndex(query.cohort.are_opening.to) * 3 + 2;
  if (to > index(Month.parse(end))) {
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['cohort', 'are_opening', 'to'],
        message: 'the cohort ends after the last month of data',
        input: query.cohort.are_opening.to,
      },
    ]);
  }
}

/**
 * Time to the first DSN contract starting at or after t, per cohort member (a person once per quarter),
 * censored at the end of the data — the input of a Kaplan–Meier curve (src/disclosure/survival.ts); with
 * `time_to_contract.by`, one input per category of that breakdown.
 */
export async function timeToFirstContract(
  conn: DuckDBConnection,
  db: string,
  runId: string,
  q: QueryV1,
): Promise<Map<string, SurvivalInput[]>> {
  const query = QueryV1.parse(q);
  const endMonth = await factsEnd(conn, db, runId);
  if (endMonth === undefined) throw new RangeError('the facts of the run are not built');
  checkRange(query, endMonth);
  const end = index(endMonth);
  const by = query.time_to_contract?.by;
  const rows = await conn.runAndReadAll(
    `SELECT t, first_contract${by ? `, ${by === 'quarter' ? 'q' : by}` : ''}
     FROM ${db}.cohort_facts WHERE run_id = ${sqlString(runId)} AND ${cohortPredicate(query)}
     ORDER BY person, q`,
  );
  const out = new Map<string, SurvivalInput[]>();
  for (const r of rows.getRows()) {
    const t = Number(r[0]);
    const first = r[1] === null ? null : Number(r[1]);
    const key = by ? (by === 'quarter' ? quarterLabel(Number(r[2])) : String(r[2])) : 'all';
    const list = out.get(key) ?? [];
    out.set(key, list);
    list.push(
      first !== null && t + first <= end ? { time: first, event: true } : { time: end - t, event: false },
    );
  }
  return out;
}

/**
 * Computes a query over the cohort facts of linkage run `runId`, in one GROUP BY. `db` is the hub
 * database's catalog (`main`, or an attached alias). Throws a `ZodError` for an invalid query, or a cohort
 * that ends after the run's last month of data; a RangeError when the run's facts are not built.
 *
 * @example
 * const r = await computeQuery(conn, 'hub', runId, {
 *   version: 1,
 *   cohort: { are_opening: { from: '2020-Q1', to: '2021-Q4' }, filters: { sex: ['2'] } },
 *   outcomes: [{ kind: 'employed_cdi', k: 12 }],
 *   breakdowns: ['quarter', 'age_band'],
 * });
 * r.counts.cells.at(-1) // the cohort size
 */
export async function computeQuery(
  conn: DuckDBConnection,
  db: string,
  runId: string,
  q: QueryV1,
): Promise<QueryResult> {
  const query = QueryV1.parse(q);
  const endMonth = await factsEnd(conn, db, runId);
  if (endMonth === undefined) throw new RangeError('the facts of the run are not built');
  checkRange(query, endMonth);
  const periodTo = index(endMonth);
  const to = quarterIndex(query.cohort.are_opening.to) * 3 + 2;

  const domains = query.breakdowns.map((b) => domainOf(query, b));
  const dims: QueryDim[] =
    query.breakdowns.length === 0
      ? [{ name: 'all', categories: ['all'] }]
      : query.breakdowns.map((b, d) => ({ name: b, categories: domains[d] as readonly string[] }));
  const names = query.outcomes.map(outcomeName);
  const groupCols = query.breakdowns.map((b) => (b === 'quarter' ? 'q AS quarter' : b));
  const outcomeCols = query.outcomes.map(
    (x, j) => `count(*) FILTER (WHERE (o${x.k} & ${1 << OUTCOME_BITS[x.kind].bit}) <> 0) AS o${j}`,
  );
  const rows = await conn.runAndReadAll(
    `SELECT ${[...groupCols, 'count(*) AS n', ...outcomeCols].join(', ')}
     FROM ${db}.cohort_facts WHERE run_id = ${sqlString(runId)} AND ${cohortPredicate(query)}
     ${groupCols.length > 0 ? 'GROUP BY ALL' : ''}`,
  );

  const sizes = dims.map((d) => d.categories.length);
  const interior = sizes.reduce((p, n) => p * n, 1);
  const counts = new Array<number>(interior).fill(0);
  const numerators = names.map(() => new Array<number>(interior).fill(0));
  for (const r of rows.getRowObjectsJS()) {
    let cell = 0;
    query.breakdowns.forEach((b, d) => {
      const label = b === 'quarter' ? quarterLabel(Number(r.quarter)) : String(r[b]);
      const c = (domains[d] as readonly string[]).indexOf(label);
      if (c < 0) throw new RangeError(`a ${b} category is outside its domain`);
      cell = cell * (sizes[d] as number) + c;
    });
    counts[cell] = Number(r.n);
    numerators.forEach((xs, j) => {
      xs[cell] = Number(r[`o${j}`]);
    });
  }

  return {
    dims,
    counts: buildTable(sizes, counts),
    numerators: Object.fromEntries(names.map((n, j) => [n, buildTable(sizes, numerators[j] ?? [])])),
    // complete only when t + k is within the data for every month of the cohort
    incomplete: query.outcomes.filter((x) => to + x.k > periodTo).map(outcomeName),
  };
}

/**
 * Persons in one cohort and not the other, for the differencing guard: the new cohort against each
 * earlier one of the same run, both given by their predicates, in one pass over the facts.
 */
export async function cohortDifferences(
  conn: DuckDBConnection,
  db: string,
  runId: string,
  fresh: string,
  earlier: readonly string[],
): Promise<{ onlyNew: number; onlyReleased: number }[]> {
  if (earlier.length === 0) return [];
  const flags = earlier.map((p, i) => `bool_or(${p}) AS r${i}`).join(', ');
  const counts = earlier
    .map((_, i) => `count(*) FILTER (WHERE n AND NOT r${i}), count(*) FILTER (WHERE r${i} AND NOT n)`)
    .join(', ');
  const r = await conn.runAndReadAll(
    `SELECT ${counts} FROM (
       SELECT person, bool_or(${fresh}) AS n, ${flags}
       FROM ${db}.cohort_facts WHERE run_id = ${sqlString(runId)} GROUP BY person)`,
  );
  const row = r.getRows()[0] ?? [];
  return earlier.map((_, i) => ({ onlyNew: Number(row[2 * i]), onlyReleased: Number(row[2 * i + 1]) }));
}

/**
 * The differencing guard at the level of cells: the rows (person × quarter) in exactly one of two cohorts,
 * counted in every cell both releases could show — every grouping of the breakdowns they share, down to
 * the whole cohort. A count between 1 and `threshold − 1` means two released cells of the same definition
 * would differ by a few rows: subtracting them tells about those persons. Returns the smallest such count
 * (0: none).
 */
export async function smallestCellDifference(
  conn: DuckDBConnection,
  db: string,
  runId: string,
  fresh: QueryV1,
  earlier: QueryV1,
  threshold: number,
): Promise<number> {
  const shared = fresh.breakdowns
    .filter((b) => earlier.breakdowns.includes(b))
    .map((b) => (b === 'quarter' ? 'q' : b));
  const sets: string[][] = [[]];
  for (const col of shared) for (const set of [...sets]) sets.push([...set, col]);
  const r = await conn.runAndReadAll(
    `SELECT min(n) FROM (
       SELECT count(*) AS n FROM ${db}.cohort_facts
       WHERE run_id = ${sqlString(runId)} AND ((${cohortPredicate(fresh)}) <> (${cohortPredicate(earlier)}))
       GROUP BY GROUPING SETS (${sets.map((set) => `(${set.join(', ')})`).join(', ')}))
     WHERE n BETWEEN 1 AND ${Math.max(0, Math.floor(threshold) - 1)}`,
  );
  const v = r.getRows()[0]?.[0];
  return v === null || v === undefined ? 0 : Number(v);
}
