/**
 * Processing of one batch of input rows — the unit of work handed to a worker thread (or run inline).
 * Input: rows as strings whose fields are separated by U+001F (DuckDB concatenates the mapped columns),
 * with the index of the first row. Output: intermediate lines, reject lines and coverage counts.
 */
import { RowReject } from '../core/attributes.js';
import { type Coverage, countIdentity, countReject, emptyCoverage } from './coverage.js';
import type { RowProcessor } from './row-processor.js';

export const FIELD_SEPARATOR = '\u001f';

export interface Batch {
  readonly seq: number;
  readonly firstRow: number;
  readonly rows: readonly string[];
}

export interface BatchResult {
  readonly seq: number;
  readonly identities: string;
  readonly events: string;
  readonly recordMap: string;
  readonly rejects: string;
  readonly coverage: Coverage;
}

/**
 * @param fields canonical field names in the order DuckDB concatenates them
 * @param values the mapping's code translation tables
 */
export function processBatch(
  processor: RowProcessor,
  fields: readonly string[],
  values: Readonly<Record<string, Readonly<Record<string, string>>>>,
  batch: Batch,
): BatchResult {
  const coverage = emptyCoverage();
  const identities: string[] = [];
  const events: string[] = [];
  const recordMap: string[] = [];
  const rejects: string[] = [];
  const index = new Map(fields.map((f, i) => [f, i]));
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
      const p = processor.process(get, rowNo - 1);
      coverage.kept++;
      events.push(p.eventLine);
      if (p.identity !== null && p.identityLine !== null && p.mapLine !== null) {
        identities.push(p.identityLine);
        recordMap.push(p.mapLine);
        countIdentity(coverage, p.identity, p.hasIdkey);
      }
    } catch (e) {
      if (!(e instanceof RowReject)) throw e;
      countReject(coverage, e.reason);
      const rid = (get('record_id') ?? '').replace(/"/g, '""');
      rejects.push(`,${rowNo},"${rid}",${e.reason},${e.field}`);
    }
  }
  return {
    seq: batch.seq,
    identities: identities.join('\n'),
    events: events.join('\n'),
    recordMap: recordMap.join('\n'),
    rejects: rejects.join('\n'),
    coverage,
  };
}
