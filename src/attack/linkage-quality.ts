/**
 * T7 — the price of a hardening in linkage quality. Two files of identities (e.g. FEBRL4's dataset4a and
 * dataset4b, or two noisy copies of synthetic persons) are encoded with a candidate scheme under one key,
 * with the protocol's pseudonyms (src/core), put in an in-memory DuckDB table shaped like
 * the hub's records, and linked by the hub's engine (src/link/engine.ts: automatic threshold, one-to-one
 * assignment) exactly as `bench/febrl.ts` links the producer tool's extracts; pairwise precision, recall
 * and F1 against the true entities (src/link/metrics.ts). Only the CLK changes from one candidate to the
 * next, so differences in F1 are the hardening's.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { toBase64, toHex } from '../core/bytes.js';
import type { Identity } from '../core/identity.js';
import type { LinkageKey } from '../core/keys.js';
import { Pseudonymiser } from '../core/pseudonym.js';
import { DEFAULT_LINK_CONFIG, type LinkConfig, linkRecords } from '../link/engine.js';
import { evalRecordsOf, qualityAgainstTruth } from '../link/metrics.js';
import type { ClkScheme } from './encoders.js';

export interface LinkRecord {
  readonly source: 'pe' | 'cnaf';
  /** true entity, used only for scoring */
  readonly entity: string;
  readonly identity: Identity;
  /** extra CLK fields' normalised values (protocol §4.1) */
  readonly extras: Readonly<Record<string, string>>;
}

export interface LinkQuality {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly threshold: number;
  /** the pe–cnaf pairs that share neither NIR pseudonym nor identity key: the fuzzy stage's work */
  readonly fuzzy: { readonly precision: number; readonly recall: number; readonly f1: number };
}

/** Encode `records` with `scheme` under `key`, link pe against cnaf with the hub's engine, score. */
export async function linkageQuality(
  scheme: ClkScheme,
  key: LinkageKey,
  records: readonly LinkRecord[],
  extraFields: readonly string[],
  seed: number,
  config: Partial<LinkConfig> = {},
): Promise<LinkQuality> {
  const encode = scheme.make(key, extraFields, seed);
  const pseudo = new Pseudonymiser(key);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(
      'CREATE TABLE staging (rec INTEGER, source VARCHAR, nir_p2 VARCHAR, idkey_p2 VARCHAR, clk VARCHAR, birth_year SMALLINT, sex VARCHAR, entity VARCHAR)',
    );
    const app = await conn.createAppender('staging');
    records.forEach((r, i) => {
      const id = r.identity;
      const idkey = pseudo.idkey(id);
      app.appendInteger(i);
      app.appendVarchar(r.source);
      if (id.nir.nir === null) app.appendNull();
      else app.appendVarchar(toHex(pseudo.nir(id.nir.nir)));
      if (idkey === null) app.appendNull();
      else app.appendVarchar(toHex(idkey));
      app.appendVarchar(toBase64(encode(id, r.extras)));
      if (id.birthDate === null) app.appendNull();
      else app.appendSmallInt(id.birthDate.year);
      if (id.sex === null) app.appendNull();
      else app.appendVarchar(id.sex);
      app.appendVarchar(r.entity);
      app.endRow();
    });
    app.closeSync();
    await conn.run(
      `CREATE TABLE records AS SELECT rec, source, CASE WHEN nir_p2 IS NULL THEN 'missing' ELSE 'certified' END AS nir_class,
         nir_p2, idkey_p2, from_base64(clk) AS clk, birth_year, sex, entity
       FROM staging`,
    );
    const result = await linkRecords(conn, 'records', { ...DEFAULT_LINK_CONFIG, ...config });
    const q = qualityAgainstTruth(
      evalRecordsOf(
        result,
        records.map((r) => r.entity),
      ),
    );
    const f = q.bySourcePair['pe-cnaf'] ?? q.overall;
    const z = q.bySourcePairAndType['pe-cnaf']?.fuzzy ?? q.byType.fuzzy;
    return {
      precision: f.precision,
      recall: f.recall,
      f1: f.f1,
      threshold: result.summary.threshold,
      fuzzy: { precision: z.precision, recall: z.recall, f1: z.f1 },
    };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
