/**
 * The true population: one person per index, generated on demand (nothing is kept between persons, so
 * memory does not grow with N). Sex, birth date and birth place are drawn jointly as one "NIR cell"
 * (sex, year, month, place); the 3-digit order number comes from the person's index. Persons sharing an
 * order number (same index mod 999) take their cells from a golden-ratio (Kronecker) sequence, whose points
 * are further apart than the largest cell is wide — so two persons can never share a NIR, without any table
 * of used numbers. `assertNirUniqueness` checks that bound for the requested N (it holds well beyond 10 M).
 */
import { LdhError } from '../core/errors.js';
import { withControlKey } from '../core/nir.js';
import { daysInMonth, pad2 } from './calendar.js';
import type { SynthConfig } from './config.js';
import { drawFirstNames, drawSurname, type NameTables } from './names.js';
import { drawDept, type PlaceTables } from './places.js';
import { hash32, Rng, STREAM } from './prng.js';
import { CumulativeTable } from './weighted.js';

export interface TruePerson {
  readonly index: number;
  readonly personId: string;
  readonly sex: 1 | 2;
  readonly birthYear: number;
  /** 1–12 */
  readonly birthMonth: number;
  readonly birthDay: number;
  readonly placeIndex: number;
  /** COG code: commune, or 99xxx abroad. */
  readonly birthPlace: string;
  readonly nir: string;
  /** The 3-digit order number's residue class (index mod 999), reused for provisional numbers. */
  readonly residue: number;
  readonly birthName: string;
  /** '' when none. */
  readonly usageName: string;
  readonly firstNames: readonly string[];
  readonly residenceDept: string;
}

const ORDERS = 999;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

export interface PopulationContext {
  readonly config: SynthConfig;
  readonly names: NameTables;
  readonly places: PlaceTables;
  /** (sex, birth year, month) cells within a place, weighted. */
  readonly subcells: CumulativeTable;
  readonly years: number;
  /** Kronecker offset of each residue class. */
  readonly residueOffset: Float64Array;
  /** Order number (0–998) of each residue class for true NIRs and, per source, for provisional numbers. */
  readonly orderOfResidue: Int16Array;
  readonly provisionalOrder: readonly Int16Array[];
  readonly periodStartYear: number;
}

/** Relative cohort sizes: the 1955–1974 baby-boom cohorts are a little larger than later ones. */
function yearWeight(year: number): number {
  return year < 1975 ? 1.05 : year < 1995 ? 1 : 0.97;
}

function permutation(seed: number, salt: number): Int16Array {
  const p = new Int16Array(ORDERS);
  for (let i = 0; i < ORDERS; i++) p[i] = i;
  const rng = Rng.of(seed, STREAM.table, salt);
  for (let i = ORDERS - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i] ?? 0;
    p[i] = p[j] ?? 0;
    p[j] = t;
  }
  return p;
}

export function createPopulationContext(
  config: SynthConfig,
  names: NameTables,
  places: PlaceTables,
): PopulationContext {
  const { born_from, born_to, male_share } = config.population;
  const years = born_to - born_from + 1;
  const weights = new Float64Array(2 * years * 12);
  for (let s = 0; s < 2; s++) {
    for (let y = 0; y < years; y++) {
      for (let m = 0; m < 12; m++) {
        const year = born_from + y;
        weights[(s * years + y) * 12 + m] =
          (s === 0 ? male_share : 1 - male_share) * yearWeight(year) * daysInMonth(year * 12 + m);
      }
    }
  }
  const residueOffset = new Float64Array(ORDERS);
  for (let r = 0; r < ORDERS; r++) residueOffset[r] = hash32(config.seed, STREAM.residue, r) / 4294967296;
  return {
    config,
    names,
    places,
    subcells: new CumulativeTable(weights),
    years,
    residueOffset,
    orderOfResidue: permutation(config.seed, 1),
    provisionalOrder: [permutation(config.seed, 2), permutation(config.seed, 3), permutation(config.seed, 4)],
    periodStartYear: Number(config.from.slice(0, 4)),
  };
}

/** Smallest distance between the first `count` points of the golden-ratio sequence (on the circle). */
export function kroneckerMinGap(count: number): number {
  if (count < 2) return 1;
  const pts = new Float64Array(count);
  for (let q = 0; q < count; q++) pts[q] = (q * GOLDEN) % 1;
  pts.sort();
  let gap = 1 - (pts[count - 1] ?? 0) + (pts[0] ?? 0);
  for (let i = 1; i < count; i++) gap = Math.min(gap, (pts[i] ?? 0) - (pts[i - 1] ?? 0));
  return gap;
}

/** Throws when N is so large that two persons could share a NIR (see the module header). */
export function assertNirUniqueness(ctx: PopulationContext, persons: number): void {
  const perResidue = Math.ceil(persons / ORDERS);
  const widest = ctx.places.places.maxMass() * ctx.subcells.maxMass();
  const gap = kroneckerMinGap(perResidue);
  if (!(gap > widest)) {
    throw new LdhError(
      'USAGE',
      `${persons} persons is too many for collision-free NIRs with these place weights (gap ${gap} ≤ cell ${widest})`,
    );
  }
}

/** The cell uniform of person `index`. */
function cellUniform(ctx: PopulationContext, index: number): number {
  const r = index % ORDERS;
  const q = Math.floor(index / ORDERS);
  return ((ctx.residueOffset[r] ?? 0) + q * GOLDEN) % 1;
}

export function personId(index: number): string {
  return `P${String(index + 1).padStart(8, '0')}`;
}

function nirBody(first: number, year: number, month: number, place: string, order: number): string {
  return `${first}${pad2(year % 100)}${pad2(month)}${place}${String(order + 1).padStart(3, '0')}`;
}

/** A provisional number (NIA, first digit 7/8) for this person in source `sourceIndex`: valid key, not the NIR. */
export function provisionalNir(ctx: PopulationContext, p: TruePerson, sourceIndex: number): string {
  const order = ctx.provisionalOrder[sourceIndex]?.[p.residue] ?? 0;
  return withControlKey(nirBody(p.sex + 6, p.birthYear, p.birthMonth, p.birthPlace, order));
}

/** Generate person `index` (deterministic in (seed, index)). `rng` is reseeded, not allocated. */
export function generatePerson(ctx: PopulationContext, index: number, rng: Rng): TruePerson {
  const { places, subcells, years, config } = ctx;
  const u = cellUniform(ctx, index);
  const placeIndex = places.places.index(u);
  const within = (u - places.places.start(placeIndex)) / (places.places.mass[placeIndex] ?? 1);
  const cell = subcells.index(Math.min(within, 1 - 1e-12));
  const sex: 1 | 2 = cell < years * 12 ? 1 : 2;
  const birthYear = config.population.born_from + (Math.floor(cell / 12) % years);
  const birthMonth = (cell % 12) + 1;
  const birthPlace = places.codes[placeIndex] ?? '99352';
  const residue = index % ORDERS;
  const nir = withControlKey(
    nirBody(sex, birthYear, birthMonth, birthPlace, ctx.orderOfResidue[residue] ?? 0),
  );

  rng.reseed(config.seed, STREAM.identity, index);
  const birthDay = 1 + rng.int(daysInMonth(birthYear * 12 + birthMonth - 1));
  const birthName = drawSurname(ctx.names, rng);
  const firstNames = drawFirstNames(ctx.names, rng, sex, birthYear);
  const age = ctx.periodStartYear - birthYear;
  const un = config.population.usage_name;
  const pUsage =
    sex === 1 ? un.men : age >= 30 ? un.women_30_plus : age >= 25 ? un.women_25_29 : un.women_under_25;
  let usageName = '';
  if (rng.chance(pUsage)) {
    let spouse = drawSurname(ctx.names, rng);
    if (spouse === birthName) spouse = drawSurname(ctx.names, rng);
    usageName = rng.chance(config.population.usage_name_combined)
      ? sex === 2
        ? `${spouse}-${birthName}`
        : `${birthName}-${spouse}`
      : spouse;
  }
  const birthDept = places.depts[placeIndex] ?? '99';
  const residenceDept = birthDept !== '99' && rng.chance(0.55) ? birthDept : drawDept(places, rng);
  return {
    index,
    personId: personId(index),
    sex,
    birthYear,
    birthMonth,
    birthDay,
    placeIndex,
    birthPlace,
    nir,
    residue,
    birthName,
    usageName,
    firstNames,
    residenceDept,
  };
}
