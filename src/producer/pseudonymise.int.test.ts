import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { toHex } from '../core/bytes.js';
import { LdhError } from '../core/errors.js';
import { Pseudonymiser } from '../core/pseudonym.js';
import { verifyExtract } from '../extract/verify.js';
import { readLinkageKey, readPublicKey } from '../shared/key-files.js';
import { inspectExtract } from './inspect.js';
import { pseudonymise } from './pseudonymise.js';
import { DSN_HEADER, DSN_ROWS, type Fixture, fixture } from './test-fixtures.js';

async function run(f: Fixture, input: string, extra: Record<string, unknown> = {}, out = join(f.dir, 'out')) {
  return pseudonymise({
    source: 'dsn',
    input,
    mapping: f.mapping,
    linkageKey: f.key,
    signingKey: f.signingKey,
    out,
    workers: 0,
    ...extra,
  });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof LdhError) return e.code;
    throw e;
  }
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('pseudonymise', () => {
  it('writes a signed extract that verifies, with one identity per record and events referencing it', async () => {
    const f = await fixture();
    const r = await run(f, await f.csv());
    expect(r.manifest.counts).toEqual({ input_rows: 5, rejected_rows: 0, identities: 4, events: 5 });
    expect(r.manifest.coverage.nir_classes).toEqual({
      certified: 2,
      unverified: 0,
      provisional: 0,
      invalid: 1,
      missing: 1,
    });
    const report = await verifyExtract(r.dir, await readPublicKey(f.publicKey));
    expect(report.checks).toHaveLength(5);

    const ids = await query(
      `SELECT rid, nir_class, hex(nir_p1) AS p1, octet_length(clk) AS clk_bytes, birth_year, sex FROM '${r.dir}/extract.parquet'`,
    );
    expect(ids).toHaveLength(4);
    expect(ids.every((x) => Number(x.clk_bytes) === 128)).toBe(true);
    // the NIR pseudonym is HMAC(K_nir, …) of the normalised NIR — the same as the core computes
    const expected = toHex(
      new Pseudonymiser(await readLinkageKey(f.key)).nir('185077505612323'),
    ).toUpperCase();
    expect(ids.filter((x) => x.p1 === expected)).toHaveLength(1);
    const events = await query(
      `SELECT rid, count(*) AS n FROM '${r.dir}/events.parquet' GROUP BY rid ORDER BY n DESC`,
    );
    expect(Number(events[0]?.n)).toBe(2);
    // rows are in rid order
    const rids = (await query(`SELECT rid FROM '${r.dir}/extract.parquet'`)).map((x) => Number(x.rid));
    expect(rids).toEqual([...rids].sort((a, b) => a - b));
  });

  it('sends no identity in clear: no name, NIR, birth date or record id in the files for the hub', async () => {
    const f = await fixture();
    const r = await run(f, await f.csv());
    for (const file of ['extract.parquet', 'events.parquet', 'manifest.json']) {
      const bytes = (await readFile(join(r.dir, file))).toString('latin1');
      for (const secret of [
        'DUPONT',
        'Dupont',
        'GALL',
        '185077505612323',
        '1985-07-12',
        '19850712',
        '"A1"',
        'Wanjiru',
      ]) {
        expect(bytes.includes(secret), `${secret} in ${file}`).toBe(false);
      }
    }
    const map = await readFile(join(r.dir, 'record-map.csv'), 'utf8');
    expect(map.split('\n')[0]).toBe('rid,record_id');
  });

  it('encodes the same identities whether run inline or in worker threads', async () => {
    const f = await fixture();
    const input = await f.csv();
    const a = await run(f, input, { workers: 0 }, join(f.dir, 'a'));
    const b = await run(f, input, { workers: 2 }, join(f.dir, 'b'));
    const q = (d: string) =>
      query(`SELECT hex(clk) c, hex(nir_p1) p, hex(idkey) k FROM '${d}/extract.parquet' ORDER BY c`);
    expect(await q(b.dir)).toEqual(await q(a.dir));
    expect(b.manifest.coverage).toEqual(a.manifest.coverage);
  });

  it('gives the same extract whether the workers split a plain CSV or DuckDB parses it first', async () => {
    const f = await fixture();
    const plain = await f.csv();
    // a quoted value (same text once unquoted) makes the file not plain: DuckDB reads it
    const quoted = await f.csv(DSN_ROWS.map((r) => r.replace(/^A3,/, '"A3",')));
    const ridKey = new Uint32Array([1, 2, 3, 4]);
    const a = await run(f, plain, { ridKey, workers: 2 }, join(f.dir, 'plain'));
    const b = await run(f, quoted, { ridKey, workers: 2 }, join(f.dir, 'quoted'));
    for (const file of ['extract.parquet', 'events.parquet']) {
      const q = (d: string) => query(`SELECT * FROM '${d}/${file}'`);
      expect(await q(b.dir)).toEqual(await q(a.dir));
    }
    expect(await readFile(join(b.dir, 'record-map.csv'), 'utf8')).toBe(
      await readFile(join(a.dir, 'record-map.csv'), 'utf8'),
    );
    expect(b.manifest.coverage).toEqual(a.manifest.coverage);
  });

  it('writes the same files for the same input and keys, rows in rid order and events in input order', async () => {
    const f = await fixture();
    const input = await f.csv();
    const ridKey = new Uint32Array([5, 6, 7, 8]);
    const a = await run(f, input, { ridKey, workers: 2 }, join(f.dir, 'a'));
    const b = await run(f, input, { ridKey, workers: 2 }, join(f.dir, 'b'));
    expect(b.manifest.files).toEqual(a.manifest.files);
    const events = await query(`SELECT rid, contract_start FROM '${a.dir}/events.parquet'`);
    const rids = events.map((e) => Number(e.rid));
    expect(rids).toEqual([...rids].sort((x, y) => x - y));
    // A1's two contracts (input rows 1 and 5) keep their input order
    const a1 = events.filter((e) => e.rid === events.find((x) => x.contract_start === '2023-01')?.rid);
    expect(a1.map((e) => e.contract_start)).toEqual(['2023-01', '2024-02']);
  });

  it('reads Latin-1 exports with --encoding latin1 and refuses them as UTF-8 without writing anything', async () => {
    const f = await fixture();
    const text = `${[DSN_HEADER, ...DSN_ROWS.filter((r) => !r.includes('ũ'))].join('\n')}\n`;
    const latin = await f.file('latin1.csv', Buffer.from(text, 'latin1'));
    const utf = await f.file('utf8.csv', text);
    const a = await run(f, latin, { encoding: 'latin1' }, join(f.dir, 'latin'));
    const b = await run(f, utf, {}, join(f.dir, 'utf'));
    const q = (d: string) => query(`SELECT hex(clk) c FROM '${d}/extract.parquet' ORDER BY c`);
    expect(await q(a.dir)).toEqual(await q(b.dir));
    expect(await code(run(f, latin, {}, join(f.dir, 'wrong')))).toBe('INPUT_ENCODING');
    expect((await readdir(join(f.dir, 'wrong'))).filter((x) => x === 'manifest.json')).toEqual([]);
  });

  it('reads Parquet input', async () => {
    const f = await fixture();
    const csv = await f.csv();
    const pq = join(f.dir, 'input.parquet');
    await query(`COPY (SELECT * FROM read_csv('${csv}', all_varchar=true)) TO '${pq}' (FORMAT parquet)`);
    const r = await run(f, pq);
    expect(r.manifest.counts.identities).toBe(4);
  });

  it('turns bad rows into coded rejects with their row or line number, and keeps the others', async () => {
    const f = await fixture();
    const rows = [
      ...DSN_ROWS.slice(0, 2),
      'B1,185077505612323,Petit,,Paul,19850712,M,75056,20233115,,cdi,full,C,75,2000', // bad date → row 3
      'B2,185077505612323,Petit,,Paul,19850712,M,75056,20230115,,permanent,full,C,75,2000', // unknown code → row 4
      'B3,,,,,,,,20230115,,cdi,full,C,75,2000', // no identity → row 5
      'B4,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16', // too many fields: line 7 in the file
      DSN_ROWS[2] ?? '',
    ];
    const r = await run(f, await f.csv(rows));
    expect(r.manifest.coverage.rejects).toEqual({
      DATE_INVALID: 1,
      CODE_UNKNOWN: 1,
      IDENTITY_EMPTY: 1,
      CSV_MALFORMED: 1,
    });
    expect(r.manifest.counts.rejected_rows).toBe(4);
    const rejects = (await readFile(join(r.dir, 'rejects.csv'), 'utf8')).trim().split('\n');
    expect(rejects).toContain(',3,"B1",DATE_INVALID,contract_start');
    expect(rejects).toContain(',4,"B2",CODE_UNKNOWN,contract_type');
    expect(rejects).toContain(',5,"B3",IDENTITY_EMPTY,identity');
    expect(rejects.some((l) => l.startsWith('7,,,CSV_MALFORMED'))).toBe(true);
    // a NIR with a wrong key is not a reject: it is kept without pseudonym and counted
    expect(r.manifest.coverage.nir_classes.invalid).toBe(1);
    // the line with too many fields sends the file, first taken for plain CSV, to DuckDB: in worker
    // threads too, with the same result
    const threads = await run(f, await f.csv(rows), { workers: 2 }, join(f.dir, 'threads'));
    expect(threads.manifest.coverage).toEqual(r.manifest.coverage);
    expect((await readFile(join(threads.dir, 'rejects.csv'), 'utf8')).trim().split('\n')).toEqual(rejects);
  });

  it('refuses bad set-ups with a coded error and leaves no extract behind', async () => {
    const f = await fixture();
    const input = await f.csv();
    expect(await code(run(f, join(f.dir, 'nope.csv')))).toBe('INPUT_NOT_FOUND');
    expect(await code(run(f, await f.file('empty.csv', '')))).toBe('INPUT_EMPTY');
    expect(await code(run(f, await f.csv([])))).toBe('INPUT_EMPTY');
    expect(await code(run(f, input, { delimiter: ';' }))).toBe('INPUT_COLUMNS');
    expect(await code(run(f, await f.csv(['A1,1'], 'id,nir')))).toBe('INPUT_COLUMNS');
    expect(await code(run(f, input, { linkageKey: await f.file('empty.key', '') }))).toBe('KEY_INVALID');
    expect(await code(run(f, input, { linkageKey: await f.file('short.key', 'abcd\n') }))).toBe(
      'KEY_INVALID',
    );
    expect(await code(run(f, input, { signingKey: f.publicKey }))).toBe('KEY_INVALID');
    expect(
      await code(
        run(f, input, {
          mapping: await f.file('bad.json', '{"version":1,"source":"dsn","columns":{"salary":"x"}}'),
        }),
      ),
    ).toBe('MAPPING_INVALID');
    expect(await code(run(f, input, { source: 'pe' }))).toBe('MAPPING_INVALID');
    await expect(access(join(f.dir, 'out', 'manifest.json'))).rejects.toThrow();
  });

  it('refuses to overwrite an extract unless forced', async () => {
    const f = await fixture();
    const input = await f.csv();
    const first = await run(f, input);
    expect(await code(run(f, input))).toBe('OUTPUT_EXISTS');
    expect(JSON.parse(await readFile(join(first.dir, 'manifest.json'), 'utf8')).created_at).toBe(
      first.manifest.created_at,
    );
    const second = await run(f, input, { force: true, now: () => new Date('2030-01-01T00:00:00Z') });
    expect(second.manifest.created_at).toBe('2030-01-01T00:00:00.000Z');
    await verifyExtract(second.dir, await readPublicKey(f.publicKey));
  });
});

describe('verify', () => {
  it('detects a changed data file, an edited manifest, a wrong key and a missing file', async () => {
    const f = await fixture();
    const r = await run(f, await f.csv());
    const pub = await readPublicKey(f.publicKey);
    const verifyCode = () => code(verifyExtract(r.dir, pub));
    expect(await verifyCode()).toBe('ok');

    const manifestPath = join(r.dir, 'manifest.json');
    const original = await readFile(manifestPath, 'utf8');
    await writeFile(manifestPath, original.replace('"events": 5', '"events": 6'));
    expect(await verifyCode()).toBe('EXTRACT_SIGNATURE_INVALID');
    await writeFile(
      manifestPath,
      original.replace('"protocol_version": "ldh-link/3"', '"protocol_version": "ldh-link/9"'),
    );
    expect(await verifyCode()).toBe('PROTOCOL_UNSUPPORTED');
    // v1 (undiffused CLKs) and v2 (blocking keys) manifests are refused too
    for (const old of ['ldh-link/1', 'ldh-link/2']) {
      await writeFile(
        manifestPath,
        original.replace('"protocol_version": "ldh-link/3"', `"protocol_version": "${old}"`),
      );
      expect(await verifyCode()).toBe('PROTOCOL_UNSUPPORTED');
    }
    await writeFile(manifestPath, '{not json');
    expect(await verifyCode()).toBe('MANIFEST_INVALID');
    await writeFile(manifestPath, original);

    const other = await fixture();
    expect(await code(verifyExtract(r.dir, await readPublicKey(other.publicKey)))).toBe(
      'EXTRACT_SIGNATURE_INVALID',
    );

    const events = join(r.dir, 'events.parquet');
    const bytes = await readFile(events);
    const flipped = Buffer.from(bytes);
    flipped[100] = (flipped[100] ?? 0) ^ 1;
    await writeFile(events, flipped);
    expect(await verifyCode()).toBe('EXTRACT_CHECKSUM_MISMATCH');
    await writeFile(events, bytes);
    expect(await verifyCode()).toBe('ok');
    const { rm } = await import('node:fs/promises');
    await rm(events);
    expect(await verifyCode()).toBe('EXTRACT_MISSING_FILE');
  });
});

describe('inspect', () => {
  it('reports counts and a CLK fill histogram with small bins hidden', async () => {
    const f = await fixture();
    const r = await run(f, await f.csv());
    const i = await inspectExtract(r.dir);
    expect(i.counts.identities).toBe(4);
    expect(i.clk_fill.mean).toBeGreaterThan(200);
    expect(i.clk_fill.histogram.every((h) => h.count === '<11')).toBe(true);
    expect(JSON.stringify(i)).not.toMatch(/DUPONT|185077505612323/);
  });
});
