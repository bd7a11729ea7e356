/**
 * Mapping files for `ldh-link pseudonymise`, one per synthetic extract, derived from the extract formats
 * (extracts.ts) so that they always describe the files actually written. Each is validated against the
 * core `Mapping` schema before it is written.
 */
import type { Source } from '../core/fields.js';
import { Mapping } from '../core/mapping.js';
import { type ExtractFormat, FORMATS } from './extracts.js';

export function mappingFor(f: ExtractFormat): Mapping {
  const columns: Record<string, string> = {};
  for (const c of f.columns) if (c.field !== null) columns[c.field] = c.raw;
  return Mapping.parse({
    version: 1,
    source: f.source,
    columns,
    date_formats: { default: f.dateFormat, ...f.fieldDateFormats },
    values: f.values,
    decimal_separator: f.decimalSeparator,
  });
}

export function mappingFileName(source: Source): string {
  return `${source}.mapping.json`;
}

/** The three mappings, keyed by source. */
export function allMappings(): Record<Source, Mapping> {
  return { pe: mappingFor(FORMATS.pe), dsn: mappingFor(FORMATS.dsn), cnaf: mappingFor(FORMATS.cnaf) };
}
