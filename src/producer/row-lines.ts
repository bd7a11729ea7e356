/**
 * The input as the worker threads read it: one row per line. A plain CSV file (input.ts `scanPlainCsv`)
 * is read as it is; any other input is parsed once by DuckDB (CSV or Parquet, with the reject tables and
 * encoding checks of input.ts), which writes the mapped columns of every readable row to a temporary UTF-8
 * file of row lines — one per row in input order, fields joined by U+001F. The main thread only cuts the
 * file into batches of whole lines, each in its own buffer that is transferred (not copied) to a worker:
 * no row becomes a JavaScript string outside the worker that processes it.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../extract/sql.js';
import { type OpenedInput, sqlIdent } from './input.js';

/** Separates the fields of a row line (a row holding it in a value is rejected as malformed). */
export const FIELD_SEPARATOR = '\u001f';

/** How the lines of a batch are to be read. */
export type LineFormat =
  | { readonly kind: 'row-lines' }
  | {
      readonly kind: 'csv';
      readonly delimiter: string;
      readonly encoding: 'utf8' | 'latin1';
      /** the header's column names */
      readonly columns: readonly string[];
    };

/**
 * A line of a file taken for plain CSV that is not (wrong number of fields, invalid UTF-8, a line longer
 * than DuckDB accepts): the run starts again with DuckDB reading the input.
 */
export class NotPlainCsv extends Error {
  override readonly name = 'NotPlainCsv';
}

/** DuckDB's max_line_size for CSV input (input.ts): a longer line is not plain. */
export const MAX_LINE_BYTES = 1 << 20;
/** Starts a row line written in base64: its text held a line feed, or began with this mark. */
export const ENCODED_LINE = '\u001e';

/**
 * Writes the given columns of every readable input row to `path` (row lines) and returns the number of
 * rows. A missing value is written as ''.
 */
export async function writeRowLines(
  conn: DuckDBConnection,
  input: OpenedInput,
  columns: readonly string[],
  path: string,
): Promise<number> {
  const row = `concat_ws(chr(31), ${columns.map((c) => `coalesce(${sqlIdent(c)}, '')`).join(', ')})`;
  const line =
    'CASE WHEN strpos(r, chr(10)) = 0 AND NOT starts_with(r, chr(30)) THEN r ' +
    'ELSE chr(30) || to_base64(encode(r)) END';
  const r = await conn.run(
    `COPY (SELECT ${line} FROM (SELECT ${row} AS r FROM (${input.select}))) TO ${sqlString(path)} ` +
      "(FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER chr(30))",
  );
  return Number(r.rowsChanged);
}

/** The text of one row line (without its line feed). */
export function decodeRowLine(line: string): string {
  return line.startsWith(ENCODED_LINE) ? Buffer.from(line.slice(1), 'base64').toString('utf8') : line;
}

const LF = 0x0a;

/**
 * Reads a file of lines as batches of `rows` whole lines, each batch in a buffer of its own. The file is
 * read block by block into one buffer, reused: fresh memory costs a page fault per 4 KiB on first touch,
 * which for a fresh buffer per block was a fifth of a run's page faults (bench/README.md).
 */
export class RowLineReader {
  /** where blocks are read; `data` is its beginning */
  private buf = Buffer.alloc(0);
  /** bytes read and not yet handed out are data[start, data.length) */
  private data = Buffer.alloc(0);
  private start = 0;
  private position = 0;
  private eof = false;

  private constructor(
    private readonly file: FileHandle,
    private readonly rows: number,
    private readonly blockBytes: number,
  ) {}

  /** Lines from byte `from` of the file on. */
  static async open(path: string, rows: number, from = 0, blockBytes = 1 << 22): Promise<RowLineReader> {
    const reader = new RowLineReader(await open(path, 'r'), rows, blockBytes);
    reader.position = from;
    return reader;
  }

  /** The next batch of lines (each ending with a line feed) and their number; null at the end. */
  async next(): Promise<{ lines: Uint8Array; rows: number } | null> {
    let pos = this.start;
    let n = 0;
    while (n < this.rows) {
      const nl = this.data.indexOf(LF, pos);
      if (nl >= 0) {
        pos = nl + 1;
        n++;
      } else if (this.eof) {
        if (pos < this.data.length) n++; // a last line without its line feed
        pos = this.data.length;
        break;
      } else {
        const scanned = pos - this.start;
        await this.fill();
        pos = this.start + scanned;
      }
    }
    if (pos === this.start) return null;
    const lines = new Uint8Array(pos - this.start);
    lines.set(this.data.subarray(this.start, pos));
    this.start = pos;
    return { lines, rows: n };
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  /**
   * Keeps the bytes not handed out yet, moved to the start of the buffer, and reads the next block after
   * them; the buffer grows only for a line longer than a block.
   */
  private async fill(): Promise<void> {
    const rest = this.data.length - this.start;
    const size = Math.max(this.blockBytes, 2 * rest);
    if (this.buf.length < size) {
      const bigger = Buffer.allocUnsafeSlow(size);
      this.data.copy(bigger, 0, this.start);
      this.buf = bigger;
    } else this.buf.copyWithin(0, this.start, this.data.length); // data is buf's beginning
    const { bytesRead } = await this.file.read(this.buf, rest, this.buf.length - rest, this.position);
    this.position += bytesRead;
    if (bytesRead === 0) this.eof = true;
    this.data = this.buf.subarray(0, rest + bytesRead);
    this.start = 0;
  }
}
