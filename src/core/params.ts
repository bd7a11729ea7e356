/**
 * Protocol v1 parameters — one versioned object. The parameter tables of protocols/protocol-v1.md are
 * generated from this file (`npm run docs`); a test fails when they are stale. Changing any value is a
 * protocol change: bump the version, regenerate the vectors and the docs.
 */

export const PROTOCOL_VERSION = 'ldh-link/1';
export const NORMALISATION_VERSION = 'norm-v1';

export type Tokenizer = 'bigrams' | 'whole';

export interface ClkFieldParams {
  /** identity element the tokens come from */
  readonly name: string;
  readonly tokenizer: Tokenizer;
  /** bit positions per token */
  readonly k: number;
  readonly description: string;
}

export interface ClkParams {
  /** Bloom-filter length in bits; a power of two ≤ 65536 */
  readonly l: number;
  /** padding character added at both ends before cutting bigrams */
  readonly pad: string;
  readonly fields: readonly ClkFieldParams[];
}

export const CLK_V1: ClkParams = {
  l: 1024,
  pad: '_',
  fields: [
    { name: 'birth_name', tokenizer: 'bigrams', k: 30, description: 'birth surname, compact form' },
    { name: 'usage_name', tokenizer: 'bigrams', k: 10, description: 'usage surname, compact form' },
    { name: 'first_name', tokenizer: 'bigrams', k: 25, description: 'primary first name, compact form' },
    {
      name: 'other_first_names',
      tokenizer: 'bigrams',
      k: 8,
      description: 'second and later first names, each compact, bigrams pooled',
    },
    { name: 'birth_year', tokenizer: 'whole', k: 40, description: 'year of birth, 4 digits' },
    { name: 'birth_month', tokenizer: 'whole', k: 30, description: 'month of birth, 2 digits, if known' },
    { name: 'birth_day', tokenizer: 'whole', k: 30, description: 'day of birth, 2 digits, if known' },
    { name: 'sex', tokenizer: 'whole', k: 20, description: 'sex, 1 or 2' },
    { name: 'birth_place', tokenizer: 'whole', k: 30, description: 'COG code of the birth commune' },
    { name: 'birth_dept', tokenizer: 'whole', k: 30, description: 'département of birth (99 abroad)' },
  ],
};

/**
 * Extra CLK fields (protocol v1 §4.1): free-text fields a mapping may add to the CLK under the name
 * `extra/<name>` — for benchmarks such as FEBRL (addresses) and for producers who agree on them. The LDH
 * deployment uses none: the hub must receive no address. CLKs are comparable only between extracts whose
 * manifests list the same CLK fields.
 */
export const EXTRA_FIELD_PREFIX = 'extra/';
export const EXTRA_FIELD_K = 15;
export const EXTRA_NAME = /^[a-z0-9_]{1,32}$/;

/** CLK_V1 with the given extra fields appended, in the order given. */
export function clkParamsWithExtras(names: readonly string[]): ClkParams {
  if (names.length === 0) return CLK_V1;
  return {
    ...CLK_V1,
    fields: [
      ...CLK_V1.fields,
      ...names.map((n) => ({
        name: `${EXTRA_FIELD_PREFIX}${n}`,
        tokenizer: 'bigrams' as const,
        k: EXTRA_FIELD_K,
        description: `extra free-text field ${n}, letters and digits`,
      })),
    ],
  };
}

export interface BlockingPass {
  readonly name: string;
  readonly description: string;
  /** what the hub learns from this key (protocol v1 §5) */
  readonly reveals: string;
}

export const BLOCKING_V1: readonly BlockingPass[] = [
  {
    name: 'name-year',
    description: 'Soundex(surname) | birth year — one key for the birth name and one for the usage name',
    reveals: 'which records share a surname sound and birth year (class sizes follow surname frequencies)',
  },
  {
    name: 'firstname-dob',
    description: 'Soundex(primary first name) | birth year | {day, month} sorted — full birth date only',
    reveals: 'which records share a first-name sound and birth date',
  },
  {
    name: 'names-sex',
    description: 'Soundex(surname) | Soundex(primary first name) | sex — for the birth and the usage name',
    reveals: 'which records share surname and first-name sounds and sex',
  },
  {
    name: 'dob-place',
    description: 'birth year | {day, month} sorted | birth-place COG code — full birth date only',
    reveals: 'which records share a birth date and birth commune',
  },
];

/** Blocking keys are HMAC outputs truncated to this many bytes (hex in the extract). */
export const BLOCKING_KEY_BYTES = 8;
