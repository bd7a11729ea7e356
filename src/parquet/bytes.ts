/**
 * A growing byte buffer for the Parquet writer — page bodies, levels, Thrift metadata —, reused from one
 * call to the next by its owner.
 */
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

  /** An unsigned varint (ULEB128) of a non-negative integer up to 2^53. */
  varint(n: number): void {
    this.room(8);
    let x = n;
    while (x >= 0x80) {
      this.buf[this.length++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
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
