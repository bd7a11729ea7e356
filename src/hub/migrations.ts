/**
 * The hub database's schema, as an ordered list of migrations. Each runs once, in a transaction with
 * the row that records it in `schema_migrations`; a database newer than this code is refused. Never edit
 * a released migration: add the next one.
 */
import { eventColumns } from '../core/extract-schema.js';
import { SOURCES } from '../core/fields.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: readonly string[];
}

const eventsTable = (source: (typeof SOURCES)[number]) =>
  `CREATE TABLE events_${source} (extract_id VARCHAR NOT NULL, ${eventColumns(source)
    .map((c) => `${c.name} ${c.type}`)
    .join(', ')})`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'producers, tokens, extracts, identities, events, audit',
    sql: [
      `CREATE TABLE producers (
         producer VARCHAR PRIMARY KEY, key_id VARCHAR NOT NULL, public_key BLOB NOT NULL,
         key_fingerprint VARCHAR NOT NULL, added_at TIMESTAMP NOT NULL)`,
      `CREATE TABLE tokens (
         id VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, hash BLOB NOT NULL, label VARCHAR,
         created_at TIMESTAMP NOT NULL, revoked_at TIMESTAMP)`,
      `CREATE TABLE extracts (
         id VARCHAR PRIMARY KEY, producer VARCHAR NOT NULL, source VARCHAR NOT NULL,
         status VARCHAR NOT NULL, created_at VARCHAR NOT NULL, received_at VARCHAR NOT NULL,
         sealed BOOLEAN NOT NULL, bytes BIGINT NOT NULL, identities BIGINT NOT NULL, events BIGINT NOT NULL,
         key_fingerprint VARCHAR NOT NULL, protocol_version VARCHAR NOT NULL, manifest VARCHAR NOT NULL)`,
      `CREATE TABLE identities (
         extract_id VARCHAR NOT NULL, source VARCHAR NOT NULL, rid INTEGER NOT NULL, nir_class VARCHAR NOT NULL,
         nir_p2 BLOB, idkey_p2 BLOB, clk BLOB NOT NULL, block_keys VARCHAR[] NOT NULL,
         birth_year SMALLINT, sex VARCHAR)`,
      ...SOURCES.map(eventsTable),
      `CREATE TABLE audit (
         seq BIGINT PRIMARY KEY, "at" VARCHAR NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
         target VARCHAR, outcome VARCHAR NOT NULL, detail VARCHAR NOT NULL, prev VARCHAR NOT NULL,
         hash VARCHAR NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: 'linkage runs, persons and links',
    sql: [
      `CREATE TABLE linkage_runs (
         id VARCHAR PRIMARY KEY, status VARCHAR NOT NULL, requested_by VARCHAR NOT NULL,
         created_at VARCHAR NOT NULL, finished_at VARCHAR, config VARCHAR NOT NULL, extracts VARCHAR NOT NULL,
         summary VARCHAR, error VARCHAR)`,
      `CREATE TABLE run_persons (
         run_id VARCHAR NOT NULL, person INTEGER NOT NULL, source VARCHAR NOT NULL, extract_id VARCHAR NOT NULL,
         rid INTEGER NOT NULL)`,
      `CREATE TABLE run_links (
         run_id VARCHAR NOT NULL, source_a VARCHAR NOT NULL, rid_a INTEGER NOT NULL, source_b VARCHAR NOT NULL,
         rid_b INTEGER NOT NULL, type VARCHAR NOT NULL, score FLOAT NOT NULL)`,
    ],
  },
  {
    version: 3,
    name: 'studies, releases and the cohorts behind them',
    sql: [
      `CREATE TABLE studies (
         id VARCHAR PRIMARY KEY, purpose VARCHAR NOT NULL, breakdowns VARCHAR NOT NULL,
         period_from VARCHAR NOT NULL, period_to VARCHAR NOT NULL, policy VARCHAR NOT NULL,
         budget_spent DOUBLE NOT NULL, created_at VARCHAR NOT NULL, closed_at VARCHAR)`,
      `CREATE TABLE releases (
         id VARCHAR PRIMARY KEY, study VARCHAR NOT NULL, requested_by VARCHAR NOT NULL, created_at VARCHAR NOT NULL,
         run_id VARCHAR NOT NULL, query VARCHAR NOT NULL, result VARCHAR NOT NULL, suppressed INTEGER NOT NULL)`,
      // the persons of each released cohort, for the differencing guard: internal, never released
      'CREATE TABLE release_cohorts (release_id VARCHAR NOT NULL, person INTEGER NOT NULL)',
    ],
  },
  {
    version: 4,
    name: 'cohort facts per linkage run; cohorts compared by their definition',
    sql: [
      // src/hub/facts.ts: one row per ARE cohort member of a run, with its breakdowns and outcome bits
      `CREATE TABLE cohort_facts (
         run_id VARCHAR NOT NULL, person INTEGER NOT NULL, q INTEGER NOT NULL, t INTEGER NOT NULL,
         sex VARCHAR NOT NULL, age_band VARCHAR NOT NULL, region VARCHAR NOT NULL,
         allowance_band VARCHAR NOT NULL, prev_contract VARCHAR NOT NULL, o3 UTINYINT NOT NULL,
         o6 UTINYINT NOT NULL, o12 UTINYINT NOT NULL, o18 UTINYINT NOT NULL, o24 UTINYINT NOT NULL,
         first_contract INTEGER)`,
      `CREATE TABLE run_facts (
         run_id VARCHAR PRIMARY KEY, data_end VARCHAR, rows BIGINT NOT NULL, built_at VARCHAR NOT NULL)`,
      // a release's cohort is re-derived from its query over the facts: no list of persons is kept
      'DROP TABLE release_cohorts',
    ],
  },
  {
    version: 5,
    name: 'protocol v3: no blocking keys — the stored ones are deleted',
    sql: [
      // attack A5 (bench/attack.md): the classes of the v1–v2 blocking keys re-identify records; v3 extracts
      // carry none and the hub finds candidates by LSH over the CLKs. The v2 extracts kept until their
      // producers upload v3 ones are not linked with v3 extracts (their CLK parameters differ).
      'ALTER TABLE identities DROP COLUMN block_keys',
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
