import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectJoint } from './joint.js';
import { boundExpressions, type Equation, type Expression } from './lp.js';
import { buildTable, lines, type Table } from './table.js';

/**
 * An independent statement of what the attacker knows about a joint release — every released value of
 * the count table and the numerator tables, every line equation of each, 0 ≤ N ≤ C — and the interval of
 * every quantity that must stay hidden, computed from scratch.
 */
async function attackerIntervals(
  counts: Table,
  numerators: readonly Table[],
  maskC: Uint8Array,
  maskN: readonly Uint8Array[],
  threshold: number,
): Promise<{ what: string; width: number }[]> {
  const n = counts.cells.length;
  const tables = [counts, ...numerators];
  const masks = [maskC, ...maskN];
  const id = (k: number, i: number) => k * n + i;
  const known = new Map<number, number>();
  const unknowns: number[] = [];
  const equations: Equation[] = [];
  tables.forEach((t, k) => {
    t.cells.forEach((v, i) => {
      if ((masks[k] as Uint8Array)[i]) unknowns.push(id(k, i));
      else known.set(id(k, i), v);
    });
    for (const line of lines(t.dims)) {
      equations.push({
        terms: [...line.interior.map((c) => [id(k, c), 1] as const), [id(k, line.total), -1] as const],
        rhs: 0,
      });
    }
    if (k > 0)
      for (let i = 0; i < n; i++)
        equations.push({
          terms: [
            [id(k, i), 1],
            [id(0, i), -1],
          ],
          rhs: 0,
          sense: '<=',
        });
  });
  const what: string[] = [];
  const exprs: Expression[] = [];
  for (let i = 0; i < n; i++) {
    const c = counts.cells[i] as number;
    if (c === 0) continue;
    if (c < threshold) {
      what.push(`count ${i}`);
      exprs.push({ terms: [[id(0, i), 1]] });
    }
    numerators.forEach((t, o) => {
      const k = t.cells[i] as number;
      if (k < threshold) {
        what.push(`numerator ${o} ${i}`);
        exprs.push({ terms: [[id(o + 1, i), 1]] });
      }
      if (c - k < threshold) {
        what.push(`complement ${o} ${i}`);
        exprs.push({
          terms: [
            [id(0, i), 1],
            [id(o + 1, i), -1],
          ],
        });
      }
    });
  }
  const ivs = await boundExpressions({ equations, known, unknowns }, exprs);
  return ivs.map(([lo, hi], k) => ({ what: what[k] as string, width: hi - lo }));
}

describe('joint protection of a count table and its numerator tables', () => {
  it('hides a rare outcome where it is rare, and nothing else of the table', async () => {
    // 3 × 3, every count ≥ 11; outcome A common everywhere; outcome B under 11 in two cells
    const counts = buildTable([3, 3], [50, 60, 70, 80, 90, 100, 110, 120, 130]);
    const a = buildTable([3, 3], [25, 30, 35, 40, 45, 50, 55, 60, 65]);
    const b = buildTable([3, 3], [3, 20, 20, 20, 20, 20, 20, 20, 4]);
    const p = await protectJoint({ counts, numerators: [a, b] }, 11);
    expect([...p.counts].every((v) => v === 0)).toBe(true);
    expect([...(p.numerators[0] as Uint8Array)].every((v) => v === 0)).toBe(true);
    const mb = p.numerators[1] as Uint8Array;
    expect(mb[0]).toBe(1);
    expect(mb[8]).toBe(1);
    expect(p.reasons.numerator).toBe(2);
    expect(mb.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(4); // each has a complement on its lines
    for (const r of await attackerIntervals(counts, [a, b], p.counts, p.numerators, 11)) {
      expect(r.width, r.what).toBeGreaterThanOrEqual(11);
    }
  });

  it('releases empty cells as 0 and hides a small count in every table', async () => {
    const counts = buildTable([2, 3], [0, 40, 30, 5, 60, 70]);
    const a = buildTable([2, 3], [0, 20, 15, 2, 30, 35]);
    const p = await protectJoint({ counts, numerators: [a] }, 11);
    expect(p.counts[0]).toBe(0);
    expect(p.numerators[0]?.[0]).toBe(0);
    // with margins the table is 3 × 4: the interior cell (1, 0) is at index 4
    expect(p.counts[4]).toBe(1);
    expect(p.numerators[0]?.[4]).toBe(1);
    // and the margin of the first column (0 + 5) is a small count too
    expect(p.counts[9]).toBe(1);
    expect(p.reasons.count).toBe(2);
  });

  it('bounds a complement through both tables: a hidden count does not leave its complement exposed', async () => {
    // cell 0: count 30 hidden only as a secondary of cell 1 (count 4), complement 30 − 25 = 5
    const counts = buildTable([2, 2], [30, 4, 40, 50]);
    const a = buildTable([2, 2], [25, 2, 20, 25]);
    const p = await protectJoint({ counts, numerators: [a] }, 11);
    for (const r of await attackerIntervals(counts, [a], p.counts, p.numerators, 11)) {
      expect(r.width, r.what).toBeGreaterThanOrEqual(11);
    }
  });

  it('leaves no target narrower than the threshold on random three-way tables (independent audit)', async () => {
    const shape = fc.constantFrom([2, 2, 2], [2, 3, 2], [3, 2, 3]);
    await fc.assert(
      fc.asyncProperty(
        shape.chain((dims) => {
          const size = dims.reduce((x, y) => x * y, 1);
          return fc.tuple(
            fc.constant(dims),
            fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 11, max: 80 })), {
              minLength: size,
              maxLength: size,
            }),
            fc.array(
              fc.tuple(
                fc.double({ min: 0, max: 1, noNaN: true }),
                fc.double({ min: 0, max: 1, noNaN: true }),
              ),
              {
                minLength: size,
                maxLength: size,
              },
            ),
          );
        }),
        async ([dims, interior, fractions]) => {
          const counts = buildTable(dims, interior);
          const nums = [0, 1].map((o) =>
            buildTable(
              dims,
              interior.map((c, i) => Math.round(c * ((fractions[i] as [number, number])[o] as number))),
            ),
          );
          const p = await protectJoint({ counts, numerators: nums }, 11);
          p.numerators.forEach((m) => {
            p.counts.forEach((v, i) => {
              if (v) expect(m[i]).toBe(1);
            });
          });
          for (const r of await attackerIntervals(counts, nums, p.counts, p.numerators, 11)) {
            expect(r.width, r.what).toBeGreaterThanOrEqual(11);
          }
        },
      ),
      { numRuns: 25, seed: 20261129 },
    );
  });

  it('is deterministic', async () => {
    const counts = buildTable([3, 3], [5, 40, 30, 60, 7, 80, 90, 100, 3]);
    const a = buildTable([3, 3], [1, 35, 10, 30, 3, 75, 40, 50, 1]);
    const one = await protectJoint({ counts, numerators: [a] }, 11);
    const two = await protectJoint({ counts, numerators: [a] }, 11);
    expect(two).toEqual(one);
  });
});
