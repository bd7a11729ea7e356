/**
 * Bounds by linear programming: what an attacker who knows a set of linear relations between counts, some
 * of their values, and that counts are non-negative, can infer about a linear expression of the unknown
 * counts (a suppressed cell, or a complement count − numerator). Each bound is one linear program solved
 * by HiGHS (WebAssembly).
 *
 * The system is split into its connected components first — two unknowns are connected when a relation
 * holds both — and an expression is bounded over the component(s) it touches only: a release of a few
 * thousand cells with scattered suppressions becomes many programs of a few variables each, which is what
 * makes the audit fast enough to run on every query.
 *
 * The LP relaxation gives an outer bound of what an integer-aware attacker derives; bounds are rounded
 * inwards (⌈lo⌉, ⌊hi⌋), exact for two-way tables (totally unimodular); `integer: true` solves integer
 * programs instead.
 */
import type { Highs, InitOptions } from 'highs';
import { LdhError } from '../core/errors.js';

/** Σ coef · quantity[id] = rhs (or ≤ rhs with `sense: '<='`) */
export interface Equation {
  readonly terms: readonly (readonly [id: number, coef: number])[];
  readonly rhs: number;
  /** default `=` */
  readonly sense?: '=' | '<=';
}

/** The attacker's knowledge: relations, the released quantities and the unknown (suppressed) ones ≥ 0. */
export interface LinearSystem {
  readonly equations: readonly Equation[];
  readonly known: ReadonlyMap<number, number>;
  readonly unknowns: readonly number[];
}

/** A linear expression of quantities to bound; `floor` is a lower bound known a priori (skips a program). */
export interface Expression {
  readonly terms: readonly (readonly [id: number, coef: number])[];
  readonly floor?: number;
}

/** [lowest, highest] value consistent with the release (hi may be +Infinity). */
export type Interval = readonly [lo: number, hi: number];

export interface AuditOptions {
  /** solve integer programs instead of their LP relaxations (exact in every dimension, slower) */
  readonly integer?: boolean;
}

export interface WidthOptions {
  /**
   * Stop bounding an expression once two solutions are known where its values differ by at least this
   * much: the interval returned is then the span of those values, inside the true interval (enough to
   * decide that a target is protected, not its exact bounds). Default: exact intervals.
   */
  readonly atLeast?: number;
  /** a point known to satisfy the system (e.g. the true table): a free solution for `atLeast` */
  readonly point?: ReadonlyMap<number, number>;
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

/** True when an interval is narrower than the protection width. */
export function isExposed([lo, hi]: Interval, protection: number): boolean {
  return hi - lo < protection;
}

function term(coef: number, name: string, first: boolean): string {
  const sign = coef < 0 ? '-' : first ? '' : '+';
  const abs = Math.abs(coef);
  const body = abs === 1 ? name : `${abs} ${name}`;
  return sign ? `${sign} ${body}` : body;
}

const SOLVE_OPTIONS = { output_flag: false } as const;
// With integer variables and an integer objective, a gap under 1 proves optimality.
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

/** A relation with its known quantities moved to the right-hand side (unknown terms merged, zeros dropped). */
interface Reduced {
  readonly terms: readonly (readonly [id: number, coef: number])[];
  readonly rhs: number;
  readonly sense: '=' | '<=';
}

function reduce(system: LinearSystem, unknown: ReadonlySet<number>): Reduced[] {
  const out: Reduced[] = [];
  for (const eq of system.equations) {
    let rhs = eq.rhs;
    const coefs = new Map<number, number>();
    for (const [id, coef] of eq.terms) {
      if (!Number.isFinite(coef)) throw new RangeError('a coefficient is not finite');
      const v = system.known.get(id);
      if (v !== undefined) rhs -= coef * v;
      else if (unknown.has(id)) coefs.set(id, (coefs.get(id) ?? 0) + coef);
      else throw new RangeError('an equation uses a quantity that is neither known nor unknown');
    }
    const terms = [...coefs].filter(([, c]) => c !== 0);
    const sense = eq.sense ?? '=';
    if (terms.length === 0) {
      const bad = sense === '=' ? Math.abs(rhs) > 1e-9 : rhs < -1e-9;
      if (bad) throw new RangeError('the released values do not satisfy an equation');
      continue;
    }
    out.push({ terms, rhs, sense });
  }
  return out;
}

/** Connected components of the unknowns through the relations: unknown id → component root. */
function components(unknowns: readonly number[], relations: readonly Reduced[]): Map<number, number> {
  const parent = new Map<number, number>(unknowns.map((u) => [u, u]));
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as number;
    let y = x;
    while (y !== r) {
      const next = parent.get(y) as number;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  for (const rel of relations) {
    const first = rel.terms[0]?.[0];
    if (first === undefined) continue;
    const a = find(first);
    for (const [id] of rel.terms) {
      const b = find(id);
      if (b !== a) parent.set(b, a);
    }
  }
  const root = new Map<number, number>();
  for (const u of unknowns) root.set(u, find(u));
  return root;
}

/** The constraint and bound sections of the LP (CPLEX LP format) of one component. */
function lpBody(
  unknowns: readonly number[],
  relations: readonly Reduced[],
  integer: boolean,
): { body: string; names: Map<number, string> } {
  const names = new Map<number, string>(unknowns.map((id, k) => [id, `x${k}`]));
  const rows = relations.map((rel, r) => {
    // one term per line keeps long rows readable and within any reader's line limit
    const lhs = rel.terms.map(([id, c], k) => term(c, names.get(id) as string, k === 0)).join('\n   ');
    return ` c${r}: ${lhs} ${rel.sense} ${rel.rhs === 0 ? 0 : rel.rhs}`;
  });
  const all = [...names.values()];
  const bounds = all.map((n) => ` ${n} >= 0`).join('\n');
  const general = integer && all.length > 0 ? `General\n ${all.join(' ')}\n` : '';
  return { body: `Subject To\n${rows.join('\n')}\nBounds\n${bounds}\n${general}End\n`, names };
}

/**
 * The interval of each expression: two programs (minimise, maximise), each over the components the
 * expression touches, subject to the relations with the known values moved to the right-hand side and
 * every unknown ≥ 0. A minimum is skipped when a solution seen already reached the expression's `floor`.
 * Known quantities in an expression count at their value.
 */
export async function boundExpressions(
  system: LinearSystem,
  expressions: readonly Expression[],
  opts: AuditOptions & WidthOptions = {},
): Promise<Interval[]> {
  const integer = opts.integer ?? false;
  const unknown = new Set<number>();
  for (const id of system.unknowns) {
    if (unknown.has(id)) throw new RangeError('an unknown is listed twice');
    if (system.known.has(id)) throw new RangeError('a quantity is both known and unknown');
    unknown.add(id);
  }
  const relations = reduce(system, unknown);
  if (expressions.length === 0) return [];
  const root = components(system.unknowns, relations);
  const membersOf = new Map<number, number[]>();
  for (const u of system.unknowns) {
    const r = root.get(u) as number;
    const m = membersOf.get(r);
    if (m) m.push(u);
    else membersOf.set(r, [u]);
  }
  const relationsOf = new Map<number, Reduced[]>();
  for (const rel of relations) {
    const r = root.get((rel.terms[0] as readonly [number, number])[0]) as number;
    const list = relationsOf.get(r);
    if (list) list.push(rel);
    else relationsOf.set(r, [rel]);
  }
  const bodies = new Map<string, { body: string; names: Map<number, string> }>();
  const bodyOf = (roots: readonly number[]) => {
    const key = roots.join(',');
    let b = bodies.get(key);
    if (!b) {
      b = lpBody(
        roots.flatMap((r) => membersOf.get(r) ?? []),
        roots.flatMap((r) => relationsOf.get(r) ?? []),
        integer,
      );
      bodies.set(key, b);
    }
    return b;
  };
  const highs = await highsSolver();
  // the solutions met so far, per LP body (components), as values of its variables
  const solutions = new Map<string, Map<string, number>[]>();
  const prepared = expressions.map((ex) => {
    let constant = 0;
    const coefs = new Map<number, number>();
    for (const [id, coef] of ex.terms) {
      const v = system.known.get(id);
      if (v !== undefined) constant += coef * v;
      else if (unknown.has(id)) coefs.set(id, (coefs.get(id) ?? 0) + coef);
      else throw new RangeError('an expression uses a quantity that is neither known nor unknown');
    }
    const terms = [...coefs].filter(([, c]) => c !== 0);
    const roots = [...new Set(terms.map(([id]) => root.get(id) as number))].sort((a, b) => a - b);
    return { ex, constant, terms, roots, key: roots.join(',') };
  });
  if (opts.atLeast !== undefined) {
    // Two sweeps per group of expressions over the same components — maximise, then minimise, their sum
    // — give solutions where many of them sit at an extreme at once: most are then settled by `atLeast`
    // without programs of their own.
    const groups = new Map<string, (typeof prepared)[number][]>();
    for (const p of prepared) {
      if (p.terms.length === 0) continue;
      const g = groups.get(p.key) ?? [];
      groups.set(p.key, g);
      g.push(p);
    }
    for (const [key, g] of groups) {
      if (g.length < 3) continue;
      const { body, names } = bodyOf(g[0]?.roots ?? []);
      const sum = new Map<number, number>();
      for (const p of g) for (const [id, c] of p.terms) sum.set(id, (sum.get(id) ?? 0) + c);
      const terms = [...sum].filter(([, c]) => c !== 0);
      if (terms.length === 0) continue;
      const objective = terms.map(([id, c], k) => term(c, names.get(id) as string, k === 0)).join(' ');
      const seen = solutions.get(key) ?? [];
      solutions.set(key, seen);
      for (const sense of ['Maximize', 'Minimize']) {
        const r = optimise(highs, `${sense}\n obj: ${objective}\n${body}`, integer);
        if (r.primal.size > 0) seen.push(r.primal);
      }
    }
  }
  const out: Interval[] = [];
  for (const { ex, constant, terms, roots, key } of prepared) {
    if (terms.length === 0) {
      out.push([constant, constant]);
      continue;
    }
    const { body, names } = bodyOf(roots);
    const objective = terms.map(([id, c], k) => term(c, names.get(id) as string, k === 0)).join(' ');
    const valueAt = (primal: ReadonlyMap<string, number>) =>
      terms.reduce((s, [id, c]) => s + c * (primal.get(names.get(id) as string) ?? 0), constant);
    const seen = solutions.get(key) ?? [];
    solutions.set(key, seen);
    // the values it takes in the solutions seen so far in these components, and at the known point
    const known: number[] = seen.map(valueAt);
    if (opts.point) {
      const v = terms.reduce((acc, [id, c]) => acc + c * (opts.point?.get(id) ?? Number.NaN), constant);
      if (Number.isFinite(v)) known.push(v);
    }
    const atLeast = opts.atLeast;
    const spans = (lo: number, hi: number) =>
      atLeast !== undefined && hi - lo >= atLeast - tolerance(atLeast);
    const inward = (lo: number, hi: number): Interval => [
      Math.ceil(lo - tolerance(lo)),
      Number.isFinite(hi) ? Math.floor(hi + tolerance(hi)) : hi,
    ];
    const lowKnown = Math.min(...known);
    if (spans(lowKnown, Math.max(...known))) {
      out.push(inward(lowKnown, Math.max(...known)));
      continue;
    }
    const max = optimise(highs, `Maximize\n obj: ${objective}\n${body}`, integer);
    if (max.primal.size > 0) seen.push(max.primal);
    const hiValue = max.value + constant;
    if (spans(lowKnown, hiValue)) {
      out.push(inward(lowKnown, hiValue));
      continue;
    }
    let lo: number;
    const floor = ex.floor;
    if (floor !== undefined && seen.some((p) => valueAt(p) <= floor + tolerance(floor))) {
      lo = floor;
    } else {
      const min = optimise(highs, `Minimize\n obj: ${objective}\n${body}`, integer);
      if (min.primal.size > 0) seen.push(min.primal);
      const v = min.value + constant;
      lo = Math.ceil(v - tolerance(v));
      if (floor !== undefined) lo = Math.max(floor, lo);
    }
    const hi = Number.isFinite(hiValue) ? Math.floor(hiValue + tolerance(hiValue)) : hiValue;
    out.push([lo, hi]);
  }
  return out;
}

/**
 * The interval of each target unknown (default: every unknown) — `boundExpressions` on single
 * quantities, whose floor is 0.
 */
export async function auditSystem(
  system: LinearSystem,
  opts: AuditOptions & { readonly targets?: readonly number[] } = {},
): Promise<Map<number, Interval>> {
  const targets = opts.targets ?? system.unknowns;
  const unknown = new Set(system.unknowns);
  for (const id of targets) {
    if (!unknown.has(id)) throw new RangeError('a target is not an unknown of the system');
  }
  const intervals = await boundExpressions(
    system,
    targets.map((id) => ({ terms: [[id, 1]], floor: 0 })),
    opts,
  );
  return new Map(targets.map((id, k) => [id, intervals[k] as Interval]));
}
