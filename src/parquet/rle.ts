/**
 * Parquet's RLE / bit-packing hybrid encoding, for definition levels and dictionary indices: runs of at
 * least eight equal values as RLE runs, everything else bit-packed in groups of eight (LSB first).
 * Reference: https://parquet.apache.org/docs/file-format/data-pages/encodings/ (RLE = 3).
 */

/** The bits needed for the values 0 … max (at least 1). */
export function bitWidth(max: number): number {
  let w = 1;
  while (max >= 2 ** w) w++;
  return w;
}

/** A growing byte buffer, reused from one call to the next by its owner. */
export class Bytes {
  buf: Uint8Array;
  length = 0;
  constructor(initial = 1 << 12) {
    this.buf = new Uint8Array(initial);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.length + n, 2 * this.buf.length));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  varint(n: number): void {
    this.room(5);
    let x = n >>> 0;
    while (x >= 0x80) {
      this.buf[this.length++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.length++] = x;
  }

  u32le(n: number): void {
    this.room(4);
    const b = this.buf;
    const at = this.length;
    b[at] = n & 0xff;
    b[at + 1] = (n >>> 8) & 0xff;
    b[at + 2] = (n >>> 16) & 0xff;
    b[at + 3] = (n >>> 24) & 0xff;
    this.length = at + 4;
  }

  /** Overwrites 4 bytes at `at` with `n`, little-endian. */
  setU32le(at: number, n: number): void {
    const b = this.buf;
    b[at] = n & 0xff;
    b[at + 1] = (n >>> 8) & 0xff;
    b[at + 2] = (n >>> 16) & 0xff;
    b[at + 3] = (n >>> 24) & 0xff;
  }

  bytes(src: Uint8Array, from = 0, to = src.length): void {
    const n = to - from;
    this.room(n);
    if (n < 64) for (let i = from; i < to; i++) this.buf[this.length++] = src[i] as number;
    else {
      this.buf.set(src.subarray(from, to), this.length);
      this.length += n;
    }
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * Appends values[0 … n − 1] (each below 2^width, width ≤ 24) to `out` in the hybrid encoding, without a
 * length prefix.
 */
export function rleHybrid(out: Bytes, values: ArrayLike<number>, n: number, width: number): void {
  if (width < 1 || width > 24) throw new RangeError('a bit width out of 1…24');
  let literal = 0; // first value not yet written
  let i = 0;
  while (i < n) {
    const v = values[i] as number;
    let run = 1;
    while (i + run < n && values[i + run] === v) run++;
    if (run >= 8) {
      // a bit-packed run must hold a multiple of 8 values unless it is the last: pad it from the run
      const pad = (8 - ((i - literal) % 8)) % 8;
      if (run - pad >= 8) {
        bitPacked(out, values, literal, i + pad, width);
        out.varint((run - pad) * 2);
        for (let b = 0; b < width; b += 8) out.byte((v >>> b) & 0xff);
        i += run;
        literal = i;
        continue;
      }
    }
    i += run;
  }
  bitPacked(out, values, literal, n, width);
}

/** values[from … to − 1] as one bit-packed run, padded with zeros to a multiple of 8 values. */
function bitPacked(out: Bytes, values: ArrayLike<number>, from: number, to: number, width: number): void {
  if (to <= from) return;
  const groups = Math.ceil((to - from) / 8);
  out.varint(groups * 2 + 1);
  out.room(groups * width);
  const buf = out.buf;
  let at = out.length;
  let acc = 0; // pending bits, LSB first: at most 7 + 24, within 32 bits
  let bits = 0;
  for (let k = from, end = from + groups * 8; k < end; k++) {
    acc |= (k < to ? (values[k] as number) : 0) << bits;
    bits += width;
    while (bits >= 8) {
      buf[at++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  out.length = at;
}
