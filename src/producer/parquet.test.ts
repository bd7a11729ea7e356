import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { bucketFile } from './batch-worker.js';
import { sortBucket } from './bucket-sort.js';
import { writeParquet } from './parquet.js';

describe('writeParquet', () => {
  it("writes the sorted buckets in rid order, an identity's events in input order", async () => {
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
          ids.push(`${r},certified,${'ab'.repeat(32)},,${clk},19${50 + i},1`);
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
      for (const kind of ['identities', 'events'] as const)
        for (let b = 0; b < 4; b++) sortBucket(dir, kind, b, 2);
      const steps: string[] = [];
      await writeParquet(conn, { source: 'dsn', dir, buckets: 4, step: (s: string) => steps.push(s) });
      expect(steps).toEqual(['ids', 'evs']);
      const ids = await rows('extract.parquet');
      const evs = await rows('events.parquet');
      expect(ids).toHaveLength(160);
      expect(evs).toHaveLength(320);
      const rids = ids.map((r) => Number(r[0]));
      expect(rids).toEqual([...rids].sort((x, y) => x - y));
      const eventRids = evs.map((r) => Number(r[0]));
      expect(eventRids).toEqual([...eventRids].sort((x, y) => x - y));
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
