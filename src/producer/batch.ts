/**
 * Processing of one batch of input rows — the unit of work handed to a worker thread (or run inline).
 * Input: rows as strings whose fields are separated by U+001F (DuckDB concatenates the mapped columns),
 * with the index of the first row. Output: lines handed to a sink, reject lines and coverage counts.
 */
import { RowReject } from '../core/attributes.js';
import { isExtraField } from '../core/mapping.js';
import { type Coverage, countIdentity, countReject, emptyCoverage } from './coverage.js';
import { RAW_IDENTITY_FIELDS, type RowProcessor } from './row-processor.js';

export const FIELD_SEPARATOR = '\u001f';

const IDENTITY_KEY_FIELDS = new Set(['record_id', ...RAW_IDENTITY_FIELDS]);
/** identity fields: they make the identity key (extra CLK fields are part of the identity) */
const isIdentityField = (f: string) => IDENTITY_KEY_FIELDS.has(f) || isExtraField(f);

/** Mapped canonical fields in concatenation order: identity fields first, then attributes. */
export function identityFieldOrder(mapped: readonly string[]): string[] {
  return [...mapped.filter(isIdentityField), ...mapped.filter((f) => !isIdentityField(f))];
}

export interface Batch {
  readonly seq: number;
  readonly firstRow: number;
  readonly rows: readonly string[];
}

export interface BatchResult {
  readonly seq: number;
  readonly rejects: string;
  readonly coverage: Coverage;
}

/** Receives each kept row's output lines (the identity and map lines only for a new identity). */
export type RowSink = (
  rid: number,
  eventLine: string,
  identityLine: string | null,
  mapLine: string | null,
) => void;

/**
 * @param fields canonical field names in the order DuckDB concatenates them: the identity fields
 *   (`identityFieldOrder`) first, so that a row's identity key is a prefix of the row
 * @param values the mapping's code translation tables
 */
export function processBatch(
  processor: RowProcessor,
  fields: readonly string[],
  values: Readonly<Record<string, Readonly<Record<string, string>>>>,
  batch: Batch,
  sink: RowSink,
): BatchResult {
  const coverage = emptyCoverage();
  const rejects: string[] = [];
  const index = new Map(fields.map((f, i) => [f, i]));
  const identityCount = fields.filter(isIdentityField).length;
  let cells: string[] = [];
  const get = (field: string): string | null => {
    const i = index.get(field);
    if (i === undefined) return null;
    const v = cells[i] ?? '';
    if (v === '') return null;
    const t = values[field]?.[v.trim()];
    return t ?? v;
  };
  for (let r = 0; r < batch.rows.length; r++) {
    const rowNo = batch.firstRow + r;
    cells = (batch.rows[r] ?? '').split(FIELD_SEPARATOR);
    if (cells.length !== fields.length) {
      countReject(coverage, 'CSV_MALFORMED');
      rejects.push(`,${rowNo},,CSV_MALFORMED,separator`);
      continue;
    }
    try {
      const row = batch.rows[r] ?? '';
      let end = -1;
      for (let k = 0; k < identityCount; k++) end = row.indexOf(FIELD_SEPARATOR, end + 1);
      const p = processor.process(
        get,
        rowNo - 1,
        identityCount === 0 ? '' : end < 0 ? row : row.slice(0, end),
      );
      coverage.kept++;
      sink(p.rid, p.eventLine, p.identityLine, p.mapLine);
      if (p.identity !== null) countIdentity(coverage, p.identity, p.hasIdkey);
    } catch (e) {
      if (!(e instanceof RowReject)) throw e;
      countReject(coverage, e.reason);
      const rid = (get('record_id') ?? '').replace(/"/g, '""');
      rejects.push(`,${rowNo},"${rid}",${e.reason},${e.field}`);
    }
  }
  return { seq: batch.seq, rejects: rejects.join('\n'), coverage };
}
