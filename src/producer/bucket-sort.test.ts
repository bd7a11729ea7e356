import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketFile } from './batch-worker.js';
import { sortEventBucket, sortedEventFile } from './bucket-sort.js';

describe('sortEventBucket', () => {
  it('merges the parts of a bucket by rid, an identity’s events by input row, and removes the parts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldh-bucket-'));
    // rows 0–5 shared out between two workers; rid 900 has events in both parts
    await writeFile(bucketFile(dir, 'events', 3, 0), '900,0,a\n17,2,b\n900,4,c\n');
    await writeFile(bucketFile(dir, 'events', 3, 1), '900,1,d\n5,3,e\n1073741823,5,f\n');
    sortEventBucket(dir, 3, 2);
    expect(await readFile(sortedEventFile(dir, 3), 'utf8')).toBe(
      '5,3,e\n17,2,b\n900,0,a\n900,1,d\n900,4,c\n1073741823,5,f\n',
    );
    expect(existsSync(bucketFile(dir, 'events', 3, 0))).toBe(false);
    expect(existsSync(bucketFile(dir, 'events', 3, 1))).toBe(false);
  });

  it('writes an empty file for an empty bucket', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldh-bucket-'));
    await writeFile(bucketFile(dir, 'events', 0, 0), '');
    sortEventBucket(dir, 0, 1);
    expect(await readFile(sortedEventFile(dir, 0), 'utf8')).toBe('');
  });

  it('orders any lines as a comparison sort on (rid, input row) does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldh-bucket-'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            rid: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 30 - 1 })),
            part: fc.integer({ min: 0, max: 2 }),
          }),
          { maxLength: 300 },
        ),
        async (events) => {
          const bucket = run++;
          // input rows numbered in order; each part file lists its rows in input order
          const lines = events.map((e, row) => ({ ...e, row, text: `${e.rid},${row},v${row}` }));
          for (let part = 0; part < 3; part++) {
            const mine = lines.filter((l) => l.part === part).map((l) => `${l.text}\n`);
            await writeFile(bucketFile(dir, 'events', bucket, part), mine.join(''));
          }
          sortEventBucket(dir, bucket, 3);
          const want = [...lines].sort((a, b) => a.rid - b.rid || a.row - b.row).map((l) => `${l.text}\n`);
          expect(await readFile(sortedEventFile(dir, bucket), 'utf8')).toBe(want.join(''));
        },
      ),
      { numRuns: 100 },
    );
  });
});
