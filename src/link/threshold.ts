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

/**
 * The threshold that minimises the expected number of errors of a one-to-one assignment, from two
 * histograms over the records of the fuzzy stage: each record's best score (`best`) and its runner-up
 * (`second`; 0 when it has none). A record's runner-up is a non-match, so `second` estimates the
 * distribution of best non-match scores, N. The best scores mix records that have a true match (M) and
 * records that have none (whose best is a non-match, ≈ N): best ≈ π·M + (1 − π)·N. Below the median of
 * N matches are rare, so (1 − π) ≈ best(< median) / second(< median). Then, for each cut t,
 *
 *   false links  ≈ (1 − π) · second(≥ t)             records without a match whose best passes
 *   missed links ≈ Σ_{bins < t} max(0, best − (1 − π) · second)
 *
 * and the cut with the smallest sum wins (the middle of a tie). When every record has a match (FEBRL4)
 * π ≈ 1 and the cut goes down to where matches end; when most have none it settles where the two
 * curves cross. Only cuts at or above `floor` are considered. Returns null without data. Pure.
 */
export function mixtureThreshold(
  best: ArrayLike<number>,
  second: ArrayLike<number>,
  floor: number,
): number | null {
  const bins = best.length;
  let total = 0;
  for (let i = 0; i < bins; i++) total += second[i] as number;
  if (total === 0) return null;
  // median bin of the runner-up distribution
  let acc = 0;
  let median = 0;
  for (let i = 0; i < bins; i++) {
    acc += second[i] as number;
    if (acc >= total / 2) {
      median = i;
      break;
    }
  }
  let b = 0;
  let s = 0;
  for (let i = 0; i <= median; i++) {
    b += best[i] as number;
    s += second[i] as number;
  }
  const noMatch = s === 0 ? 1 : Math.min(1, b / s);
  const first = Math.ceil(floor * bins);
  let bestCost = Number.POSITIVE_INFINITY;
  let lo = -1;
  let hi = -1;
  for (let t = Math.max(1, first); t < bins; t++) {
    let fp = 0;
    for (let i = t; i < bins; i++) fp += noMatch * (second[i] as number);
    let fn = 0;
    for (let i = 0; i < t; i++) fn += Math.max(0, (best[i] as number) - noMatch * (second[i] as number));
    const cost = fp + fn;
    if (cost < bestCost - 1e-9) {
      bestCost = cost;
      lo = t;
      hi = t;
    } else if (Math.abs(cost - bestCost) <= 1e-9) hi = t;
  }
  if (lo < 0) return null;
  return Math.round((lo + hi) / 2) / bins;
}
