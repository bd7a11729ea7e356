/**
 * The ARE cohort by quarter and its outcomes computed straight from the events of a linkage run, with one
 * correlated EXISTS per outcome — a deliberately different formulation from the cohort facts (facts.ts,
 * bit masks built once per run), kept as the tests' oracle for them. Cohort: persons with an ARE right
 * opening in a quarter, counted once per quarter at the earliest opening month t of the quarter. Outcomes
 * at t + k months: see `OUTCOME_BITS` in facts.ts. Months are indexed as year · 12 + month − 1.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../extract/sql.js';
import type { OutcomeKind } from './facts.js';

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
  /** outcomes, by kind and horizon, under the names given */
  readonly outcomes: readonly {
    readonly name: string;
    readonly kind: OutcomeKind;
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
      const at = `c.t + ${x.k}`;
      const active = `emp.person = c.person AND emp.s <= ${at} AND (emp.e IS NULL OR emp.e >= ${at})`;
      const cnaf = (b: string) =>
        `EXISTS (SELECT 1 FROM cnaf WHERE cnaf.person = c.person AND cnaf.m = ${at} AND cnaf.benefit = '${b}')`;
      const exists = {
        employed: `EXISTS (SELECT 1 FROM emp WHERE ${active})`,
        employed_cdi: `EXISTS (SELECT 1 FROM emp WHERE ${active} AND emp.type = 'cdi')`,
        employed_cdd6: `EXISTS (SELECT 1 FROM emp WHERE ${active} AND emp.type = 'cdd' AND (emp.e IS NULL OR emp.e >= emp.s + 6))`,
        employed_interim: `EXISTS (SELECT 1 FROM emp WHERE ${active} AND emp.type = 'interim')`,
        rsa: cnaf('rsa'),
        ppa: cnaf('ppa'),
        pe_registered: `EXISTS (SELECT 1 FROM reg WHERE reg.person = c.person AND reg.s <= ${at} AND (reg.e IS NULL OR reg.e >= ${at}))`,
      }[x.kind];
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
              CASE WHEN e.contract_end IS NULL THEN NULL ELSE ${monthIndex('e.contract_end')} END AS e,
              e.contract_type AS type
       FROM ${db}.events_dsn e JOIN p ON p.source = 'dsn' AND p.extract_id = e.extract_id AND p.rid = e.rid),
     cnaf AS (
       SELECT p.person, ${monthIndex('e.benefit_month')} AS m, e.benefit
       FROM ${db}.events_cnaf e JOIN p ON p.source = 'cnaf' AND p.extract_id = e.extract_id AND p.rid = e.rid),
     reg AS (
       SELECT p.person, ${monthIndex('e.reg_start')} AS s,
              CASE WHEN e.reg_end IS NULL THEN NULL ELSE ${monthIndex('e.reg_end')} END AS e
       FROM ${db}.events_pe e JOIN p ON p.source = 'pe' AND p.extract_id = e.extract_id AND p.rid = e.rid)
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
