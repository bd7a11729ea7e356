/**
 * A5 — re-identification through the blocking-key classes of protocols v1–v2 (§5; v3 sends no blocking
 * keys; v2's keyer is kept in legacy-blocking.ts). Keyed blocking keys hide their values, but not their
 * equality: the hub (or anyone with a copy of its database) sees, for each pass, which records share a
 * key — equivalence classes. An adversary holding plaintext identities of an overlapping population
 * computes the plaintext blocking parts of its own records (`blockingParts` was public protocol) and so
 * the same class structure on its side; it then matches the two structures.
 *
 * Each side is a hypergraph: records, and per pass the classes (records sharing a key value). Equality is
 * all that is used, so keys under any linkage key — or plaintext parts — give the same hypergraph.
 *
 *   1. Exact attack — joint colour refinement (1-dimensional Weisfeiler–Leman) on both sides at once:
 *      initial colour = the record's clear attributes (birth year and sex, sent in clear, §6) and, per
 *      pass, the sizes of its classes (so also which passes it has keys for); each round a class gets the
 *      colour (pass, sorted multiset of its members' colours) and a record the colour (old colour, sorted
 *      multiset of its classes' colours), until the number of colours stops growing. A colour held by
 *      exactly one record on each side is a claim: that record is that person. At 100 % overlap the two
 *      hypergraphs are isomorphic and such a claim is always right.
 *   2. Tolerant attack — percolation through the classes (the spirit of graph.ts' propagation): from seed
 *      pairs, a matched pair maps its classes to the attacker's classes pass by pass (a key is then
 *      *decoded*: its plaintext part is known); an unmatched encoded record i gets one mark towards an
 *      attacker record j per mapped class of i that holds j. A pair is accepted when it has ≥ `minMarks`
 *      marks, i's and j's clear attributes and key profiles (keys per pass) agree, every mapped class of
 *      either contains the other (no contradiction) and the pair is the unique best of both; repeated
 *      until nothing changes. Seeds: the exact attack's claims, or pairs an insider already knows.
 *
 * Against keyed truncation (each hub key reduced to a bucket, so a hub class is a union of plaintext classes
 * merged by chance; bench/attack.md, "A5 — truncated keys"): the attacker cannot compute buckets, but it
 * can (3) split every hub bucket by the clear attributes the pass's plaintext fixes (`splitByClear`: year
 * for `name-year`, `firstname-dob`, `dob-place`; sex for `names-sex`), which removes most chance members,
 * then run the exact attack; and (4) percolate knowing that buckets are supersets (`supersetPropagation`):
 * decoded attacker classes map to hub buckets, and only the attacker side can contradict a pair.
 *
 * Simplifications (bench/attack.md, A5): error-free identities on both sides (the attacker's plaintext
 * equals the producer's — the attacker-favourable case); one record per person (the hub's folded view);
 * two classes of one pass on both records (birth and usage name) are mapped only when one of them is
 * already mapped; the tolerant attack's seeds come from the exact attack, not from a frequency alignment
 * of class sizes. Pure.
 */

import type { Identity } from '../core/identity.js';
import { blockingParts } from './legacy-blocking.js';

/** One side of the attack: per record its blocking keys (`<pass>:<anything>`), compared by equality. */
export interface Hypergraph {
  readonly n: number;
  /** per record: attributes the observer sees in clear (e.g. `1980|1`), '' when none */
  readonly clear: readonly string[];
  /** per record: its class ids */
  readonly classesOf: readonly Int32Array[];
  /** per class: its pass */
  readonly passOf: readonly string[];
  /** per class: its member records */
  readonly members: readonly Int32Array[];
  /** per record: keys per pass, e.g. `dob-place:1,name-year:2` (what it has keys for) */
  readonly profile: readonly string[];
}

const passOfKey = (k: string): string => {
  const i = k.indexOf(':');
  return i < 0 ? '' : k.slice(0, i);
};

/** Builds a side's hypergraph from its records' keys (and clear attributes, one string per record). */
export function hypergraph(keys: readonly (readonly string[])[], clear?: readonly string[]): Hypergraph {
  const id = new Map<string, number>();
  const passOf: string[] = [];
  const lists: number[][] = [];
  const classesOf = keys.map((ks, r) => {
    const cs = [...new Set(ks)].map((k) => {
      let c = id.get(k);
      if (c === undefined) {
        c = passOf.length;
        id.set(k, c);
        passOf.push(passOfKey(k));
        lists.push([]);
      }
      (lists[c] as number[]).push(r);
      return c;
    });
    return Int32Array.from(cs);
  });
  const profile = classesOf.map((cs) => {
    const per = new Map<string, number>();
    for (const c of cs) per.set(passOf[c] as string, (per.get(passOf[c] as string) ?? 0) + 1);
    return [...per]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([p, k]) => `${p}:${k}`)
      .join(',');
  });
  return {
    n: keys.length,
    clear: clear ?? keys.map(() => ''),
    classesOf,
    passOf,
    members: lists.map((l) => Int32Array.from(l)),
    profile,
  };
}

/**
 * The attacker's side: its plaintext blocking parts, one string per (pass, parts), deduplicated as the
 * producer's `BlockingKeyer.keys` does — the same equality structure as keys under any linkage key.
 */
export function plaintextKeys(id: Identity): string[] {
  const out = new Set<string>();
  for (const [pass, list] of Object.entries(blockingParts(id)))
    for (const parts of list) out.add(`${pass}:${parts.join('\u0001')}`);
  return [...out].sort();
}

/** What the hub sees in clear beside the keys (protocol v2 §6: `birth_year`, `sex`). */
export const clearOf = (id: Identity): string => `${id.birthDate?.year ?? ''}|${id.sex ?? ''}`;

export interface Refinement {
  /** final colour per record, comparable across the two sides */
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly rounds: number;
  /** distinct colours over both sides */
  readonly colours: number;
}

/**
 * Clear attribute each pass's plaintext fixes for all its members (`blockingParts`): a class of that pass
 * never mixes two values of it, so a hub bucket that does is a union of classes merged by chance.
 */
export const PASS_CLEAR: Readonly<Record<string, 'year' | 'sex'>> = {
  'name-year': 'year',
  'firstname-dob': 'year',
  'dob-place': 'year',
  'names-sex': 'sex',
};

/**
 * A record's keys with the clear attribute its pass fixes appended (`clear` as `clearOf`: `year|sex`):
 * splits every (truncated) bucket into the parts that could be one plaintext class. Keys of other passes
 * are kept as they are.
 */
export function splitByClear(keys: readonly string[], clear: string): string[] {
  const [year = '', sex = ''] = clear.split('|');
  return keys.map((k) => {
    const by = PASS_CLEAR[passOfKey(k)];
    return by === undefined ? k : `${k}|${by === 'year' ? year : sex}`;
  });
}

/** How the initial colour uses class sizes: exactly, as ⌊log2⌋ bins (tolerates a few chance members), or not. */
export type InitialSizes = 'exact' | 'log2' | 'none';

/**
 * Joint colour refinement (1-WL) of two hypergraphs, to stability or `maxRounds`. Colours come from one
 * dictionary per round shared by both sides, so equal colours mean equal refined structure.
 */
export function refineColours(
  a: Hypergraph,
  b: Hypergraph,
  maxRounds = 30,
  sizes: InitialSizes = 'exact',
): Refinement {
  const dict = new Map<string, number>();
  const intern = (s: string): number => {
    let c = dict.get(s);
    if (c === undefined) {
      c = dict.size;
      dict.set(s, c);
    }
    return c;
  };
  const initial = (g: Hypergraph): Int32Array =>
    Int32Array.from(g.classesOf, (cs, r) => {
      const size = (c: number) => {
        const k = (g.members[c] as Int32Array).length;
        return sizes === 'exact' ? k : sizes === 'log2' ? Math.floor(Math.log2(k)) : 0;
      };
      const sz = [...cs].map((c) => `${g.passOf[c]}#${size(c)}`).sort();
      return intern(`${g.clear[r]};${sz.join(',')}`);
    });
  let ca = initial(a);
  let cb = initial(b);
  let colours = dict.size;
  let rounds = 0;
  const step = (g: Hypergraph, col: Int32Array, classDict: Map<string, number>): Int32Array => {
    const classCol = g.members.map((m, c) => {
      const s = `${g.passOf[c]}:${Array.from(m, (r) => col[r] as number)
        .sort((x, y) => x - y)
        .join(',')}`;
      let k = classDict.get(s);
      if (k === undefined) {
        k = classDict.size;
        classDict.set(s, k);
      }
      return k;
    });
    return Int32Array.from(g.classesOf, (cs, r) =>
      intern(
        `${col[r]}|${Array.from(cs, (c) => classCol[c] as number)
          .sort((x, y) => x - y)
          .join(',')}`,
      ),
    );
  };
  while (rounds < maxRounds) {
    dict.clear();
    const classDict = new Map<string, number>();
    const na = step(a, ca, classDict);
    const nb = step(b, cb, classDict);
    rounds++;
    ca = na;
    cb = nb;
    // refinement only splits colours: when their number stops growing the partition is stable
    if (dict.size === colours) break;
    colours = dict.size;
  }
  return { a: ca, b: cb, rounds, colours };
}

/** Pairs (encoded record, attacker record) whose colour is held by exactly one record on each side. */
export function uniqueColourPairs(r: Refinement): [number, number][] {
  const count = (col: Int32Array) => {
    const m = new Map<number, number>();
    col.forEach((c, i) => {
      m.set(c, m.has(c) ? -1 : i);
    });
    return m;
  };
  const ua = count(r.a);
  const ub = count(r.b);
  const out: [number, number][] = [];
  for (const [c, i] of ua) {
    const j = ub.get(c);
    if (i >= 0 && j !== undefined && j >= 0) out.push([i, j]);
  }
  return out.sort((x, y) => x[0] - y[0]);
}

export interface PropagationOptions {
  /** marks (mapped classes in common) a pair needs */
  readonly minMarks: number;
  readonly maxRounds: number;
}

export const PROPAGATION_DEFAULTS: PropagationOptions = { minMarks: 2, maxRounds: 50 };

export interface AttackResult {
  /** per encoded record: the attacker record it is claimed to be, or −1 */
  readonly partner: Int32Array;
  /** seeds used; refinement rounds (exact) or propagation rounds (tolerant) */
  readonly seeds: number;
  readonly rounds: number;
  /** encoded classes whose plaintext part the attacker learnt (tolerant attack) */
  readonly decodedClasses: number;
}

/** Step 1: the exact attack. */
export function exactAttack(
  a: Hypergraph,
  b: Hypergraph,
  maxRounds = 30,
  sizes: InitialSizes = 'exact',
): AttackResult {
  const r = refineColours(a, b, maxRounds, sizes);
  const partner = new Int32Array(a.n).fill(-1);
  const pairs = uniqueColourPairs(r);
  for (const [i, j] of pairs) partner[i] = j;
  return { partner, seeds: 0, rounds: r.rounds, decodedClasses: 0 };
}

/** Step 2: percolation through the classes from `seeds` (encoded record, attacker record). */
export function propagationAttack(
  a: Hypergraph,
  b: Hypergraph,
  seeds: readonly (readonly [number, number])[],
  options: Partial<PropagationOptions> = {},
): AttackResult {
  const o = { ...PROPAGATION_DEFAULTS, ...options };
  const pa = new Int32Array(a.n).fill(-1);
  const pb = new Int32Array(b.n).fill(-1);
  const mapA = new Int32Array(a.passOf.length).fill(-1);
  const mapB = new Int32Array(b.passOf.length).fill(-1);
  let decoded = 0;
  const mapClasses = (i: number, j: number): void => {
    const byPass = (g: Hypergraph, r: number) => {
      const m = new Map<string, number[]>();
      for (const c of g.classesOf[r] as Int32Array) {
        const p = g.passOf[c] as string;
        m.set(p, [...(m.get(p) ?? []), c]);
      }
      return m;
    };
    const bj = byPass(b, j);
    for (const [pass, xs] of byPass(a, i)) {
      const ys = bj.get(pass) ?? [];
      if (ys.length !== xs.length) continue;
      // birth and usage name give two classes of one pass: pair them only once one of them is known
      const fx = xs.filter((x) => mapA[x] === -1);
      const fy = ys.filter((y) => mapB[y] === -1);
      if (fx.length === 1 && fy.length === 1) {
        mapA[fx[0] as number] = fy[0] as number;
        mapB[fy[0] as number] = fx[0] as number;
        decoded++;
      }
    }
  };
  const accept = (i: number, j: number) => {
    pa[i] = j;
    pb[j] = i;
    mapClasses(i, j);
  };
  for (const [i, j] of seeds) if (pa[i] === -1 && pb[j] === -1) accept(i, j);
  const mappedCount = (g: Hypergraph, map: Int32Array, r: number): number => {
    let k = 0;
    for (const c of g.classesOf[r] as Int32Array) if (map[c] !== -1) k++;
    return k;
  };
  let rounds = 0;
  for (; rounds < o.maxRounds; rounds++) {
    // marks[i][j]: mapped classes of i that contain j
    const marks = new Map<number, Map<number, number>>();
    mapA.forEach((cb, ca) => {
      if (cb === -1) return;
      for (const i of a.members[ca] as Int32Array) {
        if (pa[i] !== -1) continue;
        let row = marks.get(i);
        for (const j of b.members[cb] as Int32Array) {
          if (pb[j] !== -1) continue;
          if (row === undefined) {
            row = new Map();
            marks.set(i, row);
          }
          row.set(j, (row.get(j) ?? 0) + 1);
        }
      }
    });
    // candidates: enough marks, same clear attributes and key profile, no contradiction either way
    const bestA = new Map<number, { j: number; m: number; tie: boolean }>();
    const bestB = new Map<number, { i: number; m: number; tie: boolean }>();
    for (const [i, row] of marks) {
      const needA = mappedCount(a, mapA, i);
      for (const [j, m] of row) {
        if (m < o.minMarks || m !== needA || m !== mappedCount(b, mapB, j)) continue;
        if (a.clear[i] !== b.clear[j] || a.profile[i] !== b.profile[j]) continue;
        const x = bestA.get(i);
        if (x === undefined || m > x.m) bestA.set(i, { j, m, tie: false });
        else if (m === x.m) x.tie = true;
        const y = bestB.get(j);
        if (y === undefined || m > y.m) bestB.set(j, { i, m, tie: false });
        else if (m === y.m) y.tie = true;
      }
    }
    const accepted: [number, number][] = [];
    for (const [i, x] of bestA) {
      const y = bestB.get(x.j);
      if (!x.tie && y !== undefined && !y.tie && y.i === i) accepted.push([i, x.j]);
    }
    if (accepted.length === 0) break;
    for (const [i, j] of accepted) accept(i, j);
  }
  return { partner: pa, seeds: seeds.length, rounds, decodedClasses: decoded };
}

/**
 * Percolation when each hub class (`a`) is a union of attacker classes (`b`), as under keyed truncation:
 * a matched pair maps each of its attacker classes to its hub bucket of the same pass (a function: many
 * classes may map to one bucket); an unmatched attacker record j gets a mark towards hub record i per
 * mapped class of j whose bucket holds i. A pair is accepted with ≥ `minMarks` marks, every mapped class
 * of j in a bucket of i (the only contradiction a superset allows: a chance member of a bucket is not in
 * the class), equal clear attributes and key profiles, and no tie on either side; to a fixed point.
 */
export function supersetPropagation(
  a: Hypergraph,
  b: Hypergraph,
  seeds: readonly (readonly [number, number])[],
  options: Partial<PropagationOptions> = {},
): AttackResult {
  const o = { ...PROPAGATION_DEFAULTS, ...options };
  const pa = new Int32Array(a.n).fill(-1);
  const pb = new Int32Array(b.n).fill(-1);
  const mapB = new Int32Array(b.passOf.length).fill(-1);
  let decoded = 0;
  const byPass = (g: Hypergraph, r: number) => {
    const m = new Map<string, number[]>();
    for (const c of g.classesOf[r] as Int32Array) {
      const p = g.passOf[c] as string;
      m.set(p, [...(m.get(p) ?? []), c]);
    }
    return m;
  };
  const mapClasses = (i: number, j: number): void => {
    const ai = byPass(a, i);
    for (const [pass, ys] of byPass(b, j)) {
      const xs = ai.get(pass) ?? [];
      const used = new Set(ys.map((y) => mapB[y] as number).filter((x) => x !== -1));
      const fy = ys.filter((y) => mapB[y] === -1);
      // one bucket: every class of the pass is in it; two: pair the free class with the free bucket
      const fx = xs.length === 1 ? xs : xs.filter((x) => !used.has(x));
      if (fx.length !== 1 || (xs.length > 1 && fy.length !== 1)) continue;
      for (const y of fy) {
        mapB[y] = fx[0] as number;
        decoded++;
      }
    }
  };
  const accept = (i: number, j: number) => {
    pa[i] = j;
    pb[j] = i;
    mapClasses(i, j);
  };
  for (const [i, j] of seeds) if (pa[i] === -1 && pb[j] === -1) accept(i, j);
  const mappedCount = (j: number): number => {
    let k = 0;
    for (const c of b.classesOf[j] as Int32Array) if (mapB[c] !== -1) k++;
    return k;
  };
  let rounds = 0;
  for (; rounds < o.maxRounds; rounds++) {
    // marks[j][i]: mapped classes of j whose bucket holds i
    const marks = new Map<number, Map<number, number>>();
    mapB.forEach((x, y) => {
      if (x === -1) return;
      for (const j of b.members[y] as Int32Array) {
        if (pb[j] !== -1) continue;
        let row = marks.get(j);
        for (const i of a.members[x] as Int32Array) {
          if (pa[i] !== -1) continue;
          if (row === undefined) {
            row = new Map();
            marks.set(j, row);
          }
          row.set(i, (row.get(i) ?? 0) + 1);
        }
      }
    });
    const bestA = new Map<number, { j: number; m: number; tie: boolean }>();
    const bestB = new Map<number, { i: number; m: number; tie: boolean }>();
    for (const [j, row] of marks) {
      const need = mappedCount(j);
      for (const [i, m] of row) {
        if (m < o.minMarks || m !== need) continue;
        if (a.clear[i] !== b.clear[j] || a.profile[i] !== b.profile[j]) continue;
        const x = bestA.get(i);
        if (x === undefined || m > x.m) bestA.set(i, { j, m, tie: false });
        else if (m === x.m) x.tie = true;
        const y = bestB.get(j);
        if (y === undefined || m > y.m) bestB.set(j, { i, m, tie: false });
        else if (m === y.m) y.tie = true;
      }
    }
    const accepted: [number, number][] = [];
    for (const [i, x] of bestA) {
      const y = bestB.get(x.j);
      if (!x.tie && y !== undefined && !y.tie && y.i === i) accepted.push([i, x.j]);
    }
    if (accepted.length === 0) break;
    for (const [i, j] of accepted) accept(i, j);
  }
  return { partner: pa, seeds: seeds.length, rounds, decodedClasses: decoded };
}
