/**
 * The last step shared by the frequency (T4) and pattern-mining (T5) attacks: once the attacker believes
 * it knows which q-grams an encoding contains, it names the value. Given the set of *known* q-grams (those
 * whose bit positions or bit groups it has identified) and, for one encoding, the known q-grams found in
 * it, the candidate values are those of the frequency table whose known q-grams are exactly the ones found.
 * The attacker's confidence rule, fixed before the run: claim the most frequent candidate only when it
 * holds at least `minPosterior` of the candidates' total frequency (its posterior probability under the
 * table), otherwise claim nothing. Pure.
 */
import type { ValueFreq } from './knowledge.js';

export interface Candidate {
  readonly value: string;
  readonly share: number;
  /** q-grams of the value that are not known */
  readonly unknown: number;
}

/** Values indexed by the sorted list of their known q-grams. */
export class SignatureIndex {
  private readonly bySignature = new Map<string, Candidate[]>();
  constructor(knowledge: readonly ValueFreq[], known: ReadonlySet<string>, qgrams: (v: string) => string[]) {
    for (const { value, share } of knowledge) {
      const qs = qgrams(value);
      const k = qs.filter((q) => known.has(q)).sort();
      const sig = k.join(' ');
      const c = { value, share, unknown: qs.length - k.length };
      const list = this.bySignature.get(sig);
      if (list) list.push(c);
      else this.bySignature.set(sig, [c]);
    }
  }

  candidates(found: readonly string[]): readonly Candidate[] {
    return this.bySignature.get([...found].sort().join(' ')) ?? [];
  }
}

/**
 * The claim for one encoding: the most frequent candidate if its posterior is at least `minPosterior`.
 * `accept` filters candidates further (e.g. the frequency attack checks that unexplained set bits fit
 * the number of unknown q-grams).
 */
export function claimFrom(
  candidates: readonly Candidate[],
  minPosterior: number,
  accept: (c: Candidate) => boolean = () => true,
): string | null {
  let total = 0;
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (!accept(c)) continue;
    total += c.share;
    if (best === null || c.share > best.share) best = c;
  }
  if (best === null || total <= 0) return null;
  return best.share / total >= minPosterior ? best.value : null;
}
