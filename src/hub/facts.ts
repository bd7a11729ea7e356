/**
 * The cohort facts of a linkage run: one row per ARE cohort member (a person once per quarter of ARE
 * opening, at the earliest opening month t of the quarter, defined by the smallest rid then extract id
 * among the person's PE records opening at t), with everything a query may filter, break down or count,
 * computed once when the run succeeds — so that a researcher's query is one GROUP BY over a small table
 * instead of joins over every event. Internal: never released (person ids stay in the hub).
 *
 * Columns: `person`, `q` (quarter index year · 4 + quarter − 1), `t` (month index year · 12 + month − 1),
 * the breakdown variables (`sex`, `age_band`, `region`, `allowance_band`, `prev_contract` — the contract
 * started last before t, ties broken by end then type so that row order never matters —, each with an
 * `unknown` or `none` category), one bit mask per horizon k (`o3`… `o24`: bit j set when outcome kind j
 * holds in month t + k — see `OUTCOME_BITS`), and `first_contract`, the months from t to the first DSN
 * contract starting at or after t (NULL: none in the data). `run_facts` records the run's last month of
 * data, which bounds the horizons a query may ask for.
 */
import { createRequire } from 'node:module';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DAILY_ALLOWANCE_BANDS } from '../core/fields.js';
import { sqlString } from '../extract/sql.js';

/** Horizons k (months after the opening) a query may ask for: one bit-mask column each. */
export const OUTCOME_HORIZONS = [3, 6, 12, 18, 24] as const;

/** Outcome kinds and their bit in the per-horizon masks, with their definition at month t + k. */
export const OUTCOME_BITS = {
  employed: {
    bit: 0,
    definition: 'a DSN contract of any type active (start ≤ t + k ≤ end; no end: ongoing)',
  },
  employed_cdi: { bit: 1, definition: 'a DSN contract of type CDI active' },
  employed_cdd6: {
    bit: 2,
    definition: 'a DSN CDD active whose end month is at least 6 months after its start month (or no end)',
  },
  employed_interim: { bit: 3, definition: 'a DSN interim (temporary agency) contract active' },
  rsa: { bit: 4, definition: 'a CNAF RSA payment month' },
  ppa: { bit: 5, definition: 'a CNAF prime d’activité payment month' },
  pe_registered: {
    bit: 6,
    definition: 'a PE registration spell covering the month (start ≤ t + k ≤ end; no end: ongoing)',
  },
} as const;
export type OutcomeKind = keyof typeof OUTCOME_BITS;
export const OUTCOME_KINDS = Object.keys(OUTCOME_BITS) as OutcomeKind[];

/**
 * The event fields the facts read, per source (every other event field is stored but read by no query).
 * A test checks this list against the SQL below; the CNIL dossier's data dictionary is generated from it.
 */
export const FACT_INPUTS = {
  pe: ['are_open_date', 'residence_dept', 'are_daily_allowance', 'reg_start', 'reg_end'],
  dsn: ['contract_start', 'contract_end', 'contract_type'],
  cnaf: ['benefit_month', 'benefit'],
} as const satisfies Record<'pe' | 'dsn' | 'cnaf', readonly string[]>;

export const SEX_CATEGORIES = ['1', '2', 'unknown'] as const;
export const AGE_BANDS = ['<25', '25-34', '35-44', '45-54', '55+', 'unknown'] as const;
export const CONTRACT_CATEGORIES = ['cdi', 'cdd', 'interim', 'apprenticeship', 'other', 'none'] as const;

const require = createRequire(import.meta.url);
const departements = require('@etalab/decoupage-administratif/data/departements.json') as {
  code: string;
  region: string;
}[];
const regionList = require('@etalab/decoupage-administratif/data/regions.json') as {
  code: string;
  nom: string;
}[];
/** Regions (INSEE codes, the 18 of 2016), `other` (overseas collectivities), `unknown`. */
export const REGIONS: readonly string[] = [
  ...regionList.filter((r) => r.code.length === 2).map((r) => r.code),
  'other',
  'unknown',
];
export const REGION_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  regionList.map((r) => [r.code, r.nom]),
);

/** Daily allowance bands as labels: `0-30`, `30-40`… `100+`, `unknown`. */
export const ALLOWANCE_BANDS: readonly string[] = [
  ...DAILY_ALLOWANCE_BANDS.map((lo, i) => {
    const hi = DAILY_ALLOWANCE_BANDS[i + 1];
    return hi === undefined ? `${lo}+` : `${lo}-${hi}`;
  }),
  'unknown',
];

/** The category domain of each breakdown variable but `quarter` (whose domain is the query's range). */
export const DOMAINS = {
  sex: SEX_CATEGORIES,
  age_band: AGE_BANDS,
  region: REGIONS,
  allowance_band: ALLOWANCE_BANDS,
  prev_contract: CONTRACT_CATEGORIES,
} as const;

const monthIndex = (col: string) =>
  `(CAST(substr(${col}, 1, 4) AS INTEGER) * 12 + CAST(substr(${col}, 6, 2) AS INTEGER) - 1)`;

const ageBandSql = (age: string) => `CASE
  WHEN ${age} IS NULL OR ${age} < 0 THEN 'unknown'
  WHEN ${age} < 25 THEN '<25' WHEN ${age} < 35 THEN '25-34' WHEN ${age} < 45 THEN '35-44'
  WHEN ${age} < 55 THEN '45-54' ELSE '55+' END`;

const allowanceSql = (col: string) =>
  `CASE ${DAILY_ALLOWANCE_BANDS.map((lo, i) => `WHEN ${col} = ${lo} THEN ${sqlString(ALLOWANCE_BANDS[i] as string)}`).join(' ')} ELSE 'unknown' END`;

const regionValues = departements.map((d) => `(${sqlString(d.code)}, ${sqlString(d.region)})`).join(', ');

/** `bit_or` over one horizon: the bits of the kinds that hold at t + k for one event row. */
function horizonBits(k: number, rows: 'dsn' | 'cnaf' | 'pe'): string {
  const at = `c.t + ${k}`;
  const b = (kind: OutcomeKind) => 1 << OUTCOME_BITS[kind].bit;
  switch (rows) {
    case 'dsn':
      return `bit_or(CASE WHEN d.s <= ${at} AND (d.e IS NULL OR d.e >= ${at}) THEN
        ${b('employed')}
        | CASE WHEN d.type = 'cdi' THEN ${b('employed_cdi')} ELSE 0 END
        | CASE WHEN d.type = 'cdd' AND (d.e IS NULL OR d.e - d.s >= 6) THEN ${b('employed_cdd6')} ELSE 0 END
        | CASE WHEN d.type = 'interim' THEN ${b('employed_interim')} ELSE 0 END
        ELSE 0 END)`;
    case 'cnaf':
      return `bit_or(CASE WHEN f.m = ${at} THEN (CASE f.benefit WHEN 'rsa' THEN ${b('rsa')} WHEN 'ppa' THEN ${b('ppa')} ELSE 0 END) ELSE 0 END)`;
    case 'pe':
      return `bit_or(CASE WHEN r.s <= ${at} AND (r.e IS NULL OR r.e >= ${at}) THEN ${b('pe_registered')} ELSE 0 END)`;
  }
}

/**
 * Builds the facts of run `runId` into `cohort_facts` and `run_facts` (replacing any), on connection
 * `conn` — inside the transaction that marks the run succeeded, so a run is never visible without them.
 * Returns the number of rows.
 */
export async function buildFacts(conn: DuckDBConnection, runId: string): Promise<number> {
  const run = sqlString(runId);
  const hs = OUTCOME_HORIZONS;
  await conn.run(`DELETE FROM cohort_facts WHERE run_id = ${run}`);
  await conn.run(`DELETE FROM run_facts WHERE run_id = ${run}`);
  await conn.run(
    `INSERT INTO cohort_facts
     WITH p AS (SELECT person, source, extract_id, rid FROM run_persons WHERE run_id = ${run}),
     are AS (
       SELECT p.person, p.extract_id, p.rid, ${monthIndex('e.are_open_date')} AS m,
              e.residence_dept AS dept, e.are_daily_allowance AS allowance
       FROM events_pe e JOIN p ON p.source = 'pe' AND p.extract_id = e.extract_id AND p.rid = e.rid
       WHERE e.are_open_date IS NOT NULL),
     c AS (
       SELECT row_number() OVER (ORDER BY person, m) AS row, person, m // 3 AS q, m AS t, extract_id, rid, dept, allowance
       FROM are
       QUALIFY row_number() OVER (PARTITION BY person, m // 3 ORDER BY m, rid, extract_id) = 1),
     dsn AS (
       SELECT p.person, ${monthIndex('e.contract_start')} AS s,
              CASE WHEN e.contract_end IS NULL THEN NULL ELSE ${monthIndex('e.contract_end')} END AS e,
              e.contract_type AS type
       FROM events_dsn e JOIN p ON p.source = 'dsn' AND p.extract_id = e.extract_id AND p.rid = e.rid),
     cnaf AS (
       SELECT DISTINCT p.person, ${monthIndex('e.benefit_month')} AS m, e.benefit
       FROM events_cnaf e JOIN p ON p.source = 'cnaf' AND p.extract_id = e.extract_id AND p.rid = e.rid),
     reg AS (
       SELECT p.person, ${monthIndex('e.reg_start')} AS s,
              CASE WHEN e.reg_end IS NULL THEN NULL ELSE ${monthIndex('e.reg_end')} END AS e
       FROM events_pe e JOIN p ON p.source = 'pe' AND p.extract_id = e.extract_id AND p.rid = e.rid),
     od AS (
       SELECT c.row, ${hs.map((k) => `${horizonBits(k, 'dsn')} AS o${k}`).join(', ')},
              min(d.s) FILTER (WHERE d.s >= c.t) - any_value(c.t) AS first_contract,
              -- the latest start before t; ties broken by end (open last), then type: never by row order
              (max(struct_pack(s := d.s, e := coalesce(d.e, 1000000), t := d.type)) FILTER (WHERE d.s < c.t)).t
                AS prev_contract
       FROM c JOIN dsn d ON d.person = c.person GROUP BY c.row),
     oc AS (
       SELECT c.row, ${hs.map((k) => `${horizonBits(k, 'cnaf')} AS o${k}`).join(', ')}
       FROM c JOIN cnaf f ON f.person = c.person AND f.m BETWEEN c.t AND c.t + ${Math.max(...hs)} GROUP BY c.row),
     op AS (
       SELECT c.row, ${hs.map((k) => `${horizonBits(k, 'pe')} AS o${k}`).join(', ')}
       FROM c JOIN reg r ON r.person = c.person AND r.s <= c.t + ${Math.max(...hs)} AND (r.e IS NULL OR r.e >= c.t)
       GROUP BY c.row),
     regions(dept, region) AS (VALUES ${regionValues})
     SELECT ${run}, c.person, c.q, c.t,
            CASE WHEN i.sex IN ('1', '2') THEN i.sex ELSE 'unknown' END,
            ${ageBandSql('c.t // 12 - i.birth_year')},
            CASE WHEN c.dept IS NULL THEN 'unknown' ELSE coalesce(rg.region, 'other') END,
            ${allowanceSql('c.allowance')},
            coalesce(od.prev_contract, 'none'),
            ${hs.map((k) => `(coalesce(od.o${k}, 0) | coalesce(oc.o${k}, 0) | coalesce(op.o${k}, 0))::UTINYINT`).join(', ')},
            od.first_contract
     FROM c
     LEFT JOIN identities i ON i.source = 'pe' AND i.extract_id = c.extract_id AND i.rid = c.rid
     LEFT JOIN regions rg ON rg.dept = c.dept
     LEFT JOIN od ON od.row = c.row LEFT JOIN oc ON oc.row = c.row LEFT JOIN op ON op.row = c.row
     ORDER BY c.person, c.q`,
  );
  const end = await conn.runAndReadAll(
    `WITH x AS (SELECT DISTINCT extract_id FROM run_persons WHERE run_id = ${run})
     SELECT max(m) AS m FROM (
       SELECT greatest(max(contract_start), max(contract_end)) AS m FROM events_dsn WHERE extract_id IN (SELECT extract_id FROM x)
       UNION ALL SELECT max(benefit_month) FROM events_cnaf WHERE extract_id IN (SELECT extract_id FROM x)
       UNION ALL SELECT greatest(max(reg_start), max(are_open_date)) FROM events_pe WHERE extract_id IN (SELECT extract_id FROM x))`,
  );
  const dataEnd = end.getRows()[0]?.[0];
  const rows = await conn.runAndReadAll(`SELECT count(*) FROM cohort_facts WHERE run_id = ${run}`);
  const n = Number(rows.getRows()[0]?.[0] ?? 0);
  await conn.run(
    `INSERT INTO run_facts VALUES (${run}, ${dataEnd === null || dataEnd === undefined ? 'NULL' : sqlString(String(dataEnd))}, ${n}, ${sqlString(new Date().toISOString())})`,
  );
  return n;
}
