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

/** Names and counts as read from the files: plain data, cheap to hand to a worker thread. */
export interface NameData {
  readonly surnames: NameList;
  readonly firstNames: ReadonlyArray<NameList & { readonly key: string }>;
}

interface NameList {
  readonly names: readonly string[];
  readonly counts: readonly number[];
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

/** Read the two name files. */
export function readNameData(dir: string = DEFAULT_NAMES_DIR): NameData {
  const surnameRows = parseCsv(readFileSync(`${dir}/surnames-fr.csv`, 'utf8'), 'surname,count');
  const grouped = new Map<string, { names: string[]; counts: number[] }>();
  for (const r of parseCsv(
    readFileSync(`${dir}/first-names-fr.csv`, 'utf8'),
    'sex,decade,first_name,count',
  )) {
    const key = `${r[0]}:${r[1]}`;
    let list = grouped.get(key);
    if (list === undefined) {
      list = { names: [], counts: [] };
      grouped.set(key, list);
    }
    list.names.push(r[2] ?? '');
    list.counts.push(Number(r[3]));
  }
  return {
    surnames: { names: surnameRows.map((r) => r[0] ?? ''), counts: surnameRows.map((r) => Number(r[1])) },
    firstNames: [...grouped].map(([key, list]) => ({ key, ...list })),
  };
}

/** Index the name data into alias tables. */
export function buildNameTables(data: NameData): NameTables {
  const firstNames = new Map<string, NameTable>();
  const decades = new Set<number>();
  for (const list of data.firstNames) {
    firstNames.set(list.key, { names: list.names, table: new AliasTable(list.counts) });
    decades.add(Number(list.key.split(':')[1]));
  }
  return {
    surnames: { names: data.surnames.names, table: new AliasTable(data.surnames.counts) },
    firstNames,
    decades: [...decades].sort((a, b) => a - b),
  };
}

/** Load and index the two name files. */
export function loadNameTables(dir: string = DEFAULT_NAMES_DIR): NameTables {
  return buildNameTables(readNameData(dir));
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
