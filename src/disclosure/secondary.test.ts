import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secondarySuppression } from './secondary.js';
import { buildTable, interiorCount, lines, type Table, toCoords, toIndex } from './table.js';

const maskOf = (n: number, cells: readonly number[]): Uint8Array => {
  const m = new Uint8Array(n);
  for (const c of cells) m[c] = 1;
  return m;
};
const ones = (m: Uint8Array): number[] => [...m.keys()].filter((c) => m[c]);

/** Lines holding exactly one suppressed cell: what secondary suppression must leave none of. */
function singleLines(table: Table, mask: Uint8Array): number {
  return lines(table.dims).filter((l) => [...l.interior, l.total].filter((c) => mask[c]).length === 1).length;
}

/** A table with dims up to 3 × 3 × 3 × 3 and a random mask (interior and margin cells). */
const tableAndMask = fc
  .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 })
  .chain((dims) =>
    fc.tuple(
      fc.constant(dims),
      fc.array(fc.oneof(fc.nat(10), fc.integer({ min: 11, max: 200 })), {
        minLength: interiorCount(dims),
        maxLength: interiorCount(dims),
      }),
      fc.array(fc.nat(), { maxLength: 4 }),
    ),
  )
  .map(([dims, interior, picks]) => {
    const table = buildTable(dims, interior);
    return {
      table,
      mask: maskOf(
        table.cells.length,
        picks.map((p) => p % table.cells.length),
      ),
    };
  });

describe('secondary suppression (line rule)', () => {
  it('protects one small cell of a 2 × 2 table by a rectangle of the cheapest cells', () => {
    // 3 20 | 23 / 30 40 | 70 / 33 60 | 93: the row proposes 20, the column 30; 20 first, then 30, then
    // the cell closing the rectangle (40)
    const t = buildTable([2, 2], [3, 20, 30, 40]);
    const { suppressed, added } = secondarySuppression(t, maskOf(9, [0]));
    expect(added).toEqual([
      { cell: 1, coords: [0, 1], rule: 'secondary:line' },
      { cell: 3, coords: [1, 0], rule: 'secondary:line' },
      { cell: 4, coords: [1, 1], rule: 'secondary:line' },
    ]);
    expect(ones(suppressed)).toEqual([0, 1, 3, 4]);
  });

  it('leaves no line with exactly one suppressed cell, keeps the input mask and reports every addition', () => {
    fc.assert(
      fc.property(tableAndMask, ({ table, mask }) => {
        const before = Uint8Array.from(mask);
        const { suppressed, added } = secondarySuppression(table, mask);
        expect(mask).toEqual(before);
        expect(singleLines(table, suppressed)).toBe(0);
        for (let c = 0; c < mask.length; c++) if (mask[c]) expect(suppressed[c]).toBe(1);
        expect(added.map((a) => a.cell).sort((a, b) => a - b)).toEqual(
          ones(suppressed).filter((c) => !mask[c]),
        );
        for (const a of added) expect(a.coords).toEqual(toCoords(table.dims, a.cell));
      }),
    );
  });

  it('is idempotent and adds nothing to a mask with no suppressed cell', () => {
    fc.assert(
      fc.property(tableAndMask, ({ table, mask }) => {
        const once = secondarySuppression(table, mask).suppressed;
        expect(secondarySuppression(table, once).added).toEqual([]);
        expect(secondarySuppression(table, new Uint8Array(mask.length)).added).toEqual([]);
      }),
    );
  });

  it('takes a released zero only when the line has no released non-zero cell', () => {
    // one line: 4 0 9 | 13 — cell 0 suppressed; 9 is taken before the zero
    const t = buildTable([3], [4, 0, 9]);
    expect(ones(secondarySuppression(t, maskOf(4, [0])).suppressed)).toEqual([0, 2]);
    expect(ones(secondarySuppression(t, maskOf(4, [0]), { zeros: 'allow' }).suppressed)).toEqual([0, 1]);
    // 4 0 0 | 4: the total is the only released non-zero cell
    expect(ones(secondarySuppression(buildTable([3], [4, 0, 0]), maskOf(4, [0])).suppressed)).toEqual([0, 3]);
    // 0 0 | 0: only zeros left, the lowest index is taken
    expect(ones(secondarySuppression(buildTable([2], [0, 0]), maskOf(3, [2])).suppressed)).toEqual([0, 2]);
  });

  it('suppresses the total of a one-category dimension, the only other cell of its line', () => {
    const t = buildTable([1, 2], [5, 30]);
    // shape 2 × 3: cell (0, 0) = 0, its column (0, 0)–(1, 0) has just the total (1, 0) = 3 besides it
    expect(ones(secondarySuppression(t, maskOf(6, [0])).suppressed)).toEqual([0, 1, 3, 4]);
  });

  it('gives the same pattern, up to the permutation, when categories are listed in another order', () => {
    const arb = fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 2, maxLength: 3 }).chain((dims) =>
      fc.record({
        dims: fc.constant(dims),
        interior: fc.uniqueArray(fc.nat(400), {
          minLength: interiorCount(dims),
          maxLength: interiorCount(dims),
        }),
        perms: fc.tuple(...dims.map((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n }))),
        picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ dims, interior, perms, picks }) => {
        const table = buildTable(dims, interior);
        // ties are broken by index, so the property is about tables without equal values
        fc.pre(new Set(table.cells).size === table.cells.length);
        // permuted table: new coordinate perm[d][x] holds old coordinate x; totals stay in place
        const move = (c: number): number =>
          toIndex(
            dims,
            toCoords(dims, c).map((x, d) => (x === dims[d] ? x : ((perms[d] as number[])[x] as number))),
          );
        const cells = new Array<number>(table.cells.length);
        table.cells.forEach((v, c) => {
          cells[move(c)] = v;
        });
        const permuted: Table = { dims, cells };
        const mask = maskOf(
          table.cells.length,
          picks.map((p) => p % table.cells.length),
        );
        const pmask = new Uint8Array(mask.length);
        mask.forEach((v, c) => {
          pmask[move(c)] = v;
        });
        const a = secondarySuppression(table, mask);
        const b = secondarySuppression(permuted, pmask);
        expect(ones(b.suppressed)).toEqual(
          ones(a.suppressed)
            .map(move)
            .sort((x, y) => x - y),
        );
        expect(b.added.map((x) => x.cell)).toEqual(a.added.map((x) => move(x.cell)));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a mask of the wrong length', () => {
    expect(() => secondarySuppression(buildTable([2], [1, 2]), new Uint8Array(2))).toThrow(RangeError);
  });
});
