/**
 * French name frequencies for the synthetic population: birth surnames from INSEE's surname file
 * (births 1891–2000, top 20,000) and first names by sex and birth decade from INSEE's first-name file
 * (births 1940–2019), both shipped in `synthetic-data/names/` with their source and licence. Nothing is
 * downloaded at run time. Tables are loaded once and sampled with alias tables (O(1) per draw).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rng } from './prng.js';
import { AliasTable } from './weighted.js';

/** Default location of the shipped name files (same relative path from src/synth and dist/synth). */
export const DEFAULT_NAMES_DIR = fileURLToPath(new URL('../../synthetic-data/names/', import.meta.url));

interface NameTable {
  readonly names: readonly string[];
  readonly table: AliasTable;
}

export interface NameTables {
  readonly surnames: NameTable;
  /** key `${sex}:${decade}` */
  readonly firstNames: ReadonlyMap<string, NameTable>;
  readonly decades: readonly number[];
}

function parseCsv(text: string, expectedHeader: string): string[][] {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== expectedHeader) {
    throw new Error(`unexpected name-file header: ${lines[0] ?? ''} (expected ${expectedHeader})`);
  }
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (line) rows.push(line.split(','));
  }
  return rows;
}

function toTable(entries: ReadonlyArray<readonly [string, number]>): NameTable {
  return { names: entries.map((e) => e[0]), table: new AliasTable(entries.map((e) => e[1])) };
}

/** Load and index the two name files. */
export function loadNameTables(dir: string = DEFAULT_NAMES_DIR): NameTables {
  const surnameRows = parseCsv(readFileSync(`${dir}/surnames-fr.csv`, 'utf8'), 'surname,count');
  const surnames = toTable(surnameRows.map((r) => [r[0] ?? '', Number(r[1])] as const));
  const grouped = new Map<string, Array<readonly [string, number]>>();
  const decades = new Set<number>();
  for (const r of parseCsv(
    readFileSync(`${dir}/first-names-fr.csv`, 'utf8'),
    'sex,decade,first_name,count',
  )) {
    const key = `${r[0]}:${r[1]}`;
    decades.add(Number(r[1]));
    const list = grouped.get(key) ?? [];
    list.push([r[2] ?? '', Number(r[3])]);
    grouped.set(key, list);
  }
  const firstNames = new Map<string, NameTable>();
  for (const [key, list] of grouped) firstNames.set(key, toTable(list));
  return { surnames, firstNames, decades: [...decades].sort((a, b) => a - b) };
}

export function drawSurname(t: NameTables, rng: Rng): string {
  return t.surnames.names[t.surnames.table.sample(rng.next())] ?? 'MARTIN';
}

function firstNameTable(t: NameTables, sex: 1 | 2, birthYear: number): NameTable {
  const lo = t.decades[0] ?? 1940;
  const hi = t.decades[t.decades.length - 1] ?? 2010;
  const decade = Math.min(hi, Math.max(lo, Math.floor(birthYear / 10) * 10));
  const table = t.firstNames.get(`${sex}:${decade}`);
  if (!table) throw new Error(`no first names for sex ${sex} decade ${decade}`);
  return table;
}

/** Share of persons with 1, 2 and 3 given names (civil-status practice: most French people have 2–3). */
export const FIRST_NAME_COUNT_WEIGHTS = [0.3, 0.42, 0.28] as const;

/**
 * One to three distinct first names, drawn from the first-name frequencies of the person's sex and birth
 * decade (compound names such as JEAN-PIERRE come from the data as single names).
 */
export function drawFirstNames(t: NameTables, rng: Rng, sex: 1 | 2, birthYear: number): string[] {
  const table = firstNameTable(t, sex, birthYear);
  const u = rng.next();
  const count =
    u < FIRST_NAME_COUNT_WEIGHTS[0]
      ? 1
      : u < FIRST_NAME_COUNT_WEIGHTS[0] + FIRST_NAME_COUNT_WEIGHTS[1]
        ? 2
        : 3;
  const out: string[] = [];
  for (let attempts = 0; out.length < count && attempts < 12; attempts++) {
    const name = table.names[table.table.sample(rng.next())] ?? 'MARIE';
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
