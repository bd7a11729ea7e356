/**
 * The error report: realised identification-error rates per source and field, measured by comparing what
 * each record says with the truth — not by counting which errors were drawn — so the error model is
 * checked rather than merely configured. Edit distances come from `fastest-levenshtein`. Counts are plain
 * integers, so tallies from separate chunks or workers add up to the same report in any order.
 */
import { distance } from 'fastest-levenshtein';
import { SOURCES, type Source } from '../core/fields.js';
import { normaliseNir } from '../core/nir.js';
import type { SourceErrorRates, SynthConfig } from './config.js';
import type { EmittedIdentity } from './errors-model.js';
import type { TruePerson } from './population.js';
import { hasNonAscii, hasSeparator, stripAccents } from './typos.js';

/** Counter names; `n_*` are denominators of the conditional rates. */
export type Tally = Record<string, number>;
export type Tallies = Record<Source, Tally>;

export function emptyTallies(): Tallies {
  return { pe: {}, dsn: {}, cnaf: {} };
}

function inc(t: Tally, key: string, by = 1): void {
  t[key] = (t[key] ?? 0) + by;
}

export function mergeTallies(into: Tallies, from: Tallies): void {
  for (const s of SOURCES) for (const [k, v] of Object.entries(from[s])) inc(into[s], k, v);
}

const MAX_DISTANCE_BUCKET = 4;

function dist(t: Tally, field: string, a: string, b: string): void {
  const d = Math.min(distance(a, b), MAX_DISTANCE_BUCKET);
  inc(t, `${field}.distance_${d === MAX_DISTANCE_BUCKET ? `${d}+` : d}`);
}

const squash = (s: string): string => s.replace(/[ '-]/g, '');

const unhyphen = (s: string): string => stripAccents(s).replaceAll('-', ' ');

/**
 * Accents are measured on the names that were written recognisably (same letters once accents and hyphens
 * are set aside): among those whose true spelling has an accent, were they all written without one?
 * Names lost to truncation or typos say nothing about accent handling, so they are left out.
 */
function tallyAccents(t: Tally, written: readonly string[], truth: readonly string[]): void {
  let seen = false;
  let kept = false;
  for (const w of written) {
    const wu = unhyphen(w);
    for (const x of truth) {
      if (hasNonAscii(x) && unhyphen(x) === wu) {
        seen = true;
        if (hasNonAscii(w)) kept = true;
      }
    }
  }
  if (!seen) return;
  inc(t, 'n_accents');
  if (!kept) inc(t, 'accents_dropped');
}

/** Classify one record's identity against the truth and count it. */
export function tallyRecord(t: Tally, e: EmittedIdentity, p: TruePerson): void {
  inc(t, 'records');

  // NIR
  if (e.nir === p.nir) inc(t, e.nirCertified ? 'nir.certified' : 'nir.uncertified');
  else if (e.nir === '') inc(t, 'nir.missing');
  else {
    const cls = normaliseNir(e.nir).class;
    inc(t, cls === 'provisional' ? 'nir.provisional' : cls === 'invalid' ? 'nir.typo' : 'nir.other_valid');
  }

  // Birth name
  if (p.usageName !== '') inc(t, 'n_usage_name');
  if (hasSeparator(p.birthName)) inc(t, 'n_separator');
  const bn = e.birthName === p.birthName ? e.birthName : stripAccents(e.birthName);
  if (bn !== p.birthName) {
    if (p.usageName !== '' && bn === stripAccents(p.usageName)) inc(t, 'birth_name.usage_as_birth');
    else if (squash(bn) === squash(p.birthName)) inc(t, 'birth_name.separator');
    else {
      inc(t, 'birth_name.typo');
      dist(t, 'birth_name', bn, p.birthName);
    }
  }

  // First names (accents measured on their own, the other categories on accent-free names)
  const truth = p.firstNames;
  const joinedTruth = truth.join(' ');
  const joined = e.firstNames.join(' ');
  if (truth.length >= 2) inc(t, 'n_several_first_names');
  if (joinedTruth.includes('-')) inc(t, 'n_hyphen');
  if (hasNonAscii(joinedTruth)) {
    if (joined === joinedTruth) inc(t, 'n_accents');
    else tallyAccents(t, e.firstNames, truth);
  }
  const ta = joined === joinedTruth ? joinedTruth : stripAccents(joinedTruth);
  const ea = joined === joinedTruth ? joined : stripAccents(joined);
  if (ea !== ta) {
    const first = stripAccents(truth[0] ?? '');
    const e0 = stripAccents(e.firstNames[0] ?? '');
    if (ea.replaceAll('-', ' ') === ta.replaceAll('-', ' ')) inc(t, 'first_names.hyphen_space');
    else if (truth.length >= 2 && e.firstNames.length === 1 && e0 === first) inc(t, 'first_names.truncated');
    else if (
      truth.length >= 2 &&
      e.firstNames.length === truth.length &&
      [...e.firstNames].map(stripAccents).sort().join(' ') === [...truth].map(stripAccents).sort().join(' ')
    ) {
      inc(t, 'first_names.reordered');
    } else {
      inc(t, 'first_names.typo');
      dist(t, 'first_names', ea, ta);
    }
  }

  // Birth date
  if (p.birthDay <= 12 && p.birthDay !== p.birthMonth) inc(t, 'n_swappable_date');
  if (e.birthDay !== p.birthDay || e.birthMonth !== p.birthMonth || e.birthYear !== p.birthYear) {
    if (e.birthDay === 0 && e.birthMonth === p.birthMonth && e.birthYear === p.birthYear)
      inc(t, 'birth_date.unknown_day');
    else if (e.birthDay === p.birthMonth && e.birthMonth === p.birthDay) inc(t, 'birth_date.day_month_swap');
    else inc(t, 'birth_date.other');
  }

  // Birth place
  if (e.birthPlace === '') inc(t, 'birth_place.missing');
  else if (e.birthPlace !== p.birthPlace) inc(t, 'birth_place.wrong');

  if (e.sex !== p.sex) inc(t, 'sex.wrong');
}

/** Count a person present in a source, with their number of records and events there. */
export function tallyPerson(t: Tally, records: number, events: number, rows: number): void {
  inc(t, 'persons');
  inc(t, 'rows', rows);
  if (events >= 2) inc(t, 'n_duplicable');
  if (records >= 2) inc(t, 'duplicate');
}

interface Line {
  readonly count: number;
  readonly denominator: number;
  readonly realised: number;
  readonly configured: number;
}

/** Realised vs configured rate of each error kind: key → [tally counter, tally denominator, configured]. */
function lines(r: SourceErrorRates): Record<string, [string, string, number]> {
  return {
    'nir.missing': ['nir.missing', 'records', r.nir.missing],
    'nir.provisional': ['nir.provisional', 'records', r.nir.provisional],
    'nir.typo': ['nir.typo', 'records', r.nir.typo],
    'nir.uncertified': ['nir.uncertified', 'records', r.nir.uncertified],
    'birth_name.typo': ['birth_name.typo', 'records', r.birth_name.typo],
    'birth_name.usage_as_birth': ['birth_name.usage_as_birth', 'n_usage_name', r.birth_name.usage_as_birth],
    'birth_name.separator': ['birth_name.separator', 'n_separator', r.birth_name.separator],
    'first_names.typo': ['first_names.typo', 'records', r.first_names.typo],
    'first_names.truncated': ['first_names.truncated', 'n_several_first_names', r.first_names.truncated],
    'first_names.reordered': ['first_names.reordered', 'n_several_first_names', r.first_names.reordered],
    'first_names.hyphen_space': ['first_names.hyphen_space', 'n_hyphen', r.first_names.hyphen_space],
    accents_dropped: ['accents_dropped', 'n_accents', r.accents_dropped],
    'birth_date.unknown_day': ['birth_date.unknown_day', 'records', r.birth_date.unknown_day],
    'birth_date.day_month_swap': [
      'birth_date.day_month_swap',
      'n_swappable_date',
      r.birth_date.day_month_swap,
    ],
    'birth_place.missing': ['birth_place.missing', 'records', r.birth_place.missing],
    'birth_place.wrong': ['birth_place.wrong', 'records', r.birth_place.wrong],
    duplicate: ['duplicate', 'n_duplicable', r.duplicate],
  };
}

export interface SourceReport {
  readonly persons: number;
  readonly records: number;
  readonly rows: number;
  /** Share of records whose NIR is the person's true NIR and flagged certified. */
  readonly valid_certified_nir_share: number;
  readonly errors: Record<string, Line>;
  /** Edit distance (Levenshtein, accent-free) between written and true values, for typos. */
  readonly typo_distances: Record<string, Record<string, number>>;
  /** Outcomes the model should never produce (must be 0). */
  readonly unexpected: Record<string, number>;
  readonly counters: Tally;
}

export interface ErrorReport {
  readonly description: string;
  readonly sources: Record<Source, SourceReport>;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

export function buildErrorReport(tallies: Tallies, config: SynthConfig): ErrorReport {
  const sources = {} as Record<Source, SourceReport>;
  for (const s of SOURCES) {
    const t = tallies[s];
    const get = (k: string): number => t[k] ?? 0;
    const errors: Record<string, Line> = {};
    for (const [name, [num, den, configured]] of Object.entries(lines(config.errors[s]))) {
      const denominator = get(den);
      errors[name] = {
        count: get(num),
        denominator,
        realised: denominator > 0 ? round(get(num) / denominator) : 0,
        configured,
      };
    }
    const typoDistances: Record<string, Record<string, number>> = {};
    for (const field of ['birth_name', 'first_names']) {
      const h: Record<string, number> = {};
      for (const [k, v] of Object.entries(t))
        if (k.startsWith(`${field}.distance_`)) h[k.slice(field.length + 10)] = v;
      typoDistances[field] = Object.fromEntries(Object.entries(h).sort());
    }
    const records = get('records');
    sources[s] = {
      persons: get('persons'),
      records,
      rows: get('rows'),
      valid_certified_nir_share: records > 0 ? round(get('nir.certified') / records) : 0,
      errors,
      typo_distances: typoDistances,
      unexpected: {
        'nir.other_valid': get('nir.other_valid'),
        'birth_date.other': get('birth_date.other'),
        'sex.wrong': get('sex.wrong'),
      },
      counters: Object.fromEntries(Object.entries(t).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    };
  }
  return {
    description:
      'Realised identification-error rates, measured by comparing each record with the truth. realised = count / denominator; ' +
      'denominator = all records, or the records where the error can occur (n_usage_name, n_separator, n_several_first_names, ' +
      'n_hyphen, n_accents, n_swappable_date), or for duplicate the persons of the source with at least two events.',
    sources,
  };
}

/** Human-readable summary (one table per source). */
export function formatErrorReport(report: ErrorReport): string {
  const out: string[] = [];
  for (const s of SOURCES) {
    const r = report.sources[s];
    out.push(
      `${s.toUpperCase()}: ${r.persons} persons, ${r.records} records, ${r.rows} rows, valid certified NIR ${(100 * r.valid_certified_nir_share).toFixed(2)} %`,
    );
    for (const [name, line] of Object.entries(r.errors)) {
      out.push(
        `  ${name.padEnd(27)} configured ${(100 * line.configured).toFixed(2).padStart(6)} %  realised ${(100 * line.realised).toFixed(2).padStart(6)} %  (${line.count}/${line.denominator})`,
      );
    }
  }
  return out.join('\n');
}
