/**
 * The intermediate files of the rows phase — what each worker writes per rid bucket (batch-worker.ts),
 * sorted by bucket-sort.ts and read by DuckDB into Parquet (parquet.ts): CSV lines without a header,
 * written field by field straight into the writers' buffers. Identity lines carry the encodings (the
 * pseudonyms and the CLK) in base64, which DuckDB turns back into bytes — in hex the pseudonyms made the
 * lines 12 % longer and DuckDB's read of them 10–20 % slower (bench/README.md, Producer tool); event lines
 * carry the input row, to put an identity's events in input order, which is not sent.
 */
import { ATTRIBUTES, type Source } from '../core/fields.js';
import { LineWriter } from './files.js';
import type { ProcessedRow } from './row-processor.js';

/** Columns of the intermediate identity file, in order (all text). */
export const IDENTITY_INTERMEDIATE = [
  'rid',
  'nir_class',
  'nir_p1',
  'idkey',
  'clk',
  'birth_year',
  'sex',
] as const;

/** Columns of the intermediate event file, in order (`row`: the 0-based input row, to order events). */
export function eventIntermediate(source: Source): string[] {
  return ['rid', 'row', ...ATTRIBUTES[source].map((a) => a.name)];
}

const COMMA = 0x2c;
const LF = 0x0a;
const QUOTE = 0x22;

/** The identity line of a row that introduced an identity (`row.encoded` set). */
export function writeIdentityLine(w: LineWriter, row: ProcessedRow): void {
  const e = row.encoded;
  const id = row.identity;
  if (e === null || id === null) return;
  w.int(row.rid);
  w.byte(COMMA);
  w.text(e.nirClass);
  w.byte(COMMA);
  if (e.nir !== null) w.base64(e.nir);
  w.byte(COMMA);
  if (e.idkey !== null) w.base64(e.idkey);
  w.byte(COMMA);
  w.base64(e.clk);
  w.byte(COMMA);
  if (id.birthDate !== null) w.int(id.birthDate.year);
  w.byte(COMMA);
  if (id.sex !== null) w.text(id.sex);
  w.byte(LF);
}

/** The event line of a kept row: rid, input row, minimised attributes. */
export function writeEventLine(w: LineWriter, row: ProcessedRow): void {
  w.int(row.rid);
  w.byte(COMMA);
  w.int(row.rowIndex);
  for (const v of row.attributes) {
    w.byte(COMMA);
    if (v === null) continue;
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && v >= 0) w.int(v);
      else w.text(String(v));
    } else w.text(v);
  }
  w.byte(LF);
}

/** The record-map line of a row that introduced an identity: `rid,"record id"` (stays at the producer). */
export function writeMapLine(w: LineWriter, row: ProcessedRow): void {
  w.int(row.rid);
  w.byte(COMMA);
  w.byte(QUOTE);
  w.text(row.recordId.includes('"') ? row.recordId.replace(/"/g, '""') : row.recordId);
  w.byte(QUOTE);
  w.byte(LF);
}

/** A line written by one of the writers above, as a string (documentation, tests). */
export function lineOf(write: (w: LineWriter, row: ProcessedRow) => void, row: ProcessedRow): string {
  let text = '';
  const w = new LineWriter((bytes) => {
    text += Buffer.from(bytes).toString('utf8');
  }, 1024);
  write(w, row);
  w.close();
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
