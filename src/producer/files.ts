/** File helpers of the producer shell: buffered line writing, concatenation of part files. */
import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, openSync, writeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';

const LF = 0x0a;

/**
 * Appends lines (or binary records) to a file through one reusable byte buffer, written synchronously
 * when full: no line is kept as a string beyond the call, and nothing is allocated per flush (large
 * transient strings and buffers cost page faults on every allocation). Meant for worker threads and small
 * files in the main thread, where a short blocking write is harmless.
 */
export class LineWriter {
  /** the file's descriptor, or -1 when the bytes go to `drain` */
  private readonly fd: number;
  private readonly drain: ((bytes: Uint8Array) => void) | null;
  private buf: Buffer;
  private used = 0;
  /**
   * @param to the file to create (refused if it exists; mode 0600), or a function that receives each
   *   flushed chunk (tests, documentation)
   */
  constructor(to: string | ((bytes: Uint8Array) => void), bufferBytes = 1 << 20) {
    this.fd = typeof to === 'string' ? openSync(to, 'wx', 0o600) : -1;
    this.drain = typeof to === 'string' ? null : to;
    this.buf = Buffer.allocUnsafeSlow(bufferBytes);
  }

  /** Appends one line (a line feed is added). */
  line(s: string): void {
    this.text(s);
    this.byte(LF);
  }

  /*
   * Field writers: a line written piece by piece, straight into the buffer (no string per line). Each
   * makes its own room; a flush in the middle of a line is harmless, the file being one byte stream.
   */

  /** Appends a string as UTF-8. */
  text(s: string): void {
    this.room(3 * s.length); // UTF-8 needs at most 3 bytes per UTF-16 unit
    const buf = this.buf;
    let at = this.used;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // not ASCII: the rest through the encoder
        this.used = at + buf.write(s.slice(i), at, 'utf8');
        return;
      }
      buf[at++] = c;
    }
    this.used = at;
  }

  /** Appends bytes as they are (a binary record). */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  /** Appends one byte (a separator, a line feed). */
  byte(b: number): void {
    this.room(1);
    this.buf[this.used++] = b;
  }

  /** Appends a non-negative integer below 2^53 in decimal. */
  int(n: number): void {
    this.room(16);
    const buf = this.buf;
    if (n < 10) {
      buf[this.used++] = 48 + n;
      return;
    }
    let end = this.used + 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) end++;
    // the digits from the last one back
    for (let at = end, x = n; at > this.used; x = Math.floor(x / 10)) buf[--at] = 48 + (x % 10);
    this.used = end;
  }

  private room(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    this.flush();
    if (bytes > this.buf.length) this.buf = Buffer.allocUnsafeSlow(bytes);
  }

  /** Writes the buffered lines to the file. */
  flush(): void {
    if (this.drain !== null) this.drain(this.buf.subarray(0, this.used));
    else for (let off = 0; off < this.used; ) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
  }
}

/** Writes `header` then the content of each part file, in order, to `out`. */
export async function concatenate(parts: readonly string[], out: string, header: string): Promise<void> {
  const w = createWriteStream(out, { flags: 'wx', mode: 0o600 });
  w.write(header);
  for (const p of parts) await pipeline(createReadStream(p), w, { end: false });
  w.end();
  await once(w, 'finish');
}
