/** Test fixtures for the producer: a temp directory with keys, a mapping and small inputs. Tests only. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinkageKeyFile, createSigningKeyFiles } from '../shared/key-files.js';

export const DSN_HEADER = 'id,nir,nom,nom_usage,prenoms,ddn,sexe,lieu,debut,fin,type,tps,naf,dept,salaire';
export const DSN_ROWS = [
  'A1,185077505612323,Dupont,,Jean-Pierre Marc,19850712,M,75056,20230115,,cdi,full,C,75,2450.50',
  'A2,,Le Gall épouse Martin,,Marie,19900000,F,29019,20220301,20221231,cdd,part,G,29,1200',
  'A3,185077505612399,Lefèvre,,Élodie,19851203,F,13055,20210101,,interim,full,N,13,1800',
  'A4,285072B04501213,Ngũgĩ,,Wanjiru,19851207,F,99332,20210201,,cdi,full,N,2B,1800',
  'A1,185077505612323,Dupont,,Jean-Pierre Marc,19850712,M,75056,20240201,,cdd,full,C,75,2600',
];

/** A small PE mapping (ISO dates), for tests that give a row's values directly. */
export const PE_MAPPING = {
  version: 1,
  source: 'pe',
  columns: {
    record_id: 'id',
    birth_name: 'nom',
    first_names: 'prenoms',
    birth_date: 'naissance',
    reg_start: 'debut',
    reg_category: 'cat',
  },
} as const;

export const DSN_MAPPING = {
  version: 1,
  source: 'dsn',
  columns: {
    record_id: 'id',
    nir: 'nir',
    birth_name: 'nom',
    usage_name: 'nom_usage',
    first_names: 'prenoms',
    birth_date: 'ddn',
    sex: 'sexe',
    birth_place: 'lieu',
    contract_start: 'debut',
    contract_end: 'fin',
    contract_type: 'type',
    working_time: 'tps',
    naf_section: 'naf',
    employer_dept: 'dept',
    gross_monthly_wage: 'salaire',
  },
  date_formats: { default: 'YYYYMMDD' },
  values: { sex: { M: '1', F: '2' } },
};

export interface Fixture {
  readonly dir: string;
  readonly key: string;
  readonly signingKey: string;
  readonly publicKey: string;
  readonly mapping: string;
  /** writes `name` with the given text (and encoding) and returns its path */
  file(name: string, text: string | Buffer): Promise<string>;
  csv(rows?: readonly string[], header?: string): Promise<string>;
}

export async function fixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ldh-test-'));
  const key = join(dir, 'linkage.key');
  await createLinkageKeyFile(key);
  const keys = await createSigningKeyFiles('dsn', dir);
  const mapping = join(dir, 'dsn.mapping.json');
  await writeFile(mapping, JSON.stringify(DSN_MAPPING));
  const file = async (name: string, text: string | Buffer) => {
    const p = join(dir, name);
    await writeFile(p, text);
    return p;
  };
  let n = 0;
  return {
    dir,
    key,
    signingKey: keys.secretPath,
    publicKey: keys.publicPath,
    mapping,
    file,
    csv: (rows = DSN_ROWS, header = DSN_HEADER) =>
      file(`input-${n++}.csv`, `${[header, ...rows].join('\n')}\n`),
  };
}
