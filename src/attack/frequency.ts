/**
 * T4 — the frequency attack on Bloom-filter encodings (after Christen, Schnell, Vatsalan and Ranbaduge,
 * "Efficient cryptanalysis of Bloom filters for PPRL", PAKDD 2017). It needs no key, only a
 * value-frequency table:
 *
 *   1. Group the encodings by exact bit pattern; sort the groups by size.
 *   2. Align the frequent patterns (groups of at least `minGroup`) with values. Plain rank alignment
 *      fails when the top frequencies are close (French first names: MARIE 1.2 %, NATHALIE 1.0 %,
 *      PHILIPPE 0.9 %…), so each pattern is given the value that best fits three constraints the attacker
 *      can check without the key: its frequency (within a factor `ratioTolerance`), its Hamming weight
 *      (≈ l(1 − (1 − 1/l)^{k·b}) for a value of b q-grams, k estimated as the value that lets most
 *      frequent patterns fit some value of their frequency window), and its overlaps with the other
 *      aligned patterns (two values sharing s q-grams share ≈ l(1 − (1 − 1/l)^{k·s}) bits plus chance
 *      overlaps). Greedy over the patterns by decreasing frequency, then `passes` rounds in which every
 *      pattern is re-fitted against all the others (iterated conditional modes).
 *   3. Learn q-gram → bit positions from the aligned pairs: position p belongs to q-gram q when p is set
 *      in at least `majority` of the aligned patterns whose value contains q (a majority rather than an
 *      intersection, so a few misaligned ranks do not erase true positions). A q-gram is *known* when it
 *      occurs in at least `minSupport` aligned values and its position set is not implausibly large.
 *   4. Decode every pattern (aligned ones included: the alignment only trains): the known q-grams whose
 *      positions are (almost) all set are "found"; candidate values are those whose known q-grams are
 *      exactly the found ones and whose unknown q-grams can account for the set bits left unexplained;
 *      claim by the posterior rule of decode.ts.
 *
 * On a field-level filter the frequent names repeat as identical patterns and the attack recovers the
 * q-gram positions; on a record-level CLK almost every pattern is unique (dates, places), so step 2 finds
 * nothing to align — the suite also runs it on sub-patterns mined by T5 (pattern-mining.ts). Pure.
 */
import { BitMatrix, popcount32 } from './bits.js';
import { claimFrom, SignatureIndex } from './decode.js';
import { qgramsOf, type ValueFreq } from './knowledge.js';

export interface FrequencyAttackOptions {
  readonly minGroup: number;
  readonly ratioTolerance: number;
  readonly majority: number;
  readonly minSupport: number;
  readonly minPosterior: number;
  /** most frequent patterns aligned */
  readonly maxAligned: number;
  /** candidate values per pattern (the closest in frequency) */
  readonly window: number;
  /** re-fitting rounds after the greedy alignment */
  readonly passes: number;
  /** aligned patterns each fit is checked against */
  readonly context: number;
  /** a learnt q-gram needs at least this many positions to be used in decoding */
  readonly minPositions: number;
  /** values tried for the most frequent pattern (restarts) */
  readonly starts: number;
  /** a restart whose mean overlap misfit is at most this is accepted at once */
  readonly goodFit: number;
  readonly qgrams: (value: string) => string[];
}

export const FREQUENCY_ATTACK_DEFAULTS: FrequencyAttackOptions = {
  minGroup: 3,
  ratioTolerance: 2,
  majority: 0.9,
  minSupport: 2,
  minPosterior: 0.5,
  maxAligned: 400,
  window: 200,
  passes: 3,
  context: 150,
  starts: 8,
  goodFit: 1,
  minPositions: 8,
  qgrams: qgramsOf,
};

export interface FrequencyAttackResult {
  /** per encoded row: the claimed value or null */
  readonly claims: (string | null)[];
  readonly groups: number;
  readonly aligned: number;
  /** q-grams whose bit positions were learnt */
  readonly learnt: number;
  /** the alignment: a representative row of each aligned pattern and its value */
  readonly alignment: readonly { readonly row: number; readonly value: string }[];
}

/** Groups of identical rows, largest first (ties: first occurrence first). Empty rows are left out. */
export function patternGroups(m: BitMatrix): number[][] {
  const groups = new Map<string, number[]>();
  for (let r = 0; r < m.n; r++) {
    if (m.rowCount(r) === 0) continue;
    const key = Array.from(m.row(r)).join(',');
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].sort((a, b) => b.length - a.length || (a[0] ?? 0) - (b[0] ?? 0));
}

export function frequencyAttack(
  m: BitMatrix,
  knowledge: readonly ValueFreq[],
  options: Partial<FrequencyAttackOptions> = {},
): FrequencyAttackResult {
  const o = { ...FREQUENCY_ATTACK_DEFAULTS, ...options };
  const claims: (string | null)[] = new Array(m.n).fill(null);
  const groups = patternGroups(m);
  const reps = groups.map((g) => g[0] as number);
  const patterns = m.selectRows(reps);
  const learnt = learn(
    patterns,
    groups.map((g) => g.length),
    m.n,
    knowledge,
    o,
  );
  const alignment = learnt.aligned.map((a) => ({ row: reps[a.pattern] as number, value: a.value }));
  if (learnt.positions.size === 0)
    return { claims, groups: groups.length, aligned: alignment.length, learnt: 0, alignment };
  const decoded = decode(patterns, learnt, knowledge, o, true);
  groups.forEach((g, i) => {
    const c = decoded[i] ?? null;
    if (c !== null) for (const r of g) claims[r] = c;
  });
  return {
    claims,
    groups: groups.length,
    aligned: alignment.length,
    learnt: learnt.positions.size,
    alignment,
  };
}

/**
 * The frequency attack on *sub-patterns* of a record-level encoding: the patterns aligned with values are
 * the bit groups mined by T5 (pattern-mining.ts, after removing the positions of more frequent groups
 * they contain — the sex's, in a gendered first name's group), counted by how many encodings contain
 * them; q-gram positions are learnt from them as above and every encoding is decoded (no check of
 * unexplained bits: the other fields of the record set bits too).
 */
export function subPatternAttack(
  m: BitMatrix,
  atoms: readonly (readonly number[])[],
  knowledge: readonly ValueFreq[],
  options: Partial<FrequencyAttackOptions> = {},
  presence = 0.8,
): FrequencyAttackResult {
  const o = { ...FREQUENCY_ATTACK_DEFAULTS, ...options };
  const counts = atoms.map((a) => {
    const need = Math.ceil(presence * a.length);
    let c = 0;
    for (let r = 0; r < m.n; r++) {
      let h = 0;
      for (const p of a) if (m.get(r, p)) h++;
      if (h >= need) c++;
    }
    return c;
  });
  const order = [...atoms.keys()].sort((x, y) => (counts[y] as number) - (counts[x] as number) || x - y);
  const patterns = BitMatrix.fromPositions(
    order.map((i) => atoms[i] as readonly number[]),
    m.l,
  );
  const learnt = learn(
    patterns,
    order.map((i) => counts[i] as number),
    m.n,
    knowledge,
    o,
  );
  const alignment = learnt.aligned.map((a) => ({ row: order[a.pattern] as number, value: a.value }));
  if (learnt.positions.size === 0)
    return {
      claims: new Array(m.n).fill(null),
      groups: atoms.length,
      aligned: alignment.length,
      learnt: 0,
      alignment,
    };
  return {
    claims: decode(m, learnt, knowledge, o, false),
    groups: atoms.length,
    aligned: alignment.length,
    learnt: learnt.positions.size,
    alignment,
  };
}

interface Learnt {
  readonly aligned: readonly { readonly pattern: number; readonly value: string }[];
  /** q-gram → its bit positions */
  readonly positions: ReadonlyMap<string, readonly number[]>;
  readonly kMax: number;
}

/** Steps 2–3: align the patterns (rows of `patterns`, counted `counts` times among n) and learn positions. */
function learn(
  patterns: BitMatrix,
  counts: readonly number[],
  n: number,
  knowledge: readonly ValueFreq[],
  o: FrequencyAttackOptions,
): Learnt {
  const aligned = alignPatterns(patterns, counts, n, knowledge, o);
  const byQgram = new Map<string, number[]>();
  for (const a of aligned)
    for (const q of o.qgrams(a.value)) {
      const list = byQgram.get(q);
      if (list) list.push(a.pattern);
      else byQgram.set(q, [a.pattern]);
    }
  const positions = new Map<string, number[]>();
  for (const [q, rows] of byQgram) {
    if (rows.length < o.minSupport) continue;
    const ps: number[] = [];
    for (let p = 0; p < patterns.l; p++) {
      let c = 0;
      for (const r of rows) if (patterns.get(r, p)) c++;
      if (c >= o.majority * rows.length) ps.push(p);
    }
    // a q-gram with few positions (double hashing with h2 sharing a factor with l) is found by chance too often
    if (ps.length >= o.minPositions) positions.set(q, ps);
  }
  // a q-gram seen in few values keeps the positions of its companions: drop implausibly large sets
  const sizes = [...positions.values()].map((p) => p.length).sort((a, b) => a - b);
  const typical = sizes[Math.floor(sizes.length / 2)] ?? 0;
  for (const [q, ps] of positions) if (ps.length > 2 * typical) positions.delete(q);
  const kMax = Math.max(0, ...[...positions.values()].map((p) => p.length));
  return { aligned, positions, kMax };
}

/** Step 4 on every row of `m`; `unexplained` checks that the value's q-grams account for every set bit. */
function decode(
  m: BitMatrix,
  learnt: Learnt,
  knowledge: readonly ValueFreq[],
  o: FrequencyAttackOptions,
  unexplained: boolean,
): (string | null)[] {
  const index = new SignatureIndex(knowledge, new Set(learnt.positions.keys()), o.qgrams);
  const out: (string | null)[] = [];
  const explained = new Uint8Array(m.l);
  for (let r = 0; r < m.n; r++) {
    const found: string[] = [];
    explained.fill(0);
    for (const [q, ps] of learnt.positions) {
      let c = 0;
      for (const p of ps) if (m.get(r, p)) c++;
      if (c >= o.majority * ps.length) {
        found.push(q);
        for (const p of ps) explained[p] = 1;
      }
    }
    let left = 0;
    if (unexplained) for (let p = 0; p < m.l; p++) if (explained[p] === 0 && m.get(r, p)) left++;
    out.push(
      claimFrom(index.candidates(found), o.minPosterior, (c) =>
        !unexplained ? true : c.unknown === 0 ? left === 0 : left > 0 && left <= c.unknown * learnt.kMax,
      ),
    );
  }
  return out;
}

/** Expected number of distinct bits set by b tokens of k uniformly random positions each, in l bits. */
export function expectedBits(l: number, k: number, b: number): number {
  return l * (1 - (1 - 1 / l) ** (k * b));
}

const bitTolerance = (w: number): number => 3 + 0.07 * w;

function alignPatterns(
  patterns: BitMatrix,
  counts: readonly number[],
  n: number,
  knowledge: readonly ValueFreq[],
  o: FrequencyAttackOptions,
): { pattern: number; value: string }[] {
  const top: number[] = [];
  for (let i = 0; i < patterns.n && top.length < o.maxAligned; i++)
    if ((counts[i] as number) >= o.minGroup) top.push(i);
  if (top.length === 0 || knowledge.length === 0) return [];
  const rows = top;
  const share = top.map((i) => (counts[i] as number) / n);
  const weight = rows.map((r) => patterns.rowCount(r));
  const m = patterns;
  const qsets = knowledge.map((v) => new Set(o.qgrams(v.value)));
  // candidate values of each pattern: the `window` values closest in frequency within the tolerance
  const windows = share.map((s) => {
    let lo = 0;
    let hi = knowledge.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((knowledge[mid] as ValueFreq).share > s) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    let a = lo - 1;
    let b = lo;
    const ok = (i: number) => {
      const r = s / (knowledge[i] as ValueFreq).share;
      return r <= o.ratioTolerance && r >= 1 / o.ratioTolerance;
    };
    while (out.length < o.window && (a >= 0 || b < knowledge.length)) {
      const da = a >= 0 ? Math.abs(Math.log(s / (knowledge[a] as ValueFreq).share)) : Infinity;
      const db = b < knowledge.length ? Math.abs(Math.log(s / (knowledge[b] as ValueFreq).share)) : Infinity;
      const i = da <= db ? a-- : b++;
      if (!ok(i)) break;
      out.push(i);
    }
    return out;
  });
  // k: the number of positions per q-gram that lets most patterns fit a value of their window by weight
  const tables = Array.from({ length: 65 }, (_, kk) =>
    Float64Array.from({ length: 65 }, (_, b) => expectedBits(m.l, kk, b)),
  );
  const fits = (k: number, i: number, v: number) =>
    Math.abs(
      ((tables[k] as Float64Array)[Math.min(64, (qsets[v] as Set<string>).size)] as number) -
        (weight[i] as number),
    ) <= bitTolerance(weight[i] as number);
  let k = 1;
  let bestFit = -1;
  for (let kk = 1; kk <= 64; kk++) {
    let f = 0;
    for (let i = 0; i < top.length; i++) if ((windows[i] as number[]).some((v) => fits(kk, i, v))) f++;
    if (f > bestFit) {
      bestFit = f;
      k = kk;
    }
  }
  // overlaps of the aligned patterns, q-gram ids of the values, expected shared bits by shared q-grams
  const T = top.length;
  const inter = new Int32Array(T * T);
  for (let i = 0; i < T; i++)
    for (let j = i + 1; j < T; j++) {
      const a = m.row(rows[i] as number);
      const b = m.row(rows[j] as number);
      let c = 0;
      for (let x = 0; x < a.length; x++) c += popcount32((a[x] as number) & (b[x] as number));
      inter[i * T + j] = c;
      inter[j * T + i] = c;
    }
  const ids = new Map<string, number>();
  const qids = qsets.map((set) =>
    Int32Array.from([...set], (q) => {
      let id = ids.get(q);
      if (id === undefined) {
        id = ids.size;
        ids.set(q, id);
      }
      return id;
    }),
  );
  const mark = new Uint8Array(ids.size);
  const expectedShared = Float64Array.from({ length: 65 }, (_, x) => expectedBits(m.l, k, x));
  const assign = new Int32Array(top.length).fill(-1);
  const owner = new Map<number, number>();
  const cost = (i: number, v: number): number => {
    let sum = 0;
    let cnt = 0;
    const mine = qids[v] as Int32Array;
    for (const q of mine) mark[q] = 1;
    for (let j = 0; j < T && cnt < o.context; j++) {
      const vj = assign[j] as number;
      if (j === i || vj < 0) continue;
      let sh = 0;
      for (const q of qids[vj] as Int32Array) sh += mark[q] as number;
      const c = expectedShared[Math.min(64, sh)] as number;
      const ri = Math.max(0, (weight[i] as number) - c);
      const rj = Math.max(0, (weight[j] as number) - c);
      const expected = c + (ri * rj) / m.l;
      sum += Math.abs((inter[i * T + j] as number) - expected) / Math.sqrt(expected + 1);
      cnt++;
    }
    for (const q of mine) mark[q] = 0;
    const freq = Math.abs(Math.log((share[i] as number) / (knowledge[v] as ValueFreq).share));
    return cnt === 0 ? freq : sum / cnt + 0.1 * freq;
  };
  // greedy first (values taken once), then re-fitting rounds in which values may be claimed twice; the
  // lower-cost pattern keeps a value claimed twice
  const bestCost = new Float64Array(T).fill(Infinity);
  const run = (first: number): number => {
    assign.fill(-1);
    owner.clear();
    for (let pass = 0; pass <= o.passes; pass++) {
      const next = Int32Array.from(assign);
      for (let i = 0; i < T; i++) {
        let best = -1;
        let bc = Infinity;
        if (pass === 0 && i === 0) best = first;
        else
          for (const v of windows[i] as number[]) {
            if (pass === 0 && owner.has(v)) continue;
            if (!fits(k, i, v)) continue;
            const c = cost(i, v);
            if (c < bc) {
              bc = c;
              best = v;
            }
          }
        bestCost[i] = bc;
        if (pass === 0) {
          assign[i] = best;
          if (best >= 0) owner.set(best, i);
        } else next[i] = best;
      }
      if (pass > 0) {
        const keeper = new Map<number, number>();
        for (let i = 0; i < T; i++) {
          const v = next[i] as number;
          if (v < 0) continue;
          const j = keeper.get(v);
          if (j === undefined || (bestCost[i] as number) < (bestCost[j] as number)) keeper.set(v, i);
        }
        for (let i = 0; i < T; i++) {
          const v = next[i] as number;
          assign[i] = v >= 0 && keeper.get(v) === i ? v : -1;
        }
      }
    }
    let sum = 0;
    let cnt = 0;
    for (let i = 0; i < T; i++)
      if ((assign[i] as number) >= 0) {
        sum += cost(i, assign[i] as number);
        cnt++;
      }
    return cnt === 0 ? Infinity : sum / cnt;
  };
  // restarts from other values for the most frequent pattern, until the overlaps fit (mean misfit
  // below `goodFit` standard errors; a wrong start leaves most overlaps unexplained, at about 1.7)
  const starts = (windows[0] ?? []).filter((v) => fits(k, 0, v)).slice(0, o.starts);
  let bestRun: { cost: number; assign: Int32Array } | null = null;
  for (const first of starts) {
    const c = run(first);
    if (bestRun === null || c < bestRun.cost) bestRun = { cost: c, assign: Int32Array.from(assign) };
    if (c <= o.goodFit) break;
  }
  assign.set(bestRun?.assign ?? assign.fill(-1));
  const out: { pattern: number; value: string }[] = [];
  for (let i = 0; i < top.length; i++) {
    const v = assign[i] as number;
    if (v >= 0) out.push({ pattern: rows[i] as number, value: (knowledge[v] as ValueFreq).value });
  }
  return out;
}
