import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditRelease } from './audit.js';
import { primarySuppression } from './primary.js';
import { protect } from './protect.js';
import { buildTable } from './table.js';

describe('protect() with sensitive cells', () => {
  it('keeps every primary cell of random 3 × 3 × 3 tables at least the threshold wide, with fewer programs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 27, maxLength: 27 }),
        async (interior) => {
          const table = buildTable([3, 3, 3], interior);
          const primary = primarySuppression(table.cells, [], 11).suppressed;
          const p = await protect(table, primary, 11, { sensitive: primary });
          const { exposed } = await auditRelease(table, p.suppressed, 11);
          expect(exposed.filter((c) => primary[c] === 1)).toEqual([]);
          // the sensitive audit reports only primary cells
          for (const c of p.audit.intervals.keys()) expect(primary[c]).toBe(1);
        },
      ),
      { numRuns: 25 },
    );
  });
});
