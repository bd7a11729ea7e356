/**
 * Event attributes — protocol v3 §6: validation and minimisation of the per-source fields that pass to
 * the hub in clear. Dates are cut to the month, amounts to bands (the band's lower bound in the unit),
 * codes are checked against the canonical list after the mapping's translation. A value that cannot be
 * read makes the row a coded reject; nothing is guessed. Pure.
 */
import { parseDate, toMonth } from './dates.js';
import { ATTRIBUTES, type AttributeSpec, REQUIRED_ATTRIBUTES, type Source } from './fields.js';
import type { Mapping } from './mapping.js';
import { dateFormatOf } from './mapping-read.js';

/** Row-level reject reasons (the `reason` column of rejects.csv). */
export const REJECT_REASONS = {
  CSV_MALFORMED: 'the line could not be parsed (quoting, number of fields)',
  DATE_INVALID: 'an event date does not follow the declared format or is not a calendar date',
  CODE_UNKNOWN: 'a coded value is not in the canonical list (after the mapping translation)',
  NUMBER_INVALID: 'an amount or a count is not a number in range',
  DEPT_INVALID: 'a département code is not valid',
  REQUIRED_MISSING: 'a field required for this source is empty',
  IDENTITY_EMPTY: 'no usable identity: no valid NIR, no name and no birth date',
} as const;
export type RejectReason = keyof typeof REJECT_REASONS;

export class RowReject extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly field: string,
  ) {
    super(`${reason} (${field})`);
  }
}

const DEPT = /^(?:0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-8]|98[4-9])$/;

/** Band lower bound for an amount: the largest band bound ≤ value. */
export function bandOf(value: number, bands: readonly number[]): number {
  let b = bands[0] ?? 0;
  for (const x of bands) if (value >= x) b = x;
  return b;
}

/** The minimiser of one attribute's raw (trimmed, non-empty) value, for one mapping. */
type Minimise = (raw: string) => string | number;

function minimiserOf(spec: AttributeSpec, m: Mapping): Minimise {
  const t = spec.type;
  switch (t.kind) {
    case 'month': {
      const format = dateFormatOf(m, spec.name);
      // read on every row: the common shapes without a regular expression, the month's text shared (dates.ts)
      return (raw) => {
        let d: ReturnType<typeof parseDate>;
        try {
          d = parseDate(raw, format);
        } catch {
          throw new RowReject('DATE_INVALID', spec.name);
        }
        const month = d === null ? null : toMonth(d);
        if (month === null) throw new RowReject('DATE_INVALID', spec.name);
        return month;
      };
    }
    case 'code': {
      const values: ReadonlySet<string> = new Set(t.values);
      return (raw) => {
        if (!values.has(raw)) throw new RowReject('CODE_UNKNOWN', spec.name);
        return raw;
      };
    }
    case 'dept':
      return (raw) => {
        let d = raw.toUpperCase();
        if (/^[0-9]$/.test(d)) d = `0${d}`;
        if (!DEPT.test(d)) throw new RowReject('DEPT_INVALID', spec.name);
        return d;
      };
    case 'int':
      return (raw) => {
        if (!/^-?[0-9]+$/.test(raw)) throw new RowReject('NUMBER_INVALID', spec.name);
        const n = Number(raw);
        if (n < t.min || n > t.max) throw new RowReject('NUMBER_INVALID', spec.name);
        return n;
      };
    case 'band': {
      const comma = m.decimal_separator === ',';
      return (raw) => {
        const s = comma ? raw.replace(/\s/g, '').replace(',', '.') : raw.replace(/\s/g, '');
        if (!/^[0-9]+(?:\.[0-9]+)?$/.test(s)) throw new RowReject('NUMBER_INVALID', spec.name);
        return bandOf(Number(s), t.bands);
      };
    }
  }
}

/** Minimised attribute values of one row, in `ATTRIBUTES[source]` order (null: empty). */
export type AttributeValues = (string | number | null)[];

/**
 * The attribute minimiser of one mapping, built once: `minimise(get, out)` fills `out` with the row's
 * minimised values in `ATTRIBUTES[source]` order. `get(field)` returns the raw value (translated through
 * the mapping's `values` table) or null. Throws RowReject.
 */
export function attributeMinimiser(
  source: Source,
  m: Mapping,
): (get: (field: string) => string | null, out: AttributeValues) => AttributeValues {
  const specs = ATTRIBUTES[source];
  const minimisers = specs.map((spec) => minimiserOf(spec, m));
  // positions of the required attributes, in REQUIRED_ATTRIBUTES order (the order they are reported in)
  const required = REQUIRED_ATTRIBUTES[source].map((f) => specs.findIndex((spec) => spec.name === f));
  return (get, out) => {
    out.length = specs.length;
    for (let i = 0; i < specs.length; i++) {
      const raw = get((specs[i] as AttributeSpec).name)?.trim() ?? '';
      out[i] = raw === '' ? null : (minimisers[i] as Minimise)(raw);
    }
    // a value that cannot be read is reported before a missing required one
    for (const r of required)
      if (out[r] === null) throw new RowReject('REQUIRED_MISSING', specs[r]?.name ?? '');
    return out;
  };
}

/**
 * Minimise the attributes of one row, by name. `get(field)` returns the raw value (translated through the
 * mapping's `values` table) or null. Throws RowReject.
 */
export function minimiseAttributes(
  source: Source,
  m: Mapping,
  get: (field: string) => string | null,
): Record<string, string | number | null> {
  const values = attributeMinimiser(source, m)(get, []);
  return Object.fromEntries(ATTRIBUTES[source].map((spec, i) => [spec.name, values[i] ?? null]));
}
