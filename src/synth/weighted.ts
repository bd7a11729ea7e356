/**
 * Weighted sampling tables, built once and then sampled millions of times. `AliasTable` (Vose's alias
 * method) draws an index in O(1) from one uniform; `CumulativeTable` maps a uniform to an index by binary
 * search over the cumulative weights — slower, but monotone in the uniform, which the NIR-uniqueness
 * construction in population.ts relies on (nearby uniforms land in the same or adjacent cells).
 */

export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  readonly size: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('AliasTable needs at least one weight');
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i] ?? 0;
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`invalid weight at ${i}`);
      total += w;
    }
    if (total <= 0) throw new RangeError('AliasTable weights sum to zero');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = ((weights[i] ?? 0) * n) / total;
      scaled[i] = s;
      (s < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() ?? 0;
      const l = large.pop() ?? 0;
      this.prob[s] = scaled[s] ?? 0;
      this.alias[s] = l;
      const rest = (scaled[l] ?? 0) + (scaled[s] ?? 0) - 1;
      scaled[l] = rest;
      (rest < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  /** Index drawn with probability proportional to its weight, from one uniform u in [0, 1). */
  sample(u: number): number {
    const x = u * this.size;
    const i = Math.floor(x);
    return x - i < (this.prob[i] ?? 1) ? i : (this.alias[i] ?? i);
  }
}

export class CumulativeTable {
  /** cumulative[i] = sum of the normalised weights 0..i; the last entry is 1. */
  readonly cumulative: Float64Array;
  /** Normalised weights. */
  readonly mass: Float64Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('CumulativeTable needs at least one weight');
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i] ?? 0;
    if (!(total > 0)) throw new RangeError('CumulativeTable weights sum to zero');
    this.cumulative = new Float64Array(n);
    this.mass = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const m = (weights[i] ?? 0) / total;
      this.mass[i] = m;
      acc += m;
      this.cumulative[i] = acc;
    }
    this.cumulative[n - 1] = 1;
  }

  get size(): number {
    return this.cumulative.length;
  }

  /** Smallest i with u < cumulative[i]. */
  index(u: number): number {
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u < (c[mid] ?? 1)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Lower bound of cell i in [0, 1). */
  start(i: number): number {
    return i === 0 ? 0 : (this.cumulative[i - 1] ?? 0);
  }

  /** The largest single mass. */
  maxMass(): number {
    let m = 0;
    for (const x of this.mass) if (x > m) m = x;
    return m;
  }
}
