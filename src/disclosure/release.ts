/**
 * From computed tables to what a researcher may see: the count table and the numerator table of every
 * complete outcome protected together (joint.ts: primary targets, line rule, exact audit), values of
 * incomplete outcomes withheld, optional rounding or differential-privacy noise on what is released,
 * shares computed from the released values.
 * Returns cells by category labels, never a person. Pure except the LP solver.
 */

import { noise, type Rng } from './dp.js';
import { type JointProtection, protectJoint } from './joint.js';
import type { DisclosurePolicy } from './policy.js';
import { roundToBase } from './rounding.js';
import { buildTable, type Table, toCoords } from './table.js';

export interface ComputedTables {
  readonly dims: readonly { readonly name: string; readonly categories: readonly string[] }[];
  readonly counts: Table;
  readonly numerators: Readonly<Record<string, Table>>;
  /** outcomes whose horizon falls after the end of the data for part of the cohort */
  readonly incomplete: readonly string[];
}

/** An outcome in a cell: null when suppressed, or withheld (outcome incomplete, `suppressed` false). */
export interface ReleasedValue {
  readonly count: number | null;
  readonly share: number | null;
  readonly suppressed: boolean;
}

export interface ReleasedCell {
  /** one category label per breakdown, `total` for a margin */
  readonly coords: readonly string[];
  readonly count: number | null;
  readonly outcomes: Readonly<Record<string, ReleasedValue>>;
  /** the cohort count is suppressed (and with it every outcome of the cell) */
  readonly suppressed: boolean;
}

export interface ReleasedTables {
  readonly breakdowns: readonly string[];
  readonly cells: readonly ReleasedCell[];
  /** values suppressed, by rule, counted in the table where the rule hid them (positions are in `cells`) */
  readonly suppression: Readonly<Record<string, number>>;
  readonly withheld: readonly string[];
  readonly rounding: number | null;
  readonly noise: string | null;
}

/** What disclosure control decided for computed tables: the masks, before any rounding or noise. */
export interface Protected {
  /** the outcomes released (complete ones), in the order of `joint.numerators` */
  readonly released: readonly string[];
  readonly joint: JointProtection;
}

/** The suppression decision for computed tables (deterministic: the same tables give the same masks). */
export async function protectTables(t: ComputedTables, policy: DisclosurePolicy): Promise<Protected> {
  const outcomes = Object.keys(t.numerators);
  // a withheld outcome is not released at all, so it takes no part in the protection of the others
  const released = outcomes.filter((o) => !t.incomplete.includes(o));
  const joint = await protectJoint(
    { counts: t.counts, numerators: released.map((o) => t.numerators[o] as Table) },
    policy.threshold,
  );
  return { released, joint };
}

/**
 * The release of computed tables under a protection: suppressed values left out, rounding or noise on the
 * others (noise drawn afresh on every call), shares from the released values.
 */
export function renderTables(
  t: ComputedTables,
  { released, joint }: Protected,
  policy: DisclosurePolicy,
  rng?: Rng,
): ReleasedTables {
  const outcomes = Object.keys(t.numerators);
  // With noise, only the interior cells are drawn — a count and its clipped numerators — and the margins
  // are their sums: a value is never released twice with independent noise (averaging the copies would
  // cancel it), and the tables stay additive. Rounding, if any, applies to what is released.
  const noisy = policy.dp && rng ? noisyTables(t, released, policy.dp, rng) : undefined;
  const value = (table: Table, name: string | null, i: number): number => {
    let x = noisy
      ? ((name === null ? noisy.counts : (noisy.numerators[name] as Table)).cells[i] as number)
      : (table.cells[i] as number);
    if (policy.rounding) x = roundToBase(x, policy.rounding);
    return x;
  };
  const sizes = t.counts.dims;
  const cells: ReleasedCell[] = t.counts.cells.map((_, i) => {
    const coords = toCoords(sizes, i).map((c, d) =>
      c === sizes[d] ? 'total' : (t.dims[d]?.categories[c] ?? '?'),
    );
    const hidden = joint.counts[i] === 1;
    const n = hidden ? null : value(t.counts, null, i);
    const out: Record<string, ReleasedValue> = {};
    for (const o of outcomes) {
      const r = released.indexOf(o);
      const suppressed = r >= 0 && (joint.numerators[r] as Uint8Array)[i] === 1;
      const k = r < 0 || suppressed ? null : value(t.numerators[o] as Table, o, i);
      out[o] = {
        count: k,
        share: k === null || n === null || n === 0 ? null : Math.round((k / n) * 1e4) / 1e4,
        suppressed,
      };
    }
    return { coords, count: n, outcomes: out, suppressed: hidden };
  });
  const suppression = Object.fromEntries(Object.entries(joint.reasons).filter(([, v]) => v > 0));
  return {
    breakdowns: t.dims.map((d) => d.name),
    cells,
    suppression,
    withheld: [...t.incomplete],
    rounding: policy.rounding,
    noise: policy.dp ? policy.dp.mechanism : null,
  };
}

/** `protectTables` then `renderTables`. */
export async function discloseTables(
  t: ComputedTables,
  policy: DisclosurePolicy,
  rng?: Rng,
): Promise<ReleasedTables> {
  return renderTables(t, await protectTables(t, policy), policy, rng);
}

/** Interior cells with noise (counts ≥ 0, numerators within [0, count]), margins summed from them. */
function noisyTables(
  t: ComputedTables,
  released: readonly string[],
  dp: NonNullable<DisclosurePolicy['dp']>,
  rng: Rng,
): { counts: Table; numerators: Record<string, Table> } {
  const dims = t.counts.dims;
  const interior = dims.reduce((p, n) => p * n, 1);
  const sizes = dims.map((n) => n + 1);
  // interior cell j (row-major over dims) → its index among the cells with margins
  const at = (j: number): number => {
    let rest = j;
    let index = 0;
    let stride = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      const n = dims[d] as number;
      index += (rest % n) * stride;
      rest = Math.floor(rest / n);
      stride *= sizes[d] as number;
    }
    return index;
  };
  const draw = () => Number(noise(rng, dp.mechanism, dp.perRelease));
  const counts = Array.from({ length: interior }, (_, j) =>
    Math.max(0, (t.counts.cells[at(j)] as number) + draw()),
  );
  const numerators: Record<string, Table> = {};
  for (const o of released) {
    const table = t.numerators[o] as Table;
    const cells = Array.from({ length: interior }, (_, j) =>
      Math.min(counts[j] as number, Math.max(0, (table.cells[at(j)] as number) + draw())),
    );
    numerators[o] = buildTable(dims, cells);
  }
  return { counts: buildTable(dims, counts), numerators };
}
