/**
 * Protocol parameters — one versioned object. The parameter tables of protocols/protocol-v3.md are
 * generated from this file (`npm run docs`); a test fails when they are stale. Changing any value is a
 * protocol change: bump the version, regenerate the vectors and the docs.
 *
 * v2 differed from v1 only in the CLK: the Bloom filter is diffused (§4.2) before it leaves the producer.
 * v3 sends no blocking keys (attack A5, bench/attack.md): their plaintext material goes into the Bloom
 * filter as four composite fields (§4.3) and the hub finds candidates by LSH over the CLKs. The KDF labels
 * keep their `ldh-link/1` prefix, so pseudonyms and identity keys are the same in all versions.
 */

export const PROTOCOL_VERSION = 'ldh-link/3';
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

/** CLK diffusion (protocol §4.2, since v2): each output bit is the XOR of `taps` keyed Bloom-filter bits. */
export interface DiffusionParams {
  readonly taps: number;
  /** output (CLK) length in bits, a multiple of 8 */
  readonly bits: number;
}

export interface ClkParams {
  /** Bloom-filter length in bits; a power of two ≤ 65536 */
  readonly l: number;
  /** padding character added at both ends before cutting bigrams */
  readonly pad: string;
  readonly fields: readonly ClkFieldParams[];
  /** null: the CLK is the Bloom filter itself (protocol v1, kept for the attack suite's comparisons) */
  readonly diffusion: DiffusionParams | null;
}

/** Length in bits of the CLKs a parameter object produces. */
export const clkBits = (p: ClkParams): number => p.diffusion?.bits ?? p.l;

/** The Bloom filter of protocol v1, sent as the CLK in v1 — broken by graph matching (bench/attack.md). */
export const CLK_V1: ClkParams = {
  diffusion: null,
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
 * Protocol v2's CLK (v3 adds the composite fields to it): the v1 Bloom filter diffused with 2 taps per
 * output bit into 1,024 bits. Measured by
 * `npm run attack` (bench/attack.md): every CLK attack at or below 0.1 % where v1 fails graph matching at
 * 85.5 %, FEBRL4 F1 within 0.1 point of v1 with the hub's score floor at 0.3.
 */
export const CLK_V2: ClkParams = { ...CLK_V1, diffusion: { taps: 2, bits: 1024 } };

/**
 * Composite fields (protocol v3 §4.3): combinations of identity elements, each as whole tokens — what the
 * keyed blocking keys of v1–v2 carried, now inside the Bloom filter so that agreement on a combination
 * raises the Dice coefficient and nothing but the CLK leaves the producer (src/core/composite.ts).
 */
export interface CompositeField {
  /** CLK field name (subkey purpose `clk/<field>`) */
  readonly field: string;
  readonly description: string;
}

export const COMPOSITE_V3: readonly CompositeField[] = [
  {
    field: 'name_year',
    description: 'Soundex(surname) | birth year — one token for the birth name and one for the usage name',
  },
  {
    field: 'firstname_dob',
    description: 'Soundex(primary first name) | birth year | {day, month} sorted — full birth date only',
  },
  {
    field: 'names_sex',
    description: 'Soundex(surname) | Soundex(primary first name) | sex — for the birth and the usage name',
  },
  {
    field: 'dob_place',
    description: 'birth year | {day, month} sorted | birth-place COG code — full birth date only',
  },
];

/** Bit positions per composite token: measured against k = 10…80 (bench/attack.md, A5 remedies). */
export const COMPOSITE_K = 40;

/**
 * Protocol v3's CLK: v2's fields plus the composite fields, diffused as in v2. Measured by `npm run attack`
 * (bench/attack.md).
 */
export const CLK_V3: ClkParams = {
  ...CLK_V2,
  fields: [
    ...CLK_V2.fields,
    ...COMPOSITE_V3.map((c) => ({
      name: c.field,
      tokenizer: 'whole' as const,
      k: COMPOSITE_K,
      description: `composite: ${c.description}`,
    })),
  ],
};

/**
 * Extra CLK fields (protocol v3 §4.1): free-text fields a mapping may add to the CLK under the name
 * `extra/<name>` — for benchmarks such as FEBRL (addresses) and for producers who agree on them. The LDH
 * deployment uses none: the hub must receive no address. CLKs are comparable only between extracts whose
 * manifests list the same CLK fields.
 */
export const EXTRA_FIELD_PREFIX = 'extra/';
export const EXTRA_FIELD_K = 15;
export const EXTRA_NAME = /^[a-z0-9_]{1,32}$/;

/** CLK_V3 (or `base`) with the given extra fields appended, in the order given. */
export function clkParamsWithExtras(names: readonly string[], base: ClkParams = CLK_V3): ClkParams {
  if (names.length === 0) return base;
  return {
    ...base,
    fields: [
      ...base.fields,
      ...names.map((n) => ({
        name: `${EXTRA_FIELD_PREFIX}${n}`,
        tokenizer: 'bigrams' as const,
        k: EXTRA_FIELD_K,
        description: `extra free-text field ${n}, letters and digits`,
      })),
    ],
  };
}
