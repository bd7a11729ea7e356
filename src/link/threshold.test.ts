import { describe, expect, it } from 'vitest';
import { Rng } from '../synth/prng.js';
import { mixtureCuts, mixtureThreshold } from './threshold.js';

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
  /** share of matched records with a second true match (their runner-up is that match's score) */
  twoMatches?: number;
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
      let [b, s] = m > x1 ? [m, x1] : [x1, m];
      if (rng.next() < (o.twoMatches ?? 0)) s = Math.max(s, Math.min(b, o.match + o.sdMatch * normal()));
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
  let argmin = 0;
  for (let t = 30; t < BINS; t++)
    if (errors(t / BINS) < optimum) {
      optimum = errors(t / BINS);
      argmin = t / BINS;
    }
  return { joint, errors, optimum, argmin, ...marginals() };
}

/**
 * The simulation counts errors record by record, without the one-to-one assignment that protects real
 * linkage from most false links (bench/README.md: on FEBRL4 and the synthetic population the measured
 * optimum lies at or below the midpoint); what it can check is that the two models bracket the
 * error-minimising cut and that the threshold is their midpoint.
 */
describe('automatic threshold', () => {
  const cases = {
    'most records unmatched, many candidates each': {
      n: 40_000,
      q: 0.9,
      candidates: 2000,
      nonMatch: 0.5,
      match: 0.72,
      sdMatch: 0.07,
    },
    'wider non-match scores, fewer candidates per record': {
      n: 40_000,
      q: 0.8,
      candidates: 200,
      nonMatch: 0.5,
      match: 0.7,
      sdMatch: 0.08,
    },
  };
  for (const [name, o] of Object.entries(cases))
    it(`${name}: the two models bracket the error-minimising cut; the threshold is their midpoint`, () => {
      const sim = simulate(o);
      const c = mixtureCuts(sim.best, sim.second, 0.3);
      const t = mixtureThreshold(sim.best, sim.second, 0.3) as number;
      // within one bin
      expect(c?.lower).toBeLessThanOrEqual(sim.argmin + 0.01);
      expect(c?.upper).toBeGreaterThanOrEqual(sim.argmin - 0.01);
      expect(Math.abs(t - ((c?.lower as number) + (c?.upper as number)) / 2)).toBeLessThanOrEqual(0.0051);
    });

  it('runner-ups that are true matches (two records of one person) do not drag the upper cut up', () => {
    const o = cases['most records unmatched, many candidates each'];
    const plain = mixtureCuts(simulate(o).best, simulate(o).second, 0.3);
    const twice = simulate({ ...o, twoMatches: 0.3 });
    const c = mixtureCuts(twice.best, twice.second, 0.3);
    expect(Math.abs((c?.upper as number) - (plain?.upper as number))).toBeLessThanOrEqual(0.02);
    expect(c?.upper).toBeGreaterThanOrEqual(twice.argmin - 0.01);
  });

  it('when every record has a match, keeps the matches (a low cut)', () => {
    const sim = simulate({ n: 5_000, q: 0, candidates: 500, nonMatch: 0.5, match: 0.85, sdMatch: 0.05 });
    const t = mixtureThreshold(sim.best, sim.second, 0.3) as number;
    expect(sim.errors(t)).toBeLessThanOrEqual(sim.optimum + 0.002 * 5_000);
  });

  it('is null without data', () => {
    expect(mixtureThreshold(new Float64Array(BINS), new Float64Array(BINS), 0.3)).toBeNull();
  });
});
