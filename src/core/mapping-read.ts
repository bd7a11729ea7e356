/**
 * Reading a validated mapping (mapping.ts): its extra CLK fields and date formats. Kept apart from the
 * schema so that the producer's worker threads, which receive mappings already validated, do not load
 * zod. Pure.
 */
import type { Mapping } from './mapping.js';
import { EXTRA_FIELD_PREFIX, EXTRA_NAME } from './params.js';

export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'DD/MM/YYYY',
  'YYYYMMDD',
  'DD-MM-YYYY',
  'YYYY-MM',
  'MM/YYYY',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** `extra/<name>`: an extra CLK field (protocol v3 §4.1). */
export function isExtraField(field: string): boolean {
  return field.startsWith(EXTRA_FIELD_PREFIX) && EXTRA_NAME.test(field.slice(EXTRA_FIELD_PREFIX.length));
}

/** The extra CLK fields a mapping declares, by name, in their order in the file. */
export function extraFieldNames(m: Mapping): string[] {
  return Object.keys(m.columns)
    .filter(isExtraField)
    .map((f) => f.slice(EXTRA_FIELD_PREFIX.length));
}

/** The date format for a canonical field, falling back to `default` then ISO. */
export function dateFormatOf(m: Mapping, field: string): DateFormat {
  return m.date_formats[field] ?? m.date_formats.default ?? 'YYYY-MM-DD';
}
