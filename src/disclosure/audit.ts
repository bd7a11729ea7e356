/**
 * The exact audit of a release: what an attacker who knows every released cell and margin, and that counts
 * are non-negative integers, can infer about each suppressed cell. For every suppressed cell two linear
 * programs (HiGHS, WebAssembly) minimise and maximise its value over all the tables consistent with the
 * release; the cell is *exposed* when the interval is narrower than the protection width. `protect()`
 * (protect.ts) extends a suppression pattern until no cell is exposed (design note, rule 2).
 *
 * The primitive is `auditSystem` (lp.ts): linear equations over numbered quantities, some known (released),
 * some unknown (suppressed, ≥ 0). A table contributes one equation per line (`tableEquations`). Several
 * tables released in the same study are audited together by giving each of their cells the id of the
 * population quantity it counts — the same id for the same quantity in two tables, e.g. with
 * `projectionIds` when both are margins of one breakdown cube — and stacking their equations
 * (`auditTables`): a quantity released in any table is then known in all of them. With `cube`, the
 * equations of the unreleased cube itself are added (the attacker knows the tables come from one
 * non-negative cube), which can only narrow the intervals.
 *
 * On the exactness of LP bounds, see lp.ts.
 */
import {
  type AuditOptions,
  auditSystem,
  type Equation,
  type Interval,
  isExposed,
  type LinearSystem,
} from './lp.js';
import { cellCount, checkTable, lines, type Table, toCoords, toIndex } from './table.js';

export {
  type AuditOptions,
  auditSystem,
  type Equation,
  type Interval,
  isExposed,
  type LinearSystem,
} from './lp.js';

export interface Audit {
  /** interval of every suppressed cell, by cell index */
  readonly intervals: ReadonlyMap<number, Interval>;
  /** the suppressed cells whose interval is narrower than the protection width, ascending */
  readonly exposed: readonly number[];
}

export function checkProtection(protection: number): void {
  if (!Number.isFinite(protection) || protection < 0) {
    throw new RangeError('the protection width is not a finite non-negative number');
  }
}

/**
 * The line equations of a table (Σ interior − total = 0), its cells numbered by `ids` (default: index).
 */
export function tableEquations(dims: readonly number[], ids?: ArrayLike<number>): Equation[] {
  const id = (c: number): number => (ids ? (ids[c] as number) : c);
  return lines(dims).map((line) => ({
    terms: [...line.interior.map((c) => [id(c), 1] as const), [id(line.total), -1] as const],
    rhs: 0,
  }));
}

/**
 * Ids for a table that is the margin of a cube over the dimensions `keep` (in order): each of its cells
 * gets the index of the cube cell with the other dimensions at their total, so that tables cut from the
 * same cube share the ids of the quantities they both count.
 *
 * @example
 * // age × sex and age × region, both from age × sex × region (dims [5, 2, 13])
 * const a = projectionIds([5, 2, 13], [0, 1]);
 * const b = projectionIds([5, 2, 13], [0, 2]);
 */
export function projectionIds(cubeDims: readonly number[], keep: readonly number[]): Int32Array {
  const dims = keep.map((d) => {
    const n = cubeDims[d];
    if (n === undefined) throw new RangeError('a kept dimension is not a dimension of the cube');
    return n;
  });
  const out = new Int32Array(cellCount(dims));
  for (let c = 0; c < out.length; c++) {
    const coords = toCoords(dims, c);
    const cube = cubeDims.slice();
    keep.forEach((d, k) => {
      cube[d] = coords[k] as number;
    });
    out[c] = toIndex(cubeDims, cube);
  }
  return out;
}

/** The attacker's system for one table: its line equations, released cells known, suppressed unknown. */
export function tableSystem(table: Table, suppressed: Uint8Array): LinearSystem {
  checkTable(table);
  if (suppressed.length !== table.cells.length) {
    throw new RangeError('the suppression mask does not match the table');
  }
  const known = new Map<number, number>();
  const unknowns: number[] = [];
  table.cells.forEach((v, c) => {
    if (suppressed[c]) unknowns.push(c);
    else known.set(c, v);
  });
  return { equations: tableEquations(table.dims), known, unknowns };
}

export function summarise(intervals: ReadonlyMap<number, Interval>, protection: number): Audit {
  const exposed = [...intervals]
    .filter(([, iv]) => isExposed(iv, protection))
    .map(([c]) => c)
    .sort((a, b) => a - b);
  return { intervals, exposed };
}

/**
 * Audits one released table: the interval of every suppressed cell, and those narrower than `protection`.
 *
 * @example
 * const { exposed } = await auditRelease(table, mask, 11);
 * if (exposed.length > 0) // refuse, or call protect()
 */
export async function auditRelease(
  table: Table,
  suppressed: Uint8Array,
  protection: number,
  opts: AuditOptions = {},
): Promise<Audit> {
  checkProtection(protection);
  const intervals = await auditSystem(tableSystem(table, suppressed), opts);
  return summarise(intervals, protection);
}

export interface Release {
  readonly table: Table;
  readonly suppressed: Uint8Array;
  /** the quantity counted by each cell; equal ids across tables are the same quantity (default: fresh) */
  readonly ids?: ArrayLike<number>;
}

/**
 * Audits tables released together, stacked into one system (see the module comment). A quantity
 * released in one table and suppressed in another is known (interval of width 0) in both.
 *
 * @param opts.cube dims of the cube the ids index (from `projectionIds`): its line equations are added,
 *   its cells that no table releases are unknowns ≥ 0
 */
export async function auditTables(
  releases: readonly Release[],
  protection: number,
  opts: AuditOptions & { readonly cube?: readonly number[] } = {},
): Promise<Audit[]> {
  checkProtection(protection);
  for (const r of releases) {
    checkTable(r.table);
    if (r.ids && r.ids.length !== r.table.cells.length) throw new RangeError('ids do not match the table');
    if (r.suppressed.length !== r.table.cells.length) {
      throw new RangeError('the suppression mask does not match the table');
    }
  }
  // tables without ids get fresh ones, past the cube and every id given
  let next = opts.cube ? cellCount(opts.cube) : 0;
  for (const r of releases) for (const id of Array.from(r.ids ?? [])) next = Math.max(next, id + 1);
  const idsOf = releases.map((r) => {
    if (r.ids) return Array.from(r.ids);
    const fresh = Array.from(r.table.cells, (_, c) => next + c);
    next += r.table.cells.length;
    return fresh;
  });
  const known = new Map<number, number>();
  const equations: Equation[] = [];
  releases.forEach((r, k) => {
    const ids = idsOf[k] as number[];
    r.table.cells.forEach((v, c) => {
      if (r.suppressed[c]) return;
      const id = ids[c] as number;
      const prior = known.get(id);
      if (prior !== undefined && prior !== v) throw new RangeError('two tables release different values');
      known.set(id, v);
    });
    equations.push(...tableEquations(r.table.dims, ids));
  });
  const unknown = new Set<number>();
  idsOf.forEach((ids) => {
    for (const id of ids) if (!known.has(id)) unknown.add(id);
  });
  if (opts.cube) {
    equations.push(...tableEquations(opts.cube));
    for (let id = 0; id < cellCount(opts.cube); id++) if (!known.has(id)) unknown.add(id);
  }
  const unknowns = [...unknown].sort((a, b) => a - b);
  const targets = [...new Set(idsOf.flat().filter((id) => unknown.has(id)))].sort((a, b) => a - b);
  const byId = await auditSystem({ equations, known, unknowns }, { integer: opts.integer ?? false, targets });
  return releases.map((r, k) => {
    const ids = idsOf[k] as number[];
    const intervals = new Map<number, Interval>();
    r.table.cells.forEach((v, c) => {
      if (!r.suppressed[c]) return;
      const id = ids[c] as number;
      intervals.set(c, byId.get(id) ?? [v, v]);
    });
    return summarise(intervals, protection);
  });
}
