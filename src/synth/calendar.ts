/**
 * Calendar arithmetic for the simulation, on plain integers: a month is `year * 12 + (month - 1)` and a
 * day is a day number (days since 1970-01-01, Howard Hinnant's civil-date algorithms). No Date objects in
 * the hot loop, and no time zone can shift a date.
 */

/** Absolute month index of YYYY-MM. */
export function monthIndex(ym: string): number {
  const [y, m] = ym.split('-');
  return Number(y) * 12 + Number(m) - 1;
}

export function yearOf(month: number): number {
  return Math.floor(month / 12);
}

/** 1-based calendar month. */
export function monthOf(month: number): number {
  return (month % 12) + 1;
}

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(month: number): number {
  const m = month % 12;
  return m === 1 && isLeap(Math.floor(month / 12)) ? 29 : (DAYS[m] ?? 30);
}

/** Day number (days since 1970-01-01) of (absolute month, day of month). */
export function dayNumber(month: number, day: number): number {
  let y = Math.floor(month / 12);
  const m = (month % 12) + 1;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of dayNumber: writes [absolute month, day] into `out` (no allocation). */
export function fromDayNumber(n: number, out: [number, number]): [number, number] {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[0] = y * 12 + m - 1;
  out[1] = d;
  return out;
}

/** Age in completed years on (month, day) of a person born on (birthMonth, birthDay). */
export function ageOn(birthMonth: number, birthDay: number, month: number, day: number): number {
  const years = Math.floor(month / 12) - Math.floor(birthMonth / 12);
  const m = month % 12;
  const bm = birthMonth % 12;
  return m < bm || (m === bm && day < birthDay) ? years - 1 : years;
}

/** Two-digit zero-padded strings 00–99, precomputed. */
export const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

export function pad2(n: number): string {
  return PAD2[n] ?? String(n).padStart(2, '0');
}

/** YYYY-MM of an absolute month. */
export function formatMonth(month: number): string {
  return `${Math.floor(month / 12)}-${pad2((month % 12) + 1)}`;
}

/** Quarter label (YYYY-Qn) of an absolute month. */
export function quarterLabel(month: number): string {
  return `${Math.floor(month / 12)}-Q${Math.floor((month % 12) / 3) + 1}`;
}
