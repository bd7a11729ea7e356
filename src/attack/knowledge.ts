/**
 * The adversary's knowledge: public name-frequency tables. We give the attacker the very tables the
 * synthetic population is drawn from (synthetic-data/names/: INSEE first names by sex and decade, INSEE
 * top-20,000 surnames), mixed with the population's birth-cohort and sex shares. A real attacker only has
 * an estimate of the encoded population's frequencies; ours has them exactly (up to sampling), which
 * makes every frequency-based attack stronger than it would be in reality — the conservative choice.
 * Values are in the compact normalised form the CLK encodes (protocol v1 §1.2). Pure.
 */
import { bigrams } from '../core/clk.js';
import { compact, normaliseName } from '../core/text.js';
import type { NameData } from '../synth/names.js';

export interface ValueFreq {
  /** compact normalised value (`JEANPIERRE`) */
  readonly value: string;
  /** expected share of encoded records carrying it */
  readonly share: number;
}

const norm = (s: string): string => compact(normaliseName(s));

function merge(pairs: Iterable<readonly [string, number]>): ValueFreq[] {
  const m = new Map<string, number>();
  let total = 0;
  for (const [raw, w] of pairs) {
    const v = norm(raw);
    if (v === '' || !(w > 0)) continue;
    m.set(v, (m.get(v) ?? 0) + w);
    total += w;
  }
  return [...m]
    .map(([value, w]) => ({ value, share: w / total }))
    .sort((a, b) => b.share - a.share || (a.value < b.value ? -1 : 1));
}

/** Surname frequencies (birth names). */
export function surnameKnowledge(data: NameData): ValueFreq[] {
  const { names, counts } = data.surnames;
  return merge(names.map((n, i) => [n, counts[i] ?? 0] as const));
}

/**
 * Primary first-name frequencies: the per-(sex, decade) tables mixed with `weight(sex, decade)`, each
 * table first turned into shares (a person's first name is drawn from the table of their sex and decade).
 */
export function firstNameKnowledge(
  data: NameData,
  weight: (sex: 1 | 2, decade: number) => number,
): ValueFreq[] {
  const out: [string, number][] = [];
  for (const list of data.firstNames) {
    const [sex, decade] = list.key.split(':').map(Number);
    const w = weight(sex === 2 ? 2 : 1, decade ?? 0);
    if (!(w > 0)) continue;
    let total = 0;
    for (const c of list.counts) total += c;
    list.names.forEach((n, i) => {
      out.push([n, (w * (list.counts[i] ?? 0)) / total]);
    });
  }
  return merge(out);
}

/**
 * Weights of (sex, decade) for persons born uniformly in [bornFrom, bornTo]: the generator draws first
 * names from the table of the birth decade, clamped to the decades the tables cover.
 */
export function cohortWeights(
  bornFrom: number,
  bornTo: number,
  maleShare: number,
  decades: readonly number[],
): (sex: 1 | 2, decade: number) => number {
  const lo = Math.min(...decades);
  const hi = Math.max(...decades);
  const years = new Map<number, number>();
  for (let y = bornFrom; y <= bornTo; y++) {
    const d = Math.min(hi, Math.max(lo, Math.floor(y / 10) * 10));
    years.set(d, (years.get(d) ?? 0) + 1);
  }
  return (sex, decade) => (years.get(decade) ?? 0) * (sex === 1 ? maleShare : 1 - maleShare);
}

/** Padded bigrams of a compact value (the q-grams of protocol v1 §4). */
export const qgramsOf = (value: string): string[] => bigrams(value, '_');

export interface QgramStats {
  /** expected share of records whose value contains q */
  readonly single: ReadonlyMap<string, number>;
  /** expected share of records whose value contains both q and r (key `q|r`, q < r) */
  readonly pair: ReadonlyMap<string, number>;
}

export const pairKey = (q: string, r: string): string => (q < r ? `${q}|${r}` : `${r}|${q}`);

/** First- and second-order q-gram frequencies implied by a value-frequency table. */
export function qgramStats(knowledge: readonly ValueFreq[], qgrams = qgramsOf): QgramStats {
  const single = new Map<string, number>();
  const pair = new Map<string, number>();
  for (const { value, share } of knowledge) {
    const qs = qgrams(value);
    for (let i = 0; i < qs.length; i++) {
      const q = qs[i] as string;
      single.set(q, (single.get(q) ?? 0) + share);
      for (let j = i + 1; j < qs.length; j++) {
        const k = pairKey(q, qs[j] as string);
        pair.set(k, (pair.get(k) ?? 0) + share);
      }
    }
  }
  return { single, pair };
}
