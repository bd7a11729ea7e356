/**
 * A study's disclosure policy — issue 6 / DESIGN §7: the threshold under which counts, numerators and
 * complements are suppressed (default 11, never below the floor of 5), optional rounding, optional
 * differential privacy with a budget. Validated with zod; a policy under the floor cannot exist. Pure.
 */
import { z } from 'zod';

export const THRESHOLD_FLOOR = 5;
export const DEFAULT_THRESHOLD = 11;

export const DisclosurePolicy = z
  .object({
    threshold: z.number().int().min(THRESHOLD_FLOOR).default(DEFAULT_THRESHOLD),
    /** released counts rounded to a multiple of this base (null: no rounding) */
    rounding: z.number().int().min(2).max(100).nullable().default(null),
    /** differential privacy: total budget ε of the study, and the mechanism */
    dp: z
      .object({
        mechanism: z.enum(['discrete-laplace', 'discrete-gaussian']),
        /** total ε (pure DP) or ρ (zCDP, for the Gaussian) for the whole study */
        budget: z.number().positive().max(100),
        /** spent by each release */
        perRelease: z.number().positive(),
      })
      .strict()
      .refine((d) => d.perRelease <= d.budget, { message: 'perRelease exceeds the budget' })
      .nullable()
      .default(null),
  })
  .strict();
export type DisclosurePolicy = z.infer<typeof DisclosurePolicy>;
