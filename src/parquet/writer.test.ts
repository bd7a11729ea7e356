import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bytes } from './bytes.js';
import { rleHybrid } from './rle.js';
import {
  type Codec,
  type ColumnDef,
  fileFooter,
  MAGIC,
  RowGroupBuilder,
  type RowGroupMeta,
} from './writer.js';

const GZIP: Codec = { id: 2, compress: (body) => gzipSync(Buffer.concat(body), { level: 1 }) };

type Row = {
  id: number;
  year: number | null;
  name: string | null;
  code: string | null;
  blob: Uint8Array | null;
  n: number | null;
};

const DEFS: ColumnDef[] = [
  { name: 'id', type: 'INTEGER', required: true },
  { name: 'year', type: 'SMALLINT' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'code', type: 'VARCHAR', dictionary: true },
  { name: 'blob', type: 'BLOB' },
  { name: 'n', type: 'INTEGER', dictionary: true },
];

const utf8 = new TextEncoder();

/** A whole file of `rows` in row groups of at most `groupRows` rows. */
function parquetFile(rows: readonly Row[], groupRows: number, codec: Codec | null = null): Uint8Array {
  const b = new RowGroupBuilder(DEFS, codec);
  const parts: Uint8Array[] = [MAGIC];
  const metas: RowGroupMeta[] = [];
  const offsets: number[] = [];
  let at = MAGIC.length;
  for (let g = 0; g < rows.length || (g === 0 && rows.length === 0); g += groupRows) {
    const [id, year, name, code, blob, n] = b.columns as [(typeof b.columns)[0], ...typeof b.columns];
    for (const r of rows.slice(g, g + groupRows)) {
      id.int(r.id);
      r.year === null ? year?.null() : year?.int(r.year);
      r.name === null ? name?.null() : name?.bytes(utf8.encode(r.name));
      r.code === null ? code?.null() : code?.bytes(utf8.encode(r.code));
      r.blob === null ? blob?.null() : blob?.bytes(r.blob);
      r.n === null ? n?.null() : n?.int(r.n);
    }
    const { pieces, meta } = b.finish();
    offsets.push(at);
    metas.push(meta);
    for (const p of pieces) {
      parts.push(p.slice());
      at += p.length;
    }
    expect(at - (offsets.at(-1) as number)).toBe(meta.size);
    b.reset();
    if (rows.length === 0) break;
  }
  parts.push(fileFooter(DEFS, metas, offsets, 'ldh-link test'));
  return Buffer.concat(parts);
}

const row = fc.record({
  id: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  year: fc.option(fc.integer({ min: -32768, max: 32767 })),
  name: fc.option(fc.string({ unit: 'binary', maxLength: 12 })),
  code: fc.option(fc.constantFrom('A', 'B', 'CDI', 'été', '')),
  blob: fc.option(fc.uint8Array({ maxLength: 40 })),
  n: fc.option(fc.integer({ min: -3, max: 300 })),
});

let dir = '';
let files = 0;
let db: DuckDBInstance;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ldh-pq-'));
  db = await DuckDBInstance.create(':memory:');
});
afterAll(async () => {
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
});

/** The rows as DuckDB reads them back, with the column types DESCRIBE gives. */
async function duckdb(file: string): Promise<{ types: string[]; rows: Row[] }> {
  const conn = await db.connect();
  try {
    const d = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const types = d.getRowsJS().map((r) => String(r[1]));
    const r = await conn.runAndReadAll(`SELECT id, year, name, code, blob, n FROM read_parquet('${file}')`);
    const rows = r.getRowsJS().map(([id, year, name, code, blob, n]) => ({
      id: Number(id),
      year: year === null ? null : Number(year),
      name: name as string | null,
      code: code as string | null,
      blob: blob === null ? null : new Uint8Array(blob as Uint8Array),
      n: n === null ? null : Number(n),
    }));
    return { types, rows };
  } finally {
    conn.closeSync();
  }
}

describe('the Parquet writer', () => {
  it('writes what DuckDB and hyparquet read back: types, nulls, dictionaries, row groups', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        async (rows, g, gzip) => {
          const bytes = parquetFile(rows, g, gzip ? GZIP : null);
          // a new name each time: DuckDB caches a file's bytes by name and modification time (seconds)
          const file = join(dir, `p${files++}.parquet`);
          await writeFile(file, bytes);
          const d = await duckdb(file);
          expect(d.types).toEqual(['INTEGER', 'SMALLINT', 'VARCHAR', 'VARCHAR', 'BLOB', 'INTEGER']);
          expect(d.rows).toEqual(rows);
          // a second, independent reader
          const buf = bytes.buffer.slice(
            bytes.byteOffset,
            bytes.byteOffset + bytes.byteLength,
          ) as ArrayBuffer;
          const meta = parquetMetadata(buf);
          expect(Number(meta.num_rows)).toBe(rows.length);
          const h = await parquetReadObjects({
            file: buf,
            utf8: false,
            compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) },
          });
          expect(
            h.map((r) => ({
              ...r,
              name: r.name == null ? null : Buffer.from(r.name).toString('utf8'),
              code: r.code == null ? null : Buffer.from(r.code).toString('utf8'),
              blob: r.blob == null ? null : new Uint8Array(r.blob),
              year: r.year ?? null,
              n: r.n ?? null,
            })),
          ).toEqual(rows);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a null in a required column and row groups of unequal columns', () => {
    const b = new RowGroupBuilder(DEFS);
    expect(() => b.columns[0]?.null()).toThrow(/required column id/);
    b.columns[0]?.int(1);
    expect(() => b.finish()).toThrow(/column year has 0 rows, not 1/);
  });
});

describe('Bytes', () => {
  it('writes varints of integers up to 2^53 (file offsets beyond 4 GiB)', () => {
    for (const n of [0, 127, 128, 300, 2 ** 32 + 5, 2 ** 53 - 1]) {
      const out = new Bytes(1);
      out.varint(n);
      let x = 0;
      out.view().forEach((b, i) => {
        x += (b & 0x7f) * 2 ** (7 * i);
      });
      expect(x).toBe(n);
      expect(out.view().at(-1)).toBeLessThan(0x80);
    }
  });
});

describe('the RLE / bit-packing hybrid', () => {
  /** A decoder written from the specification, for the test. */
  function decode(bytes: Uint8Array, n: number, width: number): number[] {
    const out: number[] = [];
    let at = 0;
    const varint = () => {
      let x = 0;
      for (let s = 0; ; s += 7) {
        const b = bytes[at++] as number;
        x += (b & 0x7f) * 2 ** s;
        if (b < 0x80) return x;
      }
    };
    while (out.length < n) {
      const h = varint();
      if (h % 2 === 0) {
        let v = 0;
        for (let b = 0; b < width; b += 8) v += (bytes[at++] as number) * 2 ** b;
        for (let k = 0; k < h / 2; k++) out.push(v);
      } else {
        const count = ((h - 1) / 2) * 8;
        for (let k = 0; k < count; k++) {
          let v = 0;
          for (let b = 0; b < width; b++) {
            const bit = k * width + b;
            v |= (((bytes[at + (bit >> 3)] as number) >> (bit & 7)) & 1) << b;
          }
          out.push(v);
        }
        at += ((h - 1) / 2) * width;
      }
    }
    expect(at).toBe(bytes.length);
    return out.slice(0, n);
  }

  it('round-trips runs and literals of every width, and uses RLE runs for long repeats', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })), { maxLength: 30 }),
        (width, runs) => {
          const values = runs.flatMap(([v, k]) => Array<number>(k).fill(v % 2 ** width));
          const out = new Bytes(1);
          rleHybrid(out, values, values.length, width);
          expect(decode(out.view(), values.length, width)).toEqual(values);
        },
      ),
    );
    const out = new Bytes();
    rleHybrid(out, new Uint8Array(1000).fill(1), 1000, 1);
    expect([...out.view()]).toEqual([0xd0, 0x0f, 1]); // one RLE run of 1000 ones
  });
});
