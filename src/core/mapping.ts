/**
 * Mapping files: which column of a producer's file holds which canonical field, in which format, and how
 * the producer's codes translate to canonical codes (protocol v3 §6). Validated with zod; a mapping that
 * names an unknown canonical field is refused, so a typo cannot silently drop a column. What reads a
 * validated mapping is in mapping-read.ts.
 */
import { z } from 'zod';
import { ATTRIBUTES, IDENTITY_FIELDS, SOURCES } from './fields.js';
import { DATE_FORMATS, isExtraField } from './mapping-read.js';

export const DateFormat = z.enum(DATE_FORMATS);

export const Mapping = z
  .object({
    version: z.literal(1),
    source: z.enum(SOURCES),
    /** canonical field (or `extra/<name>`, protocol v3 §4.1) → column name in the producer's file */
    columns: z.record(z.string(), z.string().min(1)),
    /** date format per canonical date field; `default` applies to the others */
    date_formats: z.record(z.string(), DateFormat).default({}),
    /** producer code → canonical code, per canonical field */
    values: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    /** decimal separator of amounts */
    decimal_separator: z.enum(['.', ',']).default('.'),
  })
  .strict()
  .superRefine((m, ctx) => {
    const known = new Set<string>([...IDENTITY_FIELDS, ...ATTRIBUTES[m.source].map((a) => a.name)]);
    for (const field of Object.keys(m.columns)) {
      if (!known.has(field) && !isExtraField(field)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', field],
          message: `unknown canonical field for source ${m.source}`,
        });
      }
    }
    for (const field of [...Object.keys(m.date_formats), ...Object.keys(m.values)]) {
      if (field !== 'default' && !known.has(field)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `unknown canonical field for source ${m.source}`,
        });
      }
    }
  });
export type Mapping = z.infer<typeof Mapping>;
