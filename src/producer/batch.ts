/**
 * Processing of one batch of input rows — the unit of work handed to a worker thread (or run inline).
 * Input: lines of rows (row-lines.ts: row lines written by DuckDB, or the lines of a plain CSV file) as
 * bytes, with the number of the first row. Output: lines handed to a sink, reject lines and coverage
 * counts.
 */
import { isUtf8 } from 'node:buffer';
import { RowReject } from '../core/attributes.js';
import type { Mapping } from '../core/mapping.js';
import { isExtraField } from '../core/mapping-read.js';
import { type Coverage, countIdentity, countReject, emptyCoverage } from './coverage.js';
import { decodeRowLine, FIELD_SEPARATOR, type LineFormat, MAX_LINE_BYTES, NotPlainCsv } from './row-lines.js';
import { type ProcessedRow, RAW_IDENTITY_FIELDS, type RowProcessor } from './row-processor.js';

const IDENTITY_KEY_FIELDS = new Set(['record_id', ...RAW_IDENTITY_FIELDS]);
/** identity fields: they make the identity key (extra CLK fields are part of the identity) */
const isIdentityField = (f: string) => IDENTITY_KEY_FIELDS.has(f) || isExtraField(f);

/** Mapped canonical fields in concatenation order: identity fields first, then attributes. */
export function identityFieldOrder(mapped: readonly string[]): string[] {
  return [...mapped.filter(isIdentityField), ...mapped.filter((f) => !isIdentityField(f))];
}

export interface Batch {
  readonly seq: number;
  /** 1-based number of the first row */
  readonly firstRow: number;
  /** row lines, each ending with a line feed */
  readonly lines: Uint8Array;
}

export interface BatchResult {
  readonly seq: number;
  readonly rejects: string;
  readonly coverage: Coverage;
}

/**
 * Receives each kept row's output (`row.encoded` set for a new identity); the row is reused by the next
 * call.
 */
export type RowSink = (row: ProcessedRow) => void;

/**
 * The fields of one line, read on demand: the separators are located once per line and a field becomes a
 * string only when it is read (a row that repeats a known identity reads only its record id and
 * attributes). A row line holds the mapped fields in `fields` order; a plain CSV line, every column.
 */
class RowFields {
  private row = '';
  /** ends[c]: index of the separator after column c (the line's length for the last column) */
  private readonly ends: Int32Array;
  private readonly separator: string;
  private readonly csv: boolean;
  /** each mapped canonical field's column and value table (if the mapping has one) */
  private readonly byField: Map<string, { column: number; table: ReadonlyMap<string, string> | undefined }>;
  /** the identity key is the text of the columns [keyFirst, keyLast], without that of `keyOthers` */
  private readonly keyFirst: number;
  private readonly keyLast: number;
  /** columns between keyFirst and keyLast that are not identity fields (unmapped columns, attributes) */
  private readonly keyOthers: readonly number[];

  constructor(
    fields: readonly string[],
    mapping: Pick<Mapping, 'columns' | 'values'>,
    identityCount: number,
    format: LineFormat,
  ) {
    this.csv = format.kind === 'csv';
    const columns = format.kind === 'csv' ? format.columns : fields;
    const column = (f: string, i: number) =>
      format.kind === 'csv' ? format.columns.indexOf(mapping.columns[f] ?? '') : i;
    this.separator = format.kind === 'csv' ? format.delimiter : FIELD_SEPARATOR;
    this.ends = new Int32Array(columns.length);
    this.byField = new Map(
      fields.map((f, i) => {
        const t = mapping.values[f];
        return [f, { column: column(f, i), table: t === undefined ? undefined : new Map(Object.entries(t)) }];
      }),
    );
    const identity = new Set(fields.slice(0, identityCount).map(column));
    this.keyFirst = Math.min(...identity);
    this.keyLast = Math.max(...identity);
    const others: number[] = [];
    for (let c = this.keyFirst + 1; c < this.keyLast; c++) if (!identity.has(c)) others.push(c);
    this.keyOthers = others;
  }

  /**
   * Takes a line; false when it does not hold one value per column (or, in CSV, holds the row-line
   * separator: rejected as in a row line). Throws NotPlainCsv for a CSV line with the wrong number of
   * fields: DuckDB must read that file.
   */
  read(line: string): boolean {
    const n = this.ends.length;
    let p = -1;
    let fits = true;
    for (let i = 0; fits && i < n - 1; i++) {
      p = line.indexOf(this.separator, p + 1);
      fits = p >= 0;
      this.ends[i] = p;
    }
    if (!fits || line.indexOf(this.separator, p + 1) >= 0) {
      if (this.csv) throw new NotPlainCsv('a line with the wrong number of fields');
      return false;
    }
    if (this.csv && line.includes(FIELD_SEPARATOR)) return false;
    this.ends[n - 1] = line.length;
    this.row = line;
    return true;
  }

  /**
   * The identity key: the text from the first to the last identity column, the values of the other
   * columns in between left out (their separators kept). Rows with equal keys have equal identity values,
   * and the converse (no value holds a separator): they share an identity. In a row line, where identity
   * fields come first, it is a prefix of the line; in a plain CSV line it is usually one slice too (the
   * columns in between, if any, are often empty).
   */
  identityKey(): string {
    if (this.keyLast < this.keyFirst) return ''; // no identity field
    let from = this.start(this.keyFirst);
    let key = '';
    for (const c of this.keyOthers) {
      const start = this.start(c);
      if (start === this.ends[c]) continue; // empty: nothing to leave out
      key += this.row.slice(from, start);
      from = this.ends[c] as number;
    }
    return key + this.row.slice(from, this.ends[this.keyLast]);
  }

  /** Index of the first character of column c. */
  private start(c: number): number {
    return c === 0 ? 0 : (this.ends[c - 1] as number) + 1;
  }

  private column(c: number): string {
    return this.row.slice(this.start(c), this.ends[c]);
  }

  /** The raw value of a canonical field, translated by the mapping's value table; null when empty. */
  readonly get = (field: string): string | null => {
    const f = this.byField.get(field);
    if (f === undefined) return null;
    const v = this.column(f.column);
    if (v === '') return null;
    return f.table === undefined ? v : (f.table.get(v.trim()) ?? v);
  };
}

/**
 * Processes batches of lines of one input, one after another, in one thread: built once, so that the row
 * reader, its `get` and the sink are the same functions for every batch (a new closure per batch made the
 * optimised row loop start again from unoptimised code: bench/README.md).
 */
export class BatchReader {
  private readonly row: RowFields;

  /**
   * @param fields the mapped canonical fields, identity fields first (`identityFieldOrder`): the order of
   *   a row line's fields
   * @param format how the batches' lines are to be read (row lines, or plain CSV lines of the input)
   */
  constructor(
    private readonly processor: RowProcessor,
    fields: readonly string[],
    mapping: Pick<Mapping, 'columns' | 'values'>,
    private readonly format: LineFormat,
    private readonly sink: RowSink,
  ) {
    this.row = new RowFields(fields, mapping, fields.filter(isIdentityField).length, format);
  }

  read(batch: Batch): BatchResult {
    return readBatch(this.processor, this.row, this.format, batch, this.sink);
  }
}

function readBatch(
  processor: RowProcessor,
  row: RowFields,
  format: LineFormat,
  batch: Batch,
  sink: RowSink,
): BatchResult {
  const coverage = emptyCoverage();
  const rejects: string[] = [];
  const bytes = Buffer.from(batch.lines.buffer, batch.lines.byteOffset, batch.lines.byteLength);
  const csv = format.kind === 'csv';
  const encoding = csv ? format.encoding : 'utf8';
  // what DuckDB would not read as it is: it must read the file (row lines are DuckDB's own output)
  if (csv && encoding === 'utf8' && !isUtf8(bytes)) throw new NotPlainCsv('invalid UTF-8');
  // the rest of scanPlainCsv's checks, on the lines it did not read (input.ts)
  if (csv && (bytes.indexOf(0x22) >= 0 || bytes.indexOf(0x0d) >= 0))
    throw new NotPlainCsv('a quote or a carriage return');
  // each line decoded on its own: no string of the whole batch, and ASCII rows stay one-byte strings
  for (let start = 0, rowNo = batch.firstRow; start < bytes.length; rowNo++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (csv && end - start > MAX_LINE_BYTES) throw new NotPlainCsv('a line longer than DuckDB reads');
    if (csv && end === start) throw new NotPlainCsv('an empty line');
    const text = bytes.toString(encoding, start, end);
    start = end + 1;
    if (!row.read(csv ? text : decodeRowLine(text))) {
      countReject(coverage, 'CSV_MALFORMED');
      rejects.push(`,${rowNo},,CSV_MALFORMED,separator`);
      continue;
    }
    try {
      const p = processor.process(row.get, rowNo - 1, row.identityKey());
      coverage.kept++;
      if (p.identity !== null) countIdentity(coverage, p.identity, p.encoded?.idkey != null);
      sink(p);
    } catch (e) {
      if (!(e instanceof RowReject)) throw e;
      countReject(coverage, e.reason);
      const rid = (row.get('record_id') ?? '').replace(/"/g, '""');
      rejects.push(`,${rowNo},"${rid}",${e.reason},${e.field}`);
    }
  }
  return { seq: batch.seq, rejects: rejects.join('\n'), coverage };
}
