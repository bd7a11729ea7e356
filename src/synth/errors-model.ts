/**
 * The identification-error model: what a producer writes for one record of a true person. Each field
 * group (NIR, birth name, first names, birth date, birth place) draws one uniform and at most one error,
 * from mutually exclusive rates; accents are dropped independently. Conditional errors (usage name as
 * birth name, truncating first names, swapping day and month…) apply only where they can, so their
 * realised rate among the persons concerned equals the configured rate — which the error report checks.
 */
import { normaliseNir } from '../core/nir.js';
import type { SourceErrorRates } from './config.js';
import { drawWrongPlace, type PlaceTables } from './places.js';
import { type PopulationContext, provisionalNir, type TruePerson } from './population.js';
import type { Rng } from './prng.js';
import { hasSeparator, separatorVariant, stripAccents, typo } from './typos.js';

export interface EmittedIdentity {
  /** '' when missing. */
  nir: string;
  nirCertified: boolean;
  birthName: string;
  usageName: string;
  firstNames: string[];
  birthYear: number;
  birthMonth: number;
  /** 0 when the day is unknown. */
  birthDay: number;
  sex: 1 | 2;
  /** '' when missing. */
  birthPlace: string;
}

const DIGITS = '0123456789';

/** A NIR with one keying error (substitution or adjacent transposition) whose key no longer checks. */
export function nirTypo(nir: string, rng: Rng): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const i = rng.int(nir.length);
    const c = nir[i] ?? '';
    if (c < '0' || c > '9') continue;
    let out: string;
    if (rng.chance(0.7)) {
      let d = DIGITS[rng.int(10)] ?? '0';
      if (d === c) d = DIGITS[(Number(c) + 1) % 10] ?? '0';
      out = nir.slice(0, i) + d + nir.slice(i + 1);
    } else {
      const n = nir[i + 1] ?? '';
      if (n === c || n < '0' || n > '9') continue;
      out = nir.slice(0, i) + n + c + nir.slice(i + 2);
    }
    if (normaliseNir(out).class === 'invalid') return out;
  }
  // Fall back to a key that cannot be right (00 is never a valid key).
  return `${nir.slice(0, 13)}00`;
}

/** Which of consecutive, mutually exclusive rates the uniform `u` falls in; -1 for none (no error). */
export function bucket(u: number, ...rates: readonly number[]): number {
  let x = u;
  for (let i = 0; i < rates.length; i++) {
    const r = rates[i] ?? 0;
    if (x < r) return i;
    x -= r;
  }
  return -1;
}

export interface ErrorContext {
  readonly population: PopulationContext;
  readonly places: PlaceTables;
}

/** The identity a producer writes for one record of person `p`. */
export function emitIdentity(
  ctx: ErrorContext,
  p: TruePerson,
  rates: SourceErrorRates,
  sourceIndex: number,
  rng: Rng,
): EmittedIdentity {
  // NIR
  let nir = p.nir;
  let nirCertified = true;
  const n = rates.nir;
  switch (bucket(rng.next(), n.missing, n.provisional, n.typo, n.uncertified)) {
    case 0:
      nir = '';
      nirCertified = false;
      break;
    case 1:
      nir = provisionalNir(ctx.population, p, sourceIndex);
      nirCertified = false;
      break;
    case 2:
      nir = nirTypo(p.nir, rng);
      nirCertified = false;
      break;
    case 3:
      nirCertified = false;
      break;
  }

  // Birth name
  let birthName = p.birthName;
  let usageName = p.usageName;
  const b = rates.birth_name;
  switch (bucket(rng.next(), b.typo, b.usage_as_birth, b.separator)) {
    case 0:
      birthName = typo(birthName, rng);
      break;
    case 1:
      if (usageName !== '') {
        birthName = usageName;
        usageName = '';
      }
      break;
    case 2:
      if (hasSeparator(birthName)) birthName = separatorVariant(birthName, rng);
      break;
  }

  // First names
  let firstNames = p.firstNames.slice();
  const f = rates.first_names;
  switch (bucket(rng.next(), f.typo, f.truncated, f.reordered, f.hyphen_space)) {
    case 0: {
      const i = rng.int(firstNames.length);
      firstNames[i] = typo(firstNames[i] ?? '', rng);
      break;
    }
    case 1:
      if (firstNames.length >= 2) firstNames = firstNames.slice(0, 1);
      break;
    case 2:
      if (firstNames.length >= 2) {
        const first = firstNames[0] ?? '';
        firstNames[0] = firstNames[1] ?? '';
        firstNames[1] = first;
      }
      break;
    case 3:
      firstNames = firstNames.map((x) => x.replaceAll('-', ' '));
      break;
  }
  if (rng.chance(rates.accents_dropped)) {
    firstNames = firstNames.map(stripAccents);
    birthName = stripAccents(birthName);
    usageName = stripAccents(usageName);
  }

  // Birth date
  let birthMonth = p.birthMonth;
  let birthDay = p.birthDay;
  const d = rates.birth_date;
  switch (bucket(rng.next(), d.unknown_day, d.day_month_swap)) {
    case 0:
      birthDay = 0;
      break;
    case 1:
      if (birthDay <= 12 && birthDay !== birthMonth) {
        birthDay = p.birthMonth;
        birthMonth = p.birthDay;
      }
      break;
  }

  // Birth place
  let birthPlace = p.birthPlace;
  const pl = rates.birth_place;
  switch (bucket(rng.next(), pl.missing, pl.wrong)) {
    case 0:
      birthPlace = '';
      break;
    case 1:
      birthPlace = drawWrongPlace(ctx.places, rng, p.placeIndex);
      break;
  }

  return {
    nir,
    nirCertified,
    birthName,
    usageName,
    firstNames,
    birthYear: p.birthYear,
    birthMonth,
    birthDay,
    sex: p.sex,
    birthPlace,
  };
}
