/**
 * The ARE cohort and its outcomes, computed in DuckDB over the persons of a linkage run — the first
 * building block of researchers' queries (issue 6). Cohort: persons with an ARE right opening in a
 * quarter, counted once per quarter at the earliest opening month t of the quarter. Outcomes at t + k
 * months: in DSN employment (a contract with start ≤ t + k ≤ end, an empty end meaning ongoing), and
 * receiving RSA (a CNAF RSA month at t + k). Counts only; what may be released is decided by
 * src/disclosure/. Months are indexed as year · 12 + month − 1.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../extract/sql.js';

export interface QuarterCell {
  readonly quarter: string;
  readonly cohort: number;
  /** per outcome, persons with the outcome; null when t + k falls after `to` for some month of the quarter */
  readonly outcomes: Readonly<Record<string, number | null>>;
}

export interface CohortOptions {
  /** first and last month of the period, `YYYY-MM` */
  readonly from: string;
  readonly to: string;
  /** outcomes: `employed_<k>m` (DSN, any contract) and `rsa_<k>m` (CNAF) */
  readonly outcomes: readonly {
    readonly name: string;
    readonly kind: 'employed' | 'rsa';
    readonly k: number;
  }[];
}

const monthIndex = (col: string) =>
  `(CAST(substr(${col}, 1, 4) AS INTEGER) * 12 + CAST(substr(${col}, 6, 2) AS INTEGER) - 1)`;
const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;

/** `db` is the hub database's catalog (e.g. `main`, or an attached alias). */
export async function areCohortByQuarter(
  conn: DuckDBConnection,
  db: string,
  runId: string,
  o: CohortOptions,
): Promise<QuarterCell[]> {
  const from = index(o.from);
  const to = index(o.to);
  const outcomeCols = o.outcomes
    .map((x) => {
      const exists =
        x.kind === 'employed'
          ? `EXISTS (SELECT 1 FROM emp WHERE emp.person = c.person AND emp.s <= c.t + ${x.k} AND (emp.e IS NULL OR emp.e >= c.t + ${x.k}))`
          : `EXISTS (SELECT 1 FROM rsa WHERE rsa.person = c.person AND rsa.m = c.t + ${x.k})`;
      return `count(*) FILTER (WHERE ${exists}) AS "${x.name}"`;
    })
    .join(', ');
  const rows = await conn.runAndReadAll(
    `WITH p AS (SELECT person, source, extract_id, rid FROM ${db}.run_persons WHERE run_id = ${sqlString(runId)}),
     are AS (
       SELECT DISTINCT p.person, ${monthIndex('e.are_open_date')} AS m
       FROM ${db}.events_pe e JOIN p ON p.source = 'pe' AND p.extract_id = e.extract_id AND p.rid = e.rid
       WHERE e.are_open_date IS NOT NULL),
     c AS (
       SELECT person, m // 3 AS q, min(m) AS t FROM are WHERE m BETWEEN ${from} AND ${to} GROUP BY person, m // 3),
     emp AS (
       SELECT p.person, ${monthIndex('e.contract_start')} AS s,
              CASE WHEN e.contract_end IS NULL THEN NULL ELSE ${monthIndex('e.contract_end')} END AS e
       FROM ${db}.events_dsn e JOIN p ON p.source = 'dsn' AND p.extract_id = e.extract_id AND p.rid = e.rid),
     rsa AS (
       SELECT DISTINCT p.person, ${monthIndex('e.benefit_month')} AS m
       FROM ${db}.events_cnaf e JOIN p ON p.source = 'cnaf' AND p.extract_id = e.extract_id AND p.rid = e.rid
       WHERE e.benefit = 'rsa')
     SELECT c.q, count(*) AS cohort, ${outcomeCols}
     FROM c GROUP BY c.q ORDER BY c.q`,
  );
  return rows.getRowObjectsJS().map((r) => {
    const q = Number(r.q);
    const outcomes: Record<string, number | null> = {};
    for (const x of o.outcomes) {
      // complete when t + k is within the period for every month of the quarter
      outcomes[x.name] = q * 3 + 2 + x.k <= to ? Number(r[x.name]) : null;
    }
    return { quarter: `${Math.floor(q / 4)}-Q${(q % 4) + 1}`, cohort: Number(r.cohort), outcomes };
  });
}
