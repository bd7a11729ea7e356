/**
 * A cheap proof that a suppressed cell is protected, before any linear program: a *box move*. Pick, in
 * every dimension, the cell's category and one other (possibly the total); the 2^n cells of that box, with
 * signs alternating along each dimension (and equal between a category and the total, since a total moves
 * with its line), can all change by ± δ without breaking any line equation of the table. When every cell
 * of the box is suppressed, each such change is another table consistent with the release, as long as the
 * cells stay within their own bounds (≥ 0, a numerator ≤ its count…). The largest δ up and the largest δ
 * down over all boxes give values the cell can take — an interval inside the attacker's, so a width at
 * least the protection proves the cell protected; a narrower one proves nothing (the LP decides). Pure.
 */
import { toCoords, toIndex } from './table.js';

export interface Slack {
  /** how much cell i may grow with the rest of the release fixed */
  readonly up: (cell: number) => number;
  /** how much it may shrink */
  readonly down: (cell: number) => number;
}

/**
 * The width proven by box moves for `cell` in a table of interior sizes `dims` (cells indexed with the
 * margins, as in table.ts) whose suppressed cells are `mask`.
 */
export function boxWidth(dims: readonly number[], mask: Uint8Array, cell: number, slack: Slack): number {
  const at = toCoords(dims, cell);
  // per dimension, the other categories whose single-step neighbour is suppressed (else no box uses them)
  const options = dims.map((n, d) => {
    const out: number[] = [];
    for (let b = 0; b <= n; b++) {
      if (b === at[d]) continue;
      const c = at.slice();
      c[d] = b;
      if (mask[toIndex(dims, c)]) out.push(b);
    }
    return out;
  });
  if (options.some((o) => o.length === 0)) return 0;
  let bestUp = 0;
  let bestDown = 0;
  const choice = new Array<number>(dims.length).fill(0);
  const corners = 1 << dims.length;
  for (;;) {
    let up = Number.POSITIVE_INFINITY;
    let down = Number.POSITIVE_INFINITY;
    for (let corner = 0; corner < corners && (up > bestUp || down > bestDown); corner++) {
      const c = at.slice();
      let sign = 1;
      for (let d = 0; d < dims.length; d++) {
        if (!(corner & (1 << d))) continue;
        const b = (options[d] as number[])[choice[d] as number] as number;
        c[d] = b;
        // two interior categories move oppositely; a category and its total move together
        const n = dims[d] as number;
        if (at[d] !== n && b !== n) sign = -sign;
      }
      const i = toIndex(dims, c);
      if (!mask[i]) {
        up = 0;
        down = 0;
        break;
      }
      up = Math.min(up, sign > 0 ? slack.up(i) : slack.down(i));
      down = Math.min(down, sign > 0 ? slack.down(i) : slack.up(i));
    }
    bestUp = Math.max(bestUp, up);
    bestDown = Math.max(bestDown, down);
    // next box
    let d = 0;
    while (d < dims.length) {
      choice[d] = (choice[d] as number) + 1;
      if ((choice[d] as number) < (options[d] as number[]).length) break;
      choice[d] = 0;
      d++;
    }
    if (d === dims.length) break;
  }
  return bestUp + bestDown;
}
