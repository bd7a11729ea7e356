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
 * (`second`; bin 0 when it has none).
 *
 * Model. A record without a true match (a share q of the N records) has for best and runner-up the two
 * largest of its non-match scores; a record with one has the match and the largest non-match. For the
 * largest of many independent scores the number of scores above x is close to Poisson with a mean y(x),
 * so P(largest ≤ x) = e^(−y) and P(second largest ≤ x) = e^(−y)(1 + y). The runner-up histogram is then
 *
 *   P(second ≤ x) = q · e^(−y)(1 + y) + (1 − q) · e^(−y) = e^(−y)(1 + q·y),
 *
 * which gives y(x), hence G1(x) = e^(−y(x)): the distribution of an unmatched record's best. Matches are
 * rare below the lower quartile of the runner-ups, so q ≈ best(< x₂₅) / (N · G1(x₂₅)); q and G1 are
 * solved together by a few fixed-point steps from q = 1. Then, for each cut t,
 *
 *   false links  ≈ q · N · (1 − G1(t))                          unmatched records whose best passes
 *   missed links ≈ Σ_{bins < t} max(0, best − q · N · ΔG1)       matches left below the cut
 *
 * and the cut with the smallest sum wins (the middle of a tie). When every record has a match (FEBRL4)
 * q is near 0 and the cut goes down towards where the matches end; when most have none (the hub's
 * residuals) it settles where unmatched records' best scores fade out. Only cuts at or above `floor`
 * are considered. Null without data. Pure.
 */
export function mixtureThreshold(
  best: ArrayLike<number>,
  second: ArrayLike<number>,
  floor: number,
): number | null {
  const bins = best.length;
  let n = 0;
  for (let i = 0; i < bins; i++) n += second[i] as number;
  if (n === 0) return null;
  // runner-up CDF at each bin edge e (scores < e / bins), and its lower quartile edge
  const s2 = new Float64Array(bins + 1);
  let quartile = bins;
  for (let e = 1; e <= bins; e++) {
    s2[e] = (s2[e - 1] as number) + (second[e - 1] as number) / n;
    if (quartile === bins && (s2[e] as number) >= 0.25) quartile = e;
  }
  let below = 0;
  for (let i = 0; i < quartile; i++) below += best[i] as number;
  let q = 1;
  const g1 = new Float64Array(bins + 1);
  for (let step = 0; step < 30; step++) {
    for (let e = 0; e <= bins; e++) g1[e] = Math.exp(-poissonMean(s2[e] as number, q));
    const atQ = g1[quartile] as number;
    const next = atQ > 0 ? Math.min(1, below / (n * atQ)) : 1;
    if (Math.abs(next - q) < 1e-6) break;
    q = next;
  }
  const first = Math.max(1, Math.ceil(floor * bins));
  let bestCost = Number.POSITIVE_INFINITY;
  let lo = -1;
  let hi = -1;
  let fn = 0;
  const missed = (i: number) =>
    Math.max(0, (best[i] as number) - q * n * ((g1[i + 1] as number) - (g1[i] as number)));
  for (let i = 0; i < first; i++) fn += missed(i);
  for (let t = first; t < bins; t++) {
    const cost = q * n * (1 - (g1[t] as number)) + fn;
    if (cost < bestCost - 1e-9) {
      bestCost = cost;
      lo = t;
      hi = t;
    } else if (Math.abs(cost - bestCost) <= 1e-9) hi = t;
    fn += missed(t);
  }
  if (lo < 0) return null;
  return Math.round((lo + hi) / 2) / bins;
}

/** y ≥ 0 with e^(−y)(1 + q·y) = p, for p in [0, 1] and q in [0, 1] (∞ for p = 0, 0 for p = 1). */
export function poissonMean(p: number, q = 1): number {
  if (p >= 1) return 0;
  if (p <= 0) return Number.POSITIVE_INFINITY;
  const f = (y: number) => Math.exp(-y) * (1 + q * y);
  let lo = 0;
  let hi = 1;
  while (f(hi) > p) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
