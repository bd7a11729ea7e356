/** The clear-text reference linker: a hand-made case whose answer is known, then the synthetic sample. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withControlKey } from '../core/nir.js';
import { type ClearFile, type ClearRecord, clearLink } from './clear-linker.js';
import { type EvalRecord, qualityAgainstTruth } from './metrics.js';

const SAMPLE = fileURLToPath(new URL('../../synthetic-data/sample/', import.meta.url));

const sampleFiles: ClearFile[] = (
  [
    ['pe', 'latin1', ';'],
    ['dsn', 'utf-8', ','],
    ['cnaf', 'utf-8', '|'],
  ] as const
).map(([source, encoding, delimiter]) => ({
  source,
  encoding,
  delimiter,
  csv: join(SAMPLE, `${source}.csv`),
  mapping: join(SAMPLE, `${source}.mapping.json`),
}));

const persons = (records: readonly ClearRecord[]) => {
  const groups = new Map<number, string[]>();
  for (const r of records)
    groups.set(r.person, [...(groups.get(r.person) ?? []), `${r.source}:${r.recordId}`]);
  return [...groups.values()].map((g) => g.sort().join(',')).sort();
};

describe('clear linker on a hand-made case', () => {
  let dir = '';
  const N1 = withControlKey('1800575056123');
  const N2 = withControlKey('1750169123456');
  const N3 = withControlKey('1750169123999');
  // id;nir;certified;birth name;usage name;first names;birth date;sex;birth place
  const pe = [
    `P1;${N1};O;Dupont;;Jean;12/05/1980;1;75056`,
    `P1;${N1};O;Dupont;;Jean;12/05/1980;1;75056`, // a second event: the same record
    `P2;${N2};O;Martin;;Paul;02/01/1975;1;69123`,
    'P3;;;Durand;;Marie;14/07/1990;2;13055',
    'P4;;;Leroy;;Anne;03/03/1985;2;33063',
  ];
  const dsn = [
    `D1;${N1};1;DUPONT;;JEAN;19800512;01;75056`, // exact: NIR
    `D2;${N3};1;MARTIN;;PAUL;19750102;01;69123`, // P2's identity, another certified NIR: never merged
    'D3;;0;DURANT;;MARIE;19900714;02;13055', // fuzzy with P3
    'D4;;0;LEROY;;ANNE;19850303;02;33063', // exact: secondary identity key
  ];
  const header = 'id;nir;cert;nom;usage;prenoms;naissance;sexe;lieu';
  const columns = {
    record_id: 'id',
    nir: 'nir',
    nir_certified: 'cert',
    birth_name: 'nom',
    usage_name: 'usage',
    first_names: 'prenoms',
    birth_date: 'naissance',
    sex: 'sexe',
    birth_place: 'lieu',
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ldh-clear-'));
    await writeFile(join(dir, 'pe.csv'), Buffer.from([header, ...pe].join('\n'), 'latin1'));
    await writeFile(join(dir, 'dsn.csv'), [header, ...dsn].join('\n').replace(/;/g, ','));
    const mapping = (source: string, date: string, values: object) =>
      JSON.stringify({ version: 1, source, columns, date_formats: { default: date }, values });
    await writeFile(
      join(dir, 'pe.json'),
      mapping('pe', 'DD/MM/YYYY', { nir_certified: { O: 'true', N: 'false' } }),
    );
    await writeFile(join(dir, 'dsn.json'), mapping('dsn', 'YYYYMMDD', { sex: { '01': '1', '02': '2' } }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('links on NIR, on the secondary key and fuzzily, never across two certified NIRs', async () => {
    const r = await clearLink(
      [
        {
          source: 'pe',
          csv: join(dir, 'pe.csv'),
          mapping: join(dir, 'pe.json'),
          encoding: 'latin1',
          delimiter: ';',
        },
        {
          source: 'dsn',
          csv: join(dir, 'dsn.csv'),
          mapping: join(dir, 'dsn.json'),
          encoding: 'utf-8',
          delimiter: ',',
        },
      ],
      { threshold: 0.8 },
    );
    expect(r.records).toHaveLength(8);
    expect(persons(r.records)).toEqual(['dsn:D1,pe:P1', 'dsn:D2', 'dsn:D3,pe:P3', 'dsn:D4,pe:P4', 'pe:P2']);
    expect(r.links).toEqual({ exact: 2, fuzzy: 1 });
    expect(r.threshold).toBe(0.8);
    const p2 = r.records.find((x) => x.recordId === 'P2');
    expect(p2?.validNir).toBe(true);
    expect(r.records.find((x) => x.recordId === 'D3')?.nir).toBe(-1);
  });

  it('refuses a mapping for another source and a threshold outside [0, 1]', async () => {
    const f: ClearFile = {
      source: 'dsn',
      csv: join(dir, 'pe.csv'),
      mapping: join(dir, 'pe.json'),
      encoding: 'latin1',
      delimiter: ';',
    };
    await expect(clearLink([f])).rejects.toThrow(/for source pe, not dsn/);
    await expect(clearLink([], { threshold: 1.5 })).rejects.toThrow(RangeError);
  });
});

describe('clear linker on the synthetic sample (2,000 persons)', () => {
  it('links the sample with F1 ≥ 0.98, with exact and fuzzy links', async () => {
    const result = await clearLink(sampleFiles);
    const truth = new Map<string, string>();
    const lines = (await readFile(join(SAMPLE, 'truth', 'records.csv'), 'utf8')).trim().split('\n');
    for (const line of lines.slice(1)) {
      const [source, recordId, person] = line.split(',');
      truth.set(`${source},${recordId}`, person ?? '');
    }
    const evalRecords: EvalRecord[] = result.records.map((r) => ({
      source: r.source,
      person: r.person,
      entity: truth.get(`${r.source},${r.recordId}`) ?? `unknown ${r.source},${r.recordId}`,
      nir: r.nir,
      idkey: r.idkey,
      validNir: r.validNir,
    }));
    expect(evalRecords.filter((r) => r.entity.startsWith('unknown'))).toEqual([]);
    expect(result.records.length).toBeGreaterThanOrEqual(lines.length - 1);
    const q = qualityAgainstTruth(evalRecords);
    expect(q.overall.f1).toBeGreaterThanOrEqual(0.98);
    expect(q.withoutValidNir.f1).toBeGreaterThanOrEqual(0.9);
    expect(result.links.exact).toBeGreaterThan(0);
    expect(result.links.fuzzy).toBeGreaterThan(0);
    expect(q.byType.fuzzy.tp).toBeGreaterThan(0);
    expect(result.threshold).toBeGreaterThanOrEqual(0.5);
    expect(result.threshold).toBeLessThanOrEqual(1);
  }, 30_000);
});
