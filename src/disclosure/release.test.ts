import { describe, expect, it } from 'vitest';
import { auditRelease } from './audit.js';
import { DisclosurePolicy } from './policy.js';
import { discloseTables } from './release.js';
import { buildTable } from './table.js';

const dims = [
  { name: 'quarter', categories: ['2020-Q1', '2020-Q2', '2020-Q3'] },
  { name: 'sex', categories: ['1', '2'] },
];
// interior row-major: quarter × sex
const counts = buildTable([3, 2], [40, 35, 14, 50, 60, 45]);
const employed = buildTable([3, 2], [20, 15, 7, 30, 55, 20]);

describe('disclosing computed tables', () => {
  it('hides a small numerator or complement in its outcome only, and releases every count', async () => {
    const r = await discloseTables(
      { dims, counts, numerators: { employed_12m: employed }, incomplete: [] },
      DisclosurePolicy.parse({}),
    );
    const cell = (q: string, s: string) => r.cells.find((c) => c.coords[0] === q && c.coords[1] === s);
    expect(cell('2020-Q2', '1')?.outcomes.employed_12m).toEqual({
      count: null,
      share: null,
      suppressed: true,
    }); // 7
    expect(cell('2020-Q3', '1')?.outcomes.employed_12m?.suppressed).toBe(true); // complement 60 − 55 = 5
    expect(r.suppression).toMatchObject({ numerator: 1, complement: 1 });
    expect(r.suppression.count).toBeUndefined();
    const maskN = Uint8Array.from(r.cells.map((c) => (c.outcomes.employed_12m?.suppressed ? 1 : 0)));
    r.cells.forEach((c, i) => {
      expect(c.suppressed).toBe(false);
      expect(c.count).toBe(counts.cells[i]);
      if (!maskN[i]) {
        expect(c.outcomes.employed_12m?.count).toBe(employed.cells[i]);
        expect(c.outcomes.employed_12m?.share).toBe(
          Math.round(((employed.cells[i] as number) / (counts.cells[i] as number)) * 1e4) / 1e4,
        );
      }
    });
    // counts released, so the numerator table's audit alone is the attacker's view, plus N ≤ C: every
    // hidden numerator keeps an interval at least 11 wide, its complement too
    const { intervals } = await auditRelease(employed, maskN, 11);
    for (const [c, [lo, hi]] of intervals) {
      const width = Math.min(hi, counts.cells[c] as number) - lo;
      expect(width).toBeGreaterThanOrEqual(11);
    }
  });

  it('withholds incomplete outcomes and rounds released values, shares from the rounded values', async () => {
    const big = buildTable([1, 2], [100, 120]);
    const num = buildTable([1, 2], [52, 61]);
    const r = await discloseTables(
      {
        dims: [dims[0] as (typeof dims)[0], dims[1] as (typeof dims)[1]].map((d, i) => ({
          ...d,
          categories: d.categories.slice(0, i === 0 ? 1 : 2),
        })),
        counts: big,
        numerators: { employed_12m: num, rsa_12m: num },
        incomplete: ['rsa_12m'],
      },
      DisclosurePolicy.parse({ rounding: 5 }),
    );
    const total = r.cells.find((c) => c.coords.every((x) => x === 'total'));
    expect(total?.count).toBe(220);
    expect(total?.outcomes.employed_12m).toEqual({
      count: 115,
      share: Math.round((115 / 220) * 1e4) / 1e4,
      suppressed: false,
    });
    expect(total?.outcomes.rsa_12m).toEqual({ count: null, share: null, suppressed: false });
    expect(r.withheld).toEqual(['rsa_12m']);
  });

  it('with noise, draws the interior cells only: margins are their sums, numerators stay within their counts', async () => {
    let state = 12345n;
    const rng = (n: bigint) => {
      state = (state * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
      return (state >> 16n) % n;
    };
    const big = buildTable([2, 3], [400, 350, 500, 300, 450, 600]);
    const num = buildTable([2, 3], [200, 150, 260, 100, 300, 310]);
    const policy = DisclosurePolicy.parse({
      dp: { mechanism: 'discrete-laplace', budget: 2, perRelease: 1 },
    });
    const r = await discloseTables(
      {
        dims: [
          { name: 'a', categories: ['x', 'y'] },
          { name: 'b', categories: ['p', 'q', 'r'] },
        ],
        counts: big,
        numerators: { e: num },
        incomplete: [],
      },
      policy,
      rng,
    );
    const at = (a: string, b: string) => r.cells.find((c) => c.coords[0] === a && c.coords[1] === b);
    const sum = (xs: (number | null | undefined)[]) => xs.reduce<number>((s, x) => s + (x ?? Number.NaN), 0);
    let moved = 0;
    for (const a of ['x', 'y']) {
      expect(at(a, 'total')?.count).toBe(sum(['p', 'q', 'r'].map((b) => at(a, b)?.count)));
      expect(at(a, 'total')?.outcomes.e?.count).toBe(
        sum(['p', 'q', 'r'].map((b) => at(a, b)?.outcomes.e?.count)),
      );
      for (const b of ['p', 'q', 'r']) {
        const c = at(a, b);
        expect(c?.outcomes.e?.count as number).toBeLessThanOrEqual(c?.count as number);
        if (c?.count !== big.cells[r.cells.indexOf(c as (typeof r.cells)[number])]) moved++;
      }
    }
    expect(at('total', 'total')?.count).toBe(sum(['x', 'y'].map((a) => at(a, 'total')?.count)));
    expect(moved).toBeGreaterThan(0); // noise was drawn
  });
});
