import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditRelease } from './audit.js';
import { boxWidth } from './box.js';
import { buildTable, toIndex } from './table.js';

const free = (t: { cells: readonly number[] }) => ({
  up: () => Number.POSITIVE_INFINITY,
  down: (i: number) => t.cells[i] as number,
});

describe('box moves', () => {
  it('a 2 × 2 rectangle of suppressed cells gives the cell the smaller of its diagonal neighbours on each side', () => {
    // 2 × 3 table; rectangle (0,0) (0,1) (1,0) (1,1) suppressed
    const t = buildTable([2, 3], [5, 20, 30, 40, 7, 50]);
    const mask = new Uint8Array(t.cells.length);
    for (const c of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ])
      mask[toIndex(t.dims, c)] = 1;
    // (0,0) = 5 can rise while (0,1) = 20 and (1,0) = 40 fall: by 20; fall while (1,1) = 7 falls: by 5
    expect(boxWidth(t.dims, mask, toIndex(t.dims, [0, 0]), free(t))).toBe(20 + 5);
    // a released corner: no box
    mask[toIndex(t.dims, [1, 1])] = 0;
    expect(boxWidth(t.dims, mask, toIndex(t.dims, [0, 0]), free(t))).toBe(0);
  });

  it('never proves more than the exact LP interval (random tables and masks)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom([2, 2], [3, 2], [2, 2, 2], [3, 2, 2]),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 12, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 48, maxLength: 48 }),
        async (dims, values, bits) => {
          const size = dims.reduce((a, b) => a * b, 1);
          const t = buildTable(dims, values.slice(0, size));
          const mask = Uint8Array.from(t.cells, (_, i) => (bits[i] ? 1 : 0));
          const { intervals } = await auditRelease(t, mask, 0);
          for (const [cell, [lo, hi]] of intervals) {
            expect(boxWidth(t.dims, mask, cell, free(t))).toBeLessThanOrEqual(hi - lo);
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });
});
