/**
 * The linkage engine: records (one row per identity, from the current extracts) in, persons out.
 *
 *   1. exact:      union of records sharing a NIR pseudonym, then a secondary identity key — never two
 *                  different certified NIRs in one person (union-find.ts);
 *   2. candidates: per source pair, the records whose person still lacks the other source; every pair when
 *                  the product is small (exhaustive), else (`'partitioned'`) every pair within each
 *                  partition of the clear birth year and sex — attributes the hub holds in clear anyway, so
 *                  the partition reveals nothing new — and, across partitions (a year or sex recorded
 *                  differently), the pairs sharing a bucket of bit-sampling LSH over the CLKs (lsh.ts);
 *                  buckets over a size cap skipped, and a hard cap on the number of pairs. Protocol v3 sends
 *                  no blocking keys (attack A5, bench/attack.md), and LSH alone finds too few of the pairs
 *                  the fuzzy stage must find (bench/attack.md, "Protocol v3 (adopted)");
 *   3. scores:     Dice on CLKs in the WebAssembly kernel (dice.ts), kept above a floor, top-k per record;
 *   4. threshold:  configured, or the cut minimising the expected errors of the assignment, estimated from
 *                  each record's best and runner-up scores (threshold.ts, mixtureThreshold);
 *   5. assignment: one-to-one per source pair, greedy by score (assign.ts); within one source the same,
 *                  at a stricter threshold (duplicates must be near-identical, and cannot chain);
 *   6. persons:    the union-find's sets, numbered.
 *
 * It reads from a DuckDB table and keeps the rest in typed arrays: 4 bytes per record per array, the CLKs
 * in the kernel's memory, the scored pairs in growable arrays bounded by the caps. Cancellable between
 * batches through an AbortSignal.
 */
import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api';
import { SOURCES, type Source } from '../core/fields.js';
import { greedyOneToOne, rankPairs } from './assign.js';
import { createDiceKernel, type DiceKernel } from './dice.js';
import { checkLshParams, DEFAULT_LSH, type LshParams, lshPairsByBand } from './lsh.js';
import { PairBuffer, TopTwo } from './scored-pairs.js';
import { histogram, mixtureThreshold } from './threshold.js';
import { UnionFind } from './union-find.js';

export interface LinkConfig {
  /** the Dice threshold; null: chosen from the scores */
  readonly threshold: number | null;
  /**
   * scores below are not kept (they cannot be matches and would only fill memory). 0.3 for the diffused
   * CLKs of protocols v2–v3, whose matches score lower than v1's (bench/attack.md: at 0.5 FEBRL4 F1 fell
   * to 0.978 on v2)
   */
  readonly floor: number;
  /** best candidates kept per record and source pair */
  readonly topK: number;
  /** LSH buckets holding more records than this (on one side) are skipped */
  readonly bucketCap: number;
  /** compare every pair when |A|·|B| is at most this */
  readonly exhaustiveLimit: number;
  /** stop generating candidates for a source pair beyond this many pairs */
  readonly maxPairs: number;
  /** within one source, pairs join only at or above max(threshold, this): duplicates must be near-identical */
  readonly duplicateMin: number;
  /** LSH bands and bits per band (default `DEFAULT_LSH`), bounded by `bucketCap` and `maxPairs` */
  readonly lsh?: LshParams;
}

export const DEFAULT_LINK_CONFIG: LinkConfig = {
  threshold: null,
  floor: 0.3,
  topK: 10,
  bucketCap: 2000,
  exhaustiveLimit: 50_000_000,
  maxPairs: 200_000_000,
  duplicateMin: 0.9,
};

export type LinkStage = 'load' | 'exact' | 'candidates' | 'assign' | 'persons';

export interface LinkHooks {
  readonly signal?: AbortSignal;
  readonly onStage?: (stage: LinkStage, detail: Readonly<Record<string, number>>) => void;
}

export const LINK_TYPES = ['nir', 'idkey', 'fuzzy'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

export interface PairStats {
  /** records of each side considered for fuzzy matching */
  residualA: number;
  residualB: number;
  mode: 'exhaustive' | 'partitioned' | 'none';
  candidates: number;
  comparisons: number;
  kept: number;
  /** histogram (100 bins over [0, 1]) of the kept scores */
  scoreHistogram: number[];
  /** histograms of each record's best score and runner-up score (what the threshold is chosen on; 0: none) */
  bestHistogram: number[];
  runnerUpHistogram: number[];
  accepted: number;
  capped: boolean;
  /** LSH buckets skipped for `bucketCap`, plus partitions skipped because they would pass `maxPairs` */
  skippedBuckets: number;
}

export interface LinkSummary {
  readonly records: number;
  readonly recordsBySource: Record<string, number>;
  readonly persons: number;
  readonly threshold: number;
  readonly thresholdChosen: 'configured' | 'automatic' | 'default';
  readonly links: Record<LinkType, number>;
  readonly conflictsRefused: number;
  readonly pairs: Record<string, PairStats>;
  /** share of each source's records whose person has no record of another source */
  readonly unlinkedShare: Record<string, number>;
  readonly config: LinkConfig;
  readonly seconds: Record<string, number>;
}

export interface LinkResult {
  readonly n: number;
  /** index in SOURCES, per record */
  readonly source: Uint8Array;
  readonly person: Int32Array;
  /** code of the NIR pseudonym (−1 none), of the secondary key, certified flag: for evaluation */
  readonly nir: Int32Array;
  readonly idkey: Int32Array;
  readonly certified: Uint8Array;
  readonly links: { a: Int32Array; b: Int32Array; type: Uint8Array; score: Float32Array; count: number };
  readonly summary: LinkSummary;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('linkage cancelled');
}

interface Loaded {
  n: number;
  source: Uint8Array;
  nir: Int32Array;
  idkey: Int32Array;
  certified: Uint8Array;
  kernel: DiceKernel;
  clkBytes: number;
  /** the CLKs, kept in JS for LSH (the kernel holds its own copy) */
  clks: Uint8Array;
  /** partition of each record: birth year × 2 + (sex 2), −1 when either is unknown */
  part: Int32Array;
}

/** Reads the records (rec must be 0…n−1) into typed arrays and the CLKs into the kernel. */
async function load(conn: DuckDBConnection, table: string, hooks: LinkHooks): Promise<Loaded> {
  const meta = await conn.runAndReadAll(
    `SELECT count(*), max(octet_length(clk)), min(rec), max(rec) FROM ${table}`,
  );
  const [nRaw, bytesRaw, minRec, maxRec] = (meta.getRows()[0] ?? []).map(Number);
  const n = nRaw ?? 0;
  if (n > 0 && (minRec !== 0 || maxRec !== n - 1)) throw new Error('records must be numbered 0…n−1');
  const clkBytes = bytesRaw && bytesRaw > 0 ? bytesRaw : 128;
  const kernel = await createDiceKernel(clkBytes, { initialCapacity: n });
  const source = new Uint8Array(n);
  const nir = new Int32Array(n).fill(-1);
  const idkey = new Int32Array(n).fill(-1);
  const certified = new Uint8Array(n);
  const part = new Int32Array(n).fill(-1);
  // two scans, each placing values by rec (no ORDER BY): the codes come from window sorts over narrow
  // rows only; CLKs are read as stored (sorting 128-byte rows cost seconds per million)
  const seen = new Uint8Array(n);
  await scan(
    conn,
    `SELECT rec, list_position(${sqlList(SOURCES)}, source) - 1, nir_class = 'certified',
       CASE WHEN birth_year IS NULL OR sex NOT IN ('1', '2') THEN -1 ELSE birth_year * 2 + (sex = '2')::INTEGER END,
       CASE WHEN nir_p2 IS NULL THEN -1 ELSE dense_rank() OVER (PARTITION BY nir_p2 IS NULL ORDER BY nir_p2) - 1 END,
       CASE WHEN idkey_p2 IS NULL THEN -1 ELSE dense_rank() OVER (PARTITION BY idkey_p2 IS NULL ORDER BY idkey_p2) - 1 END
     FROM (SELECT rec, source, nir_class, nir_p2, idkey_p2, birth_year, sex FROM ${table})`,
    (v, j) => {
      const rec = Number(v[0]?.getItem(j));
      if (seen[rec] === 1) throw new Error('records must be numbered 0…n−1, each once');
      seen[rec] = 1;
      source[rec] = Number(v[1]?.getItem(j));
      certified[rec] = v[2]?.getItem(j) === true ? 1 : 0;
      part[rec] = Number(v[3]?.getItem(j));
      nir[rec] = Number(v[4]?.getItem(j));
      idkey[rec] = Number(v[5]?.getItem(j));
    },
    hooks,
  );
  const clks = new Uint8Array(n * clkBytes);
  let done = 0;
  await scan(
    conn,
    `SELECT rec, clk FROM ${table}`,
    (v, j) => {
      const rec = Number(v[0]?.getItem(j));
      const blob = v[1]?.getItem(j) as { bytes: Uint8Array } | null;
      if (blob) clks.set(blob.bytes.subarray(0, clkBytes), rec * clkBytes);
      if (++done % 65536 === 0) hooks.onStage?.('load', { done, total: n });
    },
    hooks,
  );
  kernel.add(clks);
  hooks.onStage?.('load', { done: n, total: n });
  return { n, source, nir, idkey, certified, kernel, clkBytes, clks, part };
}

const sqlList = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

/** Streams a query's rows to `row(vectors, index)`, chunk by chunk, checking for cancellation. */
async function scan(
  conn: DuckDBConnection,
  sql: string,
  row: (vectors: readonly DuckDBVector[], j: number) => void,
  hooks: LinkHooks,
): Promise<void> {
  const result = await conn.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const vectors = Array.from({ length: chunk.columnCount }, (_, c) => chunk.getColumnVector(c));
    for (let j = 0; j < chunk.rowCount; j++) row(vectors, j);
    checkAbort(hooks.signal);
  }
}

export async function linkRecords(
  conn: DuckDBConnection,
  table: string,
  config: LinkConfig = DEFAULT_LINK_CONFIG,
  hooks: LinkHooks = {},
): Promise<LinkResult> {
  checkConfig(config);
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    seconds[name] = Math.round(now - t) / 1000;
    t = now;
  };
  const L = await load(conn, table, hooks);
  const { n, source, kernel } = L;
  lap('load');

  // 1. exact
  const certNir = new Int32Array(n);
  for (let i = 0; i < n; i++) certNir[i] = L.certified[i] ? (L.nir[i] as number) : -1;
  const uf = new UnionFind(certNir);
  const links = new PairBuffer();
  const linkType: number[] = [];
  const linkCounts: Record<LinkType, number> = { nir: 0, idkey: 0, fuzzy: 0 };
  let conflicts = 0;
  for (const [codes, type] of [
    [L.nir, 0],
    [L.idkey, 1],
  ] as const) {
    const first = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const c = codes[i] as number;
      if (c < 0) continue;
      const f = first.get(c);
      if (f === undefined) {
        first.set(c, i);
        continue;
      }
      if (uf.find(f) === uf.find(i) && type === 1) continue;
      if (uf.union(f, i)) {
        links.push(f, i, 1);
        linkType.push(type);
        linkCounts[LINK_TYPES[type] as LinkType]++;
      } else conflicts++;
    }
  }
  hooks.onStage?.('exact', { nir: linkCounts.nir, idkey: linkCounts.idkey });
  lap('exact');
  checkAbort(hooks.signal);

  // 2–3. candidates and scores, per source pair
  const sourcesOf = (): Uint8Array => {
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const r = uf.find(i);
      mask[r] = (mask[r] as number) | (1 << (source[i] as number));
    }
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = mask[uf.find(i)] as number;
    return out;
  };
  const mask = sourcesOf();
  const pairs: Record<string, PairStats> = {};
  const scored = new Map<string, PairBuffer>();
  const pooledBest = new Float64Array(100);
  const pooledSecond = new Float64Array(100);
  for (let si = 0; si < SOURCES.length; si++) {
    for (let ti = si; ti < SOURCES.length; ti++) {
      const key = `${SOURCES[si]}-${SOURCES[ti]}`;
      const A: number[] = [];
      const B: number[] = [];
      for (let i = 0; i < n; i++) {
        if (si !== ti) {
          if (source[i] === si && !((mask[i] as number) & (1 << ti))) A.push(i);
          if (source[i] === ti && !((mask[i] as number) & (1 << si))) B.push(i);
        } else if (source[i] === si && !L.certified[i]) A.push(i);
      }
      // within one source: records without a certified NIR against all records of the source
      if (si === ti) for (let i = 0; i < n; i++) if (source[i] === si) B.push(i);
      const stats: PairStats = {
        residualA: A.length,
        residualB: B.length,
        mode: 'none',
        candidates: 0,
        comparisons: 0,
        kept: 0,
        scoreHistogram: [],
        bestHistogram: [],
        runnerUpHistogram: [],
        accepted: 0,
        capped: false,
        skippedBuckets: 0,
      };
      pairs[key] = stats;
      const buf = new PairBuffer();
      scored.set(key, buf);
      if (A.length === 0 || B.length === 0) continue;
      const same = si === ti;
      const inA = new Uint8Array(same ? n : 0);
      if (same) for (const i of A) inA[i] = 1;
      // every score counts for each record's best and runner-up (what the threshold is chosen on), even
      // below the floor; only pairs at or above the floor are kept
      const ranks = new TopTwo(n);
      const keep = (a: number, b: number, dice: number) => {
        // within a source both (a, b) and (b, a) may come: keep one
        if (a === b || (same && a > b && inA[b] === 1)) return;
        ranks.note(a, dice);
        if (stats.mode !== 'exhaustive') ranks.note(b, dice);
        if (dice < config.floor) return;
        if (!uf.compatible(a, b) || uf.find(a) === uf.find(b)) return;
        buf.push(a, b, dice);
      };
      if (A.length * B.length <= config.exhaustiveLimit) {
        stats.mode = 'exhaustive';
        const r = kernel.topK(Int32Array.from(A), Int32Array.from(B), 0, config.topK + (same ? 1 : 0));
        stats.candidates = A.length * B.length;
        stats.comparisons = r.comparisons;
        for (let i = 0; i < r.count; i++) keep(r.q[i] as number, r.c[i] as number, r.score[i] as number);
      } else {
        stats.mode = 'partitioned';
        await partitionCandidates(L, A, B, same, config, stats, keep, hooks);
        const scorer = new PairScorer(kernel, stats, hooks, keep);
        if (!stats.capped) await lshCandidates(L, A, B, same, config, stats, scorer, hooks);
        scorer.flush();
      }
      stats.kept = buf.count;
      stats.scoreHistogram = Array.from(histogram(buf.s, 100, buf.count));
      // A's records: their best and runner-up come from every candidate they were compared with (B's only
      // from the pairs where they made some A record's top k)
      const { best, second } = ranks.histograms(A);
      if (!same)
        for (let i = 0; i < 100; i++) {
          pooledBest[i] = (pooledBest[i] as number) + (best[i] as number);
          pooledSecond[i] = (pooledSecond[i] as number) + (second[i] as number);
        }
      stats.bestHistogram = Array.from(best);
      stats.runnerUpHistogram = Array.from(second);
      hooks.onStage?.('candidates', { pairs: Object.keys(pairs).length, kept: buf.count });
      checkAbort(hooks.signal);
    }
  }
  lap('candidates');

  // 4. threshold
  let threshold: number;
  let thresholdChosen: LinkSummary['thresholdChosen'];
  if (config.threshold !== null) {
    threshold = config.threshold;
    thresholdChosen = 'configured';
  } else {
    const auto = mixtureThreshold(pooledBest, pooledSecond, config.floor);
    threshold = auto ?? 0.8;
    thresholdChosen = auto === null ? 'default' : 'automatic';
  }

  // 5. assignment: cross-source pairs one-to-one, then duplicates within sources
  const order = [...scored.keys()].sort((x, y) => Number(isSame(x)) - Number(isSame(y)));
  for (const key of order) {
    const buf = scored.get(key) as PairBuffer;
    const stats = pairs[key] as PairStats;
    const ranked = rankPairs(
      buf.a,
      buf.b,
      buf.s,
      buf.count,
      isSame(key) ? Math.max(threshold, config.duplicateMin) : threshold,
    );
    // a pair whose records an earlier link already joined uses them up but adds no link
    const redundant = new Set<number>();
    const accept = (i: number) => {
      const a = buf.a[i] as number;
      const b = buf.b[i] as number;
      if (uf.find(a) === uf.find(b)) {
        redundant.add(i);
        return true;
      }
      const ok = uf.union(a, b);
      if (!ok) conflicts++;
      return ok;
    };
    // one-to-one within a source too: a record joins at most one duplicate per pass, so no chains
    const chosen = greedyOneToOne(buf.a, buf.b, ranked, accept);
    const acceptedIdx = chosen.filter((i) => !redundant.has(i));
    for (const i of acceptedIdx) {
      links.push(buf.a[i] as number, buf.b[i] as number, buf.s[i] as number);
      linkType.push(2);
    }
    stats.accepted = acceptedIdx.length;
    linkCounts.fuzzy += acceptedIdx.length;
  }
  hooks.onStage?.('assign', { fuzzy: linkCounts.fuzzy });
  lap('assign');

  // 6. persons
  const { labels, count } = uf.labels();
  const finalMask = new Uint8Array(count);
  for (let i = 0; i < n; i++)
    finalMask[labels[i] as number] =
      (finalMask[labels[i] as number] as number) | (1 << (source[i] as number));
  const recordsBySource: Record<string, number> = {};
  const unlinked: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const s = SOURCES[source[i] as number] as Source;
    recordsBySource[s] = (recordsBySource[s] ?? 0) + 1;
    if (finalMask[labels[i] as number] === 1 << (source[i] as number)) unlinked[s] = (unlinked[s] ?? 0) + 1;
  }
  const unlinkedShare = Object.fromEntries(
    Object.entries(recordsBySource).map(([s, c]) => [s, (unlinked[s] ?? 0) / c]),
  );
  hooks.onStage?.('persons', { persons: count });
  lap('persons');
  (kernel as { dispose?: () => void }).dispose?.();
  return {
    n,
    source,
    person: labels,
    nir: L.nir,
    idkey: L.idkey,
    certified: L.certified,
    links: { a: links.a, b: links.b, type: Uint8Array.from(linkType), score: links.s, count: links.count },
    summary: {
      records: n,
      recordsBySource,
      persons: count,
      threshold,
      thresholdChosen,
      links: linkCounts,
      conflictsRefused: conflicts,
      pairs,
      unlinkedShare,
      config,
      seconds,
    },
  };
}

function checkConfig(c: LinkConfig): void {
  const inUnit = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;
  if (c.threshold !== null && !inUnit(c.threshold)) throw new RangeError('the threshold must be in [0, 1]');
  if (!inUnit(c.floor) || !inUnit(c.duplicateMin))
    throw new RangeError('floor and duplicateMin must be in [0, 1]');
  if (!Number.isInteger(c.topK) || c.topK < 1) throw new RangeError('topK must be a positive integer');
  if (!(c.bucketCap >= 1 && c.exhaustiveLimit >= 0 && c.maxPairs >= 1))
    throw new RangeError('bad candidate caps');
  if (c.lsh !== undefined) checkLshParams(c.lsh, 32); // against the CLK length again when used
}

/** Candidate pairs scored in batches of 2^20 by the kernel, each handed to `keep`. */
class PairScorer {
  private readonly a = new Int32Array(1 << 20);
  private readonly b = new Int32Array(1 << 20);
  private readonly out = new Float32Array(1 << 20);
  private fill = 0;
  constructor(
    private readonly kernel: DiceKernel,
    private readonly stats: PairStats,
    private readonly hooks: LinkHooks,
    private readonly keep: (a: number, b: number, dice: number) => void,
  ) {}
  push(a: number, b: number): void {
    this.a[this.fill] = a;
    this.b[this.fill] = b;
    this.fill++;
    if (this.fill === this.a.length) {
      this.flush();
      checkAbort(this.hooks.signal);
    }
  }
  flush(): void {
    this.kernel.scorePairs(this.a, this.b, this.fill, this.out);
    this.stats.comparisons += this.fill;
    for (let i = 0; i < this.fill; i++)
      this.keep(this.a[i] as number, this.b[i] as number, this.out[i] as number);
    this.fill = 0;
  }
}

/**
 * Every pair within each partition (birth year, sex) known on both sides, compared by the kernel's top-k
 * (the best `topK` per record of A), within `maxPairs` comparisons in all (a partition that would pass it
 * is skipped and the pair is marked capped). Yields to the event loop between partitions: a hub answers
 * its API while it links.
 */
async function partitionCandidates(
  L: Loaded,
  A: readonly number[],
  B: readonly number[],
  same: boolean,
  config: LinkConfig,
  stats: PairStats,
  keep: (a: number, b: number, dice: number) => void,
  hooks: LinkHooks,
): Promise<void> {
  const groups = new Map<number, { a: number[]; b: number[] }>();
  const group = (p: number) => {
    let g = groups.get(p);
    if (g === undefined) {
      g = { a: [], b: [] };
      groups.set(p, g);
    }
    return g;
  };
  for (const i of A) if ((L.part[i] as number) >= 0) group(L.part[i] as number).a.push(i);
  for (const i of B) if ((L.part[i] as number) >= 0) group(L.part[i] as number).b.push(i);
  for (const g of [...groups.keys()].sort((x, y) => x - y)) {
    const { a, b } = groups.get(g) as { a: number[]; b: number[] };
    if (a.length === 0 || b.length === 0) continue;
    const pairs = a.length * b.length;
    if (stats.candidates + pairs > config.maxPairs) {
      stats.capped = true;
      stats.skippedBuckets++;
      continue;
    }
    stats.candidates += pairs;
    const r = L.kernel.topK(Int32Array.from(a), Int32Array.from(b), 0, config.topK + (same ? 1 : 0));
    stats.comparisons += r.comparisons;
    for (let i = 0; i < r.count; i++) keep(r.q[i] as number, r.c[i] as number, r.score[i] as number);
    await yieldToEventLoop();
    checkAbort(hooks.signal);
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * LSH candidates (lsh.ts) between records of different partitions (or of an unknown one): buckets over
 * `bucketCap` skipped, at most `maxPairs` pairs in all.
 */
async function lshCandidates(
  L: Loaded,
  A: readonly number[],
  B: readonly number[],
  same: boolean,
  config: LinkConfig,
  stats: PairStats,
  scorer: PairScorer,
  hooks: LinkHooks,
): Promise<void> {
  const steps = lshPairsByBand(
    {
      clks: L.clks,
      clkBytes: L.clkBytes,
      A,
      B,
      same,
      params: config.lsh ?? DEFAULT_LSH,
      bucketCap: config.bucketCap,
      maxPairs: config.maxPairs - stats.candidates,
      skip: (a, b) => {
        const p = L.part[a] as number;
        return p >= 0 && p === L.part[b];
      },
    },
    (a, b) => scorer.push(a, b),
  );
  let r = steps.next();
  while (!r.done) {
    await yieldToEventLoop();
    checkAbort(hooks.signal);
    r = steps.next();
  }
  const s = r.value;
  stats.candidates += s.candidates;
  stats.skippedBuckets += s.skippedBuckets;
  stats.capped ||= s.capped;
}

const isSame = (key: string) => {
  const [a, b] = key.split('-');
  return a === b;
};
