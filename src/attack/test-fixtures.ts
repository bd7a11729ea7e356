/** Shared inputs of the attack tests: the real first-name table and samples drawn from it. */
import { buildNameTables, readNameData } from '../synth/names.js';
import { Rng } from '../synth/prng.js';
import { AliasTable } from '../synth/weighted.js';
import { cohortWeights, firstNameKnowledge, type ValueFreq } from './knowledge.js';

let cached: ValueFreq[] | null = null;

/** First-name frequencies of persons born 1955–2005 (as the attack runner builds them). */
export function firstNames(): ValueFreq[] {
  if (cached === null) {
    const data = readNameData();
    cached = firstNameKnowledge(data, cohortWeights(1955, 2005, 0.49, buildNameTables(data).decades));
  }
  return cached;
}

/** n values drawn from a frequency table (seeded). */
export function sample(knowledge: readonly ValueFreq[], n: number, seed: number): string[] {
  const table = new AliasTable(knowledge.map((k) => k.share));
  const rng = new Rng(seed, 17, 23, 31);
  return Array.from({ length: n }, () => (knowledge[table.sample(rng.next())] as ValueFreq).value);
}

/** A 32-byte secret from a seed. */
export function secret(seed: number): Uint8Array {
  const rng = new Rng(seed, 1, 2, 3);
  return Uint8Array.from({ length: 32 }, () => rng.int(256));
}
