import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAll, sortEventLines } from './bucket-sort.js';

/** The lines of `data` in the order sortEventLines gives. */
function sorted(data: Uint8Array): string {
  const { lines, order, starts } = sortEventLines(data);
  let out = '';
  for (let k = 0; k < lines; k++) {
    const n = order[k] as number;
    out += Buffer.from(data.subarray(starts[n], starts[n + 1])).toString('utf8');
  }
  return out;
}

describe('sortEventLines', () => {
  it('orders the lines of a bucket by rid, an identity’s events by input row', () => {
    // rows 0–5 shared out between two workers; rid 900 has events in both parts
    const data = Buffer.from('900,0,a\n17,2,b\n900,4,c\n' + '900,1,d\n5,3,e\n1073741823,5,f\n');
    expect(sorted(data)).toBe('5,3,e\n17,2,b\n900,0,a\n900,1,d\n900,4,c\n1073741823,5,f\n');
    expect(sorted(new Uint8Array(0))).toBe('');
    expect(() => sortEventLines(Buffer.from('1073741824,0,a\n'))).toThrow(/rid out of range/);
  });

  it('orders any lines as a comparison sort on (rid, input row) does', () => {
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
          const lines = events.map((e, row) => ({ ...e, row, text: `${e.rid},${row},v${row}\n` }));
          const parts = [0, 1, 2].flatMap((p) => lines.filter((l) => l.part === p).map((l) => l.text));
          const want = [...lines].sort((a, b) => a.rid - b.rid || a.row - b.row).map((l) => l.text);
          expect(sorted(Buffer.from(parts.join('')))).toBe(want.join(''));
        },
      ),
      { numRuns: 100 },
    );
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
