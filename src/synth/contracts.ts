/**
 * Drawing the attributes of one synthetic employment contract: type (CDI, CDD, interim, apprenticeship,
 * other), planned length, working time, NAF section (weighted like private-sector employment in France,
 * interim always in section N), employer département (mostly the residence département) and monthly
 * gross wage (the person's base wage, adjusted for contract type and part time, never below the SMIC
 * prorata). Pure functions of the person's random stream.
 */
import { NAF_SECTIONS } from '../core/fields.js';
import { smic } from './are-rules.js';
import type { LifeCourseConfig } from './config.js';
import { drawDept, type PlaceTables } from './places.js';
import type { Rng } from './prng.js';
import { AliasTable } from './weighted.js';

/** Index into CONTRACT_TYPES of core/fields.ts. */
export const CDI = 0;
export const CDD = 1;
export const INTERIM = 2;
export const APPRENTICESHIP = 3;
export const OTHER = 4;

/**
 * Approximate shares of private-sector employment by NAF rev. 2 section (France, 2020s): trade (G),
 * manufacturing (C), administrative and support services incl. temporary work (N) and health (Q) lead.
 */
const NAF_WEIGHTS: Readonly<Record<string, number>> = {
  A: 1.2,
  B: 0.2,
  C: 14,
  D: 0.6,
  E: 0.9,
  F: 8,
  G: 16,
  H: 7,
  I: 6.5,
  J: 4,
  K: 4,
  L: 1.2,
  M: 6.5,
  N: 9,
  O: 1.5,
  P: 2,
  Q: 11,
  R: 1.3,
  S: 3,
  T: 0.3,
  U: 0.05,
};
const NAF_TABLE = new AliasTable(NAF_SECTIONS.map((s) => NAF_WEIGHTS[s] ?? 0));

export interface Contract {
  startMonth: number;
  startDay: number;
  /** -1 while open; stays -1 when still open at the end of the period. */
  endMonth: number;
  endDay: number;
  /** Planned last month for fixed-term contracts, -1 for open-ended ones. */
  plannedEnd: number;
  type: number;
  partTime: boolean;
  naf: string;
  dept: string;
  /** Monthly gross wage, euros (cents precision). */
  wage: number;
}

export interface ContractDraw {
  readonly cfg: LifeCourseConfig;
  readonly places: PlaceTables;
  readonly residenceDept: string;
  /** Full-time monthly base wage of the person, euros (2019). */
  readonly baseWage: number;
  readonly partTimeShare: number;
}

/** Type of a new contract: an apprenticeship with probability `apprenticeShare`, else from the profile's mix. */
export function drawContractType(rng: Rng, mix: readonly number[], apprenticeShare: number): number {
  if (apprenticeShare > 0 && rng.chance(apprenticeShare)) return APPRENTICESHIP;
  const total = (mix[0] ?? 0) + (mix[1] ?? 0) + (mix[2] ?? 0) + (mix[3] ?? 0);
  let u = rng.next() * total;
  for (let i = 0; i < 4; i++) {
    u -= mix[i] ?? 0;
    if (u < 0) return i === 3 ? OTHER : i;
  }
  return OTHER;
}

function plannedLength(rng: Rng, cfg: LifeCourseConfig, type: number): number {
  switch (type) {
    case CDD:
      return Math.min(18, 1 + rng.geometric(1 / cfg.cdd_mean_months));
    case INTERIM:
      return Math.min(18, 1 + rng.geometric(1 / cfg.interim_mean_months));
    case APPRENTICESHIP:
      return 12 * rng.between(1, 3);
    case OTHER:
      return Math.min(12, 1 + rng.geometric(1 / cfg.other_contract_mean_months));
    default:
      return -1;
  }
}

/** A new contract starting on (month, day). */
export function drawContract(rng: Rng, d: ContractDraw, type: number, month: number, day: number): Contract {
  const length = plannedLength(rng, d.cfg, type);
  const partTime = type !== APPRENTICESHIP && rng.chance(d.partTimeShare);
  const floor = smic(month);
  let wage: number;
  if (type === APPRENTICESHIP) {
    wage = floor * (0.43 + 0.35 * rng.next());
  } else {
    const typeFactor = type === CDI ? 1 : type === OTHER ? 0.85 : 0.9;
    const growth = 1.02 ** (Math.floor(month / 12) - 2019);
    wage = Math.max(floor, d.baseWage * typeFactor * growth * Math.exp(0.1 * rng.normal()));
    if (partTime) wage *= 0.5 + 0.3 * rng.next();
  }
  return {
    startMonth: month,
    startDay: day,
    endMonth: -1,
    endDay: 0,
    plannedEnd: length < 0 ? -1 : month + length - 1,
    type,
    partTime,
    naf: type === INTERIM ? 'N' : (NAF_SECTIONS[NAF_TABLE.sample(rng.next())] ?? 'G'),
    dept: rng.chance(0.85) ? d.residenceDept : drawDept(d.places, rng),
    wage: Math.round(wage * 100) / 100,
  };
}

/** A short part-time contract held during a category B/C registration spell ("activité réduite"). */
export function drawReducedActivity(
  rng: Rng,
  d: ContractDraw,
  month: number,
  dim: number,
  longer: boolean,
): Contract {
  const startDay = rng.between(1, Math.min(10, dim));
  const wage = smic(month) * (longer ? 0.5 + 0.3 * rng.next() : 0.25 + 0.2 * rng.next());
  const type = rng.chance(0.5) ? INTERIM : CDD;
  return {
    startMonth: month,
    startDay,
    endMonth: month,
    endDay: rng.between(Math.max(startDay, 15), dim),
    plannedEnd: month,
    type,
    partTime: true,
    naf: type === INTERIM ? 'N' : (NAF_SECTIONS[NAF_TABLE.sample(rng.next())] ?? 'G'),
    dept: d.residenceDept,
    wage: Math.round(wage * 100) / 100,
  };
}
