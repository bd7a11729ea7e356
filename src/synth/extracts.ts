/**
 * The three raw producer extracts, each as its producer would export it: PE writes `pe.csv` in Latin-1
 * with `;`, CRLF, French column names, DD/MM/YYYY dates and a decimal comma; DSN (as held by DARES) writes
 * `dsn.csv` in UTF-8 with `,`, YYYYMMDD dates and DSN-style codes; CNAF writes `cnaf.csv` in UTF-8 with
 * `|` and ISO dates. One row per event (registration spell, contract, benefit month), each carrying the
 * identity columns of its record. The column lists here also generate the mapping files (mappings.ts), so
 * the two cannot drift apart.
 */
import type { Source } from '../core/fields.js';
import type { DateFormat } from '../core/mapping-read.js';
import { PAD2 } from './calendar.js';
import type { Contract } from './contracts.js';
import type { EmittedIdentity } from './errors-model.js';
import type { AreRight, BenefitSpell, Spell } from './life-course.js';
import { permute32 } from './prng.js';

export interface Column {
  /** Column name in the producer's file. */
  readonly raw: string;
  /** Canonical field (core/fields.ts), or null for a column the mapping leaves out. */
  readonly field: string | null;
}

export interface ExtractFormat {
  readonly source: Source;
  readonly file: string;
  readonly encoding: 'latin1' | 'utf8';
  readonly delimiter: string;
  readonly eol: string;
  readonly columns: readonly Column[];
  readonly dateFormat: DateFormat;
  readonly fieldDateFormats: Readonly<Record<string, DateFormat>>;
  readonly decimalSeparator: '.' | ',';
  /** Separator between several first names in one field. */
  readonly firstNamesSeparator: string;
  /** Producer code → canonical code, per canonical field. */
  readonly values: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const col = (raw: string, field: string | null): Column => ({ raw, field });

export const PE_FORMAT: ExtractFormat = {
  source: 'pe',
  file: 'pe.csv',
  encoding: 'latin1',
  delimiter: ';',
  eol: '\r\n',
  columns: [
    col('ID_DE', 'record_id'),
    col('NIR', 'nir'),
    col('NIR_CERTIFIE', 'nir_certified'),
    col('NOM_NAISSANCE', 'birth_name'),
    col('NOM_USAGE', 'usage_name'),
    col('PRENOMS', 'first_names'),
    col('DATE_NAISS', 'birth_date'),
    col('SEXE', 'sex'),
    col('COMMUNE_NAISS', 'birth_place'),
    col('DATE_INSCRIPTION', 'reg_start'),
    col('DATE_FIN_INSCRIPTION', 'reg_end'),
    col('CATEGORIE', 'reg_category'),
    col('DATE_OUVERTURE_DROIT', 'are_open_date'),
    col('DATE_FIN_DROIT', 'are_end_date'),
    col('DUREE_DROIT_JOURS', 'are_duration_days'),
    col('AJ_BRUTE', 'are_daily_allowance'),
    col('MOTIF_FIN_DROIT', 'are_end_reason'),
    col('DEPT_RESIDENCE', 'residence_dept'),
  ],
  dateFormat: 'DD/MM/YYYY',
  fieldDateFormats: {},
  decimalSeparator: ',',
  firstNamesSeparator: ',',
  values: {
    nir_certified: { O: 'true', N: 'false' },
    are_end_reason: { EPU: 'exhaustion', REP: 'return_to_work', FOR: 'training', AUT: 'other' },
  },
};

export const DSN_FORMAT: ExtractFormat = {
  source: 'dsn',
  file: 'dsn.csv',
  encoding: 'utf8',
  delimiter: ',',
  eol: '\n',
  columns: [
    col('id_individu', 'record_id'),
    col('nir', 'nir'),
    col('ntt', null),
    col('nir_certifie', 'nir_certified'),
    col('nom_famille', 'birth_name'),
    col('nom_usage', 'usage_name'),
    col('prenoms', 'first_names'),
    col('date_naissance', 'birth_date'),
    col('sexe', 'sex'),
    col('code_lieu_naissance', 'birth_place'),
    col('date_debut_contrat', 'contract_start'),
    col('date_fin_contrat', 'contract_end'),
    col('nature_contrat', 'contract_type'),
    col('modalite_temps', 'working_time'),
    col('section_naf', 'naf_section'),
    col('dept_etablissement', 'employer_dept'),
    col('remuneration_brute', 'gross_monthly_wage'),
  ],
  dateFormat: 'YYYYMMDD',
  fieldDateFormats: {},
  decimalSeparator: '.',
  firstNamesSeparator: ' ',
  values: {
    nir_certified: { '1': 'true', '0': 'false' },
    sex: { '01': '1', '02': '2' },
    contract_type: { '01': 'cdi', '02': 'cdd', '03': 'interim', '64': 'apprenticeship', '90': 'other' },
    working_time: { '10': 'full', '20': 'part' },
  },
};

export const CNAF_FORMAT: ExtractFormat = {
  source: 'cnaf',
  file: 'cnaf.csv',
  encoding: 'utf8',
  delimiter: '|',
  eol: '\n',
  columns: [
    col('NUMINDIV', 'record_id'),
    col('NIR', 'nir'),
    col('CERTIF_NIR', 'nir_certified'),
    col('NOM_NAISSANCE', 'birth_name'),
    col('NOM_USAGE', 'usage_name'),
    col('PRENOMS', 'first_names'),
    col('DATE_NAISSANCE', 'birth_date'),
    col('SEXE', 'sex'),
    col('LIEU_NAISSANCE', 'birth_place'),
    col('MOIS_DROIT', 'benefit_month'),
    col('PRESTATION', 'benefit'),
    col('ROLE', 'household_role'),
    col('DEPT_RESIDENCE', 'residence_dept'),
  ],
  dateFormat: 'YYYY-MM-DD',
  fieldDateFormats: { benefit_month: 'YYYY-MM' },
  decimalSeparator: '.',
  firstNamesSeparator: ',',
  values: {
    nir_certified: { C: 'true', N: 'false' },
    sex: { M: '1', F: '2' },
    benefit: { RSA: 'rsa', PPA: 'ppa' },
    household_role: { DEM: 'claimant', CJT: 'partner', AUT: 'other' },
  },
};

export const FORMATS: Readonly<Record<Source, ExtractFormat>> = {
  pe: PE_FORMAT,
  dsn: DSN_FORMAT,
  cnaf: CNAF_FORMAT,
};

/** Raw code of each canonical code (inverse of `values`). */
function rawCodes(f: ExtractFormat, field: string, canonical: readonly string[]): string[] {
  const inverse = new Map<string, string>();
  for (const [raw, code] of Object.entries(f.values[field] ?? {})) inverse.set(code, raw);
  return canonical.map((c) => inverse.get(c) ?? c);
}

const PE_END_REASON = rawCodes(PE_FORMAT, 'are_end_reason', [
  'exhaustion',
  'return_to_work',
  'training',
  'other',
]);
const DSN_CONTRACT = rawCodes(DSN_FORMAT, 'contract_type', [
  'cdi',
  'cdd',
  'interim',
  'apprenticeship',
  'other',
]);
const CATEGORIES = ['A', 'B', 'C', 'D', 'E'];

export function header(f: ExtractFormat): string {
  return f.columns.map((c) => c.raw).join(f.delimiter) + f.eol;
}

/** RFC 4180 quoting, only where needed. */
export function quote(s: string, delimiter: string): string {
  if (s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')) {
    return `"${s.replaceAll('"', '""')}"`;
  }
  return s;
}

/** Date in the producer's format; day 0 = unknown day (written 00). */
export function formatDate(f: DateFormat, year: number, month: number, day: number): string {
  const mm = PAD2[month] ?? '00';
  const dd = PAD2[day] ?? '00';
  switch (f) {
    case 'DD/MM/YYYY':
      return `${dd}/${mm}/${year}`;
    case 'YYYYMMDD':
      return `${year}${mm}${dd}`;
    case 'DD-MM-YYYY':
      return `${dd}-${mm}-${year}`;
    case 'YYYY-MM':
      return `${year}-${mm}`;
    case 'MM/YYYY':
      return `${mm}/${year}`;
    default:
      return `${year}-${mm}-${dd}`;
  }
}

const fromMonth = (f: DateFormat, month: number, day: number): string =>
  formatDate(f, Math.floor(month / 12), (month % 12) + 1, day);

const SOURCE_KEY_SALT: Readonly<Record<Source, number>> = { pe: 0x5045, dsn: 0xd5a, cnaf: 0xcaf };

/**
 * The producer-local record id of record `k` (0, 1…) of person `index` in a source: a keyed 32-bit
 * bijection, so ids are unique, opaque, and say nothing about the person or the other sources.
 */
export function recordNumber(seed: number, source: Source, index: number, k: number): number {
  return permute32(index * 4 + k, (seed ^ Math.imul(SOURCE_KEY_SALT[source], 0x9e3779b1)) >>> 0);
}

export function recordId(source: Source, n: number): string {
  switch (source) {
    case 'pe':
      return n.toString(36).toUpperCase().padStart(7, '0');
    case 'dsn':
      return `I${String(n).padStart(10, '0')}`;
    default:
      return String(n).padStart(10, '0');
  }
}

const SEX_CODES: Readonly<Record<Source, readonly [string, string]>> = {
  pe: ['1', '2'],
  dsn: ['01', '02'],
  cnaf: ['M', 'F'],
};
const CERTIFIED_CODES: Readonly<Record<Source, readonly [string, string]>> = {
  pe: ['O', 'N'],
  dsn: ['1', '0'],
  cnaf: ['C', 'N'],
};

/** The identity columns of a record, each followed by the delimiter (rows append their event columns). */
export function identityPrefix(f: ExtractFormat, id: string, e: EmittedIdentity, ntt: string): string {
  const d = f.delimiter;
  const certified = CERTIFIED_CODES[f.source][e.nirCertified ? 0 : 1];
  const sex = SEX_CODES[f.source][e.sex - 1];
  const names = `${quote(e.birthName, d)}${d}${quote(e.usageName, d)}${d}${quote(e.firstNames.join(f.firstNamesSeparator), d)}`;
  const birth = formatDate(f.dateFormat, e.birthYear, e.birthMonth, e.birthDay);
  const nirPart = f.source === 'dsn' ? `${e.nir}${d}${ntt}` : e.nir;
  return `${id}${d}${nirPart}${d}${certified}${d}${names}${d}${birth}${d}${sex}${d}${e.birthPlace}${d}`;
}

function rightColumns(f: ExtractFormat, r: AreRight | null, periodEnd: number): string {
  const d = f.delimiter;
  if (r === null || r.openMonth > periodEnd) return `${d}${d}${d}${d}`;
  const ended = r.endMonth !== -1 && r.endMonth <= periodEnd;
  const allowance =
    f.decimalSeparator === ',' ? r.allowance.toFixed(2).replace('.', ',') : r.allowance.toFixed(2);
  return (
    `${fromMonth(f.dateFormat, r.openMonth, r.openDay)}${d}` +
    `${ended ? fromMonth(f.dateFormat, r.endMonth, r.endDay) : ''}${d}` +
    `${r.durationDays}${d}${allowance}${d}${ended ? (PE_END_REASON[r.endReason] ?? '') : ''}`
  );
}

/** Event columns of a PE registration spell (with its ARE right, if it opened one), line end included. */
export function peEvent(s: Spell, residenceDept: string, periodEnd: number): string {
  const f = PE_FORMAT;
  const d = f.delimiter;
  const ended = s.endMonth !== -1 && s.endMonth <= periodEnd;
  return (
    `${fromMonth(f.dateFormat, s.startMonth, s.startDay)}${d}` +
    `${ended ? fromMonth(f.dateFormat, s.endMonth, s.endDay) : ''}${d}` +
    `${CATEGORIES[s.category] ?? 'A'}${d}${rightColumns(f, s.right, periodEnd)}${d}${residenceDept}${f.eol}`
  );
}

/** Event columns of a DSN contract, line end included. */
export function dsnEvent(c: Contract, periodEnd: number): string {
  const f = DSN_FORMAT;
  const d = f.delimiter;
  const ended = c.endMonth !== -1 && c.endMonth <= periodEnd;
  return (
    `${fromMonth(f.dateFormat, c.startMonth, c.startDay)}${d}` +
    `${ended ? fromMonth(f.dateFormat, c.endMonth, c.endDay) : ''}${d}` +
    `${DSN_CONTRACT[c.type] ?? '90'}${d}${c.partTime ? '20' : '10'}${d}${c.naf}${d}${c.dept}${d}${c.wage.toFixed(2)}${f.eol}`
  );
}

const BENEFIT = ['RSA', 'PPA'];
const ROLE = ['DEM', 'CJT', 'AUT'];

/** Event columns of one CNAF benefit month, line end included. */
export function cnafEvent(b: BenefitSpell, month: number, residenceDept: string): string {
  const d = CNAF_FORMAT.delimiter;
  return `${fromMonth('YYYY-MM', month, 1)}${d}${BENEFIT[b.benefit] ?? 'RSA'}${d}${ROLE[b.role] ?? 'DEM'}${d}${residenceDept}${CNAF_FORMAT.eol}`;
}

/** Whether an event spanning [start, end] (end -1 = open) overlaps the period. */
export function inPeriod(start: number, end: number, periodStart: number, periodEnd: number): boolean {
  return start <= periodEnd && (end === -1 || end >= periodStart);
}
