/**
 * A clear-text reference linker, for synthetic data only: it reads the producers' raw files, sees the
 * identity fields in clear and links them with classic string comparators, so that a benchmark can report
 * the price of privacy, F1(clear) − F1(private), on the same records. It mirrors the private engine
 * (engine.ts) step by step, with clear values where the engine has pseudonyms and CLKs:
 *
 *   0. records:    each file read through DuckDB (all VARCHAR), mapped and normalised by the same core
 *                  functions as the producer; a record is a distinct (source, record id, normalised identity);
 *   1. exact:      union of records sharing a key-checked NIR, then the secondary identity key (birth name,
 *                  primary first name, full birth date, sex) — never two different certified NIRs in one person;
 *   2. candidates: per pair of different sources, the records whose person still lacks the other source, paired
 *                  when they share a clear blocking key — the parts of one of the protocol's composite
 *                  fields (core/composite.ts `compositeParts`) —, blocks over 2,000 records on either side
 *                  skipped (the engine has LSH over the CLKs instead);
 *   3. scores:     `compareRecords`, a weighted field similarity in [0, 1] (weights in CLEAR_WEIGHTS);
 *   4. threshold:  given, or `mixtureThreshold` on each residual record's best and runner-up scores;
 *   5. assignment: one-to-one per source pair, greedy by score (assign.ts).
 *
 * Simplification: no fuzzy duplicates within a source (the engine links near-identical ones). Records live in
 * column arrays (typed where numeric), blocks in CSR arrays per source pair; the candidate pairs of one record
 * are deduplicated with a stamp array, so memory stays linear in the records and the kept pairs.
 */
import { readFile } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { distance } from 'fastest-levenshtein';
import { compositeParts } from '../core/composite.js';
import { isoPartial } from '../core/dates.js';
import { IDENTITY_FIELDS, SOURCES, type Source } from '../core/fields.js';
import { identityToJson, normaliseIdentity, type RawIdentity } from '../core/identity.js';
import { Mapping } from '../core/mapping.js';
import { dateFormatOf } from '../core/mapping-read.js';
import { compact } from '../core/text.js';
import { greedyOneToOne, rankPairs } from './assign.js';
import { jaroWinkler } from './jaro-winkler.js';
import { PairBuffer, TopTwo } from './scored-pairs.js';
import { HISTOGRAM_BINS, mixtureThreshold } from './threshold.js';
import { UnionFind } from './union-find.js';

/**
 * Field weights of the clear score (they sum to 1). A field missing on either side counts as half
 * agreement (MISSING_AGREEMENT): no evidence either way. Partial agreements:
 * - surname: Jaro–Winkler, best of birth/usage cross-comparisons, a comparison involving a usage name
 *   discounted by CROSS_DISCOUNT;
 * - first name: Jaro–Winkler of the primary first names, or (discounted) the best pair of any first names,
 *   or the whole lists joined (JEAN-PIERRE against JEAN PIERRE);
 * - year: 1 equal, 0.5 one digit apart (Levenshtein distance 1: a typo), else 0;
 * - month, day: 1 equal, 0.8 each when day and month are swapped, else 0;
 * - sex: 1 equal, else 0;
 * - birth place: 1 same commune code; same département: 0.8 when the commune parts are one edit apart,
 *   else 0.5; other département: 0.3 when the codes are one edit apart, else 0.
 */
export const CLEAR_WEIGHTS = {
  surname: 0.3,
  firstName: 0.2,
  year: 0.1,
  month: 0.075,
  day: 0.075,
  sex: 0.1,
  place: 0.15,
} as const;
export const MISSING_AGREEMENT = 0.5;
export const CROSS_DISCOUNT = 0.95;
/** blocks shared by more records than this (on one side) are skipped, as in the engine */
export const CLEAR_BLOCK_CAP = 2000;
/** scores below are not kept, and the automatic threshold is not chosen below (the engine's floor) */
export const CLEAR_FLOOR = 0.5;
/** when the scores give no automatic threshold */
export const CLEAR_DEFAULT_THRESHOLD = 0.85;

export interface ClearFile {
  readonly source: Source;
  readonly csv: string;
  readonly mapping: string;
  readonly encoding: 'utf-8' | 'latin1';
  readonly delimiter: string;
}

export interface ClearRecord {
  readonly source: Source;
  readonly recordId: string;
  /** person number, 0…persons−1 */
  readonly person: number;
  /** code of the key-checked NIR (−1 none), of the secondary identity key (−1 none): for evaluation */
  readonly nir: number;
  readonly idkey: number;
  /** the record has a certified NIR */
  readonly validNir: boolean;
}

export interface ClearLinkResult {
  readonly records: ClearRecord[];
  readonly threshold: number;
  readonly links: { readonly exact: number; readonly fuzzy: number };
  readonly seconds: number;
}

/** Column arrays of the records (one entry per record). */
interface Records {
  n: number;
  source: Uint8Array;
  recordId: string[];
  /** compact birth name, compact usage name ('' when none or equal to the birth name) */
  birth: string[];
  usage: string[];
  /** compact first names, primary first; and all of them joined */
  firsts: string[][];
  firstJoined: string[];
  year: Int16Array;
  month: Uint8Array;
  day: Uint8Array;
  sex: Uint8Array;
  place: string[];
  dept: string[];
  nir: Int32Array;
  idkey: Int32Array;
  certified: Uint8Array;
  /** blocking keys (codes) of record i: keys[keyStart[i] … keyStart[i+1]) */
  keyStart: Int32Array;
  keys: Int32Array;
  keyCount: number;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const sqlIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** Reads, maps and normalises every file; records are distinct (source, record id, normalised identity). */
async function loadRecords(files: readonly ClearFile[]): Promise<Records> {
  const r = {
    source: [] as number[],
    recordId: [] as string[],
    birth: [] as string[],
    usage: [] as string[],
    firsts: [] as string[][],
    firstJoined: [] as string[],
    year: [] as number[],
    month: [] as number[],
    day: [] as number[],
    sex: [] as number[],
    place: [] as string[],
    dept: [] as string[],
    nir: [] as number[],
    idkey: [] as number[],
    certified: [] as number[],
    keyStart: [0] as number[],
    keys: [] as number[],
  };
  const nirCodes = new Map<string, number>();
  const idkeyCodes = new Map<string, number>();
  const keyCodes = new Map<string, number>();
  const codeOf = (m: Map<string, number>, k: string) => {
    const c = m.get(k);
    if (c !== undefined) return c;
    m.set(k, m.size);
    return m.size - 1;
  };
  const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '512MB' });
  const conn = await db.connect();
  try {
    for (const file of files) {
      const parsed = Mapping.safeParse(JSON.parse(await readFile(file.mapping, 'utf8')));
      if (!parsed.success) throw new Error(`invalid mapping file ${file.mapping}`, { cause: parsed.error });
      const mapping = parsed.data;
      if (mapping.source !== file.source)
        throw new Error(`the mapping ${file.mapping} is for source ${mapping.source}, not ${file.source}`);
      const fields = IDENTITY_FIELDS.filter((f) => mapping.columns[f] !== undefined);
      if (!fields.includes('record_id')) throw new Error(`the mapping ${file.mapping} must map record_id`);
      const cols = fields.map((f) => sqlIdent(mapping.columns[f] ?? ''));
      const result = await conn.stream(
        `SELECT DISTINCT ${cols.join(', ')} FROM read_csv(${sqlString(file.csv)}, delim=${sqlString(file.delimiter)},
           header=true, all_varchar=true, quote='"', escape='"',
           encoding=${sqlString(file.encoding === 'latin1' ? 'latin-1' : 'utf-8')})
         ORDER BY ALL`,
      );
      const format = dateFormatOf(mapping, 'birth_date');
      const sourceIndex = SOURCES.indexOf(file.source);
      const seen = new Set<string>();
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const vectors = fields.map((_, k) => chunk.getColumnVector(k));
        for (let j = 0; j < chunk.rowCount; j++) {
          // as the producer's batch.ts: empty is missing, codes translated through the values tables
          const raw: Record<string, string | null> = {};
          fields.forEach((f, k) => {
            const v = vectors[k]?.getItem(j);
            const s = typeof v === 'string' ? v : '';
            raw[f] = s === '' ? null : (mapping.values[f]?.[s.trim()] ?? s);
          });
          const recordId = raw.record_id?.trim() ?? '';
          if (recordId === '') continue;
          const id = normaliseIdentity(raw as RawIdentity, format);
          if (
            id.nir.nir === null &&
            id.birthName === '' &&
            id.firstNames.length === 0 &&
            id.birthDate === null
          )
            continue; // the producer rejects it (IDENTITY_EMPTY)
          const dedup = `${recordId}\u0000${JSON.stringify(identityToJson(id))}`;
          if (seen.has(dedup)) continue;
          seen.add(dedup);
          const birth = compact(id.birthName);
          const usage = compact(id.usageName);
          const firsts = id.firstNames.map(compact);
          const d = id.birthDate;
          r.source.push(sourceIndex);
          r.recordId.push(recordId);
          r.birth.push(birth);
          r.usage.push(usage === birth ? '' : usage);
          r.firsts.push(firsts);
          r.firstJoined.push(firsts.join(''));
          r.year.push(d?.year ?? 0);
          r.month.push(d?.month ?? 0);
          r.day.push(d?.day ?? 0);
          r.sex.push(id.sex === null ? 0 : Number(id.sex));
          r.place.push(id.birthPlace?.code ?? '');
          r.dept.push(id.birthPlace?.dept ?? '');
          r.nir.push(id.nir.nir === null ? -1 : codeOf(nirCodes, id.nir.nir));
          r.certified.push(id.nir.class === 'certified' ? 1 : 0);
          const first = firsts[0];
          r.idkey.push(
            birth === '' || first === undefined || d === null || d.day === null || id.sex === null
              ? -1
              : codeOf(idkeyCodes, `${birth}\u0000${first}\u0000${isoPartial(d)}\u0000${id.sex}`),
          );
          const parts = compositeParts(id);
          const mine = new Set<number>();
          for (const pass in parts)
            for (const p of parts[pass] ?? []) mine.add(codeOf(keyCodes, `${pass}\u0000${p.join('\u0000')}`));
          for (const k of mine) r.keys.push(k);
          r.keyStart.push(r.keys.length);
        }
      }
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return {
    n: r.source.length,
    source: Uint8Array.from(r.source),
    recordId: r.recordId,
    birth: r.birth,
    usage: r.usage,
    firsts: r.firsts,
    firstJoined: r.firstJoined,
    year: Int16Array.from(r.year),
    month: Uint8Array.from(r.month),
    day: Uint8Array.from(r.day),
    sex: Uint8Array.from(r.sex),
    place: r.place,
    dept: r.dept,
    nir: Int32Array.from(r.nir),
    idkey: Int32Array.from(r.idkey),
    certified: Uint8Array.from(r.certified),
    keyStart: Int32Array.from(r.keyStart),
    keys: Int32Array.from(r.keys),
    keyCount: keyCodes.size,
  };
}

function surnameSimilarity(R: Records, a: number, b: number): number | null {
  const ba = R.birth[a] as string;
  const bb = R.birth[b] as string;
  const ua = R.usage[a] as string;
  const ub = R.usage[b] as string;
  let best = -1;
  if (ba !== '' && bb !== '') best = jaroWinkler(ba, bb);
  if (best < 1)
    for (const [x, y] of [
      [ba, ub],
      [ua, bb],
      [ua, ub],
    ] as const)
      if (x !== '' && y !== '') best = Math.max(best, CROSS_DISCOUNT * jaroWinkler(x, y));
  return best < 0 ? null : best;
}

function firstNameSimilarity(R: Records, a: number, b: number): number | null {
  const fa = R.firsts[a] as string[];
  const fb = R.firsts[b] as string[];
  const pa = fa[0];
  const pb = fb[0];
  if (pa === undefined || pb === undefined) return null;
  let best = jaroWinkler(pa, pb);
  if (best === 1) return 1;
  if (fa.length > 1 || fb.length > 1) {
    best = Math.max(
      best,
      CROSS_DISCOUNT * jaroWinkler(R.firstJoined[a] as string, R.firstJoined[b] as string),
    );
    for (const x of fa) for (const y of fb) if (x === y) best = Math.max(best, CROSS_DISCOUNT);
  }
  return best;
}

function placeSimilarity(R: Records, a: number, b: number): number | null {
  const pa = R.place[a] as string;
  const pb = R.place[b] as string;
  if (pa === '' || pb === '') return null;
  if (pa === pb) return 1;
  const da = R.dept[a] as string;
  if (da === R.dept[b]) return distance(pa.slice(da.length), pb.slice(da.length)) <= 1 ? 0.8 : 0.5;
  return distance(pa, pb) <= 1 ? 0.3 : 0;
}

/** The clear score of two records, in [0, 1] (see CLEAR_WEIGHTS). */
function compareRecords(R: Records, a: number, b: number): number {
  const W = CLEAR_WEIGHTS;
  const part = (w: number, s: number | null) => w * (s === null ? MISSING_AGREEMENT : s);
  let score = part(W.surname, surnameSimilarity(R, a, b)) + part(W.firstName, firstNameSimilarity(R, a, b));
  const ya = R.year[a] as number;
  const yb = R.year[b] as number;
  score += part(
    W.year,
    ya === 0 || yb === 0 ? null : ya === yb ? 1 : distance(String(ya), String(yb)) === 1 ? 0.5 : 0,
  );
  const ma = R.month[a] as number;
  const mb = R.month[b] as number;
  const da = R.day[a] as number;
  const db = R.day[b] as number;
  const swapped = ma !== 0 && mb !== 0 && da !== 0 && db !== 0 && da === mb && ma === db && da !== ma;
  score += part(W.month, ma === 0 || mb === 0 ? null : ma === mb ? 1 : swapped ? 0.8 : 0);
  score += part(W.day, da === 0 || db === 0 ? null : da === db ? 1 : swapped ? 0.8 : 0);
  const sa = R.sex[a] as number;
  const sb = R.sex[b] as number;
  score += part(W.sex, sa === 0 || sb === 0 ? null : sa === sb ? 1 : 0);
  score += part(W.place, placeSimilarity(R, a, b));
  return Math.min(1, score);
}

/** Candidate pairs of A × B sharing a blocking key (blocks over the cap skipped), each scored once. */
function scoreBlocked(
  R: Records,
  A: readonly number[],
  B: readonly number[],
  visit: (a: number, b: number) => void,
) {
  const countA = new Int32Array(R.keyCount);
  const start = new Int32Array(R.keyCount + 1);
  for (const a of A)
    for (let k = R.keyStart[a] as number; k < (R.keyStart[a + 1] as number); k++)
      countA[R.keys[k] as number] = (countA[R.keys[k] as number] as number) + 1;
  for (const b of B)
    for (let k = R.keyStart[b] as number; k < (R.keyStart[b + 1] as number); k++)
      start[(R.keys[k] as number) + 1] = (start[(R.keys[k] as number) + 1] as number) + 1;
  for (let k = 0; k < R.keyCount; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const members = new Int32Array(start[R.keyCount] as number);
  const fill = start.slice(0, R.keyCount);
  for (const b of B)
    for (let k = R.keyStart[b] as number; k < (R.keyStart[b + 1] as number); k++) {
      const key = R.keys[k] as number;
      members[fill[key] as number] = b;
      fill[key] = (fill[key] as number) + 1;
    }
  const stamp = new Int32Array(R.n).fill(-1);
  for (const a of A) {
    for (let k = R.keyStart[a] as number; k < (R.keyStart[a + 1] as number); k++) {
      const key = R.keys[k] as number;
      const lo = start[key] as number;
      const hi = start[key + 1] as number;
      if ((countA[key] as number) > CLEAR_BLOCK_CAP || hi - lo > CLEAR_BLOCK_CAP) continue;
      for (let m = lo; m < hi; m++) {
        const b = members[m] as number;
        if (stamp[b] === a) continue;
        stamp[b] = a;
        visit(a, b);
      }
    }
  }
}

/**
 * Links the producers' raw files in clear (synthetic data only: it reads identities in clear).
 * @param opts.threshold a fixed threshold on the clear score; null or absent: chosen from the scores
 * @example
 * const { records } = await clearLink([{ source: 'pe', csv: 'pe.csv', mapping: 'pe.mapping.json',
 *   encoding: 'latin1', delimiter: ';' }, …]);
 */
export async function clearLink(
  files: readonly ClearFile[],
  opts: { readonly threshold?: number | null } = {},
): Promise<ClearLinkResult> {
  const t0 = performance.now();
  const fixed = opts.threshold ?? null;
  if (fixed !== null && !(fixed >= 0 && fixed <= 1)) throw new RangeError('the threshold must be in [0, 1]');
  const R = await loadRecords(files);
  const { n, source } = R;

  // 1. exact: the NIR, then the secondary identity key
  const certNir = new Int32Array(n);
  for (let i = 0; i < n; i++) certNir[i] = R.certified[i] ? (R.nir[i] as number) : -1;
  const uf = new UnionFind(certNir);
  let exact = 0;
  for (const codes of [R.nir, R.idkey]) {
    const first = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const c = codes[i] as number;
      if (c < 0) continue;
      const f = first.get(c);
      if (f === undefined) first.set(c, i);
      else if (uf.find(f) !== uf.find(i) && uf.union(f, i)) exact++;
    }
  }

  // 2–3. candidates and scores, per pair of different sources, on the records lacking the other source
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    mask[r] = (mask[r] as number) | (1 << (source[i] as number));
  }
  const lacks = (i: number, s: number) => ((mask[uf.find(i)] as number) & (1 << s)) === 0;
  const pooledBest = new Float64Array(HISTOGRAM_BINS);
  const pooledSecond = new Float64Array(HISTOGRAM_BINS);
  const scored: PairBuffer[] = [];
  for (let si = 0; si < SOURCES.length; si++) {
    for (let ti = si + 1; ti < SOURCES.length; ti++) {
      const A: number[] = [];
      const B: number[] = [];
      for (let i = 0; i < n; i++) {
        if (source[i] === si && lacks(i, ti)) A.push(i);
        if (source[i] === ti && lacks(i, si)) B.push(i);
      }
      const buf = new PairBuffer();
      scored.push(buf);
      if (A.length === 0 || B.length === 0) continue;
      const ranks = new TopTwo(n);
      scoreBlocked(R, A, B, (a, b) => {
        const s = compareRecords(R, a, b);
        ranks.note(a, s);
        ranks.note(b, s);
        if (s < CLEAR_FLOOR || !uf.compatible(a, b) || uf.find(a) === uf.find(b)) return;
        buf.push(a, b, s);
      });
      ranks.addTo([...A, ...B], pooledBest, pooledSecond);
    }
  }

  // 4. threshold
  const threshold =
    fixed ?? mixtureThreshold(pooledBest, pooledSecond, CLEAR_FLOOR) ?? CLEAR_DEFAULT_THRESHOLD;

  // 5. assignment, one-to-one per source pair
  let fuzzy = 0;
  for (const buf of scored) {
    const ranked = rankPairs(buf.a, buf.b, buf.s, buf.count, threshold);
    greedyOneToOne(buf.a, buf.b, ranked, (i) => {
      const a = buf.a[i] as number;
      const b = buf.b[i] as number;
      // an earlier pair may have joined them already: the records are used up, no new link
      if (uf.find(a) === uf.find(b)) return true;
      const ok = uf.union(a, b);
      if (ok) fuzzy++;
      return ok;
    });
  }

  const { labels } = uf.labels();
  const records: ClearRecord[] = new Array(n);
  for (let i = 0; i < n; i++)
    records[i] = {
      source: SOURCES[source[i] as number] as Source,
      recordId: R.recordId[i] as string,
      person: labels[i] as number,
      nir: R.nir[i] as number,
      idkey: R.idkey[i] as number,
      validNir: R.certified[i] === 1,
    };
  return {
    records,
    threshold,
    links: { exact, fuzzy },
    seconds: Math.round(performance.now() - t0) / 1000,
  };
}
