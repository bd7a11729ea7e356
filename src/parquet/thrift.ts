/**
 * The Thrift compact protocol, write side only, for what a Parquet file's metadata needs (page headers,
 * the footer): structs of i32, i64, i8, booleans, binaries and lists. A value is built with the
 * constructors below; a struct is an object keyed by field id, whose integer keys JavaScript iterates in
 * ascending order, as the protocol's field deltas require. Undefined fields are left out (optional).
 * Reference: https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 */
import { Bytes } from './bytes.js';

/** The compact protocol's type codes. */
const Ctype = { True: 1, False: 2, Byte: 3, I32: 5, I64: 6, Binary: 8, List: 9, Struct: 12 } as const;
type Ctype = (typeof Ctype)[keyof typeof Ctype];

export type Value =
  | { readonly t: typeof Ctype.True | typeof Ctype.False }
  | { readonly t: typeof Ctype.Byte | typeof Ctype.I32 | typeof Ctype.I64; readonly v: number }
  | { readonly t: typeof Ctype.Binary; readonly v: Uint8Array }
  | { readonly t: typeof Ctype.List; readonly elem: Ctype; readonly v: readonly Value[] }
  | { readonly t: typeof Ctype.Struct; readonly v: Struct };

/** A struct: field id → value; an undefined value is an absent optional field. */
export type Struct = { readonly [id: number]: Value | undefined };

export const i8 = (v: number): Value => ({ t: Ctype.Byte, v });
export const i32 = (v: number): Value => ({ t: Ctype.I32, v });
/** An i64 given as a JavaScript number: exact up to 2^53. */
export const i64 = (v: number): Value => ({ t: Ctype.I64, v });
export const bool = (v: boolean): Value => ({ t: v ? Ctype.True : Ctype.False });
export const binary = (v: Uint8Array | string): Value => ({
  t: Ctype.Binary,
  v: typeof v === 'string' ? new TextEncoder().encode(v) : v,
});
export const struct = (v: Struct): Value => ({ t: Ctype.Struct, v });
/** A list of values of one type (not booleans, which this writer does not put in lists). */
export function list(v: readonly Value[], elem: Value['t'] = v[0]?.t ?? Ctype.I32): Value {
  if (elem === Ctype.True || elem === Ctype.False) throw new TypeError('a list of booleans');
  return { t: Ctype.List, elem, v };
}
/** The element type of an empty list of structs. */
export const STRUCT = Ctype.Struct;

/** A zigzag varint: 2n for n ≥ 0, −2n − 1 for n < 0. */
function zigzag(out: Bytes, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError('an integer beyond 2^53');
  out.varint(n >= 0 ? 2 * n : -2 * n - 1);
}

function value(out: Bytes, x: Value): void {
  switch (x.t) {
    case Ctype.True:
    case Ctype.False:
      return; // in the field header
    case Ctype.Byte:
      out.byte(x.v & 0xff);
      return;
    case Ctype.I32:
      if ((x.v | 0) !== x.v) throw new RangeError('an i32 out of range');
      zigzag(out, x.v);
      return;
    case Ctype.I64:
      zigzag(out, x.v);
      return;
    case Ctype.Binary:
      out.varint(x.v.length);
      out.bytes(x.v);
      return;
    case Ctype.List:
      if (x.v.length < 15) out.byte((x.v.length << 4) | x.elem);
      else {
        out.byte(0xf0 | x.elem);
        out.varint(x.v.length);
      }
      for (const e of x.v) {
        if (e.t !== x.elem) throw new TypeError('a list of mixed types');
        value(out, e);
      }
      return;
    case Ctype.Struct:
      fields(out, x.v);
      return;
  }
}

function fields(out: Bytes, s: Struct): void {
  let last = 0;
  for (const [key, x] of Object.entries(s)) {
    if (x === undefined) continue;
    const id = Number(key);
    const delta = id - last;
    if (delta > 0 && delta <= 15) out.byte((delta << 4) | x.t);
    else {
      out.byte(x.t);
      zigzag(out, id); // an i16
    }
    value(out, x);
    last = id;
  }
  out.byte(0); // stop
}

/** The compact encoding of a struct. */
export function encodeStruct(s: Struct): Uint8Array {
  const out = new Bytes(256);
  fields(out, s);
  return out.view().slice();
}
