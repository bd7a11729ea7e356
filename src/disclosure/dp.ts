/**
 * Differential privacy for released counts: exact samplers of the discrete Laplace and discrete Gaussian
 * distributions (Canonne, Kamath, Steinke, "The Discrete Gaussian for Differential Privacy", NeurIPS
 * 2020, algorithms 1–3), with rational parameters in BigInt arithmetic, so no floating-point rounding
 * can leak through the noise (Mironov 2012). Randomness is injected (`Rng`: a uniform integer in
 * [0, n)); the shell passes node:crypto's CSPRNG, tests a seeded one. And a study's budget, spent per
 * release and refused when exhausted. Pure.
 *
 * Parameters: a count has sensitivity 1. Discrete Laplace with scale 1/ε gives ε-DP; the discrete
 * Gaussian with variance σ² gives ρ-zCDP with ρ = 1 / (2σ²).
 */

/** A uniform integer in [0, n), n ≥ 1. */
export type Rng = (n: bigint) => bigint;

export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** A positive decimal number as an exact rational (e.g. 0.1 → 1/10). */
export function rational(x: number): Rational {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError('a positive finite number is required');
  let den = 1n;
  let v = x;
  while (!Number.isInteger(v) && den < 10n ** 15n) {
    v *= 10;
    den *= 10n;
  }
  return { num: BigInt(Math.round(v)), den };
}

function bernoulli(rng: Rng, num: bigint, den: bigint): boolean {
  return rng(den) < num;
}

/** Bernoulli(exp(−γ)) for a rational γ ≥ 0 (CKS algorithm 1). */
export function bernoulliExp(rng: Rng, gNum: bigint, gDen: bigint): boolean {
  if (gNum < 0n || gDen <= 0n) throw new RangeError('γ must be ≥ 0');
  let num = gNum;
  while (num > gDen) {
    if (!bernoulliExp(rng, 1n, 1n)) return false;
    num -= gDen;
  }
  // γ in [0, 1]: K ← 1; while Bernoulli(γ / K): K ← K + 1; return K odd
  let k = 1n;
  while (bernoulli(rng, num, gDen * k)) k++;
  return k % 2n === 1n;
}

/**
 * Discrete Laplace with scale b = scaleNum / scaleDen: P(y) ∝ exp(−|y| / b) (CKS algorithm 2, whose
 * t and s are our scaleNum and scaleDen).
 */
export function discreteLaplace(rng: Rng, scaleNum: bigint, scaleDen: bigint): bigint {
  if (scaleNum <= 0n || scaleDen <= 0n) throw new RangeError('the scale must be positive');
  const t = scaleNum;
  const s = scaleDen;
  for (;;) {
    const u = rng(t);
    if (!bernoulliExp(rng, u, t)) continue;
    let v = 0n;
    while (bernoulliExp(rng, 1n, 1n)) v++;
    const x = u + t * v;
    const y = x / s;
    const negative = rng(2n) === 1n;
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}

/** Discrete Gaussian with variance parameter σ² = sNum/sDen (CKS algorithm 3). */
export function discreteGaussian(rng: Rng, sNum: bigint, sDen: bigint): bigint {
  if (sNum <= 0n || sDen <= 0n) throw new RangeError('σ² must be positive');
  // t = ⌊σ⌋ + 1
  let t = 1n;
  while (t * t * sDen <= sNum) t++;
  for (;;) {
    const y = discreteLaplace(rng, t, 1n);
    const a = y < 0n ? -y : y;
    // γ = (|y| − σ²/t)² / (2σ²) = (|y|·t·sDen − sNum)² / (2 · sNum · sDen · t²)
    const d = a * t * sDen - sNum;
    if (bernoulliExp(rng, d * d, 2n * sNum * sDen * t * t)) return y;
  }
}

/** Noise for one count under the given mechanism and per-release parameter (ε, or ρ for the Gaussian). */
export function noise(
  rng: Rng,
  mechanism: 'discrete-laplace' | 'discrete-gaussian',
  perRelease: number,
): bigint {
  const p = rational(perRelease);
  if (mechanism === 'discrete-laplace') return discreteLaplace(rng, p.den, p.num); // scale 1/ε
  return discreteGaussian(rng, p.den, 2n * p.num); // σ² = 1/(2ρ)
}

export class BudgetExhausted extends Error {
  constructor() {
    super('the study’s privacy budget is spent');
    this.name = 'BudgetExhausted';
  }
}

/** A study's privacy budget. Amounts are compared as exact rationals in micro-units. */
export class PrivacyBudget {
  private spentMicros: bigint;
  private readonly totalMicros: bigint;
  constructor(total: number, spent = 0) {
    this.totalMicros = BigInt(Math.round(total * 1e6));
    this.spentMicros = BigInt(Math.round(spent * 1e6));
  }
  get spent(): number {
    return Number(this.spentMicros) / 1e6;
  }
  get remaining(): number {
    return Number(this.totalMicros - this.spentMicros) / 1e6;
  }
  /** Spends `amount`, or throws BudgetExhausted (and spends nothing) when it would exceed the total. */
  spend(amount: number): void {
    const a = BigInt(Math.round(amount * 1e6));
    if (a <= 0n) throw new RangeError('a release spends a positive amount');
    if (this.spentMicros + a > this.totalMicros) throw new BudgetExhausted();
    this.spentMicros += a;
  }
}
