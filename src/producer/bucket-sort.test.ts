import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAll, sortEventRecords, sortIdentityRecords } from './bucket-sort.js';

/** Records of 3 words (rid, input row, a value), in the order sortEventRecords gives. */
function sorted(records: readonly (readonly [number, number, number])[]): number[][] {
  const words = new Int32Array(records.flat());
  const order = sortEventRecords(words, 3);
  return Array.from({ length: records.length }, (_, k) => {
    const at = (order[k] as number) * 3;
    return [...words.subarray(at, at + 3)];
  });
}

describe('sortEventRecords', () => {
  it('orders the records of a bucket by rid, an identity’s events by input row', () => {
    // rows 0–5 shared out between two workers; rid 900 has events in both parts
    const parts = [
      [900, 0, 1],
      [17, 2, 2],
      [900, 4, 3],
      [900, 1, 4],
      [5, 3, 5],
      [2 ** 30 - 1, 5, 6],
    ] as const;
    expect(sorted(parts)).toEqual([
      [5, 3, 5],
      [17, 2, 2],
      [900, 0, 1],
      [900, 1, 4],
      [900, 4, 3],
      [2 ** 30 - 1, 5, 6],
    ]);
    expect(sorted([])).toEqual([]);
    expect(() => sorted([[2 ** 30, 0, 0]])).toThrow(/rid out of range/);
    expect(() => sortEventRecords(new Int32Array(4), 3)).toThrow(/truncated/);
  });

  it('orders any records as a comparison sort on (rid, input row) does', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            rid: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 30 - 1 })),
            part: fc.integer({ min: 0, max: 2 }),
          }),
          { maxLength: 300 },
        ),
        (events) => {
          // input rows numbered in order; each part lists its rows in input order, the parts one after another
          const records = events.map((e, row) => ({ ...e, row, r: [e.rid, row, row * 7] as const }));
          const parts = [0, 1, 2].flatMap((p) => records.filter((l) => l.part === p).map((l) => l.r));
          const want = [...records].sort((a, b) => a.rid - b.rid || a.row - b.row).map((l) => [...l.r]);
          expect(sorted(parts)).toEqual(want);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('sortIdentityRecords', () => {
  it('orders fixed-size records by their little-endian rid, and refuses a truncated one', () => {
    const rids = [900, 5, 2 ** 30 - 1, 17];
    const data = new Uint8Array(rids.length * 6);
    const view = new DataView(data.buffer);
    rids.forEach((r, k) => {
      view.setUint32(6 * k, r, true);
    });
    expect([...sortIdentityRecords(data, 6).subarray(0, 4)]).toEqual([1, 3, 0, 2]);
    expect(() => sortIdentityRecords(data.subarray(0, 20), 6)).toThrow(/truncated/);
    view.setUint32(0, 2 ** 30, true);
    expect(() => sortIdentityRecords(data, 6)).toThrow(/rid out of range/);
  });
});

describe('readAll', () => {
  it('reads the files one after another into one buffer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldh-bucket-'));
    try {
      await writeFile(join(dir, 'a'), 'abc');
      await writeFile(join(dir, 'b'), '');
      await writeFile(join(dir, 'c'), 'de');
      expect(readAll(['a', 'b', 'c'].map((f) => join(dir, f))).toString()).toBe('abcde');
      expect(readAll([join(dir, 'b')]).length).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
