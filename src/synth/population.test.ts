import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseNir } from '../core/nir.js';
import { buildTables, readTablesData, type Tables } from './chunk.js';
import { resolveSynthConfig } from './config.js';
import {
  assertNirUniqueness,
  createPopulationContext,
  generatePerson,
  kroneckerMinGap,
  type PopulationContext,
  provisionalNir,
  type TruePerson,
} from './population.js';
import { Rng } from './prng.js';

const N = 30_000;
let tables: Tables;
let ctx: PopulationContext;
let persons: TruePerson[];

beforeAll(() => {
  const config = resolveSynthConfig({ persons: N });
  tables = buildTables(readTablesData(config));
  ctx = createPopulationContext(config, tables.names, tables.places);
  const rng = new Rng(1, 2, 3, 4);
  persons = Array.from({ length: N }, (_, i) => generatePerson(ctx, i, rng));
});

describe('true population', () => {
  it('gives every person a valid NIR consistent with sex, birth month and year, and birth place', () => {
    const bad = persons.filter(
      (p) =>
        normaliseNir(p.nir).class !== 'certified' ||
        p.nir[0] !== String(p.sex) ||
        p.nir.slice(1, 3) !== String(p.birthYear % 100).padStart(2, '0') ||
        Number(p.nir.slice(3, 5)) !== p.birthMonth ||
        p.nir.slice(5, 10) !== p.birthPlace,
    );
    expect(bad).toEqual([]);
  });

  it('never gives two persons the same NIR, and the bound holds up to 10 million persons', () => {
    expect(new Set(persons.map((p) => p.nir)).size).toBe(N);
    expect(() => assertNirUniqueness(ctx, 10_000_000)).not.toThrow();
    expect(() => assertNirUniqueness(ctx, 500_000_000)).toThrow(/too many/);
    expect(kroneckerMinGap(1000)).toBeGreaterThan(0.3 / 1000);
  });

  it('is deterministic: the same index gives the same person', () => {
    const again = generatePerson(ctx, 12_345, new Rng(9, 9, 9, 9));
    expect(again).toEqual(persons[12_345]);
  });

  it('draws birth places by population: 8–10 % abroad, Corsica as 2A/2B, Paris by arrondissement, overseas as 97x', () => {
    const abroad = persons.filter((p) => p.birthPlace.startsWith('99')).length / N;
    expect(abroad).toBeGreaterThan(0.08);
    expect(abroad).toBeLessThan(0.1);
    expect(persons.some((p) => /^2[AB]/.test(p.birthPlace) && /^.{5}2[AB]/.test(p.nir))).toBe(true);
    expect(persons.some((p) => /^751(0[1-9]|1[0-9]|20)$/.test(p.birthPlace))).toBe(true);
    expect(persons.some((p) => p.birthPlace === '75056')).toBe(false);
    expect(persons.some((p) => p.birthPlace.startsWith('97'))).toBe(true);
    // Île-de-France weighs ~18 % of the population.
    const idf = persons.filter((p) => /^(75|77|78|91|92|93|94|95)/.test(p.birthPlace)).length / N;
    expect(idf).toBeGreaterThan(0.14);
    expect(idf).toBeLessThan(0.2);
  });

  it('has realistic sexes, birth years, names and usage names', () => {
    const men = persons.filter((p) => p.sex === 1).length / N;
    expect(Math.abs(men - 0.49)).toBeLessThan(0.015);
    expect(Math.min(...persons.map((p) => p.birthYear))).toBe(1955);
    expect(Math.max(...persons.map((p) => p.birthYear))).toBe(2005);
    const martin = persons.filter((p) => p.birthName === 'MARTIN').length / N;
    // MARTIN is 250,013 of the 44.4 M births of the top-20,000 list: 0.56 %.
    expect(martin).toBeGreaterThan(0.003);
    expect(martin).toBeLessThan(0.009);
    const counts = [1, 2, 3].map((k) => persons.filter((p) => p.firstNames.length === k).length / N);
    expect(counts[0]).toBeCloseTo(0.3, 1);
    expect(counts[1]).toBeCloseTo(0.42, 1);
    expect(persons.some((p) => p.firstNames.some((f) => f.includes('-')))).toBe(true);
    // Names follow the birth decade: NATHALIE was given mostly in the 1960s–70s, LÉA in the 2000s.
    const nathalie = persons.filter((p) => p.firstNames[0] === 'NATHALIE');
    expect(nathalie.length).toBeGreaterThan(20);
    expect(
      nathalie.filter((p) => p.birthYear >= 1960 && p.birthYear < 1980).length / nathalie.length,
    ).toBeGreaterThan(0.8);
    const lea = persons.filter((p) => p.firstNames[0] === 'LÉA');
    expect(lea.length).toBeGreaterThan(5);
    expect(lea.filter((p) => p.birthYear >= 1990).length / lea.length).toBeGreaterThan(0.8);
    const women30 = persons.filter((p) => p.sex === 2 && p.birthYear <= 1988);
    const usage = women30.filter((p) => p.usageName !== '').length / women30.length;
    expect(Math.abs(usage - 0.55)).toBeLessThan(0.03);
    const menUsage = persons.filter((p) => p.sex === 1 && p.usageName !== '').length / N;
    expect(menUsage).toBeLessThan(0.02);
  });

  it('names hold only Latin-1 characters (the PE extract is Latin-1)', () => {
    const latin1 = /^[\u0020-\u00ff]*$/;
    const bad = persons.filter(
      (p) => ![p.birthName, p.usageName, ...p.firstNames].every((s) => latin1.test(s)),
    );
    expect(bad).toEqual([]);
  });

  it('provisional numbers (NIA) have a valid key, a 7/8 first digit, and differ per source', () => {
    const p = persons[0];
    if (p === undefined) throw new Error('no person');
    const nias = [0, 1, 2].map((s) => provisionalNir(ctx, p, s));
    for (const nia of nias) {
      expect(normaliseNir(nia).class).toBe('provisional');
      expect(nia[0]).toBe(String(p.sex + 6));
      expect(nia).not.toBe(p.nir);
    }
    expect(new Set(nias).size).toBe(3);
  });
});
