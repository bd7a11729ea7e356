import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditTables, projectionIds } from './audit.js';
import { auditCombined, type ReleasedQuery } from './combined.js';
import { protect } from './protect.js';
import { buildTable, cellCount, type Table } from './table.js';

/** The projection of a cube (interior values, row-major) onto the dimensions `keep`, with margins. */
function project(cubeDims: number[], interior: number[], keep: number[]): Table {
  const dims = keep.map((d) => cubeDims[d] as number);
  const out = new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(0);
  interior.forEach((v, i) => {
    const full: number[] = [];
    let rest = i;
    for (let d = cubeDims.length - 1; d >= 0; d--) {
      full[d] = rest % (cubeDims[d] as number);
      rest = Math.floor(rest / (cubeDims[d] as number));
    }
    const at = keep.reduce((acc, d, k) => acc * (dims[k] as number) + (full[d] as number), 0);
    out[at] = (out[at] as number) + v;
  });
  return buildTable(dims, out);
}

const countsOnly = (vars: string[], t: Table, mask: Uint8Array): ReleasedQuery => ({
  vars,
  counts: t,
  countMask: mask,
  numerators: [],
});

describe('auditing the releases of a study together', () => {
  it('finds a value hidden in one release and released by another', async () => {
    const counts = buildTable([2, 2], [5, 30, 40, 50]);
    const hidden = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0]); // rectangle and its margins
    const alone = await auditCombined(['q', 's'], [2, 2], [countsOnly(['q', 's'], counts, hidden)], 11);
    expect(alone).toEqual({ targets: 1, exposed: 0 });
    // the same table transposed (s × q), released without suppression
    const transposed = buildTable([2, 2], [5, 40, 30, 50]);
    const both = await auditCombined(
      ['q', 's'],
      [2, 2],
      [countsOnly(['q', 's'], counts, hidden), countsOnly(['s', 'q'], transposed, new Uint8Array(9))],
      11,
    );
    expect(both.exposed).toBe(1);
  });

  it('finds a numerator narrowed by another release', async () => {
    const counts = buildTable([2], [40, 50]);
    const employed = buildTable([2], [3, 30]);
    const a: ReleasedQuery = {
      vars: ['s'],
      counts,
      countMask: new Uint8Array(3),
      numerators: [{ name: 'employed_12m', table: employed, mask: Uint8Array.from([1, 1, 0]) }],
    };
    expect((await auditCombined(['s'], [2], [a], 11)).exposed).toBe(0);
    // another release of the same cohort without breakdown gives the total: nothing new
    const total: ReleasedQuery = {
      vars: [],
      counts: buildTable([1], [90]),
      countMask: new Uint8Array(2),
      numerators: [{ name: 'employed_12m', table: buildTable([1], [33]), mask: new Uint8Array(2) }],
    };
    expect((await auditCombined(['s'], [2], [a, total], 11)).exposed).toBe(0);
  });

  it('agrees with auditTables on the count targets of two protected projections of random cubes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 11, max: 60 })), {
          minLength: 12,
          maxLength: 12,
        }),
        async (interior) => {
          const cube = [2, 2, 3];
          const releases = [
            [0, 1],
            [1, 2],
          ];
          const tables = releases.map((keep) => project(cube, interior, keep));
          const masks: Uint8Array[] = [];
          for (const t of tables) {
            const primary = Uint8Array.from(t.cells, (v) => (v > 0 && v < 11 ? 1 : 0));
            masks.push((await protect(t, primary, 11, { sensitive: primary })).suppressed);
          }
          const mine = await auditCombined(
            ['a', 'b', 'c'],
            cube,
            releases.map((keep, k) =>
              countsOnly(
                keep.map((d) => ['a', 'b', 'c'][d] as string),
                tables[k] as Table,
                masks[k] as Uint8Array,
              ),
            ),
            11,
          );
          const theirs = await auditTables(
            releases.map((keep, k) => ({
              table: tables[k] as Table,
              suppressed: masks[k] as Uint8Array,
              ids: projectionIds(cube, keep),
            })),
            11,
            { cube },
          );
          // distinct cube cells that are small counts and exposed, per auditTables
          const exposed = new Set<number>();
          theirs.forEach((a, k) => {
            const ids = projectionIds(cube, releases[k] as number[]);
            for (const c of a.exposed) {
              const v = (tables[k] as Table).cells[c] as number;
              if (v > 0 && v < 11) exposed.add(ids[c] as number);
            }
          });
          expect(cellCount(cube)).toBe(36);
          expect(mine.exposed).toBe(exposed.size);
        },
      ),
      { numRuns: 30, seed: 7 },
    );
  });
});
