/**
 * Kaplan–Meier curves for "time to first DSN contract" and their disclosure rule: a step is released
 * only while the number at risk is at least the threshold; from the first step under it, that step and
 * every later one are suppressed (the at-risk count only falls, and a curve that resumes would let the
 * hidden steps be recomputed from the released neighbours). Times are whole months from the cohort
 * month t; a person without a contract by the end of the data is censored there. Pure.
 */

export interface SurvivalInput {
  /** months from t to the first contract (event) or to the end of the data (censored) */
  readonly time: number;
  readonly event: boolean;
}

export interface SurvivalStep {
  readonly month: number;
  readonly atRisk: number | null;
  readonly events: number | null;
  /** probability of no contract yet after this month, Kaplan–Meier */
  readonly survival: number | null;
  readonly suppressed: boolean;
}

/** The Kaplan–Meier estimate at months 0…horizon, with the at-risk and event counts of each month. */
export function kaplanMeier(
  data: readonly SurvivalInput[],
  horizon: number,
): { month: number; atRisk: number; events: number; survival: number }[] {
  if (!Number.isInteger(horizon) || horizon < 0)
    throw new RangeError('the horizon is a whole number of months');
  const events = new Array<number>(horizon + 1).fill(0);
  const exits = new Array<number>(horizon + 2).fill(0); // leave the risk set after month i (event or censoring)
  for (const d of data) {
    if (!Number.isInteger(d.time) || d.time < 0) throw new RangeError('times are whole months ≥ 0');
    const m = Math.min(d.time, horizon + 1);
    if (d.event && d.time <= horizon) events[d.time] = (events[d.time] as number) + 1;
    exits[m] = (exits[m] as number) + 1;
  }
  const out: { month: number; atRisk: number; events: number; survival: number }[] = [];
  let atRisk = data.length;
  let s = 1;
  for (let m = 0; m <= horizon; m++) {
    const d = events[m] as number;
    if (atRisk > 0) s *= 1 - d / atRisk;
    out.push({ month: m, atRisk, events: d, survival: s });
    atRisk -= exits[m] as number;
  }
  return out;
}

/** The curve as released: steps from the first at-risk count under the threshold on are suppressed. */
export function releaseCurve(
  curve: readonly { month: number; atRisk: number; events: number; survival: number }[],
  threshold: number,
): SurvivalStep[] {
  let hidden = false;
  return curve.map((c) => {
    hidden ||= c.atRisk < threshold;
    return hidden
      ? { month: c.month, atRisk: null, events: null, survival: null, suppressed: true }
      : {
          month: c.month,
          atRisk: c.atRisk,
          events: c.events,
          survival: Math.round(c.survival * 1e4) / 1e4,
          suppressed: false,
        };
  });
}
