/**
 * Month-by-month life course of one person over the burn-in and the period: a small state machine
 * (before the labour market → employed / registered unemployed / inactive / outside private employment →
 * retired) with monthly hazards that depend on a latent profile (stable, precarious, marginal, outside).
 * Contracts that end lead, with some probability, to a PE registration spell, which opens an ARE right when
 * the person worked enough (are-rules.ts); the right ends by exhaustion, return to work, training or other
 * exit. RSA and prime d'activité months follow from the same months: RSA when the household qualifies and
 * there is neither work income nor ARE, PPA when earning below the ceiling. Everything the extracts carry
 * comes from here, so every cohort statistic has a true answer.
 */
import { dailyAllowance, referenceWindow, rightDurationDays, smic } from './are-rules.js';
import { dayNumber, daysInMonth, fromDayNumber, monthIndex } from './calendar.js';
import type { LifeCourseConfig, SynthConfig } from './config.js';
import {
  CDD,
  CDI,
  type Contract,
  type ContractDraw,
  drawContract,
  drawContractType,
  drawReducedActivity,
} from './contracts.js';
import type { PlaceTables } from './places.js';
import type { TruePerson } from './population.js';
import { type Rng, STREAM } from './prng.js';

export const END_REASONS = ['exhaustion', 'return_to_work', 'training', 'other'] as const;
const EXHAUSTION = 0;
const RETURN_TO_WORK = 1;
const TRAINING = 2;
const OTHER_EXIT = 3;

export const RSA = 0;
export const PPA = 1;

export interface AreRight {
  openMonth: number;
  openDay: number;
  durationDays: number;
  /** Gross daily allowance, euros. */
  allowance: number;
  /** -1 while the right runs (and when it still runs at the end of the period). */
  endMonth: number;
  endDay: number;
  /** Index into END_REASONS, -1 while running. */
  endReason: number;
  exhaustMonth: number;
  exhaustDay: number;
}

export interface Spell {
  startMonth: number;
  startDay: number;
  /** -1 when still registered at the end of the period. */
  endMonth: number;
  endDay: number;
  /** 0–4 for categories A–E. */
  category: number;
  right: AreRight | null;
}

/** Consecutive months of one benefit with one household role (inclusive bounds). */
export interface BenefitSpell {
  startMonth: number;
  endMonth: number;
  benefit: number;
  role: number;
}

export interface LifeCourse {
  profile: number;
  contracts: Contract[];
  spells: Spell[];
  benefits: BenefitSpell[];
}

const PRE = 0;
const EMP = 1;
const UNE = 2;
const INA = 3;
const OUT = 4;
const RET = 5;

const OUTSIDE = 3;
const PROFILE_KEYS = ['stable', 'precarious', 'marginal', 'outside'] as const;
/** Initial state at the start of the burn-in, by profile: P(employed), P(registered). */
const INITIAL_EMPLOYED = [0.85, 0.55, 0.2, 0];
const INITIAL_UNEMPLOYED = [0.06, 0.25, 0.35, 0];
/** Retirement ages 60–67 and their weights (most leave at 62, the legal age for the cohorts concerned). */
const RETIREMENT_WEIGHTS = [0.05, 0.05, 0.45, 0.1, 0.15, 0.05, 0.03, 0.12];
const REGISTRATION_FROM_INACTIVITY = 0.004;
const REGISTRATION_FROM_OUTSIDE = 0.002;

function pickWeighted(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] ?? 0;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** Simulates life courses; one instance per thread, reused for every person (scratch buffers inside). */
export class LifeCourseSimulator {
  private readonly cfg: LifeCourseConfig;
  private readonly seed: number;
  private readonly places: PlaceTables;
  readonly periodStart: number;
  readonly periodEnd: number;
  private readonly s0: number;
  private readonly base: number;
  private readonly worked: Uint8Array;
  private readonly tmp: [number, number] = [0, 0];
  private readonly profileShares: readonly number[];

  // Per-person state, reset by run().
  private rng: Rng | null = null;
  private p: TruePerson | null = null;
  private profile = 0;
  private state = PRE;
  private contract: Contract | null = null;
  private spell: Spell | null = null;
  private benefit: BenefitSpell | null = null;
  private out: LifeCourse = { profile: 0, contracts: [], spells: [], benefits: [] };
  private draw: ContractDraw | null = null;
  private birthAbs = 0;
  private entryMonth = 0;
  private retireMonth = 0;
  private rsaHousehold = false;
  private ppaHousehold = false;
  private lastWage = 0;
  private wageThisMonth = 0;
  /** The month being simulated. */
  private cursor = 0;

  constructor(config: SynthConfig, places: PlaceTables) {
    this.cfg = config.life_course;
    this.seed = config.seed;
    this.places = places;
    this.periodStart = monthIndex(config.from);
    this.periodEnd = monthIndex(config.to);
    this.s0 = this.periodStart - this.cfg.burn_in_months;
    this.base = this.s0 - 36;
    this.worked = new Uint8Array(this.periodEnd - this.base + 2);
    this.profileShares = PROFILE_KEYS.map((k) => this.cfg.profiles[k].share);
  }

  private r(): Rng {
    if (this.rng === null) throw new Error('simulator not started');
    return this.rng;
  }

  private d(): ContractDraw {
    if (this.draw === null) throw new Error('simulator not started');
    return this.draw;
  }

  private prof(): LifeCourseConfig['profiles']['stable'] {
    return this.cfg.profiles[PROFILE_KEYS[this.profile] ?? 'stable'];
  }

  run(p: TruePerson, rng: Rng): LifeCourse {
    rng.reseed(this.seed, STREAM.lifeCourse, p.index);
    this.rng = rng;
    this.p = p;
    this.worked.fill(0);
    this.contract = null;
    this.spell = null;
    this.benefit = null;
    this.lastWage = 0;
    this.profile = pickWeighted(rng, this.profileShares);
    this.out = { profile: this.profile, contracts: [], spells: [], benefits: [] };
    const prof = this.prof();
    this.birthAbs = p.birthYear * 12 + p.birthMonth - 1;
    const u = rng.next();
    const entryAge = u < 0.15 ? rng.between(16, 18) : u < 0.55 ? rng.between(19, 22) : rng.between(23, 26);
    this.entryMonth = this.birthAbs + 12 * entryAge + rng.int(12);
    this.retireMonth = this.birthAbs + 12 * (60 + pickWeighted(rng, RETIREMENT_WEIGHTS)) + rng.int(6);
    this.rsaHousehold = rng.chance(prof.rsa_household) && rng.chance(this.cfg.rsa_takeup);
    this.ppaHousehold = rng.chance(prof.ppa_household) && rng.chance(this.cfg.ppa_takeup);
    const partTimeShare =
      (p.sex === 1 ? this.cfg.part_time.men : this.cfg.part_time.women) +
      (this.profile === 1 || this.profile === 2 ? this.cfg.part_time.precarious_extra : 0);
    this.draw = {
      cfg: this.cfg,
      places: this.places,
      residenceDept: p.residenceDept,
      baseWage: Math.max(1400, prof.median_wage * Math.exp(0.3 * rng.normal())),
      partTimeShare,
    };
    this.cursor = this.s0 - 1;
    this.initialise();
    for (let m = this.s0; m <= this.periodEnd; m++) {
      if (this.state === RET) break;
      this.cursor = m;
      if (m >= this.retireMonth) {
        this.retire(m);
        break;
      }
      this.wageThisMonth = 0;
      switch (this.state) {
        case PRE:
          this.stepPre(m);
          break;
        case EMP:
          this.stepEmployed(m);
          break;
        case UNE:
          this.stepUnemployed(m);
          break;
        case INA:
          if (rng.chance(prof.job_finding_inactive))
            this.startContract(m, rng.between(1, daysInMonth(m)), false);
          else if (rng.chance(REGISTRATION_FROM_INACTIVITY)) this.register(m, rng.between(1, daysInMonth(m)));
          break;
        case OUT:
          if (rng.chance(REGISTRATION_FROM_OUTSIDE)) this.register(m, rng.between(1, daysInMonth(m)));
          break;
      }
      this.stepBenefits(m);
    }
    return this.out;
  }

  private initialise(): void {
    const rng = this.r();
    const s0 = this.s0;
    if (s0 >= this.retireMonth) this.state = RET;
    else if (s0 < this.entryMonth) this.state = PRE;
    else if (this.profile === OUTSIDE) this.state = OUT;
    else {
      const u = rng.next();
      const pe = INITIAL_EMPLOYED[this.profile] ?? 0;
      if (u < pe) {
        const type =
          this.profile === 0 && rng.chance(0.85) ? CDI : drawContractType(rng, this.prof().contract_mix, 0);
        const back = type === CDI ? rng.geometric(this.prof().cdi_separation) : rng.int(3);
        const start = Math.max(this.entryMonth, s0 - back);
        const c = drawContract(rng, this.d(), type, start, rng.between(1, daysInMonth(start)));
        if (c.plannedEnd >= 0 && c.plannedEnd < s0) c.plannedEnd = s0 + rng.int(3);
        for (let m = Math.max(this.base, start); m < s0; m++) this.worked[m - this.base] = 1;
        this.out.contracts.push(c);
        this.contract = c;
        this.lastWage = c.wage;
        this.state = EMP;
      } else if (u < pe + (INITIAL_UNEMPLOYED[this.profile] ?? 0)) {
        const start = Math.max(this.entryMonth, s0 - rng.int(12));
        this.lastWage = this.d().baseWage;
        this.openSpell(start, rng.between(1, daysInMonth(start)), rng.chance(0.6) ? 730 : 0);
      } else this.state = INA;
    }
  }

  private stepPre(m: number): void {
    if (m < this.entryMonth) return;
    const rng = this.r();
    if (this.profile === OUTSIDE) {
      this.state = OUT;
      return;
    }
    const u = rng.next();
    const day = rng.between(1, daysInMonth(m));
    if (u < 0.55) this.startContract(m, day, m - this.birthAbs < 21 * 12);
    else if (u < 0.8) this.register(m, day);
    else this.state = INA;
  }

  private stepEmployed(m: number): void {
    const c = this.contract;
    if (c === null) {
      this.state = INA;
      return;
    }
    if (m < c.startMonth) return;
    const rng = this.r();
    this.worked[m - this.base] = 1;
    this.wageThisMonth = c.wage;
    const ends = c.plannedEnd >= 0 ? m >= c.plannedEnd : rng.chance(this.prof().cdi_separation);
    if (!ends) return;
    const day = rng.between(c.startMonth === m ? c.startDay : 1, daysInMonth(m));
    c.endMonth = m;
    c.endDay = day;
    this.contract = null;
    this.lastWage = c.wage;
    const prof = this.prof();
    if (c.type === CDD && rng.chance(this.cfg.cdd_to_cdi)) this.startContractAfter(m, day, 1, CDI);
    else if (rng.chance(prof.job_to_job)) this.startContractAfter(m, day, 1 + rng.int(5), -1);
    else if (rng.chance(prof.registration_after_end)) {
      fromDayNumber(dayNumber(m, day) + rng.between(1, 20), this.tmp);
      this.register(this.tmp[0], this.tmp[1]);
    } else this.state = INA;
  }

  private stepUnemployed(m: number): void {
    const s = this.spell;
    if (s === null) {
      this.state = INA;
      return;
    }
    if (m < s.startMonth) return;
    const rng = this.r();
    const cfg = this.cfg;
    const dim = daysInMonth(m);
    let minDay = s.startMonth === m ? s.startDay + 1 : 1;
    const right = s.right;
    let exhaustedNow = false;
    if (right !== null && right.endMonth === -1) {
      if (right.openMonth === m) minDay = Math.max(minDay, right.openDay + 1);
      if (right.exhaustMonth === m) {
        right.endMonth = m;
        right.endDay = right.exhaustDay;
        right.endReason = EXHAUSTION;
        minDay = Math.max(minDay, right.exhaustDay + 1);
        exhaustedNow = true;
      } else if (right.openMonth < m && m > s.startMonth && minDay <= dim && rng.chance(cfg.training)) {
        const day = rng.between(minDay, dim);
        right.endMonth = m;
        right.endDay = day;
        right.endReason = TRAINING;
        minDay = day + 1;
      }
    }
    if ((s.category === 1 || s.category === 2) && m > s.startMonth && rng.chance(cfg.reduced_activity)) {
      const c = drawReducedActivity(rng, this.d(), m, dim, s.category === 2);
      this.out.contracts.push(c);
      this.worked[m - this.base] = 1;
      this.wageThisMonth = c.wage;
    }
    const age = (m - this.birthAbs) / 12;
    const hazard =
      this.prof().job_finding * 0.97 ** (m - s.startMonth) * (age >= 55 ? 0.6 : 1) * (exhaustedNow ? 1.5 : 1);
    if (m > s.startMonth && minDay <= dim && rng.chance(hazard)) {
      const day = rng.between(minDay, dim);
      fromDayNumber(dayNumber(m, day) - 1, this.tmp);
      this.closeSpell(this.tmp[0], this.tmp[1], RETURN_TO_WORK);
      if (this.profile === OUTSIDE) this.state = OUT;
      else this.startContract(m, day, false);
    } else if (minDay <= dim && rng.chance(cfg.exit_to_inactivity)) {
      this.closeSpell(m, rng.between(minDay, dim), OTHER_EXIT);
      this.state = this.profile === OUTSIDE ? OUT : INA;
    }
  }

  private stepBenefits(m: number): void {
    if (m < this.s0) return;
    const rng = this.r();
    const age = (m - this.birthAbs) / 12;
    const employed = this.worked[m - this.base] === 1;
    let rsaOk = false;
    let ppaOk = false;
    if (!employed) {
      const onAre = this.state === UNE && this.rightActive(m);
      rsaOk =
        this.rsaHousehold &&
        age >= 25 &&
        (this.state === INA || this.state === OUT || (this.state === UNE && !onAre));
    } else {
      ppaOk = this.ppaHousehold && age >= 18 && this.wageThisMonth < this.cfg.ppa_ceiling_smic * smic(m);
    }
    const b = this.benefit;
    if (b !== null) {
      const ok = b.benefit === RSA ? rsaOk : ppaOk;
      if (ok && !rng.chance(this.cfg.benefit_stop)) {
        b.endMonth = m;
        return;
      }
      this.benefit = null;
    }
    const which = rsaOk ? RSA : ppaOk ? PPA : -1;
    if (which >= 0 && rng.chance(this.cfg.benefit_start)) {
      const spell = {
        startMonth: m,
        endMonth: m,
        benefit: which,
        role: pickWeighted(rng, this.cfg.household_roles),
      };
      this.out.benefits.push(spell);
      this.benefit = spell;
    }
  }

  private rightActive(m: number): boolean {
    const r = this.spell?.right;
    return r != null && r.openMonth <= m && (r.endMonth === -1 || r.endMonth >= m);
  }

  private retire(m: number): void {
    const rng = this.r();
    const dim = daysInMonth(m);
    let day = rng.between(1, dim);
    const c = this.contract;
    if (c !== null && this.state === EMP) {
      if (c.startMonth > m) this.out.contracts.pop();
      else {
        if (c.startMonth === m) day = Math.max(day, c.startDay);
        c.endMonth = m;
        c.endDay = day;
      }
    }
    const s = this.spell;
    if (s !== null && this.state === UNE) {
      if (s.startMonth > m || (s.startMonth === m && s.startDay > day)) this.out.spells.pop();
      else this.closeSpell(m, day, OTHER_EXIT);
    }
    if (this.benefit !== null && this.benefit.endMonth >= m) this.benefit.endMonth = m - 1;
    this.contract = null;
    this.spell = null;
    this.benefit = null;
    this.state = RET;
  }

  /** Start a contract on the day `gap` days after (m, day); type -1 = drawn from the profile's mix. */
  private startContractAfter(m: number, day: number, gap: number, type: number): void {
    fromDayNumber(dayNumber(m, day) + gap, this.tmp);
    this.startContract(this.tmp[0], this.tmp[1], false, type);
  }

  private startContract(month: number, day: number, firstJob: boolean, forcedType = -1): void {
    const rng = this.r();
    const age = month - this.birthAbs;
    const apprenticeShare =
      age >= 26 * 12
        ? 0
        : firstJob && age < 21 * 12
          ? this.cfg.apprenticeship_first_job
          : this.cfg.apprenticeship_under_26;
    const type =
      forcedType >= 0 ? forcedType : drawContractType(rng, this.prof().contract_mix, apprenticeShare);
    const c = drawContract(rng, this.d(), type, month, day);
    this.out.contracts.push(c);
    this.contract = c;
    this.state = EMP;
    // A contract starting in the month being simulated (or earlier) counts now; a later one is picked up
    // by stepEmployed when the loop reaches its first month.
    if (month <= this.cursor) {
      this.worked[month - this.base] = 1;
      this.wageThisMonth = c.wage;
    }
  }

  private register(month: number, day: number): void {
    const p = this.p;
    if (p === null) return;
    const age = Math.floor((month - this.birthAbs) / 12);
    const window = referenceWindow(age);
    let worked = 0;
    for (let m = Math.max(this.base, month - window); m < month; m++)
      worked += this.worked[m - this.base] ?? 0;
    fromDayNumber(dayNumber(month, day) + 7, this.tmp);
    const duration = rightDurationDays(worked, this.cfg.are_min_months_worked, age, this.tmp[0]);
    this.openSpell(month, day, duration);
  }

  private openSpell(month: number, day: number, durationDays: number): void {
    const rng = this.r();
    let right: AreRight | null = null;
    if (durationDays > 0) {
      const open = dayNumber(month, day) + 7;
      fromDayNumber(open, this.tmp);
      const openMonth = this.tmp[0];
      const openDay = this.tmp[1];
      fromDayNumber(open + durationDays - 1, this.tmp);
      right = {
        openMonth,
        openDay,
        durationDays,
        allowance: dailyAllowance(this.lastWage > 0 ? this.lastWage : smic(month)),
        endMonth: -1,
        endDay: 0,
        endReason: -1,
        exhaustMonth: this.tmp[0],
        exhaustDay: this.tmp[1],
      };
    }
    const spell: Spell = {
      startMonth: month,
      startDay: day,
      endMonth: -1,
      endDay: 0,
      category: pickWeighted(rng, this.cfg.categories),
      right,
    };
    this.out.spells.push(spell);
    this.spell = spell;
    this.state = UNE;
  }

  /** End the current spell on (month, day); a running right ends with it, one not yet opened is dropped. */
  private closeSpell(month: number, day: number, reason: number): void {
    const s = this.spell;
    if (s === null) return;
    s.endMonth = month;
    s.endDay = day;
    const r = s.right;
    if (r !== null) {
      const end = dayNumber(month, day);
      if (dayNumber(r.openMonth, r.openDay) > end) s.right = null;
      else if (r.endMonth === -1) {
        const exhausted = dayNumber(r.exhaustMonth, r.exhaustDay) <= end;
        r.endMonth = exhausted ? r.exhaustMonth : month;
        r.endDay = exhausted ? r.exhaustDay : day;
        r.endReason = exhausted ? EXHAUSTION : reason;
      }
    }
    this.spell = null;
  }
}
