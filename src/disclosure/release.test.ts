import { describe, expect, it } from 'vitest';
import { auditRelease } from './audit.js';
import { DisclosurePolicy } from './policy.js';
import { primarySuppression } from './primary.js';
import { discloseTables } from './release.js';
import { buildTable } from './table.js';

const dims = [
  { name: 'quarter', categories: ['2020-Q1', '2020-Q2', '2020-Q3'] },
  { name: 'sex', categories: ['1', '2'] },
];
// interior row-major: quarter × sex
const counts = buildTable([3, 2], [40, 35, 4, 50, 60, 45]);
const employed = buildTable([3, 2], [20, 15, 2, 30, 55, 20]);

describe('disclosing computed tables', () => {
  it('suppresses small cells and enough others that no suppressed count can be narrowed below the threshold', async () => {
    const r = await discloseTables(
      { dims, counts, numerators: { employed_12m: employed }, incomplete: [] },
      DisclosurePolicy.parse({}),
    );
    const cell = (q: string, s: string) => r.cells.find((c) => c.coords[0] === q && c.coords[1] === s);
    expect(cell('2020-Q2', '1')?.suppressed).toBe(true); // count 4
    expect(cell('2020-Q3', '1')?.suppressed).toBe(true); // complement 60 − 55 = 5
    expect(r.suppression.count).toBe(1);
    expect(r.suppression.complement).toBeGreaterThanOrEqual(1);
    for (const c of r.cells) {
      if (c.suppressed) expect([c.count, c.outcomes.employed_12m?.count]).toEqual([null, null]);
      else expect(c.count).toBe(counts.cells[r.cells.indexOf(c)]);
    }
    // the exact audit of what was released: every primary cell keeps an interval ≥ 11 wide in the count
    // table and in the numerator table
    const mask = Uint8Array.from(r.cells.map((c) => (c.suppressed ? 1 : 0)));
    const primary = primarySuppression(counts.cells, [employed.cells], 11).suppressed;
    for (const t of [counts, employed]) {
      const { exposed } = await auditRelease(t, mask, 11);
      expect(exposed.filter((c) => primary[c] === 1)).toEqual([]);
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
    expect(total?.outcomes.employed_12m).toEqual({ count: 115, share: Math.round((115 / 220) * 1e4) / 1e4 });
    expect(total?.outcomes.rsa_12m).toEqual({ count: null, share: null });
    expect(r.withheld).toEqual(['rsa_12m']);
  });
});
