/**
 * The exact audit of a release: what an attacker who knows every released cell and margin, and that counts
 * are non-negative integers, can infer about each suppressed cell. For every suppressed cell two linear
 * programs (HiGHS, WebAssembly) minimise and maximise its value over all the tables consistent with the
 * release; the cell is *exposed* when the interval is narrower than the protection width. `protect()`
 * extends a suppression pattern until no cell is exposed (design note, rule 2).
 *
 * The general primitive is `auditSystem`: linear equations over numbered quantities, some known (released),
 * some unknown (suppressed, ≥ 0). A table contributes one equation per line (`tableEquations`). Several
 * tables released in the same study are audited together by giving each of their cells the id of the
 * population quantity it counts — the same id for the same quantity in two tables, e.g. with
 * `projectionIds` when both are margins of one breakdown cube — and stacking their equations
 * (`auditTables`): a quantity released in any table is then known in all of them. With `cube`, the
 * equations of the unreleased cube itself are added (the attacker knows the tables come from one
 * non-negative cube), which can only narrow the intervals.
 *
 * The LP relaxation gives an outer bound of what an integer-aware attacker derives; bounds are rounded
 * inwards (⌈lo⌉, ⌊hi⌋), exact for two-way tables (totally unimodular), and `integer: true` solves the
 * integer programs instead for three or more dimensions.
 */
import type { Highs, InitOptions } from 'highs';
import { LdhError } from '../core/errors.js';
import {
  cheapestReleased,
  type SecondaryOptions,
  type SecondarySuppression,
  secondarySuppression,
} from './secondary.js';
import { cellCount, checkTable, lines, linesThrough, type Table, toCoords, toIndex } from './table.js';

/** Σ coef · quantity[id] = rhs */
export interface Equation {
  readonly terms: readonly (readonly [id: number, coef: number])[];
  readonly rhs: number;
}

/** The attacker's knowledge: equations, the released quantities and the unknown (suppressed) ones. */
export interface LinearSystem {
  readonly equations: readonly Equation[];
  readonly known: ReadonlyMap<number, number>;
  readonly unknowns: readonly number[];
}

/** [lowest, highest] value consistent with the release (hi may be +Infinity). */
export type Interval = readonly [lo: number, hi: number];

export interface AuditOptions {
  /** solve integer programs instead of their LP relaxations (exact in every dimension, slower) */
  readonly integer?: boolean;
}

export interface Audit {
  /** interval of every suppressed cell, by cell index */
  readonly intervals: ReadonlyMap<number, Interval>;
  /** the suppressed cells whose interval is narrower than the protection width, ascending */
  readonly exposed: readonly number[];
}

let loading: Promise<Highs> | undefined;

/** The HiGHS WebAssembly instance, loaded once per process. */
export function highsSolver(): Promise<Highs> {
  loading ??= import('highs')
    // The package's types are CommonJS-shaped (default = the module) but its ESM build's default export
    // is the loader itself, which is what Node and Vitest load.
    .then((m: { readonly default: unknown }) => (m.default as (options?: InitOptions) => Promise<Highs>)())
    .catch((cause: unknown) => {
      loading = undefined;
      throw new LdhError('INTERNAL', 'the HiGHS solver could not be loaded', { cause });
    });
  return loading;
}

function checkProtection(protection: number): void {
  if (!Number.isFinite(protection) || protection < 0) {
    throw new RangeError('the protection width is not a finite non-negative number');
  }
}

/** True when an interval is narrower than the protection width. */
export function isExposed([lo, hi]: Interval, protection: number): boolean {
  return hi - lo < protection;
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

function term(coef: number, name: string, first: boolean): string {
  const sign = coef < 0 ? '-' : first ? '' : '+';
  const abs = Math.abs(coef);
  const body = abs === 1 ? name : `${abs} ${name}`;
  return sign ? `${sign} ${body}` : body;
}

/** The constraint and bound sections of the LP (CPLEX LP format), shared by every objective. */
function lpBody(system: LinearSystem, integer: boolean): { body: string; names: Map<number, string> } {
  const names = new Map<number, string>();
  system.unknowns.forEach((id, k) => {
    if (names.has(id)) throw new RangeError('an unknown is listed twice');
    if (system.known.has(id)) throw new RangeError('a quantity is both known and unknown');
    names.set(id, `x${k}`);
  });
  const rows: string[] = [];
  system.equations.forEach((eq, r) => {
    let rhs = eq.rhs;
    const coefs = new Map<number, number>();
    for (const [id, coef] of eq.terms) {
      if (!Number.isFinite(coef)) throw new RangeError('a coefficient is not finite');
      const v = system.known.get(id);
      if (v !== undefined) rhs -= coef * v;
      else if (names.has(id)) coefs.set(id, (coefs.get(id) ?? 0) + coef);
      else throw new RangeError('an equation uses a quantity that is neither known nor unknown');
    }
    const terms = [...coefs].filter(([, c]) => c !== 0);
    if (terms.length === 0) {
      if (Math.abs(rhs) > 1e-9) throw new RangeError('the released values do not satisfy an equation');
      return;
    }
    // one term per line keeps long rows readable and within any reader's line limit
    const lhs = terms.map(([id, c], k) => term(c, names.get(id) as string, k === 0)).join('\n   ');
    rows.push(` c${r}: ${lhs} = ${rhs === 0 ? 0 : rhs}`);
  });
  const all = [...names.values()];
  const bounds = all.map((n) => ` ${n} >= 0`).join('\n');
  const general = integer && all.length > 0 ? `General\n ${all.join(' ')}\n` : '';
  return { body: `Subject To\n${rows.join('\n')}\nBounds\n${bounds}\n${general}End\n`, names };
}

const SOLVE_OPTIONS = { output_flag: false } as const;
// With a single integer variable as objective, a gap under 1 proves optimality.
const MIP_OPTIONS = { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0.5 } as const;

type Optimum = { value: number; primal: Map<string, number> };

function optimise(highs: Highs, lp: string, integer: boolean): Optimum {
  let result = highs.solve(lp, integer ? MIP_OPTIONS : SOLVE_OPTIONS);
  if (result.Status === 'Primal infeasible or unbounded') {
    // presolve could not tell the two apart; the release is feasible (its true values), so ask without it
    result = highs.solve(lp, { ...(integer ? MIP_OPTIONS : SOLVE_OPTIONS), presolve: 'off' });
  }
  switch (result.Status) {
    case 'Optimal': {
      const primal = new Map<string, number>();
      for (const [name, col] of Object.entries(result.Columns)) {
        if ('Primal' in col) primal.set(name, col.Primal);
      }
      return { value: result.ObjectiveValue, primal };
    }
    case 'Unbounded':
      return { value: Number.POSITIVE_INFINITY, primal: new Map() };
    case 'Infeasible':
      throw new RangeError('the released values are inconsistent: no non-negative table fits them');
    default:
      throw new LdhError('INTERNAL', `the LP solver stopped with status "${result.Status}"`);
  }
}

function tolerance(v: number): number {
  return 1e-6 + 1e-9 * Math.abs(v);
}

/**
 * The interval of each target unknown: two programs per target (minimise, maximise its value) subject to
 * every equation with the known values moved to the right-hand side and every unknown ≥ 0. A minimum is
 * skipped when an earlier solution already had the target at 0.
 *
 * @param opts.targets the unknowns to bound (default: all)
 */
export async function auditSystem(
  system: LinearSystem,
  opts: AuditOptions & { readonly targets?: readonly number[] } = {},
): Promise<Map<number, Interval>> {
  const integer = opts.integer ?? false;
  const { body, names } = lpBody(system, integer);
  const targets = opts.targets ?? system.unknowns;
  const out = new Map<number, Interval>();
  if (targets.length === 0) return out;
  const highs = await highsSolver();
  // smallest value each unknown took in a solution so far: a 0 proves its minimum
  const seenMin = new Map<string, number>();
  const record = (primal: ReadonlyMap<string, number>): void => {
    for (const [n, v] of primal) seenMin.set(n, Math.min(v, seenMin.get(n) ?? Number.POSITIVE_INFINITY));
  };
  for (const id of targets) {
    const name = names.get(id);
    if (name === undefined) throw new RangeError('a target is not an unknown of the system');
    const max = optimise(highs, `Maximize\n obj: ${name}\n${body}`, integer);
    record(max.primal);
    let lo = 0;
    if ((seenMin.get(name) ?? Number.POSITIVE_INFINITY) > tolerance(0)) {
      const min = optimise(highs, `Minimize\n obj: ${name}\n${body}`, integer);
      record(min.primal);
      lo = Math.max(0, Math.ceil(min.value - tolerance(min.value)));
    }
    const hi = Number.isFinite(max.value) ? Math.floor(max.value + tolerance(max.value)) : max.value;
    out.set(id, [lo, hi]);
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

function summarise(intervals: ReadonlyMap<number, Interval>, protection: number): Audit {
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

export interface ProtectOptions {
  /**
   * The cells whose value must stay hidden (1): typically the primary cells. Without it every suppressed
   * cell must keep an interval at least `protection` wide; with it only these, which is what disclosure
   * needs (a secondary cell is suppressed to protect others, its own value is not sensitive) and far
   * cheaper: one pair of programs per sensitive cell instead of per suppressed cell.
   */
  readonly sensitive?: Uint8Array;
}

export interface Protection {
  /** the final mask: primary, line and audit suppressions */
  readonly suppressed: Uint8Array;
  /** the exact audit of the final mask */
  readonly audit: Audit;
  /** the cells added to the primary mask, in order, with their rule */
  readonly added: readonly SecondarySuppression[];
  /** number of audit rounds (each suppresses one cell, then closes its lines with the line rule) */
  readonly rounds: number;
}

/**
 * Secondary suppression, then the audit; while a suppressed cell is exposed, the cheapest released cell
 * on a line through the most exposed cell (narrowest interval, then smallest value, then index) is
 * suppressed, the line rule is applied again and the audit repeats. Suppressing more only widens the
 * intervals (the old feasible set is the new one with the added cell fixed), so each round audits only
 * the cells exposed so far and the new ones; the returned audit is a full one of the final mask.
 * Terminates: each round suppresses a cell, and a fully suppressed table exposes nothing.
 */
export async function protect(
  table: Table,
  suppressed: Uint8Array,
  protection: number,
  opts: AuditOptions & SecondaryOptions & ProtectOptions = {},
): Promise<Protection> {
  checkProtection(protection);
  const zeros = opts.zeros ?? 'avoid';
  const all = lines(table.dims);
  const through = linesThrough(table.dims, all);
  const cellsOfLine = all.map((l) => [...l.interior, l.total]);
  const first = secondarySuppression(table, suppressed, { zeros });
  let mask = first.suppressed;
  const added: SecondarySuppression[] = [...first.added];
  const system = (): LinearSystem => tableSystem(table, mask);
  // the cells whose value must stay hidden: every suppressed cell, or only the sensitive ones
  const sensitive = opts.sensitive;
  const targetsOf = (cells: Iterable<number>) =>
    [...cells].filter((c) => mask[c] === 1 && (!sensitive || sensitive[c] === 1));
  const intervals = await auditSystem(system(), {
    ...opts,
    targets: targetsOf(mask.keys()),
  });
  let rounds = 0;
  for (;;) {
    const exposed = [...intervals].filter(([, iv]) => isExposed(iv, protection));
    if (exposed.length === 0) break;
    exposed.sort(([a, ia], [b, ib]) => {
      const wa = ia[1] - ia[0];
      const wb = ib[1] - ib[0];
      return wa - wb || (table.cells[a] as number) - (table.cells[b] as number) || a - b;
    });
    const target = (exposed[0] as [number, Interval])[0];
    const extra = complementFor(table, mask, target, through, cellsOfLine, zeros);
    const before = mask;
    const grown = Uint8Array.from(mask);
    grown[extra] = 1;
    added.push({ cell: extra, coords: toCoords(table.dims, extra), rule: 'secondary:audit' });
    const closed = secondarySuppression(table, grown, { zeros });
    mask = closed.suppressed;
    added.push(...closed.added);
    rounds++;
    const recheck = exposed.map(([c]) => c);
    for (let c = 0; c < mask.length; c++) if (mask[c] && !before[c]) recheck.push(c);
    const fresh = await auditSystem(system(), { ...opts, targets: targetsOf(recheck) });
    for (const [c, iv] of fresh) intervals.set(c, iv);
  }
  const audit = sensitive
    ? summarise(await auditSystem(system(), { ...opts, targets: targetsOf(mask.keys()) }), protection)
    : await auditRelease(table, mask, protection, opts);
  return { suppressed: mask, audit, added, rounds };
}

/**
 * The cell to suppress for an exposed cell: the cheapest released cell on its lines, else on the lines
 * through those lines' cells, and so on outwards.
 */
function complementFor(
  table: Table,
  mask: Uint8Array,
  cell: number,
  through: readonly (readonly number[])[],
  cellsOfLine: readonly (readonly number[])[],
  zeros: 'avoid' | 'allow',
): number {
  let frontier = [cell];
  const seen = new Set<number>(frontier);
  while (frontier.length > 0) {
    const ring = new Set<number>();
    for (const c of frontier) {
      for (const li of through[c] ?? []) for (const d of cellsOfLine[li] ?? []) if (!seen.has(d)) ring.add(d);
    }
    const best = cheapestReleased(table, mask, ring, zeros);
    if (best >= 0) return best;
    for (const d of ring) seen.add(d);
    frontier = [...ring];
  }
  throw new LdhError('INTERNAL', 'an exposed cell has no released cell left to suppress');
}
