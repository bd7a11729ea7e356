import { describe, expect, it } from 'vitest';
import { Rng } from '../synth/prng.js';
import { conditionalThreshold, mixtureCuts, mixtureThreshold } from './threshold.js';

const BINS = 100;
const bin = (x: number) => Math.min(BINS - 1, Math.max(0, Math.floor(x * BINS)));

/**
 * A fuzzy stage with known truth: `n` records, a share `q` without a true match; every record has
 * `candidates` non-match scores ~ N(nonMatch, sd) and a matched one its match score ~ N(match, sdMatch).
 */
function simulate(o: {
  n: number;
  q: number;
  candidates: number;
  nonMatch: number;
  match: number;
  sdMatch: number;
}) {
  const rng = Rng.of(7, 0, 0);
  const normal = () => {
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const joint = new Float64Array(BINS * BINS);
  const falses = new Float64Array(BINS); // unmatched records by best bin
  const matches = new Float64Array(BINS); // matched records by match-score bin
  for (let i = 0; i < o.n; i++) {
    let x1 = 0;
    let x2 = 0;
    for (let c = 0; c < o.candidates; c++) {
      const x = Math.min(1, Math.max(0, o.nonMatch + 0.03 * normal()));
      if (x > x1) [x1, x2] = [x, x1];
      else if (x > x2) x2 = x;
    }
    if (rng.next() < o.q) {
      joint[bin(x1) * BINS + bin(x2)] = (joint[bin(x1) * BINS + bin(x2)] as number) + 1;
      falses[bin(x1)] = (falses[bin(x1)] as number) + 1;
    } else {
      const m = Math.min(1, Math.max(0, o.match + o.sdMatch * normal()));
      const [b, s] = m > x1 ? [m, x1] : [x1, m];
      joint[bin(b) * BINS + bin(s)] = (joint[bin(b) * BINS + bin(s)] as number) + 1;
      matches[bin(m)] = (matches[bin(m)] as number) + 1;
    }
  }
  /** errors at cut t: unmatched records whose best passes, matched ones whose match does not */
  const errors = (t: number) => {
    let e = 0;
    for (let b = 0; b < BINS; b++)
      e += b >= Math.round(t * BINS) ? (falses[b] as number) : (matches[b] as number);
    return e;
  };
  const marginals = () => {
    const best = new Float64Array(BINS);
    const second = new Float64Array(BINS);
    for (let b = 0; b < BINS; b++)
      for (let s = 0; s < BINS; s++) {
        best[b] = (best[b] as number) + (joint[b * BINS + s] as number);
        second[s] = (second[s] as number) + (joint[b * BINS + s] as number);
      }
    return { best, second };
  };
  let optimum = Number.POSITIVE_INFINITY;
  for (let t = 30; t < BINS; t++) optimum = Math.min(optimum, errors(t / BINS));
  return { joint, errors, optimum, ...marginals() };
}

describe('automatic threshold', () => {
  it('from the joint histogram, lands near the error-minimising cut where the two-model midpoint does not', () => {
    // most records unmatched, many candidates each, matches spread down towards the non-matches' maxima
    const sim = simulate({ n: 40_000, q: 0.9, candidates: 2000, nonMatch: 0.5, match: 0.72, sdMatch: 0.07 });
    const t = conditionalThreshold(sim.joint, BINS, 0.3) as number;
    const mid = mixtureThreshold(sim.best, sim.second, 0.3) as number;
    // the two models bracket the optimum, and their midpoint misses it
    const cuts = mixtureCuts(sim.best, sim.second, 0.3);
    expect(cuts?.lower).toBeLessThan(t);
    expect(sim.errors(t)).toBeLessThanOrEqual(1.15 * sim.optimum + 5);
    expect(sim.errors(t)).toBeLessThan(sim.errors(mid));
  });

  it('with wider non-match scores and fewer candidates per record, still near the optimum', () => {
    const sim = simulate({ n: 40_000, q: 0.8, candidates: 200, nonMatch: 0.5, match: 0.7, sdMatch: 0.08 });
    const t = conditionalThreshold(sim.joint, BINS, 0.3) as number;
    const mid = mixtureThreshold(sim.best, sim.second, 0.3) as number;
    // measured: 1,846 errors against an optimum of 1,455 and 8,385 for the midpoint
    expect(sim.errors(t)).toBeLessThanOrEqual(1.3 * sim.optimum);
    expect(sim.errors(t)).toBeLessThan(sim.errors(mid));
  });

  it('when every record has a match, keeps the matches (a low cut)', () => {
    const sim = simulate({ n: 5_000, q: 0, candidates: 500, nonMatch: 0.5, match: 0.85, sdMatch: 0.05 });
    const t = conditionalThreshold(sim.joint, BINS, 0.3) as number;
    expect(sim.errors(t)).toBeLessThanOrEqual(sim.optimum + 0.002 * 5_000);
  });

  it('falls back to the two-model midpoint without enough confident matches, and is null without data', () => {
    const sim = simulate({ n: 2_000, q: 1, candidates: 500, nonMatch: 0.5, match: 0.85, sdMatch: 0.05 });
    expect(conditionalThreshold(sim.joint, BINS, 0.3, sim.best.reduce((a, b) => a + b, 0) + 1)).toBe(
      mixtureThreshold(sim.best, sim.second, 0.3),
    );
    expect(conditionalThreshold(new Float64Array(BINS * BINS), BINS, 0.3)).toBeNull();
  });
});
