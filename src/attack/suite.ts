/**
 * The attack suite's scenarios: each attack run against one encoding of a victim population and scored
 * with metrics.ts, per attacked attribute (the primary first name and the birth surname). The runner
 * (bench/attack.ts) calls these for the unhardened baseline, protocol v1 and every hardening candidate.
 * Pure.
 */

import { Rng } from '../synth/prng.js';
import { BitMatrix } from './bits.js';
import { frequencyAttack, subPatternAttack } from './frequency.js';
import { diceMatrix, graphMatchingAttack, meanMatrix, similarityNoise } from './graph.js';
import type { ValueFreq } from './knowledge.js';
import { type Reidentification, reidentification } from './metrics.js';
import { atomSupport, mineAtoms, patternMiningAttack, reduceAtoms } from './pattern-mining.js';

/** One attacked attribute: the adversary's frequency table and the true values (for scoring only). */
export interface Target {
  readonly attribute: string;
  readonly knowledge: readonly ValueFreq[];
  readonly truth: readonly string[];
}

export type ByAttribute = Readonly<Record<string, Reidentification>>;

/** Mined once per encoding, shared by T4 (sub-patterns) and T5. */
export interface Mined {
  readonly atoms: number[][];
  /** atoms with the positions of more frequent atoms they contain removed */
  readonly reduced: number[][];
}

export function mine(m: BitMatrix): Mined {
  const atoms = mineAtoms(m);
  const reduced = reduceAtoms(atoms, atomSupport(m, atoms)).filter((a) => a.length >= 6);
  return { atoms, reduced };
}

/**
 * T4: the frequency attack on whole encodings and on mined sub-patterns; per attribute the attacker
 * keeps the variant claiming more records (it cannot see which is right, so it commits to coverage).
 */
export function runT4(m: BitMatrix, mined: Mined | null, targets: readonly Target[]): ByAttribute {
  const out: Record<string, Reidentification> = {};
  for (const t of targets) {
    const whole = frequencyAttack(m, t.knowledge).claims;
    let best = whole;
    if (mined !== null && mined.reduced.length > 0) {
      const sub = subPatternAttack(m, mined.reduced, t.knowledge).claims;
      if (countClaims(sub) > countClaims(whole)) best = sub;
    }
    out[t.attribute] = reidentification(best, t.truth);
  }
  return out;
}

/** T5: the pattern-mining attack. */
export function runT5(m: BitMatrix, mined: Mined, targets: readonly Target[]): ByAttribute {
  const out: Record<string, Reidentification> = {};
  for (const t of targets)
    out[t.attribute] = reidentification(patternMiningAttack(m, t.knowledge, {}, mined.atoms).claims, t.truth);
  return out;
}

const countClaims = (c: readonly (string | null)[]): number => c.filter((x) => x !== null).length;

export interface GraphCase<R> {
  /** the encoded side: the first n records */
  readonly encoded: readonly R[];
  /** the attacker's plaintext side, shuffled: ⌊overlap·n⌉ of the encoded records and others */
  readonly plain: readonly R[];
}

/** Builds the two sides of a graph-matching case from 2n records. Deterministic in `seed`. */
export function graphCase<R>(records: readonly R[], n: number, overlap: number, seed: number): GraphCase<R> {
  if (records.length < 2 * n) throw new RangeError('need 2n records');
  const rng = new Rng(seed, 0x9e37, 0x79b9, 0x7f4a);
  const idx = [...Array(n).keys()];
  shuffle(idx, rng);
  const shared = idx.slice(0, Math.round(overlap * n)).map((i) => records[i] as R);
  const others = records.slice(n, n + (n - shared.length));
  const plain = [...shared, ...others];
  shuffle(plain, rng);
  return { encoded: records.slice(0, n), plain };
}

function shuffle<T>(a: T[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
}

/** Seed-agreement tolerances at 1 and 2 times the noise the attacker measures on its own keys. */
function tolerances(own: readonly Float32Array[], n: number): { agreements: number[] } {
  const sigma = similarityNoise(own, n);
  return { agreements: [sigma, 2 * sigma] };
}

/**
 * T6 on records: the encoded side under the victim's encoder, the plaintext side encoded by the attacker
 * under each of its own encoders (its similarity is their mean), claims = the matched plaintext record's
 * attribute values. Also returns the share of records matched to the right person. With `knownPairs` > 0
 * the attacker is an insider who already knows that many true pairs (they seed the propagation and are
 * not counted as re-identified).
 */
export function runT6<R>(
  gc: GraphCase<R>,
  victim: (r: R) => Uint8Array,
  attacker: readonly ((r: R) => Uint8Array)[],
  attributes: Readonly<Record<string, (r: R) => string>>,
  same: (a: R, b: R) => boolean,
  knownPairs = 0,
): { byAttribute: ByAttribute; person: number } {
  const na = gc.encoded.length;
  const nb = gc.plain.length;
  const sa = diceMatrix(BitMatrix.fromBytes(gc.encoded.map(victim)));
  const own = attacker.map((enc) => diceMatrix(BitMatrix.fromBytes(gc.plain.map(enc))));
  // a stronger attacker knows `knownPairs` true pairs (e.g. an insider's own records): no seed search
  const known: [number, number][] = [];
  for (let i = 0; i < na && known.length < knownPairs; i++) {
    const j = gc.plain.findIndex((p) => same(gc.encoded[i] as R, p));
    if (j >= 0) known.push([i, j]);
  }
  const { partner } = graphMatchingAttack(sa, na, meanMatrix(own), nb, { ...tolerances(own, nb), known });
  // the known pairs are given, not re-identified: they are not counted
  for (const [i] of known) partner[i] = -1;
  const out: Record<string, Reidentification> = {};
  for (const [name, get] of Object.entries(attributes)) {
    const claims = gc.encoded.map((_, i) => {
      const j = partner[i] as number;
      return j < 0 ? null : get(gc.plain[j] as R);
    });
    out[name] = reidentification(
      claims,
      gc.encoded.map((r) => get(r)),
    );
  }
  let person = 0;
  gc.encoded.forEach((r, i) => {
    const j = partner[i] as number;
    if (j >= 0 && same(r, gc.plain[j] as R)) person++;
  });
  return { byAttribute: out, person: na === 0 ? 0 : person / na };
}

/**
 * T6 on a field-level encoding, the setting of Vidanage et al.: the nodes are the distinct encodings on
 * one side and the distinct plaintext values on the other; a matched node's value is claimed for every
 * record carrying that encoding.
 */
export function runT6Values(
  gc: GraphCase<string>,
  victim: (value: string) => Uint8Array,
  attacker: readonly ((value: string) => Uint8Array)[],
): Reidentification {
  const ev = [...new Set(gc.encoded)];
  const pv = [...new Set(gc.plain)].sort();
  const sa = diceMatrix(BitMatrix.fromBytes(ev.map(victim)));
  const own = attacker.map((enc) => diceMatrix(BitMatrix.fromBytes(pv.map(enc))));
  const { partner } = graphMatchingAttack(
    sa,
    ev.length,
    meanMatrix(own),
    pv.length,
    tolerances(own, pv.length),
  );
  const claimOf = new Map<string, string>();
  ev.forEach((v, i) => {
    const j = partner[i] as number;
    if (j >= 0) claimOf.set(v, pv[j] as string);
  });
  return reidentification(
    gc.encoded.map((v) => claimOf.get(v) ?? null),
    gc.encoded,
  );
}
