/**
 * Disclosure control of one query's tables together: the count table (cohort size per cell, margins
 * included) and one numerator table per outcome (persons of the cell with the outcome), each with its own
 * suppression mask, so that a rare outcome hides that outcome's cells and not the whole table.
 *
 * What must stay hidden (the *targets*), for every non-empty cell i and outcome o:
 * - `count`: a cohort count under the threshold, 0 < C_i < T;
 * - `numerator`: N_oi < T (few persons with the outcome; zero included: "none of them found work");
 * - `complement`: C_i − N_oi < T ("all of them but three").
 * An empty cell (C_i = 0) discloses nobody and is released as 0.
 *
 * A numerator is hidden wherever its count is, so a share is never released without its base. The
 * attacker is assumed to know every released cell of every table, every table's margins equations and
 * that 0 ≤ N_oi ≤ C_i; the exact audit (lp.ts) bounds every target over that joint system — a complement
 * of a hidden count is bounded through both tables — and a target is protected when its interval is at
 * least the protection width (the threshold) wide. The line rule (secondary.ts) runs first on every
 * table; while a target is exposed, one more cell is suppressed on a line through it (in the numerator
 * table for numerator and complement targets, in the count table for count targets or when the
 * numerator table has no released cell left nearby), the line rule runs again, and the exposed targets
 * are audited again. Suppressing more only widens intervals (the earlier release is the later one with
 * cells fixed at their true value), so targets found protected stay protected and only exposed ones are
 * re-audited. Terminates: each round suppresses at least one cell, and everything suppressed exposes
 * nothing. Deterministic: ties are broken by position. Pure except the LP solver.
 */
import { LdhError } from '../core/errors.js';
import { tableEquations } from './audit.js';
import { boxWidth, type Slack } from './box.js';
import { type AuditOptions, boundExpressions, type Equation, type Expression, isExposed } from './lp.js';
import { complementFor } from './protect.js';
import { secondarySuppression } from './secondary.js';
import { checkTable, lines, linesThrough, type Table } from './table.js';

export type TargetRule = 'count' | 'numerator' | 'complement';
export type SuppressionRule = TargetRule | 'secondary:line' | 'secondary:audit';

export interface JointInput {
  readonly counts: Table;
  /** one table per outcome, the shape of `counts`, every cell within [0, count] */
  readonly numerators: readonly Table[];
}

export interface JointProtection {
  /** 1 = the cohort count of the cell is suppressed */
  readonly counts: Uint8Array;
  /** per outcome, 1 = its numerator (and share) is suppressed; always ⊇ `counts` */
  readonly numerators: readonly Uint8Array[];
  /** suppressed values by rule: a cell of a table counts once, under the first rule that hid it */
  readonly reasons: Readonly<Record<SuppressionRule, number>>;
  /** audit rounds after the line rule */
  readonly rounds: number;
}

interface Target {
  readonly rule: TargetRule;
  readonly cell: number;
  /** the outcome, for numerator and complement targets */
  readonly outcome: number;
  readonly expression: Expression;
}

/**
 * @param threshold the study threshold, also the protection width
 */
export async function protectJoint(
  input: JointInput,
  threshold: number,
  opts: AuditOptions = {},
): Promise<JointProtection> {
  const { counts, numerators } = input;
  checkTable(counts);
  const n = counts.cells.length;
  for (const t of numerators) {
    checkTable(t);
    if (t.dims.join() !== counts.dims.join()) throw new RangeError('a numerator table has another shape');
    t.cells.forEach((k, i) => {
      if (k < 0 || k > (counts.cells[i] as number)) throw new RangeError('a numerator is outside [0, count]');
    });
  }
  const nid = (o: number, i: number) => (o + 1) * n + i;
  const reasons: Record<SuppressionRule, number> = {
    count: 0,
    numerator: 0,
    complement: 0,
    'secondary:line': 0,
    'secondary:audit': 0,
  };

  // primary: the targets, and the cells they hide
  const targets: Target[] = [];
  let maskC: Uint8Array = new Uint8Array(n);
  let maskN: Uint8Array[] = numerators.map(() => new Uint8Array(n));
  for (let i = 0; i < n; i++) {
    const c = counts.cells[i] as number;
    if (c === 0) continue;
    if (c < threshold) {
      maskC[i] = 1;
      reasons.count++;
      targets.push({ rule: 'count', cell: i, outcome: -1, expression: { terms: [[i, 1]], floor: 0 } });
    }
    numerators.forEach((t, o) => {
      const k = t.cells[i] as number;
      const mask = maskN[o] as Uint8Array;
      const hide = (rule: TargetRule, expression: Expression) => {
        if (!mask[i] && !maskC[i]) reasons[rule]++;
        mask[i] = 1;
        targets.push({ rule, cell: i, outcome: o, expression });
      };
      if (k < threshold) hide('numerator', { terms: [[nid(o, i), 1]], floor: 0 });
      if (c - k < threshold)
        hide('complement', {
          terms: [
            [i, 1],
            [nid(o, i), -1],
          ],
          floor: 0,
        });
    });
  }

  const tables = [counts, ...numerators];
  const structure = tables.map((t) => {
    const all = lines(t.dims);
    return { through: linesThrough(t.dims, all), cellsOfLine: all.map((l) => [...l.interior, l.total]) };
  });
  const countHidden = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);
  /** the line rule on every table, numerators inheriting the count mask; counts what it adds */
  const closeLines = () => {
    const before = countHidden(maskC);
    maskC = secondarySuppression(counts, maskC).suppressed;
    reasons['secondary:line'] += countHidden(maskC) - before;
    maskN = numerators.map((t, o) => {
      const inherited = Uint8Array.from(maskN[o] as Uint8Array, (v, i) => v | (maskC[i] as number));
      const b = countHidden(inherited);
      const closed = secondarySuppression(t, inherited).suppressed;
      reasons['secondary:line'] += countHidden(closed) - b;
      return closed;
    });
  };
  const equations: Equation[] = tables.flatMap((t, k) =>
    tableEquations(
      t.dims,
      Array.from({ length: n }, (_, i) => k * n + i),
    ),
  );
  // how far each cell may move with the other tables fixed: a count not under the numerators it holds, a
  // numerator within [0, count]
  const floorOf = (i: number) => Math.max(0, ...numerators.map((t) => t.cells[i] as number));
  const slack: Slack[] = [
    { up: () => Number.POSITIVE_INFINITY, down: (i) => (counts.cells[i] as number) - floorOf(i) },
    ...numerators.map((t) => ({
      up: (i: number) => (counts.cells[i] as number) - (t.cells[i] as number),
      down: (i: number) => t.cells[i] as number,
    })),
  ];
  const truth = new Map<number, number>();
  tables.forEach((t, k) => {
    t.cells.forEach((v, i) => {
      truth.set(k * n + i, v);
    });
  });
  const bound = async (ts: readonly Target[]) => {
    const known = new Map<number, number>();
    const unknowns: number[] = [];
    tables.forEach((t, k) => {
      const mask = k === 0 ? maskC : (maskN[k - 1] as Uint8Array);
      t.cells.forEach((v, i) => {
        if (mask[i]) unknowns.push(k * n + i);
        else known.set(k * n + i, v);
      });
    });
    const order: Equation[] = [...equations];
    for (let o = 0; o < numerators.length; o++) {
      const mask = maskN[o] as Uint8Array;
      for (let i = 0; i < n; i++) {
        // N_oi ≤ C_i, needed only where the numerator is hidden (a released one is known)
        if (mask[i])
          order.push({
            terms: [
              [nid(o, i), 1],
              [i, -1],
            ],
            rhs: 0,
            sense: '<=',
          });
      }
    }
    // Only whether each target's interval reaches the threshold matters. A box move (box.ts) settles most
    // targets without a program; for the others the true tables are a known solution, and the solutions
    // met while bounding one target often settle others.
    const out: (readonly [number, number])[] = [];
    const rest: number[] = [];
    ts.forEach((t, k) => {
      const table = t.rule === 'count' ? 0 : t.outcome + 1;
      const mask = table === 0 ? maskC : (maskN[t.outcome] as Uint8Array);
      const width = boxWidth(counts.dims, mask, t.cell, slack[table] as Slack);
      if (width >= threshold) out[k] = [0, width];
      else rest.push(k);
    });
    const solved = await boundExpressions(
      { equations: order, known, unknowns },
      rest.map((k) => (ts[k] as Target).expression),
      { ...opts, atLeast: threshold, point: truth },
    );
    rest.forEach((k, j) => {
      out[k] = solved[j] as readonly [number, number];
    });
    return out;
  };

  closeLines();
  let pending: Target[] = targets;
  let rounds = 0;
  for (;;) {
    const intervals = await bound(pending);
    const exposed = pending
      .map((t, k) => ({ t, iv: intervals[k] as readonly [number, number] }))
      .filter(({ iv }) => isExposed(iv, threshold));
    if (exposed.length === 0) break;
    // narrowest first, then by position: one new cell per exposed target whose lines got none this round
    exposed.sort((a, b) => a.iv[1] - a.iv[0] - (b.iv[1] - b.iv[0]) || a.t.cell - b.t.cell);
    const touched = tables.map(() => new Set<number>());
    let grew = false;
    for (const { t } of exposed) {
      const k = t.rule === 'count' ? 0 : t.outcome + 1;
      const s = structure[k] as (typeof structure)[number];
      const near = (s.through[t.cell] ?? []).some((li) =>
        (s.cellsOfLine[li] ?? []).some((c) => (touched[k] as Set<number>).has(c)),
      );
      if (near) continue;
      let added = false;
      if (k > 0) {
        const mask = maskN[t.outcome] as Uint8Array;
        const extra = tryComplement(tables[k] as Table, mask, t.cell, s);
        if (extra >= 0) {
          mask[extra] = 1;
          (touched[k] as Set<number>).add(extra);
          added = true;
        }
      }
      if (!added) {
        const c0 = structure[0] as (typeof structure)[number];
        const extra = tryComplement(counts, maskC, t.cell, c0);
        if (extra >= 0) {
          maskC[extra] = 1;
          (touched[0] as Set<number>).add(extra);
          added = true;
        }
      }
      // nothing left to suppress near it: earlier additions of this round hid it, the next audit says
      if (!added) continue;
      grew = true;
      reasons['secondary:audit']++;
    }
    if (!grew) throw new LdhError('INTERNAL', 'an exposed target has no released cell left');
    closeLines();
    rounds++;
    pending = exposed.map(({ t }) => t);
  }
  return { counts: maskC, numerators: maskN, reasons, rounds };
}

function tryComplement(
  table: Table,
  mask: Uint8Array,
  cell: number,
  s: {
    readonly through: readonly (readonly number[])[];
    readonly cellsOfLine: readonly (readonly number[])[];
  },
): number {
  try {
    return complementFor(table, mask, cell, s.through, s.cellsOfLine, 'avoid');
  } catch (e) {
    if (e instanceof LdhError) return -1;
    throw e;
  }
}
