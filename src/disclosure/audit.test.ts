import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditRelease,
  auditSystem,
  auditTables,
  type Interval,
  projectionIds,
  tableEquations,
} from './audit.js';
import { protect } from './protect.js';
import { secondarySuppression } from './secondary.js';
import { buildTable, interiorCount, lines, type Table, toCoords, toIndex } from './table.js';

const PROTECTION = 11;

const maskOf = (n: number, cells: readonly number[]): Uint8Array => {
  const m = new Uint8Array(n);
  for (const c of cells) m[c] = 1;
  return m;
};
const ones = (m: Uint8Array): number[] => [...m.keys()].filter((c) => m[c]);
const primaryMask = (t: Table): Uint8Array => Uint8Array.from(t.cells, (v) => (v < PROTECTION ? 1 : 0));

function singleLines(table: Table, mask: Uint8Array): number {
  return lines(table.dims).filter((l) => [...l.interior, l.total].filter((c) => mask[c]).length === 1).length;
}

/** Whether the unit vector of `target` lies in the row space of the line equations restricted to the
 * suppressed cells — exact rational elimination (BigInt), independent of the LP: then the cell's value
 * is a linear combination of released values, whatever non-negativity says. */
function linearlyDetermined(table: Table, mask: Uint8Array, target: number): boolean {
  const cols = ones(mask);
  const rows = tableEquations(table.dims).map((eq) => {
    const r = cols.map(() => 0n);
    for (const [id, coef] of eq.terms) {
      const k = cols.indexOf(id);
      if (k >= 0) r[k] = (r[k] as bigint) + BigInt(coef);
    }
    return r;
  });
  const rank = (m: bigint[][]): number => {
    const a = m.map((r) => [...r]);
    let rk = 0;
    for (let col = 0; col < cols.length && rk < a.length; col++) {
      const p = a.findIndex((r, i) => i >= rk && r[col] !== 0n);
      if (p < 0) continue;
      [a[rk], a[p]] = [a[p] as bigint[], a[rk] as bigint[]];
      const pivot = a[rk] as bigint[];
      for (let i = 0; i < a.length; i++) {
        const row = a[i] as bigint[];
        if (i === rk || row[col] === 0n) continue;
        const f = row[col] as bigint;
        const pv = pivot[col] as bigint;
        a[i] = row.map((v, j) => v * pv - (pivot[j] as bigint) * f);
      }
      rk++;
    }
    return rk;
  };
  const unit = cols.map((c) => (c === target ? 1n : 0n));
  return rank([...rows, unit]) === rank(rows);
}

describe('audit: hand-computed intervals', () => {
  it('derives two cells of the same row exactly from their columns (2 × 2)', async () => {
    // a b | 30 / c d | 70 ; suppressing a and b leaves a = (a + c) − c
    const t = buildTable([2, 2], [12, 18, 25, 45]);
    const { intervals, exposed } = await auditRelease(t, maskOf(9, [0, 1]), PROTECTION);
    expect([...intervals]).toEqual([
      [0, [12, 12]],
      [1, [18, 18]],
    ]);
    expect(exposed).toEqual([0, 1]);
  });

  it('gives the Fréchet bounds when the whole interior of a 2 × 2 table is suppressed', async () => {
    const [a, b, c, d] = [7, 30, 22, 5];
    const [r0, r1, c0, c1] = [a + b, c + d, a + c, b + d];
    const t = buildTable([2, 2], [a, b, c, d]);
    const { intervals } = await auditRelease(t, maskOf(9, [0, 1, 3, 4]), PROTECTION);
    // a = x, b = r0 − x, c = c0 − x, d = r1 − c0 + x, all ≥ 0
    const lo = Math.max(0, r0 - c1); // = c0 − r1: both margins sum to the grand total
    const hi = Math.min(r0, c0);
    expect(intervals.get(0)).toEqual([lo, hi]);
    expect(intervals.get(1)).toEqual([r0 - hi, r0 - lo]);
    expect(intervals.get(3)).toEqual([c0 - hi, c0 - lo]);
    expect(intervals.get(4)).toEqual([r1 - c0 + lo, r1 - c0 + hi]);
    expect([lo, hi]).toEqual([2, 29]);
  });

  it('moves a rectangle in a 2 × 3 table by [−min(a, d), +min(b, c)]', async () => {
    // a b e / c d f with a, b, c, d suppressed: a + t, b − t, c − t, d + t
    const t = buildTable([2, 3], [4, 15, 50, 13, 9, 60]);
    const { intervals } = await auditRelease(t, maskOf(12, [0, 1, 4, 5]), PROTECTION);
    expect(intervals.get(0)).toEqual([4 - Math.min(4, 9), 4 + Math.min(15, 13)]);
    expect(intervals.get(5)).toEqual([9 - 4, 9 + 13]);
  });

  it('solves a general system: x + y = 10, y + z = 4, x − z = 6 (one degree of freedom)', async () => {
    const intervals = await auditSystem({
      equations: [
        {
          terms: [
            [1, 1],
            [2, 1],
            [9, -1],
          ],
          rhs: 0,
        },
        {
          terms: [
            [2, 1],
            [3, 1],
          ],
          rhs: 4,
        },
        {
          terms: [
            [1, 1],
            [3, -1],
          ],
          rhs: 6,
        },
      ],
      known: new Map([[9, 10]]),
      unknowns: [1, 2, 3],
    });
    expect([...intervals]).toEqual([
      [1, [6, 10]],
      [2, [0, 4]],
      [3, [0, 4]],
    ]);
  });

  it('reports an unbounded cell and refuses an inconsistent release', async () => {
    const t = buildTable([2], [20, 30]);
    expect((await auditRelease(t, maskOf(3, [0, 1, 2]), PROTECTION)).intervals.get(0)).toEqual([
      0,
      Number.POSITIVE_INFINITY,
    ]);
    const bad: Table = { dims: [2], cells: [20, 50, 40] };
    await expect(auditRelease(bad, maskOf(3, [0]), PROTECTION)).rejects.toThrow(RangeError);
    await expect(auditRelease(t, maskOf(3, [0]), -1)).rejects.toThrow(RangeError);
    // x1 + x2 = 5 with x1 = 7 released: no non-negative x2 (the LP itself reports infeasibility)
    const infeasible = {
      equations: [
        {
          terms: [
            [1, 1],
            [2, 1],
          ] as const,
          rhs: 5,
        },
      ],
      unknowns: [2],
    };
    await expect(auditSystem({ ...infeasible, known: new Map([[1, 7]]) })).rejects.toThrow(/inconsistent/);
    // all released and contradicting: refused before any LP
    await expect(
      auditSystem({
        ...infeasible,
        known: new Map([
          [1, 7],
          [2, 0],
        ]),
        unknowns: [],
      }),
    ).rejects.toThrow(/do not satisfy/);
    // an unknown in no equation: only x ≥ 0 binds
    expect([...(await auditSystem({ equations: [], known: new Map(), unknowns: [4] }))]).toEqual([
      [4, [0, Number.POSITIVE_INFINITY]],
    ]);
  });
});

describe('audit: why the line rule is not enough', () => {
  it('2-D: a lone small cell is derived exactly; protect() widens every interval to the threshold', async () => {
    const t = buildTable([3, 3], [3, 40, 52, 61, 75, 83, 97, 104, 118]);
    const primary = primaryMask(t);
    expect(ones(primary)).toEqual([0]);
    const alone = await auditRelease(t, primary, PROTECTION);
    expect([...alone.intervals]).toEqual([[0, [3, 3]]]);
    expect(alone.exposed).toEqual([0]);

    const p = await protect(t, primary, PROTECTION);
    expect(p.audit.exposed).toEqual([]);
    for (const [lo, hi] of p.audit.intervals.values()) expect(hi - lo).toBeGreaterThanOrEqual(PROTECTION);
    expect([...p.audit.intervals.keys()]).toEqual(ones(p.suppressed));
  });

  it('2-D: the cheapest complements can leave a rectangle too narrow; protect() adds cells', async () => {
    // 3 and 5 in one row, 4 below the 3: the rectangle 3 5 / 4 x moves by min(3, x) + min(5, 4) < 11
    const t = buildTable([3, 3], [3, 5, 60, 4, 30, 70, 80, 90, 100]);
    const primary = primaryMask(t);
    const line = secondarySuppression(t, primary).suppressed;
    expect((await auditRelease(t, line, PROTECTION)).exposed.length).toBeGreaterThan(0);
    const p = await protect(t, primary, PROTECTION);
    expect(p.rounds).toBeGreaterThan(0);
    expect(p.added.some((a) => a.rule === 'secondary:audit')).toBe(true);
    expect(p.audit.exposed).toEqual([]);
    expect(singleLines(t, p.suppressed)).toBe(0);
  });

  it('3-D: every line holds 0 or ≥ 2 suppressed cells, yet a cell of value 20 is derived exactly', async () => {
    // found by search among 3 × 3 × 3 tables with every count ≥ 20 (so non-negativity plays no part)
    // and one primary cell, (1, 2, 0), closed by the line rule
    const t = buildTable(
      [3, 3, 3],
      [
        69, 46, 43, 44, 97, 93, 99, 50, 41, 20, 55, 93, 52, 60, 96, 72, 42, 51, 33, 76, 62, 55, 38, 34, 81,
        22, 82,
      ],
    );
    const coords = ['000', '001', '002', '010', '012', '021', '022', '100', '101', '102', '110', '111']
      .concat(['120', '121', '122', '200', '202', '210', '211', '212', '220', '221'])
      .map((s) => [...s].map(Number));
    const mask = maskOf(
      t.cells.length,
      coords.map((c) => toIndex(t.dims, c)),
    );
    const primary = maskOf(t.cells.length, [toIndex(t.dims, [1, 2, 0])]);
    expect(secondarySuppression(t, primary).suppressed).toEqual(mask);
    expect(singleLines(t, mask)).toBe(0);

    const audit = await auditRelease(t, mask, PROTECTION);
    const target = toIndex(t.dims, [1, 0, 0]);
    expect(audit.exposed).toEqual([target]);
    expect(audit.intervals.get(target)).toEqual([20, 20]);
    // independent check: the cell is a linear combination of released values; its neighbours are not
    expect(linearlyDetermined(t, mask, target)).toBe(true);
    expect(linearlyDetermined(t, mask, toIndex(t.dims, [1, 2, 0]))).toBe(false);

    const p = await protect(t, primary, PROTECTION);
    expect(p.audit.exposed).toEqual([]);
    expect(linearlyDetermined(t, p.suppressed, target)).toBe(false);
  });
});

/** Random counts with about one small cell in five. */
const counts = (n: number) =>
  fc.array(
    fc.oneof(
      { weight: 1, arbitrary: fc.nat(10) },
      { weight: 4, arbitrary: fc.integer({ min: 11, max: 200 }) },
    ),
    {
      minLength: n,
      maxLength: n,
    },
  );

describe('audit: protect() on random 3-D and 4-D tables', () => {
  // [dims, runs, whether some run needs an audit round]: in 2 × 3 × 2 × 3 the line rule, which already
  // suppresses about a third of the cells, is short in only ~5 % of the tables (see the report)
  for (const [dims, numRuns, someShort] of [
    [[3, 3, 3], 12, true],
    [[2, 3, 2, 3], 5, false],
  ] as const) {
    it(`leaves no exposed cell in ${dims.join(' × ')} tables`, async () => {
      // tables where the line rule alone left an exposed cell (protect() needed an audit round)
      let lineRuleShort = 0;
      await fc.assert(
        fc.asyncProperty(counts(interiorCount(dims)), async (interior) => {
          const t = buildTable(dims, interior);
          const primary = primaryMask(t);
          const p = await protect(t, primary, PROTECTION);
          if (p.rounds > 0) lineRuleShort++;
          for (const c of ones(primary)) expect(p.suppressed[c]).toBe(1);
          expect(singleLines(t, p.suppressed)).toBe(0);
          expect(p.audit.exposed).toEqual([]);
          expect([...p.audit.intervals.keys()]).toEqual(ones(p.suppressed));
          const fresh = await auditRelease(t, p.suppressed, PROTECTION);
          expect(fresh.exposed).toEqual([]);
          const added = p.added.map((a) => a.cell).sort((a, b) => a - b);
          expect(added).toEqual(ones(p.suppressed).filter((c) => !primary[c]));
        }),
        { numRuns, seed: 6 },
      );
      if (someShort) expect(lineRuleShort).toBeGreaterThan(0);
    });
  }

  it('gives the same pattern, up to the permutation, when categories are listed in another order', async () => {
    const dims = [3, 3, 3];
    // all 64 cells distinct (ties are broken by index, which a permutation changes), one audit round
    const interior = [
      48, 3, 142, 189, 70, 9, 115, 136, 91, 29, 183, 164, 72, 64, 110, 7, 6, 27, 172, 116,
    ].concat([5, 83, 139, 97, 140, 23, 157]);
    const t = buildTable(dims, interior);
    expect(new Set(t.cells).size).toBe(t.cells.length);
    const perms = [
      [2, 0, 1],
      [1, 2, 0],
      [0, 2, 1],
    ];
    const move = (c: number): number =>
      toIndex(
        dims,
        toCoords(dims, c).map((x, d) => (x === dims[d] ? x : ((perms[d] as number[])[x] as number))),
      );
    const cells = new Array<number>(t.cells.length);
    t.cells.forEach((v, c) => {
      cells[move(c)] = v;
    });
    const permuted: Table = { dims, cells };
    const a = await protect(t, primaryMask(t), PROTECTION);
    const b = await protect(permuted, primaryMask(permuted), PROTECTION);
    expect(a.rounds).toBe(1);
    expect(ones(b.suppressed)).toEqual(
      ones(a.suppressed)
        .map(move)
        .sort((x, y) => x - y),
    );
    expect(b.added.map((x) => [x.cell, x.rule])).toEqual(a.added.map((x) => [move(x.cell), x.rule]));
    for (const [c, iv] of a.audit.intervals) expect(b.audit.intervals.get(move(c))).toEqual(iv);
  });
});

describe('audit: tables released together', () => {
  it('exposes a cell that each of two releases of the same breakdown protects alone', async () => {
    // same 3 × 3 breakdown, two masks (e.g. two outcomes): rectangles through (0,0) on rows 0–1 and 0–2
    const t = buildTable([3, 3], [3, 40, 52, 61, 75, 83, 97, 104, 118]);
    const at = (i: number, j: number): number => toIndex([3, 3], [i, j]);
    const m1 = maskOf(16, [at(0, 0), at(0, 1), at(1, 0), at(1, 1)]);
    const m2 = maskOf(16, [at(0, 0), at(0, 2), at(2, 0), at(2, 2)]);
    expect((await auditRelease(t, m1, PROTECTION)).exposed).toEqual([]);
    expect((await auditRelease(t, m2, PROTECTION)).exposed).toEqual([]);
    const ids = Array.from(t.cells, (_, c) => c);
    const [r1, r2] = await auditTables(
      [
        { table: t, suppressed: m1, ids },
        { table: t, suppressed: m2, ids },
      ],
      PROTECTION,
    );
    expect(r1?.intervals.get(at(0, 0))).toEqual([3, 3]);
    expect(r2?.exposed).toEqual(ones(m2));
    // without shared ids the two releases are unrelated
    const apart = await auditTables(
      [
        { table: t, suppressed: m1 },
        { table: t, suppressed: m2 },
      ],
      PROTECTION,
    );
    expect(apart.map((r) => r.exposed)).toEqual([[], []]);
  });

  it('narrows a cell with the equations of the unreleased cube behind three two-way tables', async () => {
    // age × sex × region: age 0 lives in region 0 only, age 1 in region 1 only
    const cubeDims = [2, 2, 2];
    const cube = buildTable(cubeDims, [5, 0, 20, 0, 0, 30, 0, 40]);
    const cut = (keep: readonly number[]): { table: Table; ids: Int32Array } => {
      const ids = projectionIds(cubeDims, keep);
      const dims = keep.map((d) => cubeDims[d] as number);
      return { table: { dims, cells: Array.from(ids, (id) => cube.cells[id] as number) }, ids };
    };
    const ageSex = cut([0, 1]);
    const ageRegion = cut([0, 2]);
    const sexRegion = cut([1, 2]);
    expect(ageSex.table.cells).toEqual([5, 20, 25, 30, 40, 70, 35, 60, 95]);
    // the whole interior of age × sex suppressed: alone, (age 0, M) ∈ [max(0, 25 − 60), min(25, 35)]
    const mask = maskOf(9, [0, 1, 3, 4]);
    const alone = await auditRelease(ageSex.table, mask, PROTECTION);
    expect(alone.intervals.get(0)).toEqual([0, 25]);
    const releases = [
      { ...ageSex, suppressed: mask },
      { ...ageRegion, suppressed: new Uint8Array(9) },
      { ...sexRegion, suppressed: new Uint8Array(9) },
    ];
    // stacked without the cube: the three tables share only one-way margins, nothing changes
    expect((await auditTables(releases, PROTECTION))[0]?.intervals.get(0)).toEqual([0, 25]);
    // with the cube: (age 0, M) = cube(0, M, r0) ≤ (M, r0) = 5, and (M, r0) = cube(0, M, r0) + 0
    const joint = await auditTables(releases, PROTECTION, { cube: cubeDims });
    expect(joint[0]?.intervals.get(0)).toEqual([5, 5]);
    expect(joint[0]?.exposed).toEqual([0, 1, 3, 4]);
  });

  it('maps the cells of a margin table onto the cube cells they count', () => {
    // dims [2, 3] cube (shape 3 × 4): the one-way table over dimension 1 is the row of totals of dim 0
    expect(Array.from(projectionIds([2, 3], [1]))).toEqual([8, 9, 10, 11]);
    expect(Array.from(projectionIds([2, 3], [0]))).toEqual([3, 7, 11]);
    expect(() => projectionIds([2, 3], [2])).toThrow(RangeError);
  });
});

describe('audit: integer programs', () => {
  it('agrees with the LP on a 3-D table (its rounded bounds are the integer ones here)', async () => {
    const t = buildTable(
      [3, 3, 3],
      [
        3, 140, 52, 61, 7, 83, 97, 104, 118, 44, 9, 57, 66, 71, 2, 88, 93, 101, 24, 36, 48, 5, 129, 133, 151,
        162, 177,
      ],
    );
    const mask = secondarySuppression(t, primaryMask(t)).suppressed;
    const lp = await auditRelease(t, mask, PROTECTION);
    const ip = await auditRelease(t, mask, PROTECTION, { integer: true });
    const asList = (m: ReadonlyMap<number, Interval>) => [...m];
    expect(asList(ip.intervals)).toEqual(asList(lp.intervals));
  });
});
