/** The engine on a hand-made DuckDB table whose answer is known. */
import { DuckDBBlobValue, DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { diceReference } from './dice.js';
import { DEFAULT_LINK_CONFIG, type LinkConfig, linkRecords } from './engine.js';

function clk(seed: number): Uint8Array {
  const out = new Uint8Array(128);
  let x = seed * 2654435761;
  for (let i = 0; i < 128; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  return out;
}
/** a copy with `flips` bits changed: Dice stays high for a few flips */
function near(c: Uint8Array, flips: number): Uint8Array {
  const out = Uint8Array.from(c);
  for (let i = 0; i < flips; i++) out[(i * 37) % 128] = (out[(i * 37) % 128] as number) ^ (1 << (i % 8));
  return out;
}

const X = clk(1);
const Y = clk(2);
const Z = clk(3);
// rec, source, nir (null: none), certified, clk, birth year (the partition, with sex 1)
const RECORDS: [number, string, number | null, boolean, Uint8Array, number][] = [
  [0, 'pe', 1, true, X, 1980],
  [1, 'dsn', 1, true, near(X, 3), 1980], // exact with 0
  [2, 'cnaf', null, false, near(X, 5), 1980], // fuzzy with {0, 1}, in their partition
  [3, 'pe', 2, true, Y, 1990],
  [4, 'dsn', 3, true, Y, 1990], // same CLK, another certified NIR: never merged with 3
  [5, 'cnaf', null, false, Z, 2000],
  [6, 'dsn', null, false, near(Z, 4), 2001], // fuzzy with 5, across partitions (a year recorded differently)
];

async function run(config: Partial<LinkConfig>) {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(
    'CREATE TABLE r (rec INTEGER, source VARCHAR, nir_class VARCHAR, nir_p2 BLOB, idkey_p2 BLOB, clk BLOB, birth_year SMALLINT, sex VARCHAR)',
  );
  for (const [rec, source, nir, cert, k, year] of RECORDS) {
    await c.run("INSERT INTO r VALUES ($rec, $s, $cls, $nir, NULL, $clk, $year, '1')", {
      rec,
      s: source,
      cls: nir === null ? 'missing' : cert ? 'certified' : 'provisional',
      nir: nir === null ? null : new DuckDBBlobValue(new Uint8Array(32).fill(nir)),
      clk: new DuckDBBlobValue(k),
      year,
    });
  }
  const result = await linkRecords(c, 'r', { ...DEFAULT_LINK_CONFIG, threshold: 0.8, ...config });
  c.closeSync();
  db.closeSync();
  const groups = new Map<number, number[]>();
  for (let i = 0; i < result.n; i++) {
    const p = result.person[i] as number;
    groups.set(p, [...(groups.get(p) ?? []), i]);
  }
  return { result, persons: [...groups.values()].map((g) => g.join(',')).sort() };
}

describe('linkage engine', () => {
  const expected = ['0,1,2', '3', '4', '5,6'];

  it('links exactly on NIR, fuzzily on CLKs, and never merges two certified NIRs (exhaustive)', async () => {
    const { result, persons } = await run({});
    expect(persons).toEqual(expected);
    expect(result.summary.links).toEqual({ nir: 1, idkey: 0, fuzzy: 2 });
    expect(result.summary.pairs['pe-dsn']?.mode).toBe('exhaustive');
    const types = Array.from(result.links.type.subarray(0, result.links.count));
    expect(types.sort()).toEqual([0, 2, 2]);
  });

  it('finds the same persons within partitions and, across them, by LSH; the score is the Dice coefficient', async () => {
    const { result, persons } = await run({ exhaustiveLimit: 0 });
    expect(persons).toEqual(expected);
    const s = result.summary.pairs['dsn-cnaf'];
    expect(s?.mode).toBe('partitioned');
    expect(s?.candidates).toBeGreaterThan(0);
    let score = Number.NaN;
    for (let i = 0; i < result.links.count; i++)
      if (result.links.a[i] === 6 && result.links.b[i] === 5) score = result.links.score[i] as number;
    expect(score).toBeCloseTo(diceReference(Z, near(Z, 4)), 6);
  });

  it('compares every pair of a partition; across partitions only LSH finds pairs', async () => {
    // one band of one bit and a cap of one record: LSH finds nothing
    const noLsh = { exhaustiveLimit: 0, bucketCap: 1, lsh: { bands: 1, bitsPerBand: 1, seed: 1 } };
    const { result, persons } = await run(noLsh);
    // 2 still joins {0, 1} (same partition, 1980); 5 and 6 (2000, 2001) stay apart
    expect(persons).toEqual(['0,1,2', '3', '4', '5', '6']);
    expect(result.summary.pairs['dsn-cnaf']?.skippedBuckets).toBeGreaterThan(0);
  });

  it('does not depend on the order of the records', async () => {
    const perm = [...RECORDS]
      .reverse()
      .map((r, i) => [i, r[1], r[2], r[3], r[4], r[5]] as (typeof RECORDS)[number]);
    const saved = RECORDS.splice(0, RECORDS.length, ...perm);
    try {
      const { persons } = await run({});
      // record i of the reversed table is record 6 − i of the original
      const back = persons
        .map((p) =>
          p
            .split(',')
            .map((x) => 6 - Number(x))
            .sort((a, b) => a - b)
            .join(','),
        )
        .sort();
      expect(back).toEqual(expected);
    } finally {
      RECORDS.splice(0, RECORDS.length, ...saved);
    }
  });

  it('stops when cancelled', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('stop'));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(
      "CREATE TABLE r AS SELECT 0::INTEGER AS rec, 'pe' AS source, 'missing' AS nir_class, NULL::BLOB AS nir_p2, NULL::BLOB AS idkey_p2, repeat('a', 128)::BLOB AS clk, 1980::SMALLINT AS birth_year, '1' AS sex",
    );
    await expect(linkRecords(c, 'r', DEFAULT_LINK_CONFIG, { signal: ctl.signal })).rejects.toThrow('stop');
    c.closeSync();
    db.closeSync();
  });
});
