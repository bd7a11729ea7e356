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
 * For a distribution G1 of "the best score of a record that has no true match" and the share q of such
 * records among the N, the expected errors at a cut t are
 *
 *   false links  ≈ q · N · (1 − G1(t))                          unmatched records whose best passes
 *   missed links ≈ Σ_{bins < t} max(0, best − q · N · ΔG1)       matches left below the cut
 *
 * with q ≈ best(< x₂₅) / (N · G1(x₂₅)), x₂₅ the lower quartile of the runner-ups (matches are rare that
 * low). G1 is not observed; two models bracket it:
 *
 * - order statistics: for the largest of many independent scores the number above x is close to Poisson
 *   with mean y(x), so P(largest ≤ x) = e^(−y) and P(second largest ≤ x) = e^(−y)(1 + y); the runner-up
 *   histogram, P(second ≤ x) = e^(−y)(1 + q·y), gives y and G1 = e^(−y) (q and G1 solved together by a
 *   few fixed-point steps). It over-counts false links: it ignores that the one-to-one assignment first
 *   gives a record's best candidate to that candidate's own true match;
 * - runner-up: G1 = the runner-up distribution itself. It under-counts them (an unmatched record's
 *   runner-up is only the second of its non-matches).
 *
 * Each model's cut minimises the sum above (the middle of a tie); the threshold is the midpoint of the
 * two cuts. Measured: FEBRL4 (every record matched) 0.67, both models agreeing; the synthetic population
 * (most residual records unmatched) 0.88 and 0.55, midpoint 0.72 where F1 is at its plateau (bench/README.md).
 * Only cuts at or above `floor` are considered. Null without data. Pure.
 */
export function mixtureThreshold(
  best: ArrayLike<number>,
  second: ArrayLike<number>,
  floor: number,
): number | null {
  const c = mixtureCuts(best, second, floor);
  if (c === null) return null;
  const { upper, lower } = c;
  if (upper === null || lower === null) return upper ?? lower;
  return Math.round(((upper + lower) / 2) * best.length) / best.length;
}

/** The cuts of the two models of `mixtureThreshold` (order statistics: upper; runner-up: lower). */
export function mixtureCuts(
  best: ArrayLike<number>,
  second: ArrayLike<number>,
  floor: number,
): { upper: number | null; lower: number | null } | null {
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
  const shareWithout = (g1: Float64Array) =>
    (g1[quartile] as number) > 0 ? Math.min(1, below / (n * (g1[quartile] as number))) : 1;
  // the order-statistics model, q and G1 solved together
  let q = 1;
  const poisson = new Float64Array(bins + 1);
  for (let step = 0; step < 30; step++) {
    for (let e = 0; e <= bins; e++) poisson[e] = Math.exp(-poissonMean(s2[e] as number, q));
    const next = shareWithout(poisson);
    if (Math.abs(next - q) < 1e-6) break;
    q = next;
  }
  const upper = bestCut(best, poisson, q, n, floor);
  // the runner-up model: G1 = the runner-up distribution itself
  const lower = bestCut(best, s2, shareWithout(s2), n, floor);
  return { upper, lower };
}

/**
 * The threshold from the joint histogram of each record's (best, runner-up) scores — `joint[b · bins + s]`
 * counts the records whose best score falls in bin b and runner-up in bin s. The runner-up of a record
 * that has a true match is the best of its non-matches, exactly the score G1 that an unmatched record's
 * best follows; records whose best is at or above the order-statistics model's cut (which over-counts
 * false links, so few unmatched records score above it) are taken as matched, and the distribution of
 * their runner-ups estimates G1 directly, instead of bracketing it between two models. The share q of
 * unmatched records and the cut then follow as in `mixtureThreshold`, except that the false links are
 * counted as q · N · (1 − G1(t)) · q: under the one-to-one assignment an unmatched record's best candidate
 * is usually the true match of another record, which takes it first; about a share q of candidates are
 * free (the sides are taken as alike). Measured (bench/README.md, "Protocol v3"): at 100,000 synthetic
 * persons the cut is 0.60 where the midpoint of the two models said 0.68 (F1 on pairs without a valid
 * NIR 0.9927 against 0.9715); on FEBRL4, where every record has a match, 0.44–0.47 against 0.48–0.51
 * (F1 0.998 against 0.994–0.997). Falls back to `mixtureThreshold` when fewer than `minMatched` records
 * are above that cut. Pure.
 */
export function conditionalThreshold(
  joint: ArrayLike<number>,
  bins: number,
  floor: number,
  minMatched = 30,
): number | null {
  const best = new Float64Array(bins);
  const second = new Float64Array(bins);
  for (let b = 0; b < bins; b++)
    for (let r = 0; r < bins; r++) {
      const c = joint[b * bins + r] as number;
      best[b] = (best[b] as number) + c;
      second[r] = (second[r] as number) + c;
    }
  const cuts = mixtureCuts(best, second, floor);
  if (cuts === null) return null;
  const fallback = () => mixtureThreshold(best, second, floor);
  if (cuts.upper === null) return fallback();
  const from = Math.round(cuts.upper * bins);
  const cond = new Float64Array(bins);
  let matched = 0;
  for (let b = from; b < bins; b++)
    for (let r = 0; r < bins; r++) {
      const c = joint[b * bins + r] as number;
      cond[r] = (cond[r] as number) + c;
      matched += c;
    }
  if (matched < minMatched) return fallback();
  const g1 = new Float64Array(bins + 1);
  for (let e = 1; e <= bins; e++) g1[e] = (g1[e - 1] as number) + (cond[e - 1] as number) / matched;
  let n = 0;
  for (let i = 0; i < bins; i++) n += second[i] as number;
  // q from the records whose best is below the lower quartile of G1: unmatched ones, nearly all
  let quartile = bins;
  for (let e = 1; e <= bins; e++)
    if ((g1[e] as number) >= 0.25) {
      quartile = e;
      break;
    }
  let below = 0;
  for (let i = 0; i < quartile; i++) below += best[i] as number;
  const q = (g1[quartile] as number) > 0 ? Math.min(1, below / (n * (g1[quartile] as number))) : 1;
  // one-to-one: an unmatched record's best candidate is, but for a share of about q, taken by its own
  // true match first, so only about q of those best scores can become false links
  return bestCut(best, g1, q, n, floor, q) ?? fallback();
}

/**
 * The cut minimising free·q·N·(1 − G1(t)) + Σ_{bins < t} max(0, best − q·N·ΔG1), at or above `floor`
 * (`free`: the share of an unmatched record's best candidates still free to link, 1 in the models).
 */
function bestCut(
  best: ArrayLike<number>,
  g1: Float64Array,
  q: number,
  n: number,
  floor: number,
  free = 1,
): number | null {
  const bins = best.length;
  const first = Math.max(1, Math.ceil(floor * bins));
  const missed = (i: number) =>
    Math.max(0, (best[i] as number) - q * n * ((g1[i + 1] as number) - (g1[i] as number)));
  let fn = 0;
  for (let i = 0; i < first; i++) fn += missed(i);
  let lowest = Number.POSITIVE_INFINITY;
  let lo = -1;
  let hi = -1;
  for (let t = first; t < bins; t++) {
    const cost = free * q * n * (1 - (g1[t] as number)) + fn;
    if (cost < lowest - 1e-9) {
      lowest = cost;
      lo = t;
      hi = t;
    } else if (Math.abs(cost - lowest) <= 1e-9) hi = t;
    fn += missed(t);
  }
  return lo < 0 ? null : Math.round((lo + hi) / 2) / bins;
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
