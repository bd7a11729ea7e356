/**
 * Victim records for the attack suite: persons of the synthetic population (src/synth — names drawn
 * from the INSEE frequency tables by sex and birth decade, birth dates, birth places weighted by
 * population), normalised exactly as the producer tool does (protocol v1 §1), with the true values of the
 * attacked attributes kept beside them for scoring. Also noisy copies of the same persons (the synthetic
 * error model of a producer) for the synthetic linkage-quality check. Pure given the generator context.
 */

import { type Identity, normaliseIdentity } from '../core/identity.js';
import { type LinkageKey, linkageKey } from '../core/keys.js';
import { compact } from '../core/text.js';
import type { SourceErrorRates } from '../synth/config.js';
import { type EmittedIdentity, emitIdentity } from '../synth/errors-model.js';
import type { PlaceTables } from '../synth/places.js';
import { generatePerson, type PopulationContext, type TruePerson } from '../synth/population.js';
import { Rng, STREAM } from '../synth/prng.js';

export interface Victim {
  readonly person: number;
  readonly identity: Identity;
  /** compact primary first name */
  readonly firstName: string;
  /** compact birth name */
  readonly surname: string;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function toVictim(person: number, e: EmittedIdentity): Victim {
  const identity = normaliseIdentity({
    nir: e.nir,
    birth_name: e.birthName,
    usage_name: e.usageName,
    first_names: e.firstNames.join(', '),
    birth_date: `${e.birthYear}-${pad2(e.birthMonth)}-${e.birthDay === 0 ? '00' : pad2(e.birthDay)}`,
    sex: String(e.sex),
    birth_place: e.birthPlace,
  });
  return {
    person,
    identity,
    firstName: compact(identity.firstNames[0] ?? ''),
    surname: compact(identity.birthName),
  };
}

function exact(p: TruePerson): EmittedIdentity {
  return {
    nir: p.nir,
    nirCertified: true,
    birthName: p.birthName,
    usageName: p.usageName,
    firstNames: [...p.firstNames],
    birthYear: p.birthYear,
    birthMonth: p.birthMonth,
    birthDay: p.birthDay,
    sex: p.sex,
    birthPlace: p.birthPlace,
  };
}

/** Persons `from … from + n − 1` of the population, without identification errors. */
export function victims(ctx: PopulationContext, from: number, n: number): Victim[] {
  const rng = new Rng(1, 2, 3, 4);
  const out: Victim[] = [];
  for (let i = from; i < from + n; i++) out.push(toVictim(i, exact(generatePerson(ctx, i, rng))));
  return out;
}

/**
 * The records a producer with error rates `rates` would write for persons `from … from + n − 1` — with
 * the NIR removed, so that linking them exercises the CLK alone.
 */
export function noisyVictims(
  ctx: PopulationContext,
  places: PlaceTables,
  rates: SourceErrorRates,
  sourceIndex: number,
  from: number,
  n: number,
): Victim[] {
  const rng = new Rng(1, 2, 3, 4);
  const err = new Rng(1, 2, 3, 4);
  const out: Victim[] = [];
  for (let i = from; i < from + n; i++) {
    const p = generatePerson(ctx, i, rng);
    err.reseed(ctx.config.seed, STREAM.errors, i * 8 + sourceIndex);
    const e = emitIdentity({ population: ctx, places }, p, rates, sourceIndex, err);
    out.push(toVictim(i, { ...e, nir: '', nirCertified: false }));
  }
  return out;
}

/**
 * The suite's linkage keys, from a seeded generator: reproducible, and unrelated between the victim
 * (`index` 0) and the attacker's own keys (100, 101, …). Shared by bench/attack.ts and
 * bench/attack-blocking.ts, so both attack the same victim encodings.
 */
export function suiteKey(seed: number, index: number): LinkageKey {
  const rng = Rng.of(seed, 0xa77ac, index);
  return linkageKey(Uint8Array.from({ length: 32 }, () => rng.int(256)));
}
