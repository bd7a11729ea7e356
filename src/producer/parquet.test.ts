import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { bucketFile } from './batch-worker.js';
import { sortGroups, writeParquet } from './parquet.js';

describe('sortGroups', () => {
  it('groups consecutive buckets up to the limit, a bucket above it alone', () => {
    expect(sortGroups([10, 10, 10], 100)).toEqual([[0, 3]]);
    expect(sortGroups([40, 40, 40, 40], 100)).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(sortGroups([150, 10, 10], 100)).toEqual([
      [0, 1],
      [1, 3],
    ]);
    expect(sortGroups([], 100)).toEqual([]);
  });
});

describe('writeParquet', () => {
  it('writes the same files whether the buckets are sorted in one group or in several', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldh-parquet-'));
    // 4 buckets × 2 parts; rids are 30-bit, bucket = top 2 bits
    const rid = (b: number, i: number) => b * 2 ** 28 + ((i * 7919) % 1000);
    const clk = Buffer.alloc(128, 7).toString('base64');
    for (let b = 0; b < 4; b++) {
      for (let p = 0; p < 2; p++) {
        const ids: string[] = [];
        const evs: string[] = [];
        for (let i = p; i < 40; i += 2) {
          const r = rid(b, i);
          ids.push(`${r},certified,${'ab'.repeat(32)},,${clk},name-year:0011223344556677,19${50 + i},1`);
          for (let e = 0; e < 2; e++)
            evs.push(`${r},${1000 * b + 10 * i + (1 - e)},2020-0${1 + e},,cdi,full,C,75,1500`);
        }
        await writeFile(bucketFile(dir, 'identities', b, p), `${ids.join('\n')}\n`);
        await writeFile(bucketFile(dir, 'events', b, p), `${evs.join('\n')}\n`);
      }
    }
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = async (file: string) =>
      (await conn.runAndReadAll(`SELECT * FROM '${join(dir, file)}'`)).getRowsJS();
    try {
      const steps: string[] = [];
      const run = { source: 'dsn', dir, parts: 2, buckets: 4, step: (s: string) => steps.push(s) } as const;
      await writeParquet(conn, run);
      const ids = await rows('extract.parquet');
      const evs = await rows('events.parquet');
      await writeParquet(conn, { ...run, groupBytes: 1 }); // one group per bucket, through a table
      expect(steps).toEqual(['ids (1 sort)', 'evs (1 sort)', 'ids (4 sorts)', 'evs (4 sorts)']);
      expect(await rows('extract.parquet')).toEqual(ids);
      expect(await rows('events.parquet')).toEqual(evs);
      expect(ids).toHaveLength(160);
      const rids = ids.map((r) => Number(r[0]));
      expect(rids).toEqual([...rids].sort((x, y) => x - y));
      // an identity's events in input order (the `row` column), not in the order of the part files
      expect(evs.slice(0, 2).map((r) => `${r[0]}:${r[1]}`)).toEqual([
        `${rid(0, 0)}:2020-02`,
        `${rid(0, 0)}:2020-01`,
      ]);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
