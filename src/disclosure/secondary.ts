/**
 * Secondary suppression by lines: a line (one additivity equation, margins included) that holds exactly
 * one suppressed cell gives that cell away by subtraction, so each such line gets a second suppressed
 * cell — the released cell of the line with the smallest value, the one whose loss costs the least.
 * Necessary, not sufficient in two or more dimensions (cells can still be narrowed by combining lines):
 * `audit.ts` checks the result exactly and extends it. Pure.
 *
 * Order independence: the lines are not visited in storage order. At each step every line holding
 * exactly one suppressed cell proposes its cheapest released cell and the cheapest proposal of the whole
 * table is suppressed, then the proposals are recomputed. The result is thus a function of the cell
 * values and not of the order of lines or categories; the cell index only breaks exact ties.
 */
import { checkTable, type Line, lines, linesThrough, type Table, toCoords } from './table.js';

/** Why a cell was suppressed after primary suppression. */
export type SecondaryRule = 'secondary:line' | 'secondary:audit';

export interface SecondarySuppression {
  readonly cell: number;
  /** coordinates of the cell; a coordinate equal to dims[d] is the total of dimension d */
  readonly coords: readonly number[];
  readonly rule: SecondaryRule;
}

export interface SecondaryOptions {
  /**
   * `avoid` (default): a released zero is taken as complement only when the line has no released
   * non-zero cell. `allow`: zeros are ordinary small values (so they are taken first).
   */
  readonly zeros?: 'avoid' | 'allow';
}

/**
 * Why zeros are avoided: with x suppressed and a released zero z as the only complement of a line,
 * x + z = s gives x ≤ s = x — the attacker learns that the true value is the largest one possible, and
 * the audit would flag the cell anyway (its interval is at most [0, x], narrower than the threshold for a
 * primary cell). Suppressing a zero is allowed (it reveals nothing by itself) but only as a last resort.
 */
function complementKey(value: number, zeros: 'avoid' | 'allow'): number {
  return zeros === 'avoid' && value === 0 ? Number.POSITIVE_INFINITY : value;
}

/**
 * The cheapest released cell among `candidates` (by value — zeros last unless allowed — then by index),
 * or -1 when every candidate is suppressed.
 */
export function cheapestReleased(
  table: Table,
  mask: Uint8Array,
  candidates: Iterable<number>,
  zeros: 'avoid' | 'allow' = 'avoid',
): number {
  let best = -1;
  let bestKey = 0;
  for (const c of candidates) {
    if (mask[c]) continue;
    const key = complementKey(table.cells[c] as number, zeros);
    if (best < 0 || key < bestKey || (key === bestKey && c < best)) {
      best = c;
      bestKey = key;
    }
  }
  return best;
}

function lineCells(line: Line): number[] {
  return [...line.interior, line.total];
}

/**
 * Secondary suppression to a fixed point: afterwards no line holds exactly one suppressed cell.
 *
 * @param suppressed 1 for each suppressed cell (primary suppression), over all cells of the table
 * @returns the new mask (the input is not modified) and the added cells, in the order they were added
 * @example
 * const t = buildTable([2, 2], [3, 20, 30, 40]);
 * secondarySuppression(t, Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0])).added.map((a) => a.cell);
 * // [1, 3, 4]: the row's and the column's cheapest cells, then the cell closing the rectangle
 */
export function secondarySuppression(
  table: Table,
  suppressed: Uint8Array,
  opts: SecondaryOptions = {},
): { suppressed: Uint8Array; added: SecondarySuppression[] } {
  const zeros = opts.zeros ?? 'avoid';
  checkTable(table);
  if (suppressed.length !== table.cells.length) {
    throw new RangeError('the suppression mask does not match the table');
  }
  const all = lines(table.dims);
  const through = linesThrough(table.dims, all);
  const cellsOf = all.map(lineCells);
  const mask = Uint8Array.from(suppressed, (v) => (v ? 1 : 0));
  const count = cellsOf.map((cs) => cs.reduce((n, c) => n + (mask[c] as number), 0));
  const added: SecondarySuppression[] = [];
  for (;;) {
    // Each line with a single suppressed cell proposes its cheapest released cell; the cheapest proposal
    // of the whole table wins, so the visiting order of lines does not matter.
    let best = -1;
    let bestKey = 0;
    for (let li = 0; li < cellsOf.length; li++) {
      if (count[li] !== 1) continue;
      const c = cheapestReleased(table, mask, cellsOf[li] as number[], zeros);
      if (c < 0) continue;
      const key = complementKey(table.cells[c] as number, zeros);
      if (best < 0 || key < bestKey || (key === bestKey && c < best)) {
        best = c;
        bestKey = key;
      }
    }
    if (best < 0) break;
    mask[best] = 1;
    for (const li of through[best] as number[]) count[li] = (count[li] as number) + 1;
    added.push({ cell: best, coords: toCoords(table.dims, best), rule: 'secondary:line' });
  }
  return { suppressed: mask, added };
}
