/**
 * Reading a producer's input through DuckDB: CSV (UTF-8 or Latin-1, any one-character delimiter, RFC 4180
 * quoting) or Parquet. Every column is read as text; the core validates values. Lines that cannot be
 * parsed become coded rejects with their line number (DuckDB's reject tables); a file in the wrong
 * encoding or without the mapped columns is refused before any row is processed. Errors name columns
 * and lines, never values.
 */

import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LdhError } from '../core/errors.js';
import { sqlString } from '../extract/sql.js';

export type InputEncoding = 'utf-8' | 'latin1';

export interface InputOptions {
  readonly path: string;
  readonly encoding: InputEncoding;
  readonly delimiter: string;
}

export interface OpenedInput {
  readonly kind: 'csv' | 'parquet';
  /** SQL selecting every column as VARCHAR, in header order */
  readonly select: string;
  readonly columns: readonly string[];
  /** name of the DuckDB table that collects unparsable CSV lines (null for Parquet) */
  readonly rejectsTable: string | null;
}

export const sqlIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** Splits one CSV line (RFC 4180 quoting) — used for the header only. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

async function readHeader(path: string, encoding: InputEncoding, delimiter: string): Promise<string[]> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    let bytes = buf.subarray(0, bytesRead);
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    const nl = bytes.indexOf(0x0a);
    const line = (nl < 0 ? bytes : bytes.subarray(0, nl)).toString(encoding === 'latin1' ? 'latin1' : 'utf8');
    if (encoding === 'utf-8' && line.includes('\ufffd')) {
      throw new LdhError(
        'INPUT_ENCODING',
        'the header line is not valid UTF-8: is the file Latin-1? (try --encoding latin1)',
      );
    }
    return splitCsvLine(line.replace(/\r$/, ''), delimiter);
  } finally {
    await fh.close();
  }
}

/** @param connect DuckDB, opened on demand (a CSV input is opened without it) */
export async function openInput(
  connect: () => Promise<DuckDBConnection>,
  opts: InputOptions,
  runId: string,
): Promise<OpenedInput> {
  let size: number;
  try {
    const st = await stat(opts.path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch (cause) {
    throw new LdhError('INPUT_NOT_FOUND', `cannot read the input file ${opts.path}`, { cause });
  }
  if (size === 0) throw new LdhError('INPUT_EMPTY', 'the input file is empty');
  const path = sqlString(opts.path);
  if (extname(opts.path).toLowerCase() === '.parquet') {
    const conn = await connect();
    let names: string[];
    try {
      const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${path})`);
      names = r.getRows().map((row) => String(row[0]));
    } catch (cause) {
      throw new LdhError('INPUT_MALFORMED', 'the input is not a readable Parquet file', { cause });
    }
    const select = `SELECT ${names.map((n) => `CAST(${sqlIdent(n)} AS VARCHAR) AS ${sqlIdent(n)}`).join(', ')} FROM read_parquet(${path})`;
    return { kind: 'parquet', select, columns: names, rejectsTable: null };
  }
  if (opts.delimiter.length !== 1) throw new LdhError('USAGE', '--delimiter must be a single character');
  const columns = await readHeader(opts.path, opts.encoding, opts.delimiter);
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') throw new LdhError('INPUT_MALFORMED', 'the header has an empty column name');
    if (seen.has(c)) throw new LdhError('INPUT_MALFORMED', `the header names column "${c}" twice`);
    seen.add(c);
  }
  const rejectsTable = `rejects_${runId}`;
  const colSpec = `{${columns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ')}}`;
  const select =
    `SELECT * FROM read_csv(${path}, delim=${sqlString(opts.delimiter)}, header=true, auto_detect=false, ` +
    `columns=${colSpec}, quote='"', escape='"', encoding=${sqlString(opts.encoding === 'latin1' ? 'latin-1' : 'utf-8')}, ` +
    `strict_mode=true, store_rejects=true, rejects_table=${sqlString(rejectsTable)}, ` +
    `rejects_scan=${sqlString(`scan_${runId}`)}, max_line_size=1048576)`;
  return { kind: 'csv', select, columns, rejectsTable };
}

/** Where the data rows of a plain CSV start (after the header line) and how many there are. */
export interface PlainCsv {
  readonly dataStart: number;
  readonly rows: number;
  /** whether `rows` was counted, or estimated from the first block's lines */
  readonly exact: boolean;
}

const SCAN_BLOCK = 1 << 22;

/**
 * Whether a CSV file can be split on its delimiter and line feeds alone, as DuckDB would read it: no
 * quote character and no carriage return anywhere, no empty line. Such a file (most exports) is split by
 * the worker threads themselves; any other goes through DuckDB first (pseudonymise.ts).
 * - `count`: the whole file is read (block by block) and its rows counted, for a progress bar.
 * - otherwise only its first block is: the rows are estimated from the lines there (to size the run's rid
 *   buckets), and the worker threads check the rest as they split it (batch.ts), the run falling back to
 *   DuckDB if they find it is not plain — reading the file once more before the work starts cost about
 *   0.1 s per 100 MB, on the critical path.
 * The workers also check each line's number of fields and its encoding.
 */
export async function scanPlainCsv(path: string, count = true): Promise<PlainCsv | null> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const block = Buffer.allocUnsafeSlow(Math.min(SCAN_BLOCK, Math.max(1, size)));
    let position = 0;
    let dataStart = -1;
    let lines = 0;
    let lineStart = 0; // file offset of the current line's first byte
    let last = 0x0a; // the byte before the block
    for (;;) {
      const { bytesRead } = await fh.read(block, 0, block.length, position);
      if (bytesRead === 0) break;
      const data = block.subarray(0, bytesRead);
      if (data.indexOf(0x22) >= 0 || data.indexOf(0x0d) >= 0) return null;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, nl + 1)) {
        const at = position + nl;
        if (at === lineStart) return null; // an empty line
        if (dataStart < 0) dataStart = at + 1;
        else lines++;
        lineStart = at + 1;
      }
      last = data[bytesRead - 1] ?? last;
      position += bytesRead;
      if (!count && position < size) {
        if (dataStart < 0 || lines === 0) return null; // a header or a line longer than a block: DuckDB
        // the first block's whole lines tell the average line
        const rows = Math.round((lines * (size - dataStart)) / (lineStart - dataStart));
        return { dataStart, rows, exact: false };
      }
    }
    if (dataStart < 0) return null; // no line feed: DuckDB decides what a header alone means
    if (last !== 0x0a) lines++; // a last line without its line feed
    return { dataStart, rows: lines, exact: true };
  } finally {
    await fh.close();
  }
}

export interface CsvRejectLine {
  readonly line: number;
  readonly column: string | null;
  readonly type: string;
}

/** Unparsable lines recorded by DuckDB (line number, column, error type — no content). */
export async function csvRejects(conn: DuckDBConnection, input: OpenedInput): Promise<CsvRejectLine[]> {
  if (input.rejectsTable === null) return [];
  const r = await conn.runAndReadAll(
    `SELECT DISTINCT line, column_name, error_type FROM ${sqlIdent(input.rejectsTable)} ORDER BY line`,
  );
  return r.getRows().map((row) => ({
    line: Number(row[0]),
    column: row[1] == null ? null : String(row[1]),
    type: String(row[2]),
  }));
}
