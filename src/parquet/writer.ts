/**
 * A Parquet writer for flat tables of the four column types an extract has — INTEGER, SMALLINT (INT32),
 * VARCHAR and BLOB (BYTE_ARRAY) —, written as data pages v1, one page per column chunk, uncompressed or
 * through a codec given by the caller: PLAIN values, or a dictionary page and RLE_DICTIONARY indices;
 * definition levels in the RLE hybrid.
 * Row groups are built apart (`RowGroupBuilder`, in any thread, offsets relative to the row group) and
 * put together with the footer (`fileFooter`) by whoever writes the file, in order. Pure: bytes in,
 * bytes out. Reference: https://parquet.apache.org/docs/file-format/ and parquet.thrift.
 */
import { Bytes } from './bytes.js';
import { bitWidth, rleHybrid } from './rle.js';
import { binary, bool, encodeStruct, i8, i32, i64, list, STRUCT, type Struct, struct } from './thrift.js';

/** The column types, named as DuckDB's DESCRIBE reports them. */
export type ColumnType = 'INTEGER' | 'SMALLINT' | 'VARCHAR' | 'BLOB';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** no nulls: no definition levels (default: nullable) */
  readonly required?: boolean;
  /** values as a dictionary page and indices: for columns of few distinct values */
  readonly dictionary?: boolean;
}

/** parquet.thrift enums */
const TYPE = { INT32: 1, BYTE_ARRAY: 6 } as const;
const REPETITION = { REQUIRED: 0, OPTIONAL: 1 } as const;
const CONVERTED = { UTF8: 0, INT_16: 16 } as const;
const ENCODING = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
const PAGE = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;
const UNCOMPRESSED = 0;

const UTF8 = new TextEncoder();

export const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // PAR1

const physical = (t: ColumnType) => (t === 'INTEGER' || t === 'SMALLINT' ? TYPE.INT32 : TYPE.BYTE_ARRAY);

/** What a column chunk says of itself; offsets from the first byte of its row group. */
export interface ChunkMeta {
  readonly numValues: number;
  readonly encodings: readonly number[];
  readonly dataPageOffset: number;
  readonly dictionaryPageOffset: number | null;
  /** bytes in the file */
  readonly size: number;
  /** bytes once the pages are uncompressed (headers included) */
  readonly uncompressedSize: number;
}

/**
 * A compression codec of the pages: its parquet.thrift CompressionCodec number, and a function that
 * compresses a page's body given in pieces (GZIP = 2: RFC 1952).
 */
export interface Codec {
  readonly id: number;
  readonly compress: (body: readonly Uint8Array[]) => Uint8Array;
}

/** A row group's metadata (a plain object: it crosses threads); offsets from its first byte. */
export interface RowGroupMeta {
  readonly rows: number;
  readonly size: number;
  readonly uncompressedSize: number;
  /** the pages' CompressionCodec */
  readonly codec: number;
  readonly columns: readonly ChunkMeta[];
}

/**
 * The values of one column of a row group. INT32 values go through `int`; byte values through `bytes`
 * (PLAIN: copied; dictionary: looked up by their bytes); `null` for a missing value.
 */
export class ColumnBuilder {
  /** definition levels: 1 present, 0 null */
  private defs = new Uint8Array(1024);
  private rows = 0;
  private present = 0;
  /** PLAIN values, or the dictionary's PLAIN entries */
  private readonly values = new Bytes(1 << 16);
  /**
   * dictionary: each row's index; the entries' start in `values` (their PLAIN value) and length; an
   * open-addressing table of the entries by their bytes' FNV-1a hash; the last row's entry
   */
  private indices = new Uint32Array(0);
  private entryStarts = new Int32Array(0);
  private entryLengths = new Int32Array(0);
  private entries = 0;
  private slots = new Int32Array(0);
  private last = -1;
  private readonly intKey = new Uint8Array(4);
  /** dictionary by code (`coded`): each code's entry; the last row's code */
  private readonly codeEntries = new Map<number, number>();
  private lastCode = Number.NaN;
  /** bytes before a PLAIN value: the length of a BYTE_ARRAY, none for an INT32 */
  private readonly prefix: number;
  /** a data page's body being built: levels, then indices */
  private readonly page = new Bytes(1 << 12);

  constructor(readonly def: ColumnDef) {
    this.prefix = physical(def.type) === TYPE.BYTE_ARRAY ? 4 : 0;
    if (def.dictionary) {
      this.indices = new Uint32Array(1024);
      this.entryStarts = new Int32Array(64);
      this.entryLengths = new Int32Array(64);
      this.slots = new Int32Array(128).fill(-1);
    }
  }

  private row(defined: boolean): void {
    if (this.rows === this.defs.length) {
      const grown = new Uint8Array(2 * this.defs.length);
      grown.set(this.defs);
      this.defs = grown;
      if (this.def.dictionary) {
        const g = new Uint32Array(2 * this.indices.length);
        g.set(this.indices);
        this.indices = g;
      }
    }
    if (!defined && this.def.required) throw new TypeError(`a null in required column ${this.def.name}`);
    this.defs[this.rows++] = defined ? 1 : 0;
    if (defined) this.present++;
  }

  null(): void {
    this.row(false);
  }

  /** An INT32 value (INTEGER, SMALLINT). */
  int(v: number): void {
    if (this.def.dictionary) {
      const k = this.intKey;
      k[0] = v & 0xff;
      k[1] = (v >>> 8) & 0xff;
      k[2] = (v >>> 16) & 0xff;
      k[3] = (v >>> 24) & 0xff;
      this.lookup(k, 0, 4);
      return;
    }
    this.row(true);
    this.values.u32le(v);
  }

  /** A byte value (VARCHAR: UTF-8; BLOB), src[from … to − 1]. */
  bytes(src: Uint8Array, from = 0, to = src.length): void {
    if (this.def.dictionary) {
      this.lookup(src, from, to);
      return;
    }
    const b = this.values;
    b.u32le(to - from);
    b.bytes(src, from, to);
    this.row(true);
  }

  /**
   * Dictionary: a row of the value with integer code `code`, in a column whose values the caller knows by
   * code; `value(code)` gives the value itself (a number for INT32, text for BYTE_ARRAY) the first time a
   * code is seen in the row group. Codes and values must map one to one.
   */
  coded(code: number, value: (code: number) => number | string): void {
    if (code === this.lastCode) {
      this.index(this.last);
      return;
    }
    let e = this.codeEntries.get(code);
    if (e === undefined) {
      const v = value(code);
      if (typeof v === 'number') this.int(v);
      else {
        const bytes = UTF8.encode(v);
        this.bytes(bytes, 0, bytes.length);
      }
      e = this.last;
      this.codeEntries.set(code, e);
    } else {
      this.last = e;
      this.index(e);
    }
    this.lastCode = code;
  }

  /** Dictionary: whether entry e holds the bytes src[from … to − 1]. */
  private holds(e: number, src: Uint8Array, from: number, to: number): boolean {
    const n = to - from;
    if (this.entryLengths[e] !== n) return false;
    const buf = this.values.buf;
    const start = (this.entryStarts[e] as number) + this.prefix;
    for (let i = 0; i < n; i++) if (buf[start + i] !== src[from + i]) return false;
    return true;
  }

  /** Dictionary: a row of value src[from … to − 1], added to the entries if new. */
  private lookup(src: Uint8Array, from: number, to: number): void {
    // a value often repeats the row before (an identity's events): no hashing then
    if (this.last >= 0 && this.holds(this.last, src, from, to)) {
      this.index(this.last);
      return;
    }
    let h = 0x811c9dc5; // FNV-1a
    for (let i = from; i < to; i++) h = Math.imul(h ^ (src[i] as number), 0x01000193);
    const mask = this.slots.length - 1;
    let s = h & mask;
    for (let e = this.slots[s] as number; e >= 0; e = this.slots[s] as number) {
      if (this.holds(e, src, from, to)) {
        this.last = e;
        this.index(e);
        return;
      }
      s = (s + 1) & mask;
    }
    const e = this.entries;
    this.slots[s] = e;
    const b = this.values;
    if (e === this.entryStarts.length) {
      const starts = new Int32Array(2 * e);
      starts.set(this.entryStarts);
      this.entryStarts = starts;
      const lengths = new Int32Array(2 * e);
      lengths.set(this.entryLengths);
      this.entryLengths = lengths;
    }
    this.entryStarts[e] = b.length;
    this.entryLengths[e] = to - from;
    this.entries = e + 1;
    if (this.prefix > 0) b.u32le(to - from);
    b.bytes(src, from, to);
    if (2 * this.entries > this.slots.length) this.rehash();
    this.last = e;
    this.index(e);
  }

  /** A present row of dictionary entry `e`. */
  private index(e: number): void {
    const r = this.rows;
    this.row(true); // grows `indices` if needed
    this.indices[r] = e;
  }

  private rehash(): void {
    const buf = this.values.buf;
    this.slots = new Int32Array(2 * this.slots.length).fill(-1);
    const mask = this.slots.length - 1;
    for (let e = 0; e < this.entries; e++) {
      const from = (this.entryStarts[e] as number) + this.prefix;
      const to = from + (this.entryLengths[e] as number);
      let h = 0x811c9dc5;
      for (let i = from; i < to; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
      let s = h & mask;
      while ((this.slots[s] as number) >= 0) s = (s + 1) & mask;
      this.slots[s] = e;
    }
  }

  get length(): number {
    return this.rows;
  }

  /**
   * The column chunk as byte pieces to write one after another (views into this builder's buffers, valid
   * until `reset`), with its metadata, offsets from `offset` (where the chunk starts in its row group).
   */
  finish(offset: number, codec: Codec | null = null): { pieces: Uint8Array[]; meta: ChunkMeta } {
    const pieces: Uint8Array[] = [];
    let at = offset;
    let uncompressed = 0;
    /** a page: its header, then its body (compressed when there is a codec) */
    const page = (type: number, body: readonly Uint8Array[], header: Struct) => {
      const size = body.reduce((n, b) => n + b.length, 0);
      const bytes = codec === null ? body : [codec.compress(body)];
      const stored = codec === null ? size : (bytes[0] as Uint8Array).length;
      const h = encodeStruct({ 1: i32(type), 2: i32(size), 3: i32(stored), ...header });
      pieces.push(h, ...bytes);
      at += h.length + stored;
      uncompressed += h.length + size;
    };
    let dictionaryPageOffset: number | null = null;
    const levels = this.page;
    levels.length = 0;
    if (!this.def.required) {
      levels.u32le(0);
      rleHybrid(levels, this.defs, this.rows, 1);
      levels.setU32le(0, levels.length - 4);
    }
    const dictionary = this.def.dictionary === true && this.entries > 0; // all null: a PLAIN page
    let body: Uint8Array[];
    if (dictionary) {
      dictionaryPageOffset = at;
      page(PAGE.DICTIONARY_PAGE, [this.values.view()], {
        7: struct({ 1: i32(this.entries), 2: i32(ENCODING.PLAIN) }),
      });
      // the indices of the present rows, after the levels
      const width = bitWidth(this.entries - 1);
      levels.byte(width);
      rleHybrid(levels, this.compactIndices(), this.present, width);
      body = [levels.view()];
    } else body = [levels.view(), this.values.view()];
    const encoding = dictionary ? ENCODING.RLE_DICTIONARY : ENCODING.PLAIN;
    const dataPageOffset = at;
    page(PAGE.DATA_PAGE, body, {
      5: struct({ 1: i32(this.rows), 2: i32(encoding), 3: i32(ENCODING.RLE), 4: i32(ENCODING.RLE) }),
    });
    const encodings = dictionary
      ? [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY]
      : [ENCODING.PLAIN, ENCODING.RLE];
    return {
      pieces,
      meta: {
        numValues: this.rows,
        encodings,
        dataPageOffset,
        dictionaryPageOffset,
        size: at - offset,
        uncompressedSize: uncompressed,
      },
    };
  }

  /** The dictionary indices of the present rows (nulls have none), in place. */
  private compactIndices(): Uint32Array {
    if (this.present === this.rows) return this.indices;
    let k = 0;
    for (let r = 0; r < this.rows; r++) if (this.defs[r] === 1) this.indices[k++] = this.indices[r] as number;
    return this.indices;
  }

  /** Empties the builder for the next row group, keeping its buffers. */
  reset(): void {
    this.rows = 0;
    this.present = 0;
    this.values.length = 0;
    if (this.def.dictionary) {
      this.entries = 0;
      this.last = -1;
      this.slots.fill(-1);
      this.codeEntries.clear();
      this.lastCode = Number.NaN;
    }
  }
}

/** The columns of one row group, filled row by row; `finish` gives its bytes and metadata. */
export class RowGroupBuilder {
  readonly columns: ColumnBuilder[];
  /** @param codec how the pages are compressed (default: not) */
  constructor(
    readonly defs: readonly ColumnDef[],
    private readonly codec: Codec | null = null,
  ) {
    this.columns = defs.map((d) => new ColumnBuilder(d));
  }

  /**
   * The row group's bytes as pieces to write in order (valid until `reset`), and its metadata; every
   * column must have the same number of rows.
   */
  finish(): { pieces: Uint8Array[]; meta: RowGroupMeta } {
    const rows = this.columns[0]?.length ?? 0;
    const pieces: Uint8Array[] = [];
    const columns: ChunkMeta[] = [];
    let at = 0;
    for (const c of this.columns) {
      if (c.length !== rows) throw new Error(`column ${c.def.name} has ${c.length} rows, not ${rows}`);
      const chunk = c.finish(at, this.codec);
      pieces.push(...chunk.pieces);
      columns.push(chunk.meta);
      at += chunk.meta.size;
    }
    const uncompressed = columns.reduce((n, m) => n + m.uncompressedSize, 0);
    return {
      pieces,
      meta: {
        rows,
        size: at,
        uncompressedSize: uncompressed,
        codec: this.codec?.id ?? UNCOMPRESSED,
        columns,
      },
    };
  }

  reset(): void {
    for (const c of this.columns) c.reset();
  }
}

function schemaElement(c: ColumnDef): Struct {
  const leaf: Struct = {
    1: i32(physical(c.type)),
    3: i32(c.required ? REPETITION.REQUIRED : REPETITION.OPTIONAL),
    4: binary(c.name),
  };
  if (c.type === 'VARCHAR') return { ...leaf, 6: i32(CONVERTED.UTF8), 10: struct({ 1: struct({}) }) };
  if (c.type === 'SMALLINT')
    return { ...leaf, 6: i32(CONVERTED.INT_16), 10: struct({ 10: struct({ 1: i8(16), 2: bool(true) }) }) };
  return leaf;
}

/**
 * The end of a file whose row groups were written, in order, at `offsets` (from the start of the file,
 * after the 4 magic bytes): the footer (FileMetaData), its length and the magic bytes.
 */
export function fileFooter(
  defs: readonly ColumnDef[],
  groups: readonly RowGroupMeta[],
  offsets: readonly number[],
  createdBy: string,
): Uint8Array {
  const rowGroups = groups.map((g, k) => {
    const base = offsets[k] as number;
    return struct({
      1: list(
        g.columns.map((m, c) => {
          const d = defs[c] as ColumnDef;
          const start = base + (m.dictionaryPageOffset ?? m.dataPageOffset);
          return struct({
            2: i64(start),
            3: struct({
              1: i32(physical(d.type)),
              2: list(m.encodings.map(i32)),
              3: list([binary(d.name)]),
              4: i32(g.codec),
              5: i64(m.numValues),
              6: i64(m.uncompressedSize),
              7: i64(m.size),
              9: i64(base + m.dataPageOffset),
              11: m.dictionaryPageOffset === null ? undefined : i64(base + m.dictionaryPageOffset),
            }),
          });
        }),
        STRUCT,
      ),
      2: i64(g.uncompressedSize),
      3: i64(g.rows),
    });
  });
  const meta = encodeStruct({
    1: i32(1),
    2: list(
      [struct({ 4: binary('schema'), 5: i32(defs.length) }), ...defs.map((d) => struct(schemaElement(d)))],
      STRUCT,
    ),
    3: i64(groups.reduce((n, g) => n + g.rows, 0)),
    4: list(rowGroups, STRUCT),
    6: binary(createdBy),
  });
  const out = new Uint8Array(meta.length + 8);
  out.set(meta);
  new DataView(out.buffer).setUint32(meta.length, meta.length, true);
  out.set(MAGIC, meta.length + 4);
  return out;
}
