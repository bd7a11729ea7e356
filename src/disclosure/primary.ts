/**
 * Primary suppression: a cell is suppressed when its count, or the numerator or complement (count −
 * numerator) of any outcome in it, is under the threshold — a small count identifies people, and a small
 * numerator or complement tells something about almost everyone in the cell (group attribute
 * disclosure: "none of the 40 persons of this cell found work"). Margins are cells like any other. Pure.
 */

export type PrimaryRule = 'count' | 'numerator' | 'complement';

export interface Suppression {
  readonly cell: number;
  /** primary rules here; secondary.ts and audit.ts add `secondary:line` and `secondary:audit` */
  readonly rule: PrimaryRule | 'secondary:line' | 'secondary:audit';
  /** the outcome whose numerator or complement is small */
  readonly outcome?: number;
}

/**
 * @param counts cohort count per cell
 * @param numerators per outcome, the number of persons of each cell with the outcome
 */
export function primarySuppression(
  counts: ArrayLike<number>,
  numerators: readonly ArrayLike<number>[],
  threshold: number,
): { suppressed: Uint8Array; reasons: Suppression[] } {
  const n = counts.length;
  const suppressed = new Uint8Array(n);
  const reasons: Suppression[] = [];
  for (let cell = 0; cell < n; cell++) {
    const c = counts[cell] as number;
    if (c < threshold) {
      suppressed[cell] = 1;
      reasons.push({ cell, rule: 'count' });
      continue;
    }
    for (let o = 0; o < numerators.length; o++) {
      const k = (numerators[o] as ArrayLike<number>)[cell] as number;
      if (k < 0 || k > c) throw new RangeError('a numerator is outside [0, count]');
      const rule: PrimaryRule | null = k < threshold ? 'numerator' : c - k < threshold ? 'complement' : null;
      if (rule) {
        suppressed[cell] = 1;
        reasons.push({ cell, rule, outcome: o });
        break;
      }
    }
  }
  return { suppressed, reasons };
}
