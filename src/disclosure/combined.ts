/**
 * The audit of several releases of one study together: tables of the same cohort with different
 * breakdowns are margins of one cube (the cohort broken down by every variable any of them uses), so a
 * value suppressed in one may be narrowed with the values another released. The attacker's system here:
 * the cube's cells (counts, and per outcome the numerators) are unknowns ≥ 0 linked by the cube's line
 * equations and 0 ≤ N ≤ C; every value released by any of the releases fixes the cube cell it counts
 * (`projectionIds`). Every value that one of the releases had to hide (its targets: small counts,
 * numerators and complements — joint.ts) must still have an interval at least the threshold wide; the
 * result says how many do not. Pure except the LP solver.
 */
import { projectionIds, tableEquations } from './audit.js';
import { boundExpressions, type Equation, type Expression, isExposed } from './lp.js';
import { cellCount, type Table } from './table.js';

export interface ReleasedQuery {
  /** the cube variables of the table's dimensions, in the table's order ([] for a table without breakdown) */
  readonly vars: readonly string[];
  /** the true counts, and which were suppressed */
  readonly counts: Table;
  readonly countMask: Uint8Array;
  /** per outcome (by name), the true numerators and which were suppressed */
  readonly numerators: readonly { readonly name: string; readonly table: Table; readonly mask: Uint8Array }[];
}

export interface CombinedAudit {
  readonly targets: number;
  /** targets whose interval is narrower than the threshold once every release is known together */
  readonly exposed: number;
}

/**
 * @param cubeVars the cube's variables, each once
 * @param cubeDims their numbers of categories
 */
export async function auditCombined(
  cubeVars: readonly string[],
  cubeDims: readonly number[],
  releases: readonly ReleasedQuery[],
  threshold: number,
  /** the true cube, when known (counts and numerators by outcome): a free solution that saves programs */
  truth?: { readonly counts: Table; readonly numerators: Readonly<Record<string, Table>> },
): Promise<CombinedAudit> {
  const m = cellCount(cubeDims);
  const outcomes = [...new Set(releases.flatMap((r) => r.numerators.map((n) => n.name)))];
  const offset = (name: string | null) => (name === null ? 0 : (outcomes.indexOf(name) + 1) * m);
  const grand = m - 1;
  const known = new Map<number, number>();
  const expressions = new Map<string, Expression>();
  const target = (terms: Expression['terms']) => {
    expressions.set(terms.map(([id, c]) => `${c}·${id}`).join('+'), { terms, floor: 0 });
  };
  for (const r of releases) {
    const keep = r.vars.map((v) => {
      const d = cubeVars.indexOf(v);
      if (d < 0) throw new RangeError('a release uses a variable outside the cube');
      return d;
    });
    // a table without breakdown is one cell and its total: both the cube's grand total
    const ids =
      keep.length === 0 ? Int32Array.from(r.counts.cells, () => grand) : projectionIds(cubeDims, keep);
    if (ids.length !== r.counts.cells.length) throw new RangeError('a release does not fit the cube');
    const fix = (id: number, v: number) => {
      const prior = known.get(id);
      if (prior !== undefined && prior !== v) throw new RangeError('two releases disagree on a value');
      known.set(id, v);
    };
    r.counts.cells.forEach((c, i) => {
      const id = ids[i] as number;
      if (!r.countMask[i]) fix(id, c);
      for (const n of r.numerators) {
        const k = n.table.cells[i] as number;
        const nid = offset(n.name) + id;
        if (!n.mask[i]) fix(nid, k);
        if (c === 0) continue;
        if (k < threshold) target([[nid, 1]]);
        if (c - k < threshold)
          target([
            [id, 1],
            [nid, -1],
          ]);
      }
      if (c > 0 && c < threshold) target([[id, 1]]);
    });
  }
  const equations: Equation[] = [null, ...outcomes].flatMap((o) =>
    tableEquations(
      cubeDims,
      Array.from({ length: m }, (_, i) => offset(o) + i),
    ),
  );
  for (const o of outcomes) {
    for (let i = 0; i < m; i++) {
      const nid = offset(o) + i;
      if (known.has(nid) && known.has(i)) continue;
      equations.push({
        terms: [
          [nid, 1],
          [i, -1],
        ],
        rhs: 0,
        sense: '<=',
      });
    }
  }
  const unknowns: number[] = [];
  for (let id = 0; id < m * (outcomes.length + 1); id++) if (!known.has(id)) unknowns.push(id);
  // targets fully known are exposed outright (interval of width 0); the LP handles the rest
  const list = [...expressions.values()];
  let point: Map<number, number> | undefined;
  if (truth && outcomes.every((o) => truth.numerators[o])) {
    point = new Map();
    for (const [o, t] of [
      [null, truth.counts] as const,
      ...outcomes.map((o) => [o, truth.numerators[o]] as const),
    ]) {
      const at = offset(o);
      t?.cells.forEach((v, i) => {
        point?.set(at + i, v);
      });
    }
  }
  const intervals = await boundExpressions({ equations, known, unknowns }, list, {
    atLeast: threshold,
    ...(point ? { point } : {}),
  });
  const exposed = intervals.filter((iv) => isExposed(iv, threshold)).length;
  return { targets: list.length, exposed };
}
