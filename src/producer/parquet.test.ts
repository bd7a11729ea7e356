import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { eventColumns, IDENTITY_COLUMNS } from '../core/extract-schema.js';
import { NIR_CLASSES } from '../core/nir.js';
import { bucketFile } from './batch-worker.js';
import { writeEventBucket, writeIdentityBucket } from './bucket-parquet.js';
import { LineWriter } from './files.js';
import { EventRecords, identityRecordBytes, writeIdentityRecord } from './intermediate.js';
import { createExtractFiles, writeParquet } from './parquet.js';
import type { ProcessedRow } from './row-processor.js';

const CLK_BYTES = 128;

/** What the rows phase would write for identity `i` of rid `rid`: some values missing, by i. */
function identityRow(rid: number, i: number): ProcessedRow {
  const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);
  return {
    rid,
    rowIndex: i,
    recordId: `r${i}`,
    attributes: [],
    identity: {
      birthDate: i % 5 === 0 ? null : { year: 1950 + i, month: null, day: null },
      sex: i % 3 === 0 ? null : i % 2 === 0 ? '2' : '1',
    } as unknown as ProcessedRow['identity'],
    encoded: {
      nirClass: NIR_CLASSES[i % NIR_CLASSES.length] as (typeof NIR_CLASSES)[number],
      nir: i % 4 === 0 ? null : bytes(32, i % 251),
      idkey: i % 7 === 0 ? null : bytes(32, (i + 1) % 251),
      clk: bytes(CLK_BYTES, (i + 2) % 251),
    },
  };
}

describe('writeParquet', () => {
  it("writes the sorted buckets in rid order with every identity value, an identity's events in input order", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldh-parquet-'));
    // 4 buckets × 2 parts; rids are 30-bit, bucket = top 2 bits
    const rid = (b: number, i: number) => b * 2 ** 28 + ((i * 7919) % 1000);
    const record = new Uint8Array(identityRecordBytes(CLK_BYTES));
    const eventRecords = new EventRecords('dsn');
    const want = new Map<number, number>(); // rid → i
    for (let b = 0; b < 4; b++) {
      for (let p = 0; p < 2; p++) {
        const ids = new LineWriter(bucketFile(dir, 'identities', b, p));
        const evs = new LineWriter(bucketFile(dir, 'events', b, p));
        for (let i = p; i < 40; i += 2) {
          const r = rid(b, i);
          writeIdentityRecord(ids, identityRow(r, 40 * b + i), record);
          want.set(r, 40 * b + i);
          // an identity's events written out of input order
          for (let e = 0; e < 2; e++) {
            const month = `2020-0${1 + e}`;
            const wage = i % 3 === 0 ? null : 1500 + 500 * (i % 2);
            const attributes = [month, null, 'cdi', 'full', 'C', i % 2 ? '2A' : '75', wage];
            eventRecords.write(evs, {
              ...identityRow(r, 0),
              rowIndex: 1000 * b + 10 * i + (1 - e),
              attributes,
            });
          }
        }
        ids.close();
        evs.close();
      }
    }
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJS();
    try {
      const targets = await createExtractFiles(dir);
      // buckets written in any order: the footer puts their row groups in bucket order
      const identities = [3, 1, 0, 2].map((b) =>
        writeIdentityBucket(dir, b, 2, record.length, targets.identities),
      );
      const events = [2, 0, 3, 1].map((b) => writeEventBucket(dir, 'dsn', b, 2, targets.events));
      const steps: string[] = [];
      const digests = await writeParquet({
        source: 'dsn',
        dir,
        targets,
        identities: Promise.resolve([2, 1, 3, 0].map((k) => identities[k] ?? [])),
        events: Promise.resolve([1, 3, 0, 2].map((k) => events[k] ?? [])),
        createdBy: 'ldh-link test',
        step: (s: string) => steps.push(s),
      });
      expect(steps.sort()).toEqual(['evs', 'ids']);
      // each file hashed once finished, as the manifest states it
      for (const [kind, f] of [
        ['identities', 'extract.parquet'],
        ['events', 'events.parquet'],
      ] as const) {
        const bytes = await readFile(join(dir, f));
        expect(digests[kind]).toEqual({
          sha256: createHash('sha256').update(bytes).digest('hex'),
          bytes: bytes.length,
        });
      }
      const file = (f: string) => `read_parquet('${join(dir, f)}')`;
      const types = async (f: string) =>
        (await rows(`DESCRIBE SELECT * FROM ${file(f)}`)).map((t) => [t[0], t[1]]);
      expect(await types('extract.parquet')).toEqual(IDENTITY_COLUMNS.map((c) => [c.name, c.type]));
      expect(await types('events.parquet')).toEqual(eventColumns('dsn').map((c) => [c.name, c.type]));
      const ids = await rows(`SELECT * FROM ${file('extract.parquet')}`);
      const evs = await rows(`SELECT * FROM ${file('events.parquet')}`);
      expect(ids).toHaveLength(160);
      expect(evs).toHaveLength(320);
      const rids = ids.map((r) => Number(r[0]));
      expect(rids).toEqual([...want.keys()].sort((x, y) => x - y));
      for (const [r, nirClass, nir, idkey, clk, year, sex] of ids) {
        const e = identityRow(Number(r), want.get(Number(r)) as number);
        const bytes = (b: Uint8Array | null) => (b === null ? null : [...b]);
        expect({
          nirClass,
          nir: bytes(nir as Uint8Array | null),
          idkey: bytes(idkey as Uint8Array | null),
          clk: bytes(clk as Uint8Array),
          year,
          sex,
        }).toEqual({
          nirClass: e.encoded?.nirClass,
          nir: bytes(e.encoded?.nir ?? null),
          idkey: bytes(e.encoded?.idkey ?? null),
          clk: bytes(e.encoded?.clk ?? null),
          year: e.identity?.birthDate?.year ?? null,
          sex: e.identity?.sex ?? null,
        });
      }
      const eventRids = evs.map((r) => Number(r[0]));
      expect(eventRids).toEqual([...eventRids].sort((x, y) => x - y));
      // an identity's events in input order (the `row` column), not in the order of the part files
      expect(evs.slice(0, 2).map((r) => `${r[0]}:${r[1]}`)).toEqual([
        `${rid(0, 0)}:2020-02`,
        `${rid(0, 0)}:2020-01`,
      ]);
      // the attributes as they were minimised: text, numbers, nulls
      expect(evs[0]).toEqual([rid(0, 0), '2020-02', null, 'cdi', 'full', 'C', '75', null]);
      const byRid = new Map(evs.map((r) => [Number(r[0]), r]));
      expect(byRid.get(rid(1, 1))).toEqual([rid(1, 1), '2020-01', null, 'cdi', 'full', 'C', '2A', 2000]);
      expect(byRid.get(rid(2, 2))).toEqual([rid(2, 2), '2020-01', null, 'cdi', 'full', 'C', '75', 1500]);
      // nothing left but the two files
      expect((await readdir(dir)).sort()).toEqual(['events.parquet', 'extract.parquet']);
    } finally {
      conn.closeSync();
      db.closeSync();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a truncated identity part file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldh-parquet-'));
    try {
      await writeFile(
        bucketFile(dir, 'identities', 0, 0),
        new Uint8Array(identityRecordBytes(CLK_BYTES) + 3),
      );
      const targets = await createExtractFiles(dir);
      expect(() =>
        writeIdentityBucket(dir, 0, 1, identityRecordBytes(CLK_BYTES), targets.identities),
      ).toThrow(/truncated/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
