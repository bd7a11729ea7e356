/**
 * True values of the reference cohort statistics, accumulated person by person from the life courses:
 * for each quarter of ARE opening, the cohort of persons with at least one right opening in the quarter,
 * and the shares of them with a DSN contract active 6 and 12 months after their (first, in that quarter)
 * opening month and receiving RSA 12 months after — by sex and age band at opening. The end-to-end
 * pipeline is checked against these numbers. Definitions are spelled out in `DEFINITIONS` and the README.
 */
import { ageOn, formatMonth, quarterLabel } from './calendar.js';
import type { Contract } from './contracts.js';
import { type LifeCourse, RSA } from './life-course.js';
import type { TruePerson } from './population.js';

export const AGE_BANDS = ['<25', '25-34', '35-44', '45-54', '55+'] as const;
export const HORIZONS = [6, 12] as const;

export function ageBand(age: number): number {
  return age < 25 ? 0 : age < 35 ? 1 : age < 45 ? 2 : age < 55 ? 3 : 4;
}

export const DEFINITIONS = {
  cohort:
    'persons with at least one ARE right whose opening date (PE are_open_date) falls in the quarter; a person counts once per quarter, at the earliest opening of the quarter (t = its month)',
  employed_6m:
    'cohort members with a DSN contract active in month t+6 (contract_start month <= t+6 <= contract_end month, an empty end meaning still active at the end of the period), any contract type',
  employed_12m: 'same as employed_6m at month t+12',
  rsa_12m:
    'cohort members with a CNAF row for benefit rsa in month t+12 (benefit_month), in any household role',
  age_band:
    'age in completed years on the opening date, from the true birth date: <25, 25-34, 35-44, 45-54, 55+',
  sex: 'true sex, 1 = male, 2 = female; "all" = both',
  share:
    'count / cohort, rounded to 6 decimals; null when t+k is after the end of the period for some month of the quarter',
  scope: 'person level, over the true persons (ground truth), whatever records they have in each source',
} as const;

const SEXES = 2;
const BANDS = AGE_BANDS.length;
/** Counters per cell: cohort, employed at t+6, employed at t+12, RSA at t+12. */
const COUNTERS = 4;

export class ReferenceStats {
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly quarters: number;
  readonly counts: Float64Array;
  private readonly employed: Uint8Array;
  private readonly rsa: Uint8Array;
  private readonly firstQuarter: number;

  constructor(periodStart: number, periodEnd: number) {
    this.periodStart = periodStart;
    this.periodEnd = periodEnd;
    this.firstQuarter = Math.floor(periodStart / 3);
    this.quarters = Math.floor(periodEnd / 3) - this.firstQuarter + 1;
    this.counts = new Float64Array(this.quarters * SEXES * BANDS * COUNTERS);
    this.employed = new Uint8Array(periodEnd - periodStart + 1);
    this.rsa = new Uint8Array(periodEnd - periodStart + 1);
  }

  private markContracts(contracts: readonly Contract[]): void {
    const { periodStart: p0, periodEnd: p1 } = this;
    this.employed.fill(0);
    for (const c of contracts) {
      const from = Math.max(c.startMonth, p0);
      const to = c.endMonth === -1 ? p1 : Math.min(c.endMonth, p1);
      for (let m = from; m <= to; m++) this.employed[m - p0] = 1;
    }
  }

  addPerson(p: TruePerson, lc: LifeCourse): void {
    const { periodStart: p0, periodEnd: p1 } = this;
    let marked = false;
    let lastQuarter = -1;
    for (const s of lc.spells) {
      const r = s.right;
      if (r === null || r.openMonth < p0 || r.openMonth > p1) continue;
      const q = Math.floor(r.openMonth / 3) - this.firstQuarter;
      if (q === lastQuarter) continue;
      lastQuarter = q;
      if (!marked) {
        this.markContracts(lc.contracts);
        this.rsa.fill(0);
        for (const b of lc.benefits) {
          if (b.benefit !== RSA) continue;
          for (let m = Math.max(b.startMonth, p0); m <= Math.min(b.endMonth, p1); m++) this.rsa[m - p0] = 1;
        }
        marked = true;
      }
      const age = ageOn(p.birthYear * 12 + p.birthMonth - 1, p.birthDay, r.openMonth, r.openDay);
      const base = ((q * SEXES + (p.sex - 1)) * BANDS + ageBand(age)) * COUNTERS;
      const t = r.openMonth - p0;
      const c = this.counts;
      c[base] = (c[base] ?? 0) + 1;
      if (r.openMonth + 6 <= p1 && this.employed[t + 6] === 1) c[base + 1] = (c[base + 1] ?? 0) + 1;
      if (r.openMonth + 12 <= p1 && this.employed[t + 12] === 1) c[base + 2] = (c[base + 2] ?? 0) + 1;
      if (r.openMonth + 12 <= p1 && this.rsa[t + 12] === 1) c[base + 3] = (c[base + 3] ?? 0) + 1;
    }
  }

  merge(counts: Float64Array): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] ?? 0) + (counts[i] ?? 0);
  }

  /** The JSON document written to truth/reference-stats.json. */
  toJSON(): ReferenceStatsDocument {
    const cells: ReferenceCell[] = [];
    for (let q = 0; q < this.quarters; q++) {
      const firstMonth = Math.max((this.firstQuarter + q) * 3, this.periodStart);
      const lastMonth = Math.min((this.firstQuarter + q) * 3 + 2, this.periodEnd);
      const groups: Array<[string, string, number[], number[]]> = [['all', 'all', [0, 1], [0, 1, 2, 3, 4]]];
      for (let s = 0; s < SEXES; s++) groups.push([String(s + 1), 'all', [s], [0, 1, 2, 3, 4]]);
      for (let b = 0; b < BANDS; b++) groups.push(['all', AGE_BANDS[b] ?? '', [0, 1], [b]]);
      for (let s = 0; s < SEXES; s++)
        for (let b = 0; b < BANDS; b++) groups.push([String(s + 1), AGE_BANDS[b] ?? '', [s], [b]]);
      for (const [sex, band, sexes, bands] of groups) {
        const sum = [0, 0, 0, 0];
        for (const s of sexes) {
          for (const b of bands) {
            const base = ((q * SEXES + s) * BANDS + b) * COUNTERS;
            for (let k = 0; k < COUNTERS; k++) sum[k] = (sum[k] ?? 0) + (this.counts[base + k] ?? 0);
          }
        }
        const cohort = sum[0] ?? 0;
        const stat = (k: number, horizon: number): Stat | null =>
          lastMonth + horizon > this.periodEnd
            ? null
            : {
                count: sum[k] ?? 0,
                share: cohort > 0 ? Math.round(((sum[k] ?? 0) / cohort) * 1e6) / 1e6 : null,
              };
        cells.push({
          quarter: quarterLabel(firstMonth),
          sex,
          age_band: band,
          cohort,
          employed_6m: stat(1, 6),
          employed_12m: stat(2, 12),
          rsa_12m: stat(3, 12),
        });
      }
    }
    return {
      period: { from: formatMonth(this.periodStart), to: formatMonth(this.periodEnd) },
      definitions: DEFINITIONS,
      cells,
    };
  }
}

export interface Stat {
  readonly count: number;
  readonly share: number | null;
}

export interface ReferenceCell {
  readonly quarter: string;
  readonly sex: string;
  readonly age_band: string;
  readonly cohort: number;
  readonly employed_6m: Stat | null;
  readonly employed_12m: Stat | null;
  readonly rsa_12m: Stat | null;
}

export interface ReferenceStatsDocument {
  readonly period: { readonly from: string; readonly to: string };
  readonly definitions: typeof DEFINITIONS;
  readonly cells: readonly ReferenceCell[];
}
