/**
 * Linkage quality against ground truth (synthetic data, FEBRL): pairwise precision, recall and F1 per
 * source pair, per match type and for the pairs that involve a record without a valid NIR. A pair of
 * records is *predicted* when both are in the same person, *true* when both belong to the same entity;
 * its type is `exact` when the two records share a NIR pseudonym or a secondary identity key, `fuzzy`
 * otherwise. Pairs are enumerated within persons and within entities, which are small, so the cost is
 * linear in the number of records. Pure.
 */
import { SOURCES, type Source } from '../core/fields.js';

export interface EvalRecord {
  readonly source: Source;
  /** predicted person */
  readonly person: number;
  /** true entity (from the ground truth) */
  readonly entity: string;
  /** code of the NIR pseudonym, −1 when none */
  readonly nir: number;
  /** code of the secondary identity key, −1 when none */
  readonly idkey: number;
  /** the record has a certified NIR */
  readonly validNir: boolean;
}

/** What a linkage result holds per record (engine.ts `LinkResult`), for evaluation. */
export interface LinkedRecords {
  /** index in SOURCES */
  readonly source: Uint8Array;
  readonly person: Int32Array;
  readonly nir: Int32Array;
  readonly idkey: Int32Array;
  readonly certified: Uint8Array;
}

/** The evaluation records of a linkage result, given each record's true entity (by record index). */
export function evalRecordsOf(r: LinkedRecords, entities: readonly string[]): EvalRecord[] {
  return entities.map((entity, i) => ({
    source: SOURCES[r.source[i] as number] as Source,
    person: r.person[i] as number,
    entity,
    nir: r.nir[i] as number,
    idkey: r.idkey[i] as number,
    validNir: r.certified[i] === 1,
  }));
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Scores extends Counts {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export type PairKey = `${Source}-${Source}`;

export interface QualityAgainstTruth {
  readonly overall: Scores;
  readonly bySourcePair: Record<string, Scores>;
  readonly byType: { readonly exact: Scores; readonly fuzzy: Scores };
  /** pairs in which at least one record has no certified NIR */
  readonly withoutValidNir: Scores;
  readonly bySourcePairAndType: Record<string, { readonly exact: Scores; readonly fuzzy: Scores }>;
}

export function pairKey(s: Source, t: Source): PairKey {
  return SOURCES.indexOf(s) <= SOURCES.indexOf(t) ? `${s}-${t}` : `${t}-${s}`;
}

export function scores(c: Counts): Scores {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
}

function groups(records: readonly EvalRecord[], key: (r: EvalRecord) => string | number): number[][] {
  const m = new Map<string | number, number[]>();
  records.forEach((r, i) => {
    const k = key(r);
    const g = m.get(k);
    if (g) g.push(i);
    else m.set(k, [i]);
  });
  return [...m.values()];
}

export function qualityAgainstTruth(records: readonly EvalRecord[]): QualityAgainstTruth {
  const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });
  const overall = zero();
  const noNir = zero();
  const byType = { exact: zero(), fuzzy: zero() };
  const byPair = new Map<string, Counts>();
  const byPairType = new Map<string, { exact: Counts; fuzzy: Counts }>();
  const add = (i: number, j: number, field: keyof Counts) => {
    const x = records[i] as EvalRecord;
    const y = records[j] as EvalRecord;
    const type = (x.nir >= 0 && x.nir === y.nir) || (x.idkey >= 0 && x.idkey === y.idkey) ? 'exact' : 'fuzzy';
    const key = pairKey(x.source, y.source);
    overall[field]++;
    byType[type][field]++;
    if (!x.validNir || !y.validNir) noNir[field]++;
    const p = byPair.get(key) ?? zero();
    byPair.set(key, p);
    p[field]++;
    const pt = byPairType.get(key) ?? { exact: zero(), fuzzy: zero() };
    byPairType.set(key, pt);
    pt[type][field]++;
  };
  for (const g of groups(records, (r) => r.person)) {
    for (let u = 0; u < g.length; u++) {
      for (let v = u + 1; v < g.length; v++) {
        const i = g[u] as number;
        const j = g[v] as number;
        add(i, j, (records[i] as EvalRecord).entity === (records[j] as EvalRecord).entity ? 'tp' : 'fp');
      }
    }
  }
  for (const g of groups(records, (r) => r.entity)) {
    for (let u = 0; u < g.length; u++) {
      for (let v = u + 1; v < g.length; v++) {
        const i = g[u] as number;
        const j = g[v] as number;
        if ((records[i] as EvalRecord).person !== (records[j] as EvalRecord).person) add(i, j, 'fn');
      }
    }
  }
  const obj = <T, U>(m: Map<string, T>, f: (v: T) => U) =>
    Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, f(v)]));
  return {
    overall: scores(overall),
    bySourcePair: obj(byPair, scores),
    byType: { exact: scores(byType.exact), fuzzy: scores(byType.fuzzy) },
    withoutValidNir: scores(noNir),
    bySourcePairAndType: obj(byPairType, (v) => ({ exact: scores(v.exact), fuzzy: scores(v.fuzzy) })),
  };
}
