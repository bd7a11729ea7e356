/**
 * The intermediate files of the rows phase — what each worker writes per rid bucket (batch-worker.ts):
 * identities and events as fixed-size binary records, which the threads then sort by rid and write as the
 * extract's Parquet row groups themselves (bucket-sort.ts, bucket-parquet.ts); and the lines of the record
 * map, which stays at the producer.
 */
import { ATTRIBUTES, type Source } from '../core/fields.js';
import { NIR_CLASSES } from '../core/nir.js';
import { type AttributeCode, attributeCodes, NULL_CODE } from './attribute-codes.js';
import type { LineWriter } from './files.js';
import type { ProcessedRow } from './row-processor.js';

/**
 * The identity record of the part files: fixed size, little-endian — rid (u32) · NIR class (u8, its
 * index in NIR_CLASSES) · flags (u8: 1 NIR pseudonym, 2 secondary key, 4 birth year, 8 sex) · birth year
 * (u16) · sex (u8, ASCII) · 3 zero bytes · NIR pseudonym P1 (32 bytes) · secondary key (32) · CLK. An
 * absent value's bytes are zero.
 */
export const IDENTITY_RECORD = {
  rid: 0,
  nirClass: 4,
  flags: 5,
  birthYear: 6,
  sex: 8,
  nir: 12,
  idkey: 44,
  clk: 76,
} as const;
export const FLAG = { nir: 1, idkey: 2, birthYear: 4, sex: 8 } as const;

/** The size of an identity record with a CLK of `clkBytes` bytes. */
export const identityRecordBytes = (clkBytes: number): number => IDENTITY_RECORD.clk + clkBytes;

const COMMA = 0x2c;
const LF = 0x0a;
const QUOTE = 0x22;

/**
 * Writes the identity record of a row that introduced an identity (`row.encoded` set), through `record`,
 * a scratch buffer of `identityRecordBytes` bytes.
 */
export function writeIdentityRecord(w: LineWriter, row: ProcessedRow, record: Uint8Array): void {
  const e = row.encoded;
  const id = row.identity;
  if (e === null || id === null) return;
  const R = IDENTITY_RECORD;
  if (record.length !== R.clk + e.clk.length) throw new RangeError('an identity record of the wrong size');
  record.fill(0, 0, R.clk);
  const rid = row.rid;
  record[0] = rid & 0xff;
  record[1] = (rid >>> 8) & 0xff;
  record[2] = (rid >>> 16) & 0xff;
  record[3] = rid >>> 24;
  record[R.nirClass] = NIR_CLASSES.indexOf(e.nirClass);
  let flags = 0;
  if (e.nir !== null) {
    flags |= FLAG.nir;
    record.set(e.nir, R.nir);
  }
  if (e.idkey !== null) {
    flags |= FLAG.idkey;
    record.set(e.idkey, R.idkey);
  }
  const year = id.birthDate?.year ?? null;
  if (year !== null) {
    flags |= FLAG.birthYear;
    record[R.birthYear] = year & 0xff;
    record[R.birthYear + 1] = year >>> 8;
  }
  if (id.sex !== null) {
    flags |= FLAG.sex;
    record[R.sex] = id.sex.charCodeAt(0);
  }
  record[R.flags] = flags;
  record.set(e.clk, R.clk);
  w.bytes(record);
}

/** An identity record's values by extract column, as text (documentation, tests): binary in base64. */
export function readIdentityRecord(record: Uint8Array): Record<string, string> {
  const R = IDENTITY_RECORD;
  const flags = record[R.flags] as number;
  const b64 = (from: number, to: number) => Buffer.from(record.subarray(from, to)).toString('base64');
  return {
    rid: String(new DataView(record.buffer, record.byteOffset).getUint32(R.rid, true)),
    nir_class: NIR_CLASSES[record[R.nirClass] as number] ?? '?',
    nir_p1: flags & FLAG.nir ? b64(R.nir, R.nir + 32) : '',
    idkey: flags & FLAG.idkey ? b64(R.idkey, R.idkey + 32) : '',
    clk: b64(R.clk, record.length),
    birth_year:
      flags & FLAG.birthYear
        ? String((record[R.birthYear] as number) | ((record[R.birthYear + 1] as number) << 8))
        : '',
    sex: flags & FLAG.sex ? String.fromCharCode(record[R.sex] as number) : '',
  };
}

/**
 * The event record of the part files: 32-bit words in the machine's order (the files never leave it) —
 * rid · input row (0-based, unsigned) · one code per attribute, in `ATTRIBUTES[source]` order
 * (attribute-codes.ts; NULL_CODE when absent). The input row puts an identity's events in input order; it
 * is not sent.
 */
export class EventRecords {
  readonly codes: readonly AttributeCode[];
  /** words per record */
  readonly words: number;
  private readonly record: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(source: Source) {
    this.codes = attributeCodes(ATTRIBUTES[source]);
    this.words = 2 + this.codes.length;
    this.record = new Int32Array(this.words);
    this.bytes = new Uint8Array(this.record.buffer);
  }

  /** Writes the event record of a kept row. */
  write(w: LineWriter, row: ProcessedRow): void {
    const r = this.record;
    if (!(row.rowIndex < 2 ** 32)) throw new RangeError('an input row beyond 2^32');
    r[0] = row.rid;
    r[1] = row.rowIndex;
    const values = row.attributes;
    for (let i = 0; i < this.codes.length; i++) {
      const v = values[i];
      r[2 + i] = v === null || v === undefined ? NULL_CODE : (this.codes[i] as AttributeCode).encode(v);
    }
    w.bytes(this.bytes);
  }
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
