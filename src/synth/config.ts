/**
 * Configuration of the synthetic generator: size, seed, period, population shares, life-course rates and
 * per-source identification-error rates. One zod schema is the single source of truth; defaults live in
 * `DEFAULT_SYNTH_CONFIG` and are explained (with their reasons) in synthetic-data/README.md. A partial JSON
 * override is deep-merged over the defaults, validated, then frozen.
 */
import { z } from 'zod';
import { LdhError } from '../core/errors.js';
import type { Source } from '../core/fields.js';

const rate = z.number().min(0).max(1);
const month = z.string().regex(/^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');

/** Identification-error rates of one source, per record. Rates inside one group are mutually exclusive. */
export const SourceErrorRates = z
  .object({
    /** NIR: missing, provisional NIA/NTT, digit typo (key invalid), true NIR but not flagged certified. */
    nir: z.object({ missing: rate, provisional: rate, typo: rate, uncertified: rate }).strict(),
    /** Birth surname: typo; usage name given instead (among persons with a usage name); space/hyphen variant (among names with a separator). */
    birth_name: z.object({ typo: rate, usage_as_birth: rate, separator: rate }).strict(),
    /** First names: typo; only the first one kept / order changed (among ≥ 2 names); hyphen written as a space (among compound names). */
    first_names: z.object({ typo: rate, truncated: rate, reordered: rate, hyphen_space: rate }).strict(),
    /** Accents dropped from the names (among records whose true names carry accents). */
    accents_dropped: rate,
    /** Birth date: day unknown (00); day and month swapped (among dates with day ≤ 12 and day ≠ month). */
    birth_date: z.object({ unknown_day: rate, day_month_swap: rate }).strict(),
    /** Birth place: missing; another place (usually in the same département). */
    birth_place: z.object({ missing: rate, wrong: rate }).strict(),
    /** Person split over two records of the source (among persons with ≥ 2 events in it). */
    duplicate: rate,
  })
  .strict()
  .superRefine((r, ctx) => {
    const groups: Array<[string, Record<string, number>]> = [
      ['nir', r.nir],
      ['birth_name', r.birth_name],
      ['first_names', r.first_names],
      ['birth_date', r.birth_date],
      ['birth_place', r.birth_place],
    ];
    for (const [name, g] of groups) {
      const sum = Object.values(g).reduce((s, x) => s + x, 0);
      if (sum > 1)
        ctx.addIssue({ code: 'custom', path: [name], message: `rates of ${name} sum to ${sum} > 1` });
    }
  });
export type SourceErrorRates = z.infer<typeof SourceErrorRates>;

const Profile = z
  .object({
    share: rate,
    /** Monthly probability that an open-ended contract (CDI) ends. */
    cdi_separation: rate,
    /** Monthly probability of finding a job while registered at PE. */
    job_finding: rate,
    /** Monthly probability of finding a job while inactive / not registered. */
    job_finding_inactive: rate,
    /** Probability of registering at PE when a contract ends (otherwise job-to-job or inactivity). */
    registration_after_end: rate,
    /** Probability of starting another contract straight away when one ends. */
    job_to_job: rate,
    /** Mix of new contracts: CDI, CDD, interim, other (weights). */
    contract_mix: z.tuple([rate, rate, rate, rate]),
    /** Median full-time gross monthly wage, euros. */
    median_wage: z.number().positive(),
    /** Probability that the household's resources qualify for RSA when without work income. */
    rsa_household: rate,
    /** Probability that the household qualifies for prime d'activité when earning below the ceiling. */
    ppa_household: rate,
  })
  .strict();

export const LifeCourseConfig = z
  .object({
    profiles: z
      .object({ stable: Profile, precarious: Profile, marginal: Profile, outside: Profile })
      .strict(),
    /** Months of history simulated before the period so that the period starts in a settled state. */
    burn_in_months: z.number().int().min(0).max(120),
    cdd_mean_months: z.number().positive(),
    interim_mean_months: z.number().positive(),
    other_contract_mean_months: z.number().positive(),
    /** Probability that a CDD ending is followed by a CDI with the same employer. */
    cdd_to_cdi: rate,
    /** Share of apprenticeships among first jobs before 21, and among other new contracts before 26. */
    apprenticeship_first_job: rate,
    apprenticeship_under_26: rate,
    part_time: z.object({ men: rate, women: rate, precarious_extra: rate }).strict(),
    /** ARE eligibility: months worked in the last 24 (36 from age 53). */
    are_min_months_worked: z.number().int().min(1).max(24),
    exit_to_inactivity: rate,
    training: rate,
    /** Registration categories A–E (weights). */
    categories: z.tuple([rate, rate, rate, rate, rate]),
    /** Monthly probability of a short reduced-activity contract during a category B/C spell. */
    reduced_activity: rate,
    /** Probability that an eligible household claims (take-up), and monthly start/stop probabilities. */
    rsa_takeup: rate,
    ppa_takeup: rate,
    benefit_start: rate,
    benefit_stop: rate,
    /** PPA earnings ceiling, as a multiple of the monthly SMIC. */
    ppa_ceiling_smic: z.number().positive(),
    /** Household role of a benefit spell: claimant, partner, other (weights). */
    household_roles: z.tuple([rate, rate, rate]),
  })
  .strict();
export type LifeCourseConfig = z.infer<typeof LifeCourseConfig>;
export type ProfileName = keyof LifeCourseConfig['profiles'];
export const PROFILE_NAMES: readonly ProfileName[] = ['stable', 'precarious', 'marginal', 'outside'];

export const PopulationConfig = z
  .object({
    born_from: z.number().int().min(1900),
    born_to: z.number().int().max(2030),
    abroad_share: z.number().min(0).max(0.5),
    male_share: rate,
    /** Share of women with a usage (married) name, by age at the start of the period; and of men. */
    usage_name: z
      .object({ women_30_plus: rate, women_25_29: rate, women_under_25: rate, men: rate })
      .strict(),
    /** Share of usage names that combine the spouse's and the birth name (SPOUSE-BIRTH). */
    usage_name_combined: rate,
  })
  .strict()
  .refine((p) => p.born_from <= p.born_to, 'born_from must not be after born_to');

export const SynthConfig = z
  .object({
    persons: z.number().int().min(1).max(50_000_000),
    seed: z.number().int().min(0).max(0xffffffff),
    from: month,
    to: month,
    population: PopulationConfig,
    life_course: LifeCourseConfig,
    errors: z.object({ pe: SourceErrorRates, dsn: SourceErrorRates, cnaf: SourceErrorRates }).strict(),
  })
  .strict()
  .refine((c) => c.from <= c.to, 'from must not be after to');
export type SynthConfig = z.infer<typeof SynthConfig>;

export const DEFAULT_ERRORS: Readonly<Record<Source, SourceErrorRates>> = {
  pe: {
    nir: { missing: 0.008, provisional: 0.01, typo: 0.007, uncertified: 0.005 },
    birth_name: { typo: 0.015, usage_as_birth: 0.1, separator: 0.2 },
    first_names: { typo: 0.015, truncated: 0.25, reordered: 0.01, hyphen_space: 0.15 },
    accents_dropped: 0.3,
    birth_date: { unknown_day: 0.003, day_month_swap: 0.004 },
    birth_place: { missing: 0.02, wrong: 0.01 },
    duplicate: 0.03,
  },
  dsn: {
    nir: { missing: 0.02, provisional: 0.015, typo: 0.01, uncertified: 0.005 },
    birth_name: { typo: 0.025, usage_as_birth: 0.3, separator: 0.3 },
    first_names: { typo: 0.025, truncated: 0.5, reordered: 0.02, hyphen_space: 0.25 },
    accents_dropped: 0.15,
    birth_date: { unknown_day: 0.002, day_month_swap: 0.006 },
    birth_place: { missing: 0.05, wrong: 0.02 },
    duplicate: 0.02,
  },
  cnaf: {
    nir: { missing: 0.004, provisional: 0.008, typo: 0.004, uncertified: 0.004 },
    birth_name: { typo: 0.01, usage_as_birth: 0.15, separator: 0.1 },
    first_names: { typo: 0.01, truncated: 0.15, reordered: 0.01, hyphen_space: 0.1 },
    accents_dropped: 0.1,
    birth_date: { unknown_day: 0.005, day_month_swap: 0.003 },
    birth_place: { missing: 0.03, wrong: 0.01 },
    duplicate: 0.02,
  },
};

export const DEFAULT_LIFE_COURSE: LifeCourseConfig = {
  profiles: {
    stable: {
      share: 0.52,
      cdi_separation: 0.009,
      job_finding: 0.16,
      job_finding_inactive: 0.04,
      registration_after_end: 0.55,
      job_to_job: 0.35,
      contract_mix: [0.62, 0.27, 0.07, 0.04],
      median_wage: 2600,
      rsa_household: 0.06,
      ppa_household: 0.2,
    },
    precarious: {
      share: 0.2,
      cdi_separation: 0.03,
      job_finding: 0.14,
      job_finding_inactive: 0.05,
      registration_after_end: 0.62,
      job_to_job: 0.3,
      contract_mix: [0.15, 0.45, 0.35, 0.05],
      median_wage: 1950,
      rsa_household: 0.35,
      ppa_household: 0.6,
    },
    marginal: {
      share: 0.08,
      cdi_separation: 0.05,
      job_finding: 0.05,
      job_finding_inactive: 0.015,
      registration_after_end: 0.7,
      job_to_job: 0.15,
      contract_mix: [0.1, 0.45, 0.35, 0.1],
      median_wage: 1800,
      rsa_household: 0.7,
      ppa_household: 0.7,
    },
    outside: {
      share: 0.2,
      cdi_separation: 0.01,
      job_finding: 0.08,
      job_finding_inactive: 0,
      registration_after_end: 0.5,
      job_to_job: 0,
      contract_mix: [0.3, 0.5, 0.15, 0.05],
      median_wage: 2300,
      rsa_household: 0.1,
      ppa_household: 0.1,
    },
  },
  burn_in_months: 36,
  cdd_mean_months: 5,
  interim_mean_months: 1.5,
  other_contract_mean_months: 4,
  cdd_to_cdi: 0.15,
  apprenticeship_first_job: 0.35,
  apprenticeship_under_26: 0.12,
  part_time: { men: 0.08, women: 0.27, precarious_extra: 0.15 },
  are_min_months_worked: 6,
  exit_to_inactivity: 0.012,
  training: 0.006,
  categories: [0.8, 0.06, 0.08, 0.04, 0.02],
  reduced_activity: 0.5,
  rsa_takeup: 0.66,
  ppa_takeup: 0.6,
  benefit_start: 0.35,
  benefit_stop: 0.025,
  ppa_ceiling_smic: 1.5,
  household_roles: [0.7, 0.25, 0.05],
};

export const DEFAULT_SYNTH_CONFIG: SynthConfig = {
  persons: 100_000,
  seed: 1,
  from: '2019-01',
  to: '2025-12',
  population: {
    born_from: 1955,
    born_to: 2005,
    abroad_share: 0.09,
    male_share: 0.49,
    usage_name: { women_30_plus: 0.55, women_25_29: 0.3, women_under_25: 0.08, men: 0.01 },
    usage_name_combined: 0.15,
  },
  life_course: DEFAULT_LIFE_COURSE,
  errors: { ...DEFAULT_ERRORS },
};

/** Partial override: every level optional. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

/** Defaults deep-merged with an override (e.g. parsed from a JSON file), validated and frozen. */
export function resolveSynthConfig(override: unknown = {}): SynthConfig {
  const merged = deepMerge(structuredClone(DEFAULT_SYNTH_CONFIG), override);
  const parsed = SynthConfig.safeParse(merged);
  if (!parsed.success) {
    throw new LdhError('USAGE', `invalid synth configuration: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const profileShares = Object.values(parsed.data.life_course.profiles).reduce((s, p) => s + p.share, 0);
  if (Math.abs(profileShares - 1) > 1e-6) {
    throw new LdhError('USAGE', `life_course.profiles shares sum to ${profileShares}, expected 1`);
  }
  return deepFreeze(parsed.data);
}
