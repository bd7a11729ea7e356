import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LdhError } from '../core/errors.js';
import { SOURCES } from '../core/fields.js';
import { Mapping } from '../core/mapping.js';
import { normaliseNir } from '../core/nir.js';
import { resolveSynthConfig, type SynthConfig } from './config.js';
import type { ErrorReport } from './error-report.js';
import { generate } from './generate.js';
import type { ReferenceStatsDocument } from './reference-stats.js';

const N = 20_000;
let root: string;
let main: string;
let config: SynthConfig;

/** All files of an output directory, relative path → bytes. */
function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) for (const [k, v] of readTree(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

interface Table {
  readonly header: string[];
  readonly rows: string[][];
  col(name: string): number;
}

/** The generator never needs quoting (checked below), so a plain split parses its files. */
function parse(text: string, delimiter: string): Table {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const header = (lines[0] ?? '').split(delimiter);
  return {
    header,
    rows: lines.slice(1).map((l) => l.split(delimiter)),
    col(name: string) {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`no column ${name}`);
      return i;
    },
  };
}

const latin1 = (b: Buffer): string => new TextDecoder('latin1').decode(b);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ldh-synth-'));
  main = join(root, 'main');
  config = resolveSynthConfig({ persons: N, seed: 1 });
  await generate(config, { outDir: main });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('determinism', () => {
  it('gives byte-identical files for the same seed (inline or with worker threads), different ones for another seed', async () => {
    // Three ranges of 4,096 persons: both workers get some.
    const small = resolveSynthConfig({ persons: 9000, seed: 1 });
    await generate(small, { outDir: join(root, 'a') });
    await generate(small, { outDir: join(root, 'b'), workers: 2 });
    await generate(resolveSynthConfig({ persons: 9000, seed: 2 }), { outDir: join(root, 'c') });
    const a = readTree(join(root, 'a'));
    const b = readTree(join(root, 'b'));
    const c = readTree(join(root, 'c'));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.size).toBeGreaterThanOrEqual(11);
    for (const [k, v] of a) expect(v.equals(b.get(k) ?? Buffer.alloc(0)), k).toBe(true);
    for (const f of ['pe.csv', 'dsn.csv', 'cnaf.csv', 'truth/records.csv', 'truth/persons.csv']) {
      expect(a.get(f)?.equals(c.get(f) ?? Buffer.alloc(0)), f).toBe(false);
    }
  });

  it('keeps the committed sample (synthetic-data/sample) equal to a fresh `--persons 2000 --seed 1` run', async () => {
    const dir = join(root, 'sample');
    await generate(resolveSynthConfig({ persons: 2000, seed: 1 }), { outDir: dir });
    const fresh = readTree(dir);
    const committed = readTree(fileURLToPath(new URL('../../synthetic-data/sample', import.meta.url)));
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [k, v] of fresh)
      expect(v.equals(committed.get(k) ?? Buffer.alloc(0)), `${k} (regenerate the sample)`).toBe(true);
    expect([...committed.values()].reduce((s, b) => s + b.length, 0)).toBeLessThan(3_000_000);
  });

  it('refuses a non-empty output directory unless forced', async () => {
    const dir = join(root, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'x');
    const small = resolveSynthConfig({ persons: 10 });
    await expect(generate(small, { outDir: dir })).rejects.toThrow(LdhError);
    await expect(generate(small, { outDir: dir })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    await expect(generate(small, { outDir: dir, force: true })).resolves.toMatchObject({ persons: 10 });
  });
});

describe('raw extracts', () => {
  it('writes the PE extract in Latin-1: accented names as single bytes that are not valid UTF-8', () => {
    const bytes = readFileSync(join(main, 'pe.csv'));
    expect(bytes.some((b) => b >= 0x80)).toBe(true);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const text = latin1(bytes);
    expect(Buffer.from(text, 'latin1').equals(bytes)).toBe(true);
    expect(text).toMatch(/[ÉÈËÏ]/);
    expect(
      text.startsWith(
        'ID_DE;NIR;NIR_CERTIFIE;NOM_NAISSANCE;NOM_USAGE;PRENOMS;DATE_NAISS;SEXE;COMMUNE_NAISS;',
      ),
    ).toBe(true);
    expect(text.includes('\r\n')).toBe(true);
    // DSN and CNAF are valid UTF-8.
    for (const f of ['dsn.csv', 'cnaf.csv']) {
      expect(() =>
        new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(main, f))),
      ).not.toThrow();
    }
  });

  it('ships mapping files that parse with Mapping and name columns of the files', () => {
    const files = { pe: 'pe.csv', dsn: 'dsn.csv', cnaf: 'cnaf.csv' } as const;
    for (const s of SOURCES) {
      const mapping = Mapping.parse(JSON.parse(readFileSync(join(main, `${s}.mapping.json`), 'utf8')));
      expect(mapping.source).toBe(s);
      const firstLine = latin1(readFileSync(join(main, files[s]))).split(/\r?\n/)[0] ?? '';
      const delimiter = s === 'pe' ? ';' : s === 'dsn' ? ',' : '|';
      const header = firstLine.split(delimiter);
      for (const raw of Object.values(mapping.columns)) expect(header).toContain(raw);
      expect(Object.keys(mapping.columns)).toEqual(
        expect.arrayContaining([
          'record_id',
          'nir',
          'birth_name',
          'first_names',
          'birth_date',
          'sex',
          'birth_place',
        ]),
      );
    }
  });

  it('uses each producer’s date format, with 00 for an unknown day, and never needs CSV quoting', () => {
    const pe = parse(latin1(readFileSync(join(main, 'pe.csv'))), ';');
    const dsn = parse(readFileSync(join(main, 'dsn.csv'), 'utf8'), ',');
    const cnaf = parse(readFileSync(join(main, 'cnaf.csv'), 'utf8'), '|');
    const peDates = pe.rows.map((r) => r[pe.col('DATE_NAISS')] ?? '');
    expect(peDates.every((d) => /^\d{2}\/\d{2}\/\d{4}$/.test(d))).toBe(true);
    expect(peDates.some((d) => d.startsWith('00/'))).toBe(true);
    expect(pe.rows.some((r) => /^\d+,\d{2}$/.test(r[pe.col('AJ_BRUTE')] ?? ''))).toBe(true);
    expect(dsn.rows.every((r) => /^\d{8}$/.test(r[dsn.col('date_naissance')] ?? ''))).toBe(true);
    expect(dsn.rows.every((r) => /^\d{8}$/.test(r[dsn.col('date_debut_contrat')] ?? ''))).toBe(true);
    expect(cnaf.rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r[cnaf.col('DATE_NAISSANCE')] ?? ''))).toBe(
      true,
    );
    expect(cnaf.rows.every((r) => /^\d{4}-\d{2}$/.test(r[cnaf.col('MOIS_DROIT')] ?? ''))).toBe(true);
    for (const [t, n] of [
      [pe, 18],
      [dsn, 17],
      [cnaf, 13],
    ] as const) {
      expect(t.header).toHaveLength(n);
      expect(t.rows.every((r) => r.length === n)).toBe(true);
    }
    for (const f of ['pe.csv', 'dsn.csv', 'cnaf.csv'])
      expect(readFileSync(join(main, f)).includes('"')).toBe(false);
    // DSN: an NTT exactly where the NIR is missing.
    expect(dsn.rows.every((r) => (r[dsn.col('nir')] === '') === (r[dsn.col('ntt')] !== ''))).toBe(true);
  });
});

describe('ground truth', () => {
  it('maps every record of every extract to exactly one true person, and records to their persons only', () => {
    const persons = parse(readFileSync(join(main, 'truth/persons.csv'), 'utf8'), ',');
    expect(persons.rows).toHaveLength(N);
    const records = parse(readFileSync(join(main, 'truth/records.csv'), 'utf8'), ',');
    const owner = new Map<string, string>();
    for (const [source, id, person] of records.rows) owner.set(`${source}:${id}`, person ?? '');
    expect(owner.size).toBe(records.rows.length);
    const seen = new Set<string>();
    for (const [s, file, delimiter] of [
      ['pe', 'pe.csv', ';'],
      ['dsn', 'dsn.csv', ','],
      ['cnaf', 'cnaf.csv', '|'],
    ] as const) {
      const t = parse(latin1(readFileSync(join(main, file))), delimiter);
      for (const r of t.rows) seen.add(`${s}:${r[0]}`);
    }
    expect([...seen].filter((k) => !owner.has(k))).toEqual([]);
    expect(seen.size).toBe(owner.size);
    // True NIRs: valid, unique.
    const nirs = persons.rows.map((r) => r[1] ?? '');
    expect(nirs.every((n) => normaliseNir(n).class === 'certified')).toBe(true);
    expect(new Set(nirs).size).toBe(N);
  });

  it('reference statistics equal an independent recomputation from the extracts and the truth files', () => {
    const doc = JSON.parse(
      readFileSync(join(main, 'truth/reference-stats.json'), 'utf8'),
    ) as ReferenceStatsDocument;
    const persons = parse(readFileSync(join(main, 'truth/persons.csv'), 'utf8'), ',');
    const who = new Map<string, { sex: string; y: number; m: number; d: number }>();
    for (const r of persons.rows) {
      const [y, m, d] = (r[3] ?? '').split('-').map(Number);
      who.set(r[0] ?? '', { sex: r[2] ?? '', y: y ?? 0, m: m ?? 0, d: d ?? 0 });
    }
    const records = parse(readFileSync(join(main, 'truth/records.csv'), 'utf8'), ',');
    const person = new Map(records.rows.map((r) => [`${r[0]}:${r[1]}`, r[2] ?? '']));
    const month = (y: number, m: number): number => y * 12 + m - 1;
    const end = month(2025, 12);
    const start = month(2019, 1);

    const openings = new Map<string, Array<[number, number]>>();
    const pe = parse(latin1(readFileSync(join(main, 'pe.csv'))), ';');
    for (const r of pe.rows) {
      const open = r[pe.col('DATE_OUVERTURE_DROIT')] ?? '';
      if (open === '') continue;
      const [d, m, y] = open.split('/').map(Number);
      const p = person.get(`pe:${r[0]}`) ?? '';
      const list = openings.get(p) ?? [];
      list.push([month(y ?? 0, m ?? 0), d ?? 0]);
      openings.set(p, list);
    }
    const employed = new Map<string, Set<number>>();
    const dsn = parse(readFileSync(join(main, 'dsn.csv'), 'utf8'), ',');
    for (const r of dsn.rows) {
      const s = r[dsn.col('date_debut_contrat')] ?? '';
      const e = r[dsn.col('date_fin_contrat')] ?? '';
      const from = month(Number(s.slice(0, 4)), Number(s.slice(4, 6)));
      const to = e === '' ? end : month(Number(e.slice(0, 4)), Number(e.slice(4, 6)));
      const p = person.get(`dsn:${r[0]}`) ?? '';
      const set = employed.get(p) ?? new Set<number>();
      for (let m = from; m <= to; m++) set.add(m);
      employed.set(p, set);
    }
    const rsa = new Map<string, Set<number>>();
    const cnaf = parse(readFileSync(join(main, 'cnaf.csv'), 'utf8'), '|');
    for (const r of cnaf.rows) {
      if (r[cnaf.col('PRESTATION')] !== 'RSA') continue;
      const [y, m] = (r[cnaf.col('MOIS_DROIT')] ?? '').split('-').map(Number);
      const p = person.get(`cnaf:${r[0]}`) ?? '';
      const set = rsa.get(p) ?? new Set<number>();
      set.add(month(y ?? 0, m ?? 0));
      rsa.set(p, set);
    }

    const bands = ['<25', '25-34', '35-44', '45-54', '55+'];
    const expected = new Map<string, [number, number, number, number]>();
    for (const [p, list] of openings) {
      const info = who.get(p);
      if (info === undefined) throw new Error(`unknown person ${p}`);
      const byQuarter = new Map<number, [number, number]>();
      for (const o of list) {
        if (o[0] < start || o[0] > end) continue;
        const q = Math.floor(o[0] / 3);
        const cur = byQuarter.get(q);
        if (cur === undefined || o[0] < cur[0] || (o[0] === cur[0] && o[1] < cur[1])) byQuarter.set(q, o);
      }
      for (const [q, [t, day]] of byQuarter) {
        const y = Math.floor(t / 12);
        const m = (t % 12) + 1;
        const age = y - info.y - (m < info.m || (m === info.m && day < info.d) ? 1 : 0);
        const band = bands[age < 25 ? 0 : age < 35 ? 1 : age < 45 ? 2 : age < 55 ? 3 : 4];
        const label = `${Math.floor(q / 4)}-Q${(q % 4) + 1}`;
        const key = `${label}|${info.sex}|${band}`;
        const c = expected.get(key) ?? [0, 0, 0, 0];
        c[0]++;
        if (t + 6 <= end && employed.get(p)?.has(t + 6)) c[1]++;
        if (t + 12 <= end && employed.get(p)?.has(t + 12)) c[2]++;
        if (t + 12 <= end && rsa.get(p)?.has(t + 12)) c[3]++;
        expected.set(key, c);
      }
    }

    let cohorts = 0;
    let checked = 0;
    for (const cell of doc.cells) {
      if (cell.sex === 'all' || cell.age_band === 'all') continue;
      const c = expected.get(`${cell.quarter}|${cell.sex}|${cell.age_band}`) ?? [0, 0, 0, 0];
      expect(cell.cohort).toBe(c[0]);
      if (cell.employed_6m) expect(cell.employed_6m.count).toBe(c[1]);
      if (cell.employed_12m) expect(cell.employed_12m.count).toBe(c[2]);
      if (cell.rsa_12m) expect(cell.rsa_12m.count).toBe(c[3]);
      cohorts += cell.cohort;
      checked++;
    }
    expect(checked).toBe(28 * 2 * 5);
    expect(cohorts).toBe([...expected.values()].reduce((s, c) => s + c[0], 0));
    expect(cohorts).toBeGreaterThan(3000);
    // The "all" rows are the sums of their parts, and shares are count / cohort.
    const all = doc.cells.filter((c) => c.sex === 'all' && c.age_band === 'all');
    expect(all.reduce((s, c) => s + c.cohort, 0)).toBe(cohorts);
    const q1 = all[0];
    expect(q1?.quarter).toBe('2019-Q1');
    if (q1?.employed_12m?.share != null)
      expect(q1.employed_12m.share).toBeCloseTo(q1.employed_12m.count / q1.cohort, 5);
    expect(all.at(-1)?.employed_12m).toBeNull();
    // Plausible outcomes: 35–65 % employed a year after opening, a few % on RSA.
    const totals = all.filter((c) => c.employed_12m !== null);
    const share = (k: 'employed_12m' | 'rsa_12m'): number =>
      totals.reduce((s, c) => s + (c[k]?.count ?? 0), 0) / totals.reduce((s, c) => s + c.cohort, 0);
    expect(share('employed_12m')).toBeGreaterThan(0.35);
    expect(share('employed_12m')).toBeLessThan(0.65);
    expect(share('rsa_12m')).toBeGreaterThan(0.01);
    expect(share('rsa_12m')).toBeLessThan(0.1);
  });
});

describe('error report', () => {
  it('realises every configured error rate within statistical tolerance', () => {
    const report = JSON.parse(readFileSync(join(main, 'truth/error-report.json'), 'utf8')) as ErrorReport;
    for (const s of SOURCES) {
      const r = report.sources[s];
      expect(Object.values(r.unexpected).every((v) => v === 0)).toBe(true);
      for (const [name, line] of Object.entries(r.errors)) {
        if (line.denominator < 50) continue;
        const c = line.configured;
        // 4.5 standard errors (55 comparisons), plus a little for rare interactions between error kinds.
        const tolerance = 4.5 * Math.sqrt((c * (1 - c)) / line.denominator) + 0.003;
        expect(Math.abs(line.realised - c), `${s} ${name}: ${line.realised} vs ${c}`).toBeLessThanOrEqual(
          tolerance,
        );
      }
      const n = config.errors[s].nir;
      const certified = 1 - n.missing - n.provisional - n.typo - n.uncertified;
      expect(Math.abs(r.valid_certified_nir_share - certified)).toBeLessThan(0.01);
      expect(r.typo_distances.birth_name?.['1']).toBeGreaterThan(0);
    }
    // The targets the linkage is designed for: most records carry a valid certified NIR.
    expect(report.sources.pe.valid_certified_nir_share).toBeGreaterThan(0.96);
    expect(report.sources.dsn.valid_certified_nir_share).toBeGreaterThan(0.94);
    expect(report.sources.cnaf.valid_certified_nir_share).toBeGreaterThan(0.97);
  });

  it('agrees with what the PE file says, record by record', () => {
    const report = JSON.parse(readFileSync(join(main, 'truth/error-report.json'), 'utf8')) as ErrorReport;
    const pe = parse(latin1(readFileSync(join(main, 'pe.csv'))), ';');
    const byRecord = new Map<string, string[]>();
    for (const r of pe.rows) byRecord.set(r[0] ?? '', r);
    let missing = 0;
    let provisional = 0;
    let invalid = 0;
    let unknownDay = 0;
    let noPlace = 0;
    for (const r of byRecord.values()) {
      const nir = r[pe.col('NIR')] ?? '';
      const cls = normaliseNir(nir, r[pe.col('NIR_CERTIFIE')] === 'O').class;
      if (cls === 'missing') missing++;
      else if (cls === 'provisional') provisional++;
      else if (cls === 'invalid') invalid++;
      if ((r[pe.col('DATE_NAISS')] ?? '').startsWith('00/')) unknownDay++;
      if (r[pe.col('COMMUNE_NAISS')] === '') noPlace++;
    }
    const e = report.sources.pe.errors;
    expect(byRecord.size).toBe(report.sources.pe.records);
    expect(missing).toBe(e['nir.missing']?.count);
    expect(provisional).toBe(e['nir.provisional']?.count);
    expect(invalid).toBe(e['nir.typo']?.count);
    expect(unknownDay).toBe(e['birth_date.unknown_day']?.count);
    expect(noPlace).toBe(e['birth_place.missing']?.count);
  });
});
