import { describe, expect, it } from 'vitest';
import { associationZ, BitMatrix, bitsetCount, cooccurrence, popcount32, rowsWithAll } from './bits.js';

describe('bit matrices', () => {
  it('keeps the CLK bit order (bit p = bit 7 − p mod 8 of byte p/8)', () => {
    const bytes = Uint8Array.from([0b1000_0001, 0, 0, 0b0000_0010]);
    const m = BitMatrix.fromBytes([bytes]);
    expect(m.positions(0)).toEqual([0, 7, 30]);
    expect(m.rowBytes(0)).toEqual(bytes);
    expect(m.rowCount(0)).toBe(3);
  });

  it('counts bits', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
  });

  it('computes co-occurrences (sparse and dense paths agree with brute force)', () => {
    for (const density of [0.05, 0.5]) {
      let x = 12345;
      const rows: number[][] = [];
      for (let r = 0; r < 70; r++) {
        const ps: number[] = [];
        for (let p = 0; p < 40; p++) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          if (x / 2 ** 32 < density) ps.push(p);
        }
        rows.push(ps);
      }
      const m = BitMatrix.fromPositions(rows, 40);
      const { single, pair } = cooccurrence(m);
      for (let p = 0; p < 40; p++) {
        expect(single[p]).toBe(rows.filter((r) => r.includes(p)).length);
        for (let q = 0; q < 40; q++)
          if (q !== p)
            expect(pair[p * 40 + q]).toBe(rows.filter((r) => r.includes(p) && r.includes(q)).length);
      }
      const cols = m.columns();
      expect(bitsetCount(rowsWithAll(cols, [1, 2]))).toBe(
        rows.filter((r) => r.includes(1) && r.includes(2)).length,
      );
    }
  });

  it('scores association: positive when together, negative when exclusive, 0 when independent', () => {
    expect(associationZ(100, 50, 50, 50)).toBeCloseTo(10);
    expect(associationZ(100, 50, 50, 0)).toBeCloseTo(-10);
    expect(associationZ(100, 50, 50, 25)).toBeCloseTo(0);
    expect(associationZ(100, 0, 50, 0)).toBe(0);
  });
});
