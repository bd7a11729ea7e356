/**
 * Dates — protocol v3 §1.3. Birth dates are kept as ISO strings with explicit unknown parts
 * (`1985-04-12`, `1985-04-XX`, `1985-XX-XX`): an unknown day or month is never invented. A day or month
 * written `00` or `99` is unknown; a day without a month is dropped (unknown). Event dates are minimised
 * to the month (`YYYY-MM`). Pure.
 */
import type { DateFormat } from './mapping-read.js';

export interface PartialDate {
  readonly year: number;
  /** 1–12, or null when unknown */
  readonly month: number | null;
  /** 1–31, or null when unknown */
  readonly day: number | null;
}

export const MIN_YEAR = 1890;
export const MAX_YEAR = 2100;

const PATTERNS: Readonly<Record<DateFormat, RegExp>> = {
  'YYYY-MM-DD': /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][0-9:.]+Z?)?$/,
  'DD/MM/YYYY': /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/,
  YYYYMMDD: /^(\d{4})(\d{2})(\d{2})$/,
  'DD-MM-YYYY': /^(\d{1,2})-(\d{1,2})-(\d{4})$/,
  'YYYY-MM': /^(\d{4})-(\d{1,2})$/,
  'MM/YYYY': /^(\d{1,2})\/(\d{4})$/,
};

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1] ?? 0;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/**
 * Parse a date written in `format`. Returns null for an empty value; throws a RangeError for a value
 * that does not follow the format or is not a calendar date (the caller turns it into a coded reject).
 */
export function parseDate(raw: string | null | undefined, format: DateFormat): PartialDate | null {
  const s = raw?.trim() ?? '';
  if (s === '') return null;
  const fast = parseFixedWidth(s, format);
  if (fast !== null) return fast;
  const m = PATTERNS[format].exec(s);
  if (!m) throw new RangeError('date does not follow the declared format');
  let y: string | undefined;
  let mo: string | undefined;
  let d: string | undefined;
  switch (format) {
    case 'YYYY-MM-DD':
    case 'YYYYMMDD':
      [, y, mo, d] = m;
      break;
    case 'DD/MM/YYYY':
    case 'DD-MM-YYYY':
      [, d, mo, y] = m;
      break;
    case 'YYYY-MM':
      [, y, mo] = m;
      break;
    case 'MM/YYYY':
      [, mo, y] = m;
      break;
  }
  return checked(Number(y), Number(mo), d === undefined ? 0 : Number(d));
}

/** The date of these parts (a month or day of 0 or 99: unknown); throws a RangeError when not valid. */
function checked(year: number, monthN: number, dayN: number): PartialDate {
  if (year < MIN_YEAR || year > MAX_YEAR) throw new RangeError('year out of range');
  const month = monthN === 0 || monthN === 99 ? null : monthN;
  if (month !== null && (month < 1 || month > 12)) throw new RangeError('month out of range');
  let day = dayN === 0 || dayN === 99 || month === null ? null : dayN;
  if (day !== null && month !== null && (day < 1 || day > daysInMonth(year, month))) {
    throw new RangeError('day out of range');
  }
  if (month === null) day = null;
  return { year, month, day };
}

/** The value of the `n` ASCII digits of s at `at`, or -1 when one is not a digit. */
function digits(s: string, at: number, n: number): number {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

/**
 * The common shapes, `YYYYMMDD` and `YYYY-MM-DD` with two-digit parts, read without a regular expression
 * (event dates are read on every row); null for any other shape, which `parseDate` then reads with the
 * format's pattern. Same results, same errors.
 */
function parseFixedWidth(s: string, format: DateFormat): PartialDate | null {
  let y: number;
  let mo: number;
  let d: number;
  if (format === 'YYYYMMDD' && s.length === 8) {
    y = digits(s, 0, 4);
    mo = digits(s, 4, 2);
    d = digits(s, 6, 2);
  } else if (format === 'YYYY-MM-DD' && s.length === 10 && s[4] === '-' && s[7] === '-') {
    y = digits(s, 0, 4);
    mo = digits(s, 5, 2);
    d = digits(s, 8, 2);
  } else return null;
  if (y < 0 || mo < 0 || d < 0) return null;
  return checked(y, mo, d);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** ISO form with explicit unknown parts: `1985-04-XX`. */
export function isoPartial(d: PartialDate): string {
  return `${d.year}-${d.month === null ? 'XX' : pad2(d.month)}-${d.day === null ? 'XX' : pad2(d.day)}`;
}

/** The `YYYY-MM` text of each month of MIN_YEAR–MAX_YEAR, by 12 × (year − MIN_YEAR) + month − 1, made once. */
const MONTHS: (string | undefined)[] = [];

/**
 * Month precision (`YYYY-MM`) for event dates; null when the month is unknown. Event dates are read on
 * every row: the text of a month is made once and shared.
 */
export function toMonth(d: PartialDate): string | null {
  if (d.month === null) return null;
  const i = 12 * (d.year - MIN_YEAR) + d.month - 1;
  let s = MONTHS[i];
  if (s === undefined) {
    s = `${d.year}-${pad2(d.month)}`;
    if (d.year >= MIN_YEAR && d.year <= MAX_YEAR && d.month >= 1 && d.month <= 12) MONTHS[i] = s;
  }
  return s;
}
