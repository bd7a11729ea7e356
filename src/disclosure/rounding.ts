/**
 * Optional rounding of released counts to a base (conventional rounding, half up: 12 → 10 and 13 → 15
 * with base 5). Each cell and margin is rounded on its own, so rounded cells need not add up to the
 * rounded margin; shares are computed from the unrounded values and published to two decimals. Pure.
 */
export function roundToBase(value: number, base: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError('counts are non-negative integers');
  if (!Number.isInteger(base) || base < 2) throw new RangeError('the rounding base is an integer ≥ 2');
  return Math.floor((value + Math.floor(base / 2)) / base) * base;
}
