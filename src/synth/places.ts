/**
 * Birth places and départements. French birth places are the current COG communes of metropolitan France
 * and the overseas départements (Etalab's `@etalab/decoupage-administratif`, with populations), weighted by
 * population, with Paris, Lyon and Marseille split into their municipal arrondissements as INSEE does for
 * births; persons born abroad get a `99xxx` country code weighted by the foreign-born population of France.
 * The place code is also the NIR's département + commune part (`2A`/`2B` for Corsica, `97` + 3 digits
 * overseas, `99` + country abroad).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Rng } from './prng.js';
import { AliasTable, CumulativeTable } from './weighted.js';

interface CommuneRow {
  readonly code: string;
  readonly type: string;
  readonly departement?: string;
  readonly zone?: string;
  readonly population?: number;
}

/**
 * Main countries of birth of people living in France (COG country codes, verified against INSEE's
 * country list), weighted by approximate stocks in thousands (INSEE, immigrants by country of birth,
 * 2021–2022; French nationals born abroad add weight to Algeria, Morocco, Tunisia and Germany). Rounded
 * figures: they set plausible proportions, not official counts.
 */
export const BIRTH_COUNTRIES: ReadonlyArray<readonly [code: string, name: string, weight: number]> = [
  ['99352', 'Algérie', 880],
  ['99350', 'Maroc', 760],
  ['99139', 'Portugal', 590],
  ['99351', 'Tunisie', 300],
  ['99127', 'Italie', 280],
  ['99134', 'Espagne', 250],
  ['99208', 'Turquie', 245],
  ['99109', 'Allemagne', 180],
  ['99132', 'Royaume-Uni', 150],
  ['99114', 'Roumanie', 140],
  ['99341', 'Sénégal', 125],
  ['99326', "Côte d'Ivoire", 110],
  ['99131', 'Belgique', 110],
  ['99216', 'Chine', 105],
  ['99322', 'Cameroun', 95],
  ['99312', 'République démocratique du Congo', 85],
  ['99335', 'Mali', 90],
  ['99410', 'Haïti', 80],
  ['99333', 'Madagascar', 80],
  ['99122', 'Pologne', 75],
  ['99243', 'Vietnam', 75],
  ['99324', 'Congo', 70],
  ['99397', 'Comores', 60],
  ['99330', 'Guinée', 55],
  ['99140', 'Suisse', 50],
  ['99123', 'Russie', 50],
  ['99416', 'Brésil', 50],
  ['99205', 'Liban', 40],
  ['99235', 'Sri Lanka', 45],
  ['99234', 'Cambodge', 45],
  ['99155', 'Ukraine', 45],
  ['99223', 'Inde', 40],
  ['99212', 'Afghanistan', 40],
  ['99404', 'États-Unis', 40],
  ['99390', 'Maurice', 35],
  ['99213', 'Pakistan', 30],
  ['99206', 'Syrie', 30],
  ['99241', 'Laos', 30],
  ['99336', 'Mauritanie', 25],
  ['99401', 'Canada', 20],
];

/** Municipalities whose births INSEE codes by municipal arrondissement. */
const SPLIT_BY_ARRONDISSEMENT = new Set(['75056', '69123', '13055']);

export interface PlaceTables {
  /** COG code of each place (5 characters). */
  readonly codes: readonly string[];
  /** Département of each place ('99' abroad). */
  readonly depts: readonly string[];
  /** Population-weighted place sampler, monotone in the uniform (see weighted.ts). */
  readonly places: CumulativeTable;
  /** Indices of the places in each département (for "wrong birth place" errors). */
  readonly placesByDept: ReadonlyMap<string, readonly number[]>;
  /** Residence départements (metropolitan + overseas) weighted by population. */
  readonly residenceDepts: readonly string[];
  readonly residenceTable: AliasTable;
  /** Share of births abroad used to build the table. */
  readonly abroadShare: number;
}

function loadCommunes(): CommuneRow[] {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@etalab/decoupage-administratif/data/communes.json');
  const rows: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(rows)) throw new Error('communes.json: expected an array');
  return rows as CommuneRow[];
}

/** Places and weights as plain data (cheap to hand to a worker thread). */
export interface PlaceData {
  readonly codes: readonly string[];
  readonly depts: readonly string[];
  readonly weights: readonly number[];
  readonly residenceDepts: readonly string[];
  readonly residenceWeights: readonly number[];
  readonly abroadShare: number;
}

/** Read the communes and add the countries; `abroadShare` of births are abroad (default 9 %, mid 8–10 %). */
export function readPlaceData(abroadShare = 0.09): PlaceData {
  const communes = loadCommunes();
  const codes: string[] = [];
  const depts: string[] = [];
  const weights: number[] = [];
  const deptPopulation = new Map<string, number>();
  for (const c of communes) {
    const pop = c.population ?? 0;
    const dept = c.departement ?? '';
    if (pop <= 0 || dept === '' || (c.zone !== 'metro' && c.zone !== 'drom')) continue;
    const isArrondissement = c.type === 'arrondissement-municipal';
    if (c.type !== 'commune-actuelle' && !isArrondissement) continue;
    if (c.type === 'commune-actuelle' && SPLIT_BY_ARRONDISSEMENT.has(c.code)) continue;
    codes.push(c.code);
    depts.push(dept);
    weights.push(pop);
    deptPopulation.set(dept, (deptPopulation.get(dept) ?? 0) + pop);
  }
  let francePop = 0;
  for (const w of weights) francePop += w;
  const countryTotal = BIRTH_COUNTRIES.reduce((s, c) => s + c[2], 0);
  const abroadPop = (francePop * abroadShare) / (1 - abroadShare);
  for (const [code, , w] of BIRTH_COUNTRIES) {
    codes.push(code);
    depts.push('99');
    weights.push((abroadPop * w) / countryTotal);
  }
  const residenceDepts = [...deptPopulation.keys()].sort();
  return {
    codes,
    depts,
    weights,
    residenceDepts,
    residenceWeights: residenceDepts.map((d) => deptPopulation.get(d) ?? 0),
    abroadShare,
  };
}

export function buildPlaceTables(data: PlaceData): PlaceTables {
  const placesByDept = new Map<string, number[]>();
  for (let i = 0; i < data.codes.length; i++) {
    const d = data.depts[i] ?? '';
    const list = placesByDept.get(d) ?? [];
    list.push(i);
    placesByDept.set(d, list);
  }
  return {
    codes: data.codes,
    depts: data.depts,
    places: new CumulativeTable(data.weights),
    placesByDept,
    residenceDepts: data.residenceDepts,
    residenceTable: new AliasTable(data.residenceWeights),
    abroadShare: data.abroadShare,
  };
}

/** Build the place tables from the packaged COG. */
export function loadPlaceTables(abroadShare = 0.09): PlaceTables {
  return buildPlaceTables(readPlaceData(abroadShare));
}

/** A residence département drawn by population. */
export function drawDept(t: PlaceTables, rng: Rng): string {
  return t.residenceDepts[t.residenceTable.sample(rng.next())] ?? '75';
}

/** A different birth place, usually in the same département (a plausible clerical error). */
export function drawWrongPlace(t: PlaceTables, rng: Rng, placeIndex: number): string {
  const dept = t.depts[placeIndex] ?? '99';
  const same = t.placesByDept.get(dept) ?? [];
  for (let attempt = 0; attempt < 8; attempt++) {
    const candidate = rng.chance(0.8) && same.length > 1 ? rng.pick(same) : rng.int(t.codes.length);
    if (candidate !== placeIndex) return t.codes[candidate] ?? '99352';
  }
  return t.codes[(placeIndex + 1) % t.codes.length] ?? '99352';
}
