import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTable,
  cellCount,
  checkTable,
  interiorCount,
  isMargin,
  lines,
  linesThrough,
  toCoords,
  toIndex,
} from './table.js';

const dimsArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

describe('table model', () => {
  it('builds a 2 × 2 table with its margins, row-major', () => {
    // rows: [1 2 | 3], [3 4 | 7], totals [4 6 | 10]
    expect(buildTable([2, 2], [1, 2, 3, 4]).cells).toEqual([1, 2, 3, 3, 4, 7, 4, 6, 10]);
    expect(toIndex([2, 2], [2, 2])).toBe(8);
    expect(toCoords([2, 2], 5)).toEqual([1, 2]);
    expect(isMargin([2, 2], 4)).toBe(false);
    expect(isMargin([2, 2], 6)).toBe(true);
  });

  it('enumerates the lines of a 2 × 3 table: 4 along the rows dimension, 3 along the columns', () => {
    // shape 3 × 4: cell (i, j) is 4i + j
    expect(lines([2, 3])).toEqual([
      { dim: 0, interior: [0, 4], total: 8 },
      { dim: 0, interior: [1, 5], total: 9 },
      { dim: 0, interior: [2, 6], total: 10 },
      { dim: 0, interior: [3, 7], total: 11 },
      { dim: 1, interior: [0, 1, 2], total: 3 },
      { dim: 1, interior: [4, 5, 6], total: 7 },
      { dim: 1, interior: [8, 9, 10], total: 11 },
    ]);
  });

  it('round-trips index ↔ coordinates', () => {
    fc.assert(
      fc.property(dimsArb, fc.nat(), (dims, k) => {
        const i = k % cellCount(dims);
        expect(toIndex(dims, toCoords(dims, i))).toBe(i);
      }),
    );
  });

  it('puts each cell on exactly one line per dimension, each line varying along its dimension only', () => {
    fc.assert(
      fc.property(dimsArb, (dims) => {
        const all = lines(dims);
        const expected = dims.reduce((s, _, d) => s + cellCount(dims) / ((dims[d] as number) + 1), 0);
        expect(all).toHaveLength(expected);
        const through = linesThrough(dims, all);
        for (let c = 0; c < cellCount(dims); c++) {
          expect((through[c] ?? []).map((li) => all[li]?.dim)).toEqual(dims.map((_, d) => d));
        }
        for (const line of all) {
          const cs = [...line.interior, line.total].map((c) => toCoords(dims, c));
          cs.forEach((co, k) => {
            expect(co[line.dim]).toBe(k);
            expect(co.filter((_, d) => d !== line.dim)).toEqual(cs[0]?.filter((_, d) => d !== line.dim));
          });
        }
      }),
    );
  });

  it('computes every margin as the sum of the interior cells it covers', () => {
    fc.assert(
      fc.property(
        dimsArb.chain((dims) =>
          fc.tuple(
            fc.constant(dims),
            fc.array(fc.nat(50), { minLength: interiorCount(dims), maxLength: interiorCount(dims) }),
          ),
        ),
        ([dims, interior]) => {
          const t = buildTable(dims, interior);
          checkTable(t);
          for (let c = 0; c < t.cells.length; c++) {
            const co = toCoords(dims, c);
            let sum = 0;
            for (let k = 0; k < interior.length; k++) {
              const ic = toCoords(
                dims.map((n) => n - 1),
                k,
              );
              if (ic.every((x, d) => co[d] === dims[d] || co[d] === x)) sum += interior[k] as number;
            }
            expect(t.cells[c]).toBe(sum);
          }
        },
      ),
    );
  });

  it('refuses bad shapes, negative or fractional counts and margins that do not add up', () => {
    expect(() => buildTable([], [])).toThrow(RangeError);
    expect(() => buildTable([2, 0], [])).toThrow(RangeError);
    expect(() => buildTable([2], [1])).toThrow(RangeError);
    expect(() => buildTable([2], [1, -1])).toThrow(RangeError);
    expect(() => buildTable([2], [1, 0.5])).toThrow(RangeError);
    expect(() => toIndex([2, 2], [0, 3])).toThrow(RangeError);
    expect(() => checkTable({ dims: [2], cells: [1, 2, 4] })).toThrow(RangeError);
  });
});
