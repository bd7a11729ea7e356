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
 *   false links  ≈ q · N · (1 − G1(t)) · q                      unmatched records whose best passes, and
 *                                                                whose best candidate is free
 *   missed links ≈ Σ_{bins < t} max(0, best − q · N · ΔG1)       matches left below the cut
 *
 * with q ≈ best(< x₂₅) / (N · G1(x₂₅)), x₂₅ the lower quartile of G1 (matches are rare that low). The
 * last factor q is the one-to-one assignment: an unmatched record's best candidate is, but for a share of
 * about q (the sides taken as alike), the true match of another record, which takes it first. G1 is not
 * observed; two models bracket it:
 *
 * - order statistics: for the largest of many independent scores the number above x is close to Poisson
 *   with mean y(x), so P(largest ≤ x) = e^(−y) and P(second largest ≤ x) = e^(−y)(1 + y); the runner-up
 *   histogram, P(second ≤ x) = e^(−y)(1 + q·y), gives y on its bulk (5–95 %), where ln y is fitted by
 *   least squares as a straight line in x — the Gumbel law of maxima —, and G1 = e^(−y) (q and the fit
 *   solved together by a few fixed-point steps). Fitting the bulk, not reading every bin, keeps the
 *   runner-ups that are true matches (a record with two records of one person on the other side) out of
 *   the tail: read bin by bin, they made this cut 0.99 at 1,000,000 persons. It over-counts false links
 *   (a Gumbel tail is heavier than that of these bounded scores);
 * - runner-up: G1 = the runner-up distribution itself. It under-counts them (an unmatched record's
 *   runner-up is only the second of its non-matches).
 *
 * Each model's cut minimises the sum above (the middle of a tie); the threshold is the midpoint of the
 * two cuts. Measured on protocol v3 (bench/attack.md, "Protocol v3 (adopted)"): FEBRL4 (every record
 * matched, q ≈ 0.01) 0.40–0.44 depending on the linkage key (F1 0.998–0.999); the synthetic population at
 * 100,000 persons 0.53 and 0.70, midpoint 0.62 (the F1 optimum is at 0.60–0.62), at 1,000,000 persons
 * 0.56 and 0.70, midpoint 0.63 (0.9799–0.9813 without a valid NIR at 0.60–0.65; the former bin-by-bin
 * order-statistics cut, 0.99, put the midpoint at 0.78: 0.9600).
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
  // runner-up CDF at each bin edge e (scores < e / bins)
  const s2 = new Float64Array(bins + 1);
  for (let e = 1; e <= bins; e++) s2[e] = (s2[e - 1] as number) + (second[e - 1] as number) / n;
  /** q from the records whose best is below the lower quartile of G1: unmatched ones, nearly all */
  const shareWithout = (g1: Float64Array) => {
    let quartile = bins;
    for (let e = 1; e <= bins; e++)
      if ((g1[e] as number) >= 0.25) {
        quartile = e;
        break;
      }
    let below = 0;
    for (let i = 0; i < quartile; i++) below += best[i] as number;
    return (g1[quartile] as number) > 0 ? Math.min(1, below / (n * (g1[quartile] as number))) : 1;
  };
  // the order-statistics model: ln y fitted on the runner-ups' bulk, q and the fit solved together
  let q = 1;
  let gumbel: Float64Array | null = null;
  for (let step = 0; step < 30; step++) {
    const fit = fitLogMean(s2, q);
    if (fit === null) break;
    const g = new Float64Array(bins + 1);
    for (let e = 0; e <= bins; e++) g[e] = Math.exp(-Math.exp(fit.a + (fit.b * e) / bins));
    gumbel = g;
    const next = shareWithout(g);
    if (Math.abs(next - q) < 1e-6) break;
    q = next;
  }
  const upper = gumbel === null ? null : bestCut(best, gumbel, q, n, floor);
  // the runner-up model: G1 = the runner-up distribution itself
  const lower = bestCut(best, s2, shareWithout(s2), n, floor);
  return { upper, lower };
}

/**
 * ln y = a + b·x by least squares over the bin edges where the runner-up CDF is within 5–95 %, y solving
 * e^(−y)(1 + q·y) = CDF. Null with fewer than two such edges.
 */
function fitLogMean(s2: Float64Array, q: number): { a: number; b: number } | null {
  const bins = s2.length - 1;
  let m = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let e = 1; e < bins; e++) {
    const p = s2[e] as number;
    if (p < 0.05 || p > 0.95) continue;
    const y = poissonMean(p, q);
    if (!(y > 0 && Number.isFinite(y))) continue;
    const x = e / bins;
    const ly = Math.log(y);
    m++;
    sx += x;
    sy += ly;
    sxx += x * x;
    sxy += x * ly;
  }
  const den = m * sxx - sx * sx;
  if (m < 2 || den === 0) return null;
  const b = (m * sxy - sx * sy) / den;
  return { a: (sy - b * sx) / m, b };
}

/**
 * The cut minimising q·N·(1 − G1(t))·q + Σ_{bins < t} max(0, best − q·N·ΔG1), at or above `floor`.
 */
function bestCut(
  best: ArrayLike<number>,
  g1: Float64Array,
  q: number,
  n: number,
  floor: number,
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
    const cost = q * q * n * (1 - (g1[t] as number)) + fn;
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
