/**
 * T6 — a graph-matching attack (simplified from Vidanage, Christen, Ranbaduge and Schnell, "A graph
 * matching attack on privacy-preserving record linkage", CIKM 2020). Whatever keyed hashing hides, an
 * encoding built for linkage must keep similarities: the similarity graph of the encoded records is
 * (nearly) the similarity graph of the plaintext records behind them. An attacker holding plaintext
 * records of an overlapping population matches the two graphs node to node, and so names encodings.
 *
 *   1. Both graphs are complete and weighted by Dice similarity. The plaintext side is computed by
 *      encoding the attacker's records with the public protocol under a key of its own — which gives the
 *      CLK's similarity up to hash collisions, a better plaintext similarity than the q-gram Dice of the
 *      paper (no calibration between the two scales is needed).
 *   2. Node features, comparable across the two graphs: how many neighbours lie above each threshold of
 *      `thresholds` (log scale), the `topK` largest similarities, their mean and standard deviation.
 *      Standardised over both graphs. Mutual nearest pairs in feature space with the clearest margins
 *      (best/second-best distance) form a pool of candidate seeds, peeled down to a group whose pairs
 *      agree with one another (sim(a, a′) ≈ sim(b, b′) within a tolerance scaled to the similarity noise
 *      the attacker measures between its own keys). Several pools and tolerances are tried, each seed
 *      set propagated a couple of rounds; the one that takes off (most anchors) is kept — no ground
 *      truth needed. An insider variant starts from `known` true pairs instead.
 *   3. Propagation: with the current anchor pairs, every node is described by its similarities to the
 *      anchors of its own graph (true counterparts then have nearly equal vectors); mutual nearest pairs
 *      under this distance with margin ≤ `margin` become the next anchors, at most doubling per round.
 *   4. Claims: after the last round, every encoded node in a mutual nearest pair with margin ≤ `margin`
 *      is claimed to be its plaintext partner; its attribute values are the claim.
 *
 * Simplifications (documented in bench/attack.md): no node2vec embeddings and no Hungarian assignment
 * (mutual nearest neighbours instead); one similarity function; seeds from features and mutual
 * consistency only. Pure.
 */
import { type BitMatrix, popcount32 } from './bits.js';

export interface GraphAttackOptions {
  readonly thresholds: readonly number[];
  readonly topK: number;
  readonly seeds: number;
  readonly rounds: number;
  readonly maxAnchors: number;
  /** a match is accepted when best distance ≤ margin × second-best distance */
  readonly margin: number;
  /** sizes of the candidate seed pools tried (the clearest feature matches), checked for consistency */
  readonly pools: readonly number[];
  /** two seed pairs agree when their similarities in the two graphs differ by at most this (each tried) */
  readonly agreements: readonly number[];
  /** rounds each seed set is propagated before the best is kept */
  readonly probeRounds: number;
  /** pairs the attacker already knows (a stronger attacker: an insider); skips the seed search */
  readonly known?: readonly [number, number][];
  readonly debug?: (round: number, anchors: readonly [number, number][]) => void;
}

export const GRAPH_ATTACK_DEFAULTS: GraphAttackOptions = {
  thresholds: [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9],
  topK: 10,
  seeds: 20,
  rounds: 8,
  maxAnchors: 150,
  margin: 0.8,
  pools: [200, 400],
  agreements: [0.015, 0.03],
  probeRounds: 2,
};

/** Dice similarity of every pair of rows, n × n (diagonal 1 for non-empty rows). */
export function diceMatrix(m: BitMatrix): Float32Array {
  const n = m.n;
  const w = m.words;
  const pop = new Int32Array(n);
  for (let i = 0; i < n; i++) pop[i] = m.rowCount(i);
  const s = new Float32Array(n * n);
  const d = m.data;
  for (let i = 0; i < n; i++) {
    s[i * n + i] = (pop[i] as number) > 0 ? 1 : 0;
    for (let j = i + 1; j < n; j++) {
      let c = 0;
      for (let x = 0; x < w; x++) c += popcount32((d[i * w + x] as number) & (d[j * w + x] as number));
      const t = (pop[i] as number) + (pop[j] as number);
      const v = t === 0 ? 0 : (2 * c) / t;
      s[i * n + j] = v;
      s[j * n + i] = v;
    }
  }
  return s;
}

/** Step 2's features of every node of a similarity matrix (n × dims, row-major). */
export function nodeFeatures(
  s: Float32Array,
  n: number,
  o: GraphAttackOptions,
): { f: Float64Array; dims: number } {
  const dims = o.thresholds.length + o.topK + 2;
  const f = new Float64Array(n * dims);
  const row = new Float32Array(Math.max(0, n - 1));
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let j = 0; j < n; j++) if (j !== i) row[k++] = s[i * n + j] as number;
    row.sort();
    let sum = 0;
    let sq = 0;
    for (const v of row) {
      sum += v;
      sq += v * v;
    }
    const mean = row.length === 0 ? 0 : sum / row.length;
    const base = i * dims;
    o.thresholds.forEach((t, x) => {
      // neighbours ≥ t: binary search in the sorted row
      let lo = 0;
      let hi = row.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((row[mid] as number) < t) lo = mid + 1;
        else hi = mid;
      }
      f[base + x] = Math.log1p(row.length - lo);
    });
    for (let x = 0; x < o.topK; x++) f[base + o.thresholds.length + x] = row[row.length - 1 - x] ?? 0;
    f[base + dims - 2] = mean;
    f[base + dims - 1] = Math.sqrt(Math.max(0, (row.length === 0 ? 0 : sq / row.length) - mean * mean));
  }
  return { f, dims };
}

/** Standardise two feature tables with the mean and standard deviation of their union. */
function standardise(a: Float64Array, b: Float64Array, dims: number): void {
  const na = a.length / dims;
  const nb = b.length / dims;
  for (let x = 0; x < dims; x++) {
    let s = 0;
    let q = 0;
    for (let i = 0; i < na; i++) s += a[i * dims + x] as number;
    for (let i = 0; i < nb; i++) s += b[i * dims + x] as number;
    const mean = s / (na + nb);
    for (let i = 0; i < na; i++) q += ((a[i * dims + x] as number) - mean) ** 2;
    for (let i = 0; i < nb; i++) q += ((b[i * dims + x] as number) - mean) ** 2;
    const sd = Math.sqrt(q / (na + nb)) || 1;
    for (let i = 0; i < na; i++) a[i * dims + x] = ((a[i * dims + x] as number) - mean) / sd;
    for (let i = 0; i < nb; i++) b[i * dims + x] = ((b[i * dims + x] as number) - mean) / sd;
  }
}

interface Matches {
  /** per encoded node: plaintext node or −1 */
  readonly partner: Int32Array;
  /** best/second-best distance of the partner (Infinity when none) */
  readonly ratio: Float64Array;
}

/**
 * Mutual nearest neighbours between rows of `x` (na × dims) and rows of `y` (nb × dims), by mean absolute
 * difference, with each encoded node's best/second-best ratio.
 */
export function mutualNearest(
  x: Float64Array | Float32Array,
  y: Float64Array | Float32Array,
  dims: number,
): Matches {
  const na = x.length / dims;
  const nb = y.length / dims;
  const best = new Int32Array(na).fill(-1);
  const ratio = new Float64Array(na).fill(Infinity);
  const bestOfB = new Int32Array(nb).fill(-1);
  const bestDistB = new Float64Array(nb).fill(Infinity);
  for (let i = 0; i < na; i++) {
    let d1 = Infinity;
    let d2 = Infinity;
    let b1 = -1;
    const xi = i * dims;
    for (let j = 0; j < nb; j++) {
      const yj = j * dims;
      let d = 0;
      for (let k = 0; k < dims; k++) d += Math.abs((x[xi + k] as number) - (y[yj + k] as number));
      if (d < d1) {
        d2 = d1;
        d1 = d;
        b1 = j;
      } else if (d < d2) d2 = d;
      if (d < (bestDistB[j] as number)) {
        bestDistB[j] = d;
        bestOfB[j] = i;
      }
    }
    best[i] = b1;
    ratio[i] = d2 === 0 ? 1 : d2 === Infinity ? 0 : d1 / d2;
  }
  const partner = new Int32Array(na).fill(-1);
  const outRatio = new Float64Array(na).fill(Infinity);
  for (let i = 0; i < na; i++) {
    const j = best[i] as number;
    if (j >= 0 && bestOfB[j] === i) {
      partner[i] = j;
      outRatio[i] = ratio[i] as number;
    }
  }
  return { partner, ratio: outRatio };
}

export interface GraphAttackResult {
  /** per encoded node: the plaintext node it is claimed to be, or −1 */
  readonly partner: Int32Array;
  readonly seeds: number;
  readonly anchors: number;
}

/** Mean of several similarity matrices (the attacker's plaintext similarity averaged over its own keys). */
export function meanMatrix(ms: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(ms[0]?.length ?? 0);
  for (const m of ms)
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (m[i] as number) / ms.length;
  return out;
}

/**
 * The attacker's estimate of how far a pair's similarity in the victim's graph may lie from its own
 * estimate (the mean of `ms`, similarity matrices of the same records under its own keys): the spread of
 * the difference between two of its keys, per key, times √(1 + 1/R). Scales the seed-agreement
 * tolerances to the encoding's noise (hash collisions, BLIP…), which the attacker can measure itself.
 */
export function similarityNoise(ms: readonly Float32Array[], n: number): number {
  const a = ms[0];
  const b = ms[1];
  if (a === undefined || b === undefined) return 0.02;
  let s = 0;
  let q = 0;
  let c = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = (a[i * n + j] as number) - (b[i * n + j] as number);
      s += d;
      q += d * d;
      c++;
    }
  const sdDiff = Math.sqrt(Math.max(0, q / c - (s / c) ** 2));
  return (sdDiff / Math.SQRT2) * Math.sqrt(1 + 1 / ms.length);
}

/**
 * Steps 1–4 on the similarity matrices of the encoded records (`sa`, na × na) and of the attacker's
 * plaintext records (`sb`, nb × nb).
 */
export function graphMatchingAttack(
  sa: Float32Array,
  na: number,
  sb: Float32Array,
  nb: number,
  options: Partial<GraphAttackOptions> = {},
): GraphAttackResult {
  const o = { ...GRAPH_ATTACK_DEFAULTS, ...options };
  const fa = nodeFeatures(sa, na, o);
  const fb = nodeFeatures(sb, nb, o);
  standardise(fa.f, fb.f, fa.dims);
  const first = mutualNearest(fa.f, fb.f, fa.dims);
  // seeds: several candidate sets (pool sizes × agreement tolerances), each propagated for a few rounds;
  // the attacker keeps the one that takes off (most anchors) — no ground truth is needed to see it
  const propagate = (
    start: [number, number][],
    rounds: number,
  ): { anchors: [number, number][]; last: Matches } => {
    let anchors = start;
    let last: Matches = first;
    let stalled = 0;
    for (let round = 0; round < rounds && anchors.length > 0 && stalled < 2; round++) {
      const before = anchors.length;
      const k = anchors.length;
      const xa = new Float32Array(na * k);
      const xb = new Float32Array(nb * k);
      anchors.forEach(([a, b], c) => {
        for (let i = 0; i < na; i++) xa[i * k + c] = sa[i * na + a] as number;
        for (let j = 0; j < nb; j++) xb[j * k + c] = sb[j * nb + b] as number;
      });
      last = mutualNearest(xa, xb, k);
      anchors = pick(last, o.margin, Math.min(o.maxAnchors, 2 * k + o.seeds));
      if (o.debug) o.debug(round, anchors);
      // stop once the anchor set no longer grows (no take-off, or saturated at maxAnchors)
      stalled = anchors.length <= before ? stalled + 1 : 0;
    }
    return { anchors, last };
  };
  let best: { anchors: [number, number][]; last: Matches; seeds: number } | null = null;
  if (o.known !== undefined && o.known.length > 0) {
    const r = propagate([...o.known], o.probeRounds);
    best = { ...r, seeds: o.known.length };
  } else
    for (const size of o.pools)
      for (const agreement of o.agreements) {
        const seeds = consistentSeeds(pick(first, 1, size), sa, na, sb, nb, { ...o, agreement });
        if (o.debug) {
          o.debug(-2, pick(first, 1, size));
          o.debug(-1, seeds);
        }
        if (seeds.length === 0) continue;
        const r = propagate(seeds, o.probeRounds);
        if (best === null || r.anchors.length > best.anchors.length) best = { ...r, seeds: seeds.length };
      }
  if (best === null) return { partner: new Int32Array(na).fill(-1), seeds: 0, anchors: 0 };
  const seeds = best.seeds;
  const { anchors, last } = propagate(best.anchors, o.rounds);
  const partner = new Int32Array(na).fill(-1);
  for (let i = 0; i < na; i++)
    if ((last.ratio[i] as number) <= o.margin) partner[i] = last.partner[i] as number;
  return { partner, seeds, anchors: anchors.length };
}

/**
 * Seeds that agree with one another: true pairs (a, b), (a′, b′) have sim(a, a′) ≈ sim(b, b′), chance
 * pairs rarely do for many partners at once. Grown greedily from the candidate agreeing with most others;
 * a candidate joins when it agrees with at least 90 % of the seeds chosen so far.
 */
function consistentSeeds(
  cands: readonly [number, number][],
  sa: Float32Array,
  na: number,
  sb: Float32Array,
  nb: number,
  o: GraphAttackOptions & { readonly agreement: number },
): [number, number][] {
  const k = cands.length;
  const agree = new Uint8Array(k * k);
  const total = new Int32Array(k);
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const [a, b] = cands[i] as [number, number];
      const [c, d] = cands[j] as [number, number];
      if (Math.abs((sa[a * na + c] as number) - (sb[b * nb + d] as number)) <= o.agreement) {
        agree[i * k + j] = 1;
        agree[j * k + i] = 1;
        total[i] = (total[i] as number) + 1;
        total[j] = (total[j] as number) + 1;
      }
    }
  // peel: drop the candidate agreeing with the fewest remaining ones until every remaining one agrees
  // with at least 80 % of the others — chance pairs agree with few, true pairs with one another
  const alive = new Uint8Array(k).fill(1);
  let left = k;
  const degree = Int32Array.from(total);
  while (left > 3) {
    let worst = -1;
    for (let i = 0; i < k; i++)
      if (alive[i] === 1 && (worst < 0 || (degree[i] as number) < (degree[worst] as number))) worst = i;
    if ((degree[worst] as number) >= 0.8 * (left - 1)) break;
    alive[worst] = 0;
    left--;
    for (let i = 0; i < k; i++) if (agree[worst * k + i] === 1) degree[i] = (degree[i] as number) - 1;
  }
  const chosen = [...Array(k).keys()]
    .filter((i) => alive[i] === 1)
    .sort((x, y) => (degree[y] as number) - (degree[x] as number))
    .slice(0, o.seeds);
  // a single candidate agrees with nothing by construction: require a consistent group
  return chosen.length >= 3 ? chosen.map((i) => cands[i] as [number, number]) : [];
}

/** The `max` mutual pairs with the smallest ratio, ratio ≤ margin. */
function pick(m: Matches, margin: number, max: number): [number, number][] {
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < m.partner.length; i++) {
    const r = m.ratio[i] as number;
    if ((m.partner[i] as number) >= 0 && r <= margin) pairs.push([i, m.partner[i] as number, r]);
  }
  pairs.sort((a, b) => a[2] - b[2] || a[0] - b[0]);
  return pairs.slice(0, max).map(([a, b]) => [a, b]);
}
