/**
 * Choosing the match threshold from the scores alone (no ground truth): the score of each record's best
 * candidate is bimodal — records whose true match is among the candidates score high, the others score
 * at the level of chance similarity. Otsu's method (1979) picks the cut that maximises the variance
 * between the two groups of a histogram, which for a bimodal histogram falls in the valley between the
 * modes; when the valley is empty, its middle. Pure.
 */

export const HISTOGRAM_BINS = 100;

/** Counts of scores in [0, 1] in `bins` equal bins (1.0 falls in the last). */
export function histogram(
  scores: ArrayLike<number>,
  bins = HISTOGRAM_BINS,
  count = scores.length,
): Float64Array {
  const h = new Float64Array(bins);
  for (let i = 0; i < count; i++) {
    const s = scores[i] as number;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(s * bins)));
    h[b] = (h[b] as number) + 1;
  }
  return h;
}

/**
 * Otsu's threshold of a histogram over [0, 1]: the lower edge of the first bin of the upper class.
 * Returns null when the histogram has fewer than two non-empty bins (nothing to separate).
 */
export function otsuThreshold(h: ArrayLike<number>): number | null {
  const bins = h.length;
  let total = 0;
  let sumAll = 0;
  let nonEmpty = 0;
  for (let i = 0; i < bins; i++) {
    const c = h[i] as number;
    total += c;
    sumAll += i * c;
    if (c > 0) nonEmpty++;
  }
  if (nonEmpty < 2) return null;
  let wB = 0;
  let sumB = 0;
  // between-class variance of each cut; an empty valley gives a plateau of equal values, whose middle
  // is the cut least sensitive to where either mode ends
  const between = new Float64Array(bins);
  let best = -1;
  for (let t = 0; t < bins - 1; t++) {
    const c = h[t] as number;
    wB += c;
    sumB += t * c;
    const wF = total - wB;
    if (wB === 0 || wF === 0) continue;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    between[t] = wB * wF * (mB - mF) * (mB - mF);
    if ((between[t] as number) > best) best = between[t] as number;
  }
  let first = -1;
  let last = -1;
  for (let t = 0; t < bins - 1; t++) {
    if ((between[t] as number) >= best * (1 - 1e-12)) {
      if (first < 0) first = t;
      last = t;
    } else if (first >= 0) break;
  }
  return (Math.round((first + last) / 2) + 1) / bins;
}
