/**
 * Secondary suppression of one table until the exact audit exposes no cell: the line rule
 * (secondary.ts), then while a cell's interval (audit.ts) is narrower than the protection width, one more
 * cell on a line through it. Used for single tables; a count table and its numerator tables are protected
 * together by release.ts.
 */
import { LdhError } from '../core/errors.js';
import { type Audit, auditRelease, checkProtection, summarise, tableSystem } from './audit.js';
import { type AuditOptions, auditSystem, type Interval, isExposed, type LinearSystem } from './lp.js';
import {
  cheapestReleased,
  type SecondaryOptions,
  type SecondarySuppression,
  secondarySuppression,
} from './secondary.js';
import { lines, linesThrough, type Table, toCoords } from './table.js';

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
export function complementFor(
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
