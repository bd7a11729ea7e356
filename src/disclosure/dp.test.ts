import { describe, expect, it } from 'vitest';
import {
  BudgetExhausted,
  bernoulliExp,
  discreteGaussian,
  discreteLaplace,
  noise,
  PrivacyBudget,
  type Rng,
  rational,
} from './dp.js';

/** A seeded uniform integer generator (splitmix64) — tests only. */
function seeded(seed: bigint): Rng {
  let s = seed;
  const next = () => {
    s = (s + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  };
  return (n) => {
    // rejection sampling for an unbiased draw
    const limit = (1n << 64n) - ((1n << 64n) % n);
    for (;;) {
      const x = next();
      if (x < limit) return x % n;
    }
  };
}

describe('exact discrete samplers', () => {
  it('Bernoulli(exp(−γ)) has the right mean', () => {
    const rng = seeded(1n);
    for (const [num, den] of [
      [1n, 2n],
      [3n, 2n],
      [0n, 1n],
    ] as const) {
      let ones = 0;
      const n = 20000;
      for (let i = 0; i < n; i++) if (bernoulliExp(rng, num, den)) ones++;
      expect(ones / n).toBeCloseTo(Math.exp(-Number(num) / Number(den)), 1);
    }
  });

  it('discrete Laplace: symmetric, P(0) and variance as the formula says', () => {
    const rng = seeded(2n);
    const n = 40000;
    // scale 2 (ε = 0.5): P(y) = (1 − e^{−1/2}) / (1 + e^{−1/2}) · e^{−|y|/2}
    let zeros = 0;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const y = Number(discreteLaplace(rng, 2n, 1n));
      if (y === 0) zeros++;
      sum += y;
      sq += y * y;
    }
    const q = Math.exp(-0.5);
    expect(zeros / n).toBeCloseTo((1 - q) / (1 + q), 1);
    expect(Math.abs(sum / n)).toBeLessThan(0.1);
    expect(sq / n).toBeCloseTo((2 * q) / (1 - q) ** 2, 0);
  });

  it('discrete Gaussian: mean 0 and variance close to σ²', () => {
    const rng = seeded(3n);
    const n = 20000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const y = Number(discreteGaussian(rng, 9n, 1n));
      sum += y;
      sq += y * y;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.1);
    expect(sq / n).toBeGreaterThan(8.4);
    expect(sq / n).toBeLessThan(9.6);
  });

  it('noise for ε = 1 and ρ = 0.5 stays in plausible ranges; rationals are exact', () => {
    expect(rational(0.1)).toEqual({ num: 1n, den: 10n });
    expect(rational(2)).toEqual({ num: 2n, den: 1n });
    const rng = seeded(4n);
    for (let i = 0; i < 1000; i++) {
      expect(Math.abs(Number(noise(rng, 'discrete-laplace', 1)))).toBeLessThan(30);
      expect(Math.abs(Number(noise(rng, 'discrete-gaussian', 0.5)))).toBeLessThan(30);
    }
  });
});

describe('privacy budget', () => {
  it('is spent per release and then refuses, spending nothing on a refusal', () => {
    const b = new PrivacyBudget(1);
    b.spend(0.3);
    b.spend(0.3);
    b.spend(0.3);
    expect(b.remaining).toBeCloseTo(0.1, 10);
    expect(() => b.spend(0.3)).toThrow(BudgetExhausted);
    expect(b.spent).toBeCloseTo(0.9, 10);
    b.spend(0.1);
    expect(() => b.spend(0.000001)).toThrow(BudgetExhausted);
  });
});
