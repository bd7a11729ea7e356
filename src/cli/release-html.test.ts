import { describe, expect, it } from 'vitest';
import { DisclosurePolicy } from '../disclosure/policy.js';
import { discloseTables } from '../disclosure/release.js';
import { releaseCurve } from '../disclosure/survival.js';
import { buildTable } from '../disclosure/table.js';
import { renderReleaseHtml } from './release-html.js';

describe('the HTML page of a release', () => {
  it('draws one chart per outcome kind and the survival curve, and marks every suppressed value', async () => {
    const dims = [
      { name: 'sex', categories: ['1', '2'] },
      { name: 'age_band', categories: ['<25', '25-34', '<script>'] },
    ];
    const counts = buildTable([2, 3], [120, 90, 4, 100, 80, 60]);
    const e6 = buildTable([2, 3], [50, 40, 1, 45, 30, 20]);
    const e12 = buildTable([2, 3], [70, 55, 2, 60, 52, 9]);
    const rsa = buildTable([2, 3], [12, 15, 0, 20, 11, 12]);
    const result = await discloseTables(
      { dims, counts, numerators: { employed_6m: e6, employed_12m: e12, rsa_12m: rsa }, incomplete: [] },
      DisclosurePolicy.parse({}),
    );
    const curve = releaseCurve(
      [
        { month: 0, atRisk: 500, events: 0, survival: 1 },
        { month: 1, atRisk: 400, events: 100, survival: 0.8 },
        { month: 2, atRisk: 8, events: 300, survival: 0.2 },
      ],
      11,
    );
    const html = renderReleaseHtml({ id: 'r1', study: 's1', result, curve });
    expect(html.match(/<svg /g)?.length).toBe(3); // employed, rsa, survival
    expect(html).not.toMatch(/<script>/);
    expect(html).toContain('&#60;script&#62;');
    const suppressed = result.cells.reduce(
      (n, c) =>
        n +
        (c.suppressed ? 1 : 0) +
        Object.values(c.outcomes).filter((o) => o.suppressed && !c.suppressed).length,
      0,
    );
    const hiddenCounts = result.cells.filter((c) => c.suppressed).length;
    expect(suppressed).toBeGreaterThan(0);
    // a suppressed count hides its outcomes too: 1 + 3 marks per such cell, 1 per other suppressed outcome
    expect(html.match(/class="num sup"/g)?.length).toBe(suppressed + hiddenCounts * 3);
    // the survival table stops at the step whose number at risk is under the threshold
    expect(html).toContain('<td>2</td><td class="num">…</td>');
  });
});
