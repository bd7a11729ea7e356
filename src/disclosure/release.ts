/**
 * From computed tables to what a researcher may see: primary suppression on counts, numerators and
 * complements; secondary suppression and the exact audit on the count table and on every numerator
 * table, sharing one mask, until the mask is stable; values of incomplete outcomes withheld; optional
 * rounding or differential-privacy noise on what is released, shares computed from the released values.
 * Returns cells by category labels, never a person. Pure except the LP solver.
 */

import { noise, type Rng } from './dp.js';
import type { DisclosurePolicy } from './policy.js';
import { primarySuppression } from './primary.js';
import { protect } from './protect.js';
import { roundToBase } from './rounding.js';
import { type Table, toCoords } from './table.js';

export interface ComputedTables {
  readonly dims: readonly { readonly name: string; readonly categories: readonly string[] }[];
  readonly counts: Table;
  readonly numerators: Readonly<Record<string, Table>>;
  /** outcomes whose horizon falls after the end of the data for part of the cohort */
  readonly incomplete: readonly string[];
}

export interface ReleasedCell {
  /** one category label per breakdown, `total` for a margin */
  readonly coords: readonly string[];
  readonly count: number | null;
  readonly outcomes: Readonly<
    Record<string, { readonly count: number | null; readonly share: number | null }>
  >;
  readonly suppressed: boolean;
}

export interface ReleasedTables {
  readonly breakdowns: readonly string[];
  readonly cells: readonly ReleasedCell[];
  /** cells suppressed, by rule (coordinates are in `cells`; values never) */
  readonly suppression: Readonly<Record<string, number>>;
  readonly withheld: readonly string[];
  readonly rounding: number | null;
  readonly noise: string | null;
}

export async function discloseTables(
  t: ComputedTables,
  policy: DisclosurePolicy,
  rng?: Rng,
): Promise<ReleasedTables> {
  const outcomes = Object.keys(t.numerators);
  const primary = primarySuppression(
    t.counts.cells,
    outcomes.map((o) => (t.numerators[o] as Table).cells),
    policy.threshold,
  );
  const rules: Record<string, number> = {};
  for (const r of primary.reasons) rules[r.rule] = (rules[r.rule] ?? 0) + 1;
  let mask = primary.suppressed;
  const tables = [t.counts, ...outcomes.map((o) => t.numerators[o] as Table)];
  for (let round = 0; round < 10; round++) {
    const before = mask.reduce((a, b) => a + b, 0);
    for (const table of tables) {
      // only the primary cells' values must stay hidden; secondary cells only shield them
      const p = await protect(table, mask, policy.threshold, { sensitive: primary.suppressed });
      for (const a of p.added) rules[a.rule] = (rules[a.rule] ?? 0) + 1;
      mask = p.suppressed;
    }
    if (mask.reduce((a, b) => a + b, 0) === before) break;
  }
  const release = (v: number): number => {
    let x = v;
    if (policy.dp && rng) x = Math.max(0, x + Number(noise(rng, policy.dp.mechanism, policy.dp.perRelease)));
    if (policy.rounding) x = roundToBase(x, policy.rounding);
    return x;
  };
  const sizes = t.counts.dims;
  const cells: ReleasedCell[] = t.counts.cells.map((count, i) => {
    const coords = toCoords(sizes, i).map((c, d) =>
      c === sizes[d] ? 'total' : (t.dims[d]?.categories[c] ?? '?'),
    );
    const hidden = mask[i] === 1;
    const n = hidden ? null : release(count);
    const out: Record<string, { count: number | null; share: number | null }> = {};
    for (const o of outcomes) {
      const k =
        hidden || t.incomplete.includes(o) ? null : release((t.numerators[o] as Table).cells[i] as number);
      out[o] = {
        count: k,
        share: k === null || n === null || n === 0 ? null : Math.round((k / n) * 1e4) / 1e4,
      };
    }
    return { coords, count: n, outcomes: out, suppressed: hidden };
  });
  return {
    breakdowns: t.dims.map((d) => d.name),
    cells,
    suppression: rules,
    withheld: [...t.incomplete],
    rounding: policy.rounding,
    noise: policy.dp ? policy.dp.mechanism : null,
  };
}
