/**
 * Parquet's RLE / bit-packing hybrid encoding, for definition levels and dictionary indices: runs of at
 * least eight equal values as RLE runs, everything else bit-packed in groups of eight (LSB first).
 * Reference: https://parquet.apache.org/docs/file-format/data-pages/encodings/ (RLE = 3).
 */
import type { Bytes } from './bytes.js';

/** The bits needed for the values 0 … max (at least 1). */
export function bitWidth(max: number): number {
  let w = 1;
  while (max >= 2 ** w) w++;
  return w;
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
