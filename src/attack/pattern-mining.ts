/**
 * T5 — the pattern-mining attack (after Christen, Vidanage, Ranbaduge and Schnell, "Pattern-mining based
 * cryptanalysis of Bloom filters for PPRL", PAKDD 2018), which needs neither the key nor repeated
 * encodings, only many of them and a value-frequency table:
 *
 *   1. Mining. The k positions a q-gram sets are set together in every encoding containing it, so they
 *      co-occur far more often than chance. For every pair of positions the association z-score (φ·√n,
 *      bits.ts) is computed; from the strongest pair not yet explained (z ≥ `z`) an *atom* grows by
 *      closure (see `mineAtoms`). An atom stands for one q-gram, or a few that always come together (a
 *      whole frequent name, a gendered bigram with the sex); the positions of a more frequent atom it
 *      contains are then removed (`reduceAtoms`). Overlaps are allowed: a position may belong to several.
 *   2. Presence. An encoding contains an atom when at least `presence` of its positions are set (a
 *      fraction rather than all, so random bit flipping (BLIP) does not hide it).
 *   3. Alignment. Atoms are matched with the q-grams of the attacked field by frequency (within a factor
 *      `ratioTolerance`) and by *co-occurrence*: the share of encodings containing two atoms must match
 *      the share of values containing the two q-grams, which the frequency table gives. Greedy by atom
 *      support, then re-fitting rounds (iterated conditional modes), restarted from several q-grams for the
 *      most frequent atom; an atom whose best fit is worse than `maxCost` stays unassigned — that is what keeps the atoms of the other fields of a record-level
 *      CLK (dates, places, the other names) out.
 *   4. Decoding. Each encoding's known q-grams are those of its assigned atoms; values are claimed by the
 *      posterior rule of decode.ts.
 *
 * Simplifications: pairwise associations and closures instead of full maximal-itemset mining (Apriori
 * over 1,024 items at 40–50 % density is out of reach); closures on a subsample of the encodings and
 * bounded in number; one alignment per attacked field. Pure.
 */
import { associationZ, BitMatrix, cooccurrence, popcount32 } from './bits.js';
import { claimFrom, SignatureIndex } from './decode.js';
import { pairKey, type QgramStats, qgramStats, qgramsOf, type ValueFreq } from './knowledge.js';

export interface MiningOptions {
  /** a pair of positions seeds an atom when its association z-score is at least this */
  readonly z: number;
  /** a position joins an atom when set in at least this share of the encodings that contain the atom */
  readonly closure: number;
  /** positions added unconditionally after the seed pair, to filter out chance co-occurrences */
  readonly warmup: number;
  readonly minSize: number;
  readonly maxAtoms: number;
  /** closures attempted at most (each costs a pass over the encodings containing the seed pair) */
  readonly maxSeeds: number;
  /** encodings the closures run on (an even subsample when there are more) */
  readonly closureRows: number;
}

export const MINING_DEFAULTS: MiningOptions = {
  z: 5,
  closure: 0.9,
  warmup: 3,
  minSize: 6,
  maxAtoms: 2000,
  maxSeeds: 600,
  closureRows: 6000,
};

/**
 * Groups of bit positions that are set together (a q-gram's positions, or a few q-grams' that always come
 * together). From each strong pair not yet explained, the atom grows by *closure*: with R the encodings
 * having every position of the atom, the position set most often in R joins while it is set in at least
 * `closure` of R (the first `warmup` additions are unconditional: the seed pair alone does not separate
 * the q-gram's encodings from chance co-occurrences). R then holds the encodings containing the q-gram,
 * in which its positions are always set and every other position only sometimes.
 */
export function mineAtoms(m: BitMatrix, options: Partial<MiningOptions> = {}): number[][] {
  const o = { ...MINING_DEFAULTS, ...options };
  const { l, n } = m;
  const { single, pair } = cooccurrence(m);
  const z = new Float32Array(l * l);
  const edges: number[] = [];
  for (let p = 0; p < l; p++)
    for (let q = p + 1; q < l; q++) {
      const v = associationZ(n, single[p] as number, single[q] as number, pair[p * l + q] as number);
      z[p * l + q] = v;
      z[q * l + p] = v;
      if (v >= o.z) edges.push(p * l + q);
    }
  edges.sort((a, b) => (z[b] as number) - (z[a] as number));
  // closures run on an evenly spread subsample of the encodings (the z-scores used every one)
  const step = Math.max(1, Math.floor(n / o.closureRows));
  const sampleRows: number[] = [];
  for (let r = 0; r < n; r += step) sampleRows.push(r);
  const rowPositions: Uint16Array[] = [];
  for (let r = 0; r < n; r++)
    rowPositions.push(r % step === 0 ? Uint16Array.from(m.positions(r)) : new Uint16Array(0));
  const covered = new Uint8Array(l * l);
  const atoms: number[][] = [];
  const count = new Int32Array(l);
  const inAtom = new Uint8Array(l);
  const mined = new Uint8Array(l);
  let seeds = 0;
  for (const e of edges) {
    if (covered[e] === 1) continue;
    if (atoms.length >= o.maxAtoms || seeds >= o.maxSeeds) break;
    const p = Math.floor(e / l);
    const q = e % l;
    // an end already in an atom: an association between q-grams (say a gendered bigram and the sex), not
    // a new q-gram — a q-gram sharing a position with an earlier atom is still seeded by its other pairs
    if (mined[p] === 1 || mined[q] === 1) continue;
    seeds++;
    const members = [p, q];
    inAtom.fill(0);
    count.fill(0);
    inAtom[p] = 1;
    inAtom[q] = 1;
    let rows: number[] = [];
    for (const r of sampleRows)
      if (m.get(r, p) && m.get(r, q)) {
        rows.push(r);
        for (const x of rowPositions[r] as Uint16Array) count[x] = (count[x] as number) + 1;
      }
    // warm-up: the position most associated with the members (a clique in the z graph), so that the
    // seed's own q-gram, not a merely frequent one (the sex), filters the encodings first
    const zSum = new Float64Array(l);
    for (let x = 0; x < l; x++) zSum[x] = (z[p * l + x] as number) + (z[q * l + x] as number);
    for (;;) {
      const warm = members.length < 2 + o.warmup;
      let best = -1;
      let bestCount = 0;
      let bestZ = -Infinity;
      for (let x = 0; x < l; x++) {
        if (inAtom[x] === 1) continue;
        if (warm) {
          if ((zSum[x] as number) > bestZ) {
            bestZ = zSum[x] as number;
            best = x;
          }
          continue;
        }
        const c = count[x] as number;
        if (c > bestCount) {
          bestCount = c;
          best = x;
        }
      }
      if (best < 0 || (warm && bestZ < o.z * members.length)) break;
      if (!warm && bestCount < o.closure * rows.length) break;
      for (let x = 0; x < l; x++) zSum[x] = (zSum[x] as number) + (z[best * l + x] as number);
      members.push(best);
      inAtom[best] = 1;
      const kept: number[] = [];
      for (const r of rows) {
        if (m.get(r, best)) kept.push(r);
        else for (const x of rowPositions[r] as Uint16Array) count[x] = (count[x] as number) - 1;
      }
      rows = kept;
      if (rows.length === 0) break;
    }
    // a warm-up that never reached closure is chance: keep only atoms that closed
    for (const a of members) for (const b of members) covered[a * l + b] = 1;
    const contained = atoms.some((a) => overlap(a, members) >= 0.8 * members.length);
    if (members.length >= o.minSize && members.length > 2 + o.warmup && !contained) {
      atoms.push(members.sort((a, b) => a - b));
      for (const a of members) mined[a] = 1;
    }
  }
  return atoms;
}

/**
 * Nested groups: a closed group of positions often contains a more frequent one — a gendered first name
 * carries the positions of its sex. The positions of any more frequent atom it (mostly) contains are
 * removed, leaving the q-grams' own positions. Atoms are returned in the same order, possibly smaller.
 */
export function reduceAtoms(atoms: readonly (readonly number[])[], support: readonly number[]): number[][] {
  const order = [...atoms.keys()].sort((a, b) => (support[b] as number) - (support[a] as number));
  const out = atoms.map((a) => [...a]);
  for (let x = 0; x < order.length; x++) {
    const i = order[x] as number;
    for (let y = 0; y < x; y++) {
      const j = order[y] as number;
      const big = atoms[j] as readonly number[];
      const cur = out[i] as number[];
      if (big.length < cur.length && overlap(big, cur) >= 0.8 * big.length) {
        const drop = new Set(big);
        out[i] = cur.filter((p) => !drop.has(p));
      }
    }
  }
  return out;
}

/** Number of encodings containing each atom (at least `presence` of its positions set). */
export function atomSupport(m: BitMatrix, atoms: readonly (readonly number[])[], presence = 0.8): number[] {
  const inc = atomIncidence(m, atoms, presence);
  const cols = inc.columns();
  return atoms.map((_, a) => {
    let c = 0;
    for (let i = 0; i < cols.rowWords; i++) c += popcount32(cols.bits[a * cols.rowWords + i] as number);
    return c;
  });
}

function overlap(sorted: readonly number[], xs: readonly number[]): number {
  const set = new Set(sorted);
  let c = 0;
  for (const x of xs) if (set.has(x)) c++;
  return c;
}

/** Which encodings contain which atoms: an n × atoms matrix (≥ `presence` of the atom's positions set). */
export function atomIncidence(
  m: BitMatrix,
  atoms: readonly (readonly number[])[],
  presence = 0.8,
): BitMatrix {
  const out = new BitMatrix(m.n, atoms.length);
  const need = atoms.map((a) => Math.ceil(presence * a.length));
  for (let r = 0; r < m.n; r++) {
    const row = m.row(r);
    atoms.forEach((a, i) => {
      let c = 0;
      for (const p of a) c += ((row[p >>> 5] as number) >>> (31 - (p & 31))) & 1;
      if (c >= (need[i] as number)) out.set(r, i);
    });
  }
  return out;
}

export interface AlignOptions {
  readonly ratioTolerance: number;
  /** q-grams considered (most frequent first) */
  readonly maxQgrams: number;
  /** rounds of re-fitting after the greedy pass */
  readonly passes: number;
  /** an assignment whose mean co-occurrence misfit (in standard errors) exceeds this is dropped */
  readonly maxCost: number;
  /** atoms rarer than this share are not aligned (their co-occurrences are too noisy) */
  readonly minSupport: number;
  /** most frequent atoms aligned */
  readonly maxAtoms: number;
  /** assigned atoms (the most frequent) each fit is checked against */
  readonly context: number;
  /** q-grams tried for the most frequent atom (the fit keeping most atoms wins) */
  readonly starts: number;
}

export const ALIGN_DEFAULTS: AlignOptions = {
  ratioTolerance: 2,
  maxQgrams: 400,
  passes: 4,
  maxCost: 3,
  minSupport: 0.002,
  maxAtoms: 400,
  context: 100,
  starts: 8,
};

/** Atom index → q-gram, from frequencies and co-occurrences (step 3 of the module header). */
export function alignAtoms(
  inc: BitMatrix,
  stats: QgramStats,
  options: Partial<AlignOptions> = {},
): Map<number, string> {
  const o = { ...ALIGN_DEFAULTS, ...options };
  const n = inc.n;
  const cols = inc.columns();
  const rw = cols.rowWords;
  const supportOf = (a: number) => {
    let c = 0;
    for (let i = 0; i < rw; i++) c += popcount32(cols.bits[a * rw + i] as number);
    return c / n;
  };
  const atoms = [...Array(inc.l).keys()]
    .map((a) => ({ a, s: supportOf(a) }))
    .filter((x) => x.s >= o.minSupport)
    .sort((x, y) => y.s - x.s)
    .slice(0, o.maxAtoms);
  const A = atoms.length;
  const support = Float64Array.from(atoms, (x) => x.s);
  const joint = new Float64Array(A * A);
  for (let i = 0; i < A; i++)
    for (let j = i + 1; j < A; j++) {
      const a = (atoms[i] as { a: number }).a;
      const b = (atoms[j] as { a: number }).a;
      let c = 0;
      for (let w = 0; w < rw; w++)
        c += popcount32((cols.bits[a * rw + w] as number) & (cols.bits[b * rw + w] as number));
      joint[i * A + j] = c / n;
      joint[j * A + i] = c / n;
    }
  const qgrams = [...stats.single]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, o.maxQgrams);
  const Q = qgrams.length;
  const f = Float64Array.from(qgrams, ([, v]) => v);
  const fPair = new Float64Array(Q * Q);
  for (let i = 0; i < Q; i++)
    for (let j = i + 1; j < Q; j++) {
      const v =
        stats.pair.get(pairKey((qgrams[i] as [string, number])[0], (qgrams[j] as [string, number])[0])) ?? 0;
      fPair[i * Q + j] = v;
      fPair[j * Q + i] = v;
    }
  const windows: number[][] = [];
  for (let i = 0; i < A; i++) {
    const w: number[] = [];
    for (let q = 0; q < Q; q++) {
      const r = (support[i] as number) / (f[q] as number);
      if (r <= o.ratioTolerance && r >= 1 / o.ratioTolerance) w.push(q);
    }
    windows.push(w);
  }
  const C = Math.min(A, o.context);

  /** Greedy then re-fitting rounds, from a first assignment of the most frequent atom. */
  const fitFrom = (first: number): { assign: Int32Array; score: number } => {
    const assign = new Int32Array(A).fill(-1);
    const cost = (i: number, q: number): number => {
      let sum = 0;
      let cnt = 0;
      for (let j = 0; j < C; j++) {
        const qj = assign[j] as number;
        if (j === i || qj < 0) continue;
        const expected = fPair[q * Q + qj] as number;
        const se = Math.sqrt((Math.max(expected, 1 / n) * (1 - expected)) / n);
        sum += Math.min(20, Math.abs((joint[i * A + j] as number) - expected) / se);
        cnt++;
      }
      const freq = Math.abs(Math.log((support[i] as number) / (f[q] as number)));
      return cnt === 0 ? freq : sum / cnt + freq;
    };
    assign[0] = first;
    const taken = new Uint8Array(Q);
    taken[first] = 1;
    for (let i = 1; i < A; i++) {
      let best = -1;
      let bc = Infinity;
      for (const q of windows[i] as number[]) {
        if (taken[q] === 1) continue;
        const c = cost(i, q);
        if (c < bc) {
          bc = c;
          best = q;
        }
      }
      if (best >= 0 && bc <= o.maxCost) {
        assign[i] = best;
        taken[best] = 1;
      }
    }
    const bestCost = new Float64Array(A);
    for (let pass = 0; pass < o.passes; pass++) {
      const next = new Int32Array(A).fill(-1);
      for (let i = 0; i < A; i++) {
        let best = -1;
        let bc = Infinity;
        for (const q of windows[i] as number[]) {
          const c = cost(i, q);
          if (c < bc) {
            bc = c;
            best = q;
          }
        }
        if (best >= 0 && bc <= o.maxCost) next[i] = best;
        bestCost[i] = bc;
      }
      const keeper = new Int32Array(Q).fill(-1);
      for (let i = 0; i < A; i++) {
        const q = next[i] as number;
        if (q < 0) continue;
        const k = keeper[q] as number;
        if (k < 0 || (bestCost[i] as number) < (bestCost[k] as number)) keeper[q] = i;
      }
      for (let i = 0; i < A; i++) {
        const q = next[i] as number;
        assign[i] = q >= 0 && keeper[q] === i ? q : -1;
      }
    }
    let score = 0;
    for (let i = 0; i < C; i++) if ((assign[i] as number) >= 0) score++;
    return { assign, score };
  };

  // the first atom's q-gram is chosen by trying the closest candidates and keeping the most consistent fit
  let best: { assign: Int32Array; score: number } | null = null;
  const firsts = [...(windows[0] ?? [])]
    .sort(
      (x, y) =>
        Math.abs(Math.log((support[0] as number) / (f[x] as number))) -
        Math.abs(Math.log((support[0] as number) / (f[y] as number))),
    )
    .slice(0, o.starts);
  for (const q of firsts) {
    const r = fitFrom(q);
    if (best === null || r.score > best.score) best = r;
  }
  const out = new Map<number, string>();
  if (best === null) return out;
  for (let i = 0; i < A; i++) {
    const q = best.assign[i] as number;
    if (q >= 0) out.set((atoms[i] as { a: number }).a, (qgrams[q] as [string, number])[0]);
  }
  return out;
}

export interface PatternMiningOptions {
  readonly mining: Partial<MiningOptions>;
  readonly align: Partial<AlignOptions>;
  readonly presence: number;
  readonly minPosterior: number;
  readonly qgrams: (value: string) => string[];
}

export const PATTERN_MINING_DEFAULTS: PatternMiningOptions = {
  mining: {},
  align: {},
  presence: 0.8,
  minPosterior: 0.5,
  qgrams: qgramsOf,
};

export interface PatternMiningResult {
  readonly claims: (string | null)[];
  readonly atoms: number;
  /** atom index → q-gram it was assigned */
  readonly assigned: ReadonlyMap<number, string>;
}

/** Decoding (step 4): claims from the atoms found in each encoding and their q-grams. */
export function decodeAtoms(
  inc: BitMatrix,
  assigned: ReadonlyMap<number, string>,
  knowledge: readonly ValueFreq[],
  minPosterior: number,
  qgrams: (value: string) => string[] = qgramsOf,
): (string | null)[] {
  const index = new SignatureIndex(knowledge, new Set(assigned.values()), qgrams);
  const memo = new Map<string, string | null>();
  const claims: (string | null)[] = [];
  for (let r = 0; r < inc.n; r++) {
    const found = new Set<string>();
    for (const [a, q] of assigned) if (inc.get(r, a)) found.add(q);
    const key = [...found].sort().join(' ');
    let c = memo.get(key);
    if (c === undefined) {
      c = claimFrom(index.candidates([...found]), minPosterior);
      memo.set(key, c);
    }
    claims.push(c);
  }
  return claims;
}

/** Steps 1–4 on one attacked field. `atoms` may be passed to reuse a mining run across fields. */
export function patternMiningAttack(
  m: BitMatrix,
  knowledge: readonly ValueFreq[],
  options: Partial<PatternMiningOptions> = {},
  atoms: readonly number[][] = mineAtoms(m, options.mining ?? {}),
): PatternMiningResult {
  const o = { ...PATTERN_MINING_DEFAULTS, ...options };
  const reduced = reduceAtoms(atoms, atomSupport(m, atoms, o.presence)).filter((a) => a.length >= 6);
  const inc = atomIncidence(m, reduced, o.presence);
  const assigned = alignAtoms(inc, qgramStats(knowledge, o.qgrams), o.align);
  return {
    claims: decodeAtoms(inc, assigned, knowledge, o.minPosterior, o.qgrams),
    atoms: reduced.length,
    assigned,
  };
}
