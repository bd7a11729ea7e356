/**
 * Minimised attribute values as 32-bit integer codes, for the event records of the part files
 * (intermediate.ts): every attribute kind has a small domain, so a value is one integer in the rows phase
 * and becomes text again only once per distinct value, when its thread writes the dictionary of a Parquet
 * row group (bucket-parquet.ts). Codes never leave the producer's temporary folder.
 * - month `YYYY-MM` (toMonth): 12 × year + month − 1;
 * - code: its index in the attribute's list of values;
 * - dept: the number a code of digits reads as (`01` → 1, `971` → 971), `2A` → 1000, `2B` → 1001;
 * - int and band: the number itself (a band's lower bound).
 */
import type { AttributeKind, AttributeSpec } from '../core/fields.js';

/** The code of an absent value (no attribute value is this integer). */
export const NULL_CODE = -(2 ** 31);

export interface AttributeCode {
  /** a minimised value (what `attributeMinimiser` gives) → its code */
  readonly encode: (v: string | number) => number;
  /** a code → the value as the extract holds it: text (VARCHAR) or a number (INTEGER) */
  readonly decode: (code: number) => string | number;
}

const DEPT_2A = 1000;

/** The code of a month `${year}-${two-digit month}` (toMonth), read digit by digit (on every row). */
function monthCode(s: string): number {
  const n = s.length;
  let year = 0;
  for (let i = 0; i < n - 3; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) throw new RangeError('a month');
    year = 10 * year + d;
  }
  const m1 = s.charCodeAt(n - 2) - 48;
  const m0 = s.charCodeAt(n - 1) - 48;
  const month = 10 * m1 + m0;
  if (n < 4 || n > 8 || s.charCodeAt(n - 3) !== 45 || !(m1 >= 0 && m1 <= 1 && m0 >= 0 && m0 <= 9))
    throw new RangeError('a month');
  if (!(month >= 1 && month <= 12)) throw new RangeError('a month');
  return 12 * year + month - 1;
}
const DEPT_2B = 1001;

function codeOf(t: AttributeKind): AttributeCode {
  switch (t.kind) {
    case 'month':
      return {
        encode: (v) => monthCode(v as string),
        decode: (c) => `${Math.floor(c / 12)}-${String((c % 12) + 1).padStart(2, '0')}`,
      };
    case 'code': {
      const index = new Map(t.values.map((v, i) => [v, i]));
      return {
        encode: (v) => {
          const i = index.get(v as string);
          if (i === undefined) throw new RangeError('a code outside its list');
          return i;
        },
        decode: (c) => t.values[c] ?? '',
      };
    }
    case 'dept':
      return {
        encode: (v) => {
          if (v === '2A') return DEPT_2A;
          if (v === '2B') return DEPT_2B;
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1 || n > 999) throw new RangeError('a département');
          return n;
        },
        decode: (c) => (c === DEPT_2A ? '2A' : c === DEPT_2B ? '2B' : String(c).padStart(2, '0')),
      };
    case 'int':
    case 'band':
      return {
        encode: (v) => {
          if (typeof v !== 'number' || (v | 0) !== v || v === NULL_CODE) throw new RangeError('an integer');
          return v;
        },
        decode: (c) => c,
      };
  }
}

/** The codes of a source's attributes, in `ATTRIBUTES[source]` order. */
export function attributeCodes(specs: readonly AttributeSpec[]): AttributeCode[] {
  return specs.map((s) => codeOf(s.type));
}
