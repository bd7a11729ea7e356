import { beforeAll, describe, expect, it } from 'vitest';
import { dayNumber } from './calendar.js';
import { buildTables, readTablesData } from './chunk.js';
import { resolveSynthConfig } from './config.js';
import { type LifeCourse, LifeCourseSimulator, PPA, RSA } from './life-course.js';
import { createPopulationContext, generatePerson, type TruePerson } from './population.js';
import { Rng } from './prng.js';

const N = 20_000;
const lives: Array<[TruePerson, LifeCourse]> = [];
let p0 = 0;
let p1 = 0;

beforeAll(() => {
  const config = resolveSynthConfig({ persons: N });
  const tables = buildTables(readTablesData(config));
  const ctx = createPopulationContext(config, tables.names, tables.places);
  const sim = new LifeCourseSimulator(config, tables.places);
  p0 = sim.periodStart;
  p1 = sim.periodEnd;
  const a = new Rng(1, 2, 3, 4);
  const b = new Rng(1, 2, 3, 4);
  for (let i = 0; i < N; i++) {
    const p = generatePerson(ctx, i, a);
    lives.push([p, sim.run(p, b)]);
  }
});

const overlaps = (start: number, end: number): boolean => start <= p1 && (end === -1 || end >= p0);

function activeMonths(lc: LifeCourse): Set<number> {
  const months = new Set<number>();
  for (const c of lc.contracts) {
    const end = c.endMonth === -1 ? p1 : c.endMonth;
    for (let m = c.startMonth; m <= end; m++) months.add(m);
  }
  return months;
}

describe('life courses', () => {
  it('have coherent dates: ends after starts, rights inside their spells', () => {
    const bad: string[] = [];
    const check = (ok: boolean, what: string): void => {
      if (!ok) bad.push(what);
    };
    for (const [p, lc] of lives) {
      for (const c of lc.contracts) {
        if (c.endMonth !== -1)
          check(
            dayNumber(c.endMonth, c.endDay) >= dayNumber(c.startMonth, c.startDay),
            `${p.personId} contract end`,
          );
        check(c.wage > 0, `${p.personId} wage`);
      }
      for (const s of lc.spells) {
        const start = dayNumber(s.startMonth, s.startDay);
        if (s.endMonth !== -1) check(dayNumber(s.endMonth, s.endDay) >= start, `${p.personId} spell end`);
        const r = s.right;
        if (r === null) continue;
        const open = dayNumber(r.openMonth, r.openDay);
        check(open > start, `${p.personId} right opens after registration`);
        check(
          r.durationDays >= 182 && r.durationDays <= 1095,
          `${p.personId} right duration ${r.durationDays}`,
        );
        check(r.allowance > 10 && r.allowance < 300, `${p.personId} allowance ${r.allowance}`);
        if (r.endMonth !== -1) {
          const end = dayNumber(r.endMonth, r.endDay);
          check(end <= open + r.durationDays - 1, `${p.personId} right ends after exhaustion`);
          if (s.endMonth !== -1)
            check(end <= dayNumber(s.endMonth, s.endDay), `${p.personId} right outlives spell`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('open ARE rights only after enough work: 6 worked months in the reference window', () => {
    let checked = 0;
    let short = 0;
    for (const [p, lc] of lives) {
      const worked = activeMonths(lc);
      for (const s of lc.spells) {
        if (s.right === null || s.startMonth < p0) continue;
        const age = Math.floor((s.startMonth - (p.birthYear * 12 + p.birthMonth - 1)) / 12);
        const window = age >= 53 ? 36 : 24;
        let months = 0;
        for (let m = s.startMonth - window; m < s.startMonth; m++) if (worked.has(m)) months++;
        if (months < 6) short++;
        checked++;
      }
    }
    expect(short).toBe(0);
    expect(checked).toBeGreaterThan(1000);
  });

  it('pays RSA only in months without any contract, and prime d’activité only in months with one', () => {
    let rsa = 0;
    let ppa = 0;
    let wrong = 0;
    for (const [, lc] of lives) {
      const worked = activeMonths(lc);
      for (const b of lc.benefits) {
        for (let m = b.startMonth; m <= b.endMonth; m++) {
          if (b.benefit === RSA) {
            if (worked.has(m)) wrong++;
            rsa++;
          } else if (b.benefit === PPA) {
            if (!worked.has(m)) wrong++;
            ppa++;
          }
        }
      }
    }
    expect(wrong).toBe(0);
    expect(rsa).toBeGreaterThan(0);
    expect(ppa).toBeGreaterThan(0);
  });

  it('reach the documented orders of magnitude over 2019–2025', () => {
    let dsn = 0;
    let pe = 0;
    let cnaf = 0;
    let openings = 0;
    let rsaMonths = 0;
    for (const [, lc] of lives) {
      if (lc.contracts.some((c) => overlaps(c.startMonth, c.endMonth))) dsn++;
      if (lc.spells.some((s) => overlaps(s.startMonth, s.endMonth))) pe++;
      if (lc.benefits.some((b) => b.startMonth <= p1 && b.endMonth >= p0)) cnaf++;
      for (const s of lc.spells)
        if (s.right && s.right.openMonth >= p0 && s.right.openMonth <= p1) openings++;
      for (const b of lc.benefits) {
        if (b.benefit === RSA)
          rsaMonths += Math.max(0, Math.min(b.endMonth, p1) - Math.max(b.startMonth, p0) + 1);
      }
    }
    // DESIGN §1: ~30 M DSN, ~17 M PE and ~10 M CNAF persons over the period, for ~42 M people of working age.
    expect(dsn / N).toBeGreaterThan(0.62);
    expect(dsn / N).toBeLessThan(0.78);
    expect(pe / N).toBeGreaterThan(0.33);
    expect(pe / N).toBeLessThan(0.47);
    expect(cnaf / N).toBeGreaterThan(0.14);
    expect(cnaf / N).toBeLessThan(0.26);
    // ~2.5 M ARE openings a year → ~5–7 % of the population per year.
    const perYear = openings / N / ((p1 - p0 + 1) / 12);
    expect(perYear).toBeGreaterThan(0.045);
    expect(perYear).toBeLessThan(0.075);
    // RSA: ~1.9 M households, ~2.3 M adults → 3–5.5 % of the population in a month.
    const rsaShare = rsaMonths / N / (p1 - p0 + 1);
    expect(rsaShare).toBeGreaterThan(0.03);
    expect(rsaShare).toBeLessThan(0.055);
  });
});
