/**
 * Canonical fields of producer extracts — DESIGN §5, protocol v3 §6. The identity block is common to all
 * sources; each source adds its own event attributes. These names are what a mapping file maps a
 * producer's columns onto, and what the extract carries (after pseudonymisation and minimisation).
 */

export const SOURCES = ['pe', 'dsn', 'cnaf'] as const;
export type Source = (typeof SOURCES)[number];

export const IDENTITY_FIELDS = [
  'record_id',
  'nir',
  'nir_certified',
  'birth_name',
  'usage_name',
  'first_names',
  'birth_date',
  'sex',
  'birth_place',
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export type AttributeKind =
  | { readonly kind: 'month' } // a date, minimised to YYYY-MM
  | { readonly kind: 'code'; readonly values: readonly string[] }
  | { readonly kind: 'dept' } // département code, 2 or 3 characters (2A, 2B, 971…)
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'band'; readonly bands: readonly number[]; readonly unit: string };

export interface AttributeSpec {
  readonly name: string;
  readonly type: AttributeKind;
  readonly description: string;
}

/** Daily ARE allowance bands, euros per day (lower bounds; last band open). */
export const DAILY_ALLOWANCE_BANDS = [0, 30, 40, 50, 60, 80, 100] as const;
/** Monthly gross wage bands, euros (lower bounds; last band open). */
export const MONTHLY_WAGE_BANDS = [0, 500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500] as const;

export const CONTRACT_TYPES = ['cdi', 'cdd', 'interim', 'apprenticeship', 'other'] as const;
export const NAF_SECTIONS = 'ABCDEFGHIJKLMNOPQRSTU'.split('');

export const ATTRIBUTES: Readonly<Record<Source, readonly AttributeSpec[]>> = {
  pe: [
    { name: 'reg_start', type: { kind: 'month' }, description: 'start of the registration spell' },
    {
      name: 'reg_end',
      type: { kind: 'month' },
      description: 'end of the registration spell (empty: ongoing)',
    },
    {
      name: 'reg_category',
      type: { kind: 'code', values: ['A', 'B', 'C', 'D', 'E'] },
      description: 'jobseeker category',
    },
    { name: 'are_open_date', type: { kind: 'month' }, description: 'opening of the ARE right' },
    { name: 'are_end_date', type: { kind: 'month' }, description: 'end of the ARE right' },
    {
      name: 'are_duration_days',
      type: { kind: 'int', min: 1, max: 1100 },
      description: 'duration of the right, days',
    },
    {
      name: 'are_daily_allowance',
      type: { kind: 'band', bands: DAILY_ALLOWANCE_BANDS, unit: 'EUR/day' },
      description: 'gross daily allowance',
    },
    {
      name: 'are_end_reason',
      type: { kind: 'code', values: ['exhaustion', 'return_to_work', 'training', 'other'] },
      description: 'why the right ended',
    },
    { name: 'residence_dept', type: { kind: 'dept' }, description: 'département of residence' },
  ],
  dsn: [
    { name: 'contract_start', type: { kind: 'month' }, description: 'contract start' },
    { name: 'contract_end', type: { kind: 'month' }, description: 'contract end (empty: ongoing)' },
    {
      name: 'contract_type',
      type: { kind: 'code', values: CONTRACT_TYPES },
      description: 'type of contract',
    },
    {
      name: 'working_time',
      type: { kind: 'code', values: ['full', 'part'] },
      description: 'full or part time',
    },
    { name: 'naf_section', type: { kind: 'code', values: NAF_SECTIONS }, description: 'NAF rev. 2 section' },
    { name: 'employer_dept', type: { kind: 'dept' }, description: "employer's département" },
    {
      name: 'gross_monthly_wage',
      type: { kind: 'band', bands: MONTHLY_WAGE_BANDS, unit: 'EUR/month' },
      description: 'monthly gross wage',
    },
  ],
  cnaf: [
    { name: 'benefit_month', type: { kind: 'month' }, description: 'month of payment' },
    {
      name: 'benefit',
      type: { kind: 'code', values: ['rsa', 'ppa'] },
      description: 'RSA or prime d’activité',
    },
    {
      name: 'household_role',
      type: { kind: 'code', values: ['claimant', 'partner', 'other'] },
      description: 'role in the household',
    },
    { name: 'residence_dept', type: { kind: 'dept' }, description: 'département of residence' },
  ],
};

/** Fields that every row of a source must carry (after mapping) for the row to be meaningful. */
export const REQUIRED_ATTRIBUTES: Readonly<Record<Source, readonly string[]>> = {
  pe: ['reg_start'],
  dsn: ['contract_start'],
  cnaf: ['benefit_month', 'benefit'],
};
