/**
 * The identity block of one record, normalised — protocol v3 §1. Takes the raw strings of a row (already
 * translated through the mapping's value tables) and applies every rule of `norm-v1`. A field whose value
 * is present but not valid (a date that is not a date, a birth place that is not a COG code) becomes
 * missing and is listed in `invalid`, so the manifest can count it: nothing is dropped silently. Pure.
 */
import { type BirthPlace, normaliseBirthPlace } from './birth-place.js';
import { isoPartial, type PartialDate, parseDate } from './dates.js';
import type { DateFormat } from './mapping-read.js';
import { normaliseFirstNames, normaliseSurnames } from './names.js';
import { type NirResult, normaliseNir } from './nir.js';
import { normaliseSex, type Sex } from './sex.js';

export interface RawIdentity {
  readonly nir?: string | null;
  readonly nir_certified?: string | null;
  readonly birth_name?: string | null;
  readonly usage_name?: string | null;
  readonly first_names?: string | null;
  readonly birth_date?: string | null;
  readonly sex?: string | null;
  readonly birth_place?: string | null;
}

export interface Identity {
  readonly nir: NirResult;
  readonly birthName: string;
  readonly usageName: string;
  readonly firstNames: readonly string[];
  readonly birthDate: PartialDate | null;
  readonly sex: Sex | null;
  readonly birthPlace: BirthPlace | null;
  /** canonical fields that were present but invalid (treated as missing) */
  readonly invalid: readonly string[];
}

const TRUE = new Set(['1', 'O', 'OUI', 'Y', 'YES', 'TRUE', 'T', 'V', 'VRAI']);
const FALSE = new Set(['0', 'N', 'NON', 'NO', 'FALSE', 'F', 'FAUX']);

export function parseFlag(raw: string | null | undefined): boolean | null {
  const s = raw?.trim().toUpperCase() ?? '';
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return null;
}

export function normaliseIdentity(raw: RawIdentity, birthDateFormat: DateFormat = 'YYYY-MM-DD'): Identity {
  const invalid: string[] = [];
  const nir = normaliseNir(raw.nir, parseFlag(raw.nir_certified));
  const { birthName, usageName } = normaliseSurnames(raw.birth_name, raw.usage_name);
  let birthDate: PartialDate | null = null;
  try {
    birthDate = parseDate(raw.birth_date, birthDateFormat);
  } catch {
    invalid.push('birth_date');
  }
  let birthPlace: BirthPlace | null = null;
  try {
    birthPlace = normaliseBirthPlace(raw.birth_place);
  } catch {
    invalid.push('birth_place');
  }
  const sex = normaliseSex(raw.sex);
  if (sex === null && (raw.sex?.trim() ?? '') !== '') invalid.push('sex');
  return {
    nir,
    birthName,
    usageName,
    firstNames: normaliseFirstNames(raw.first_names),
    birthDate,
    sex,
    birthPlace,
    invalid,
  };
}

/** The identity as plain JSON values (test vectors, debugging on synthetic data only). */
export function identityToJson(id: Identity): Record<string, unknown> {
  return {
    nir: id.nir.nir,
    nir_class: id.nir.class,
    birth_name: id.birthName,
    usage_name: id.usageName,
    first_names: id.firstNames,
    birth_date: id.birthDate === null ? null : isoPartial(id.birthDate),
    sex: id.sex,
    birth_place: id.birthPlace?.code ?? null,
  };
}
