/**
 * Dates — protocol v2 §1.3. Birth dates are kept as ISO strings with explicit unknown parts
 * (`1985-04-12`, `1985-04-XX`, `1985-XX-XX`): an unknown day or month is never invented. A day or month
 * written `00` or `99` is unknown; a day without a month is dropped (unknown). Event dates are minimised
 * to the month (`YYYY-MM`). Pure.
 */
import type { DateFormat } from './mapping.js';

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

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parse a date written in `format`. Returns null for an empty value; throws a RangeError for a value
 * that does not follow the format or is not a calendar date (the caller turns it into a coded reject).
 */
export function parseDate(raw: string | null | undefined, format: DateFormat): PartialDate | null {
  const s = raw?.trim() ?? '';
  if (s === '') return null;
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
  const year = Number(y);
  if (year < MIN_YEAR || year > MAX_YEAR) throw new RangeError('year out of range');
  const monthN = Number(mo);
  const month = monthN === 0 || monthN === 99 ? null : monthN;
  if (month !== null && (month < 1 || month > 12)) throw new RangeError('month out of range');
  const dayN = d === undefined ? 0 : Number(d);
  let day = dayN === 0 || dayN === 99 || month === null ? null : dayN;
  if (day !== null && month !== null && (day < 1 || day > daysInMonth(year, month))) {
    throw new RangeError('day out of range');
  }
  if (month === null) day = null;
  return { year, month, day };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** ISO form with explicit unknown parts: `1985-04-XX`. */
export function isoPartial(d: PartialDate): string {
  return `${d.year}-${d.month === null ? 'XX' : pad2(d.month)}-${d.day === null ? 'XX' : pad2(d.day)}`;
}

/** Month precision (`YYYY-MM`) for event dates; null when the month is unknown. */
export function toMonth(d: PartialDate): string | null {
  return d.month === null ? null : `${d.year}-${pad2(d.month)}`;
}
