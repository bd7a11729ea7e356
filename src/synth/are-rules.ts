/**
 * Simplified French unemployment-insurance (ARE) rules, as used to open synthetic rights: eligibility
 * (months worked in the reference window), right duration (one day of right per day worked, floor 182 days,
 * age-dependent caps, the 0.75 coefficient of the February 2023 reform) and gross daily allowance
 * (max of 40.4 % of the daily reference wage + fixed part and 57 % of it, with a floor, capped at 75 %).
 * Also the monthly SMIC used for wages and the prime d'activité ceiling. Amounts are 2019–2025 orders of
 * magnitude, not a legal reference.
 */
import { yearOf } from './calendar.js';

/** Monthly gross SMIC (35 h), euros, by year (annual averages of the published values, rounded). */
const SMIC: Readonly<Record<number, number>> = {
  2014: 1445,
  2015: 1458,
  2016: 1467,
  2017: 1480,
  2018: 1498,
  2019: 1521,
  2020: 1539,
  2021: 1555,
  2022: 1630,
  2023: 1735,
  2024: 1767,
  2025: 1802,
};

export function smic(month: number): number {
  const y = Math.min(2025, Math.max(2014, yearOf(month)));
  return SMIC[y] ?? 1521;
}

/** First month under the 2023 reform (openings from 1 February 2023). */
const REFORM_2023 = 2023 * 12 + 1;

/** Reference window in months for a person of this age at registration. */
export function referenceWindow(age: number): number {
  return age >= 53 ? 36 : 24;
}

/** Right duration in days from the months worked in the reference window (0 = not eligible). */
export function rightDurationDays(
  monthsWorked: number,
  minMonths: number,
  age: number,
  openMonth: number,
): number {
  if (monthsWorked < minMonths) return 0;
  const reform = openMonth >= REFORM_2023;
  const cap = age >= 55 ? (reform ? 822 : 1095) : age >= 53 ? (reform ? 685 : 913) : reform ? 548 : 730;
  const days = Math.round(monthsWorked * 30 * (reform ? 0.75 : 1));
  return Math.min(cap, Math.max(182, days));
}

/** Gross daily allowance in euros (cents precision) from the last full-time-equivalent monthly wage. */
export function dailyAllowance(monthlyWage: number): number {
  const sjr = (monthlyWage * 12) / 365;
  let are = Math.max(0.404 * sjr + 12.47, 0.57 * sjr);
  are = Math.max(are, 31.59);
  are = Math.min(are, 0.75 * sjr);
  return Math.round(are * 100) / 100;
}
