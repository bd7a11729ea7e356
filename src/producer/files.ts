/** File helpers of the producer shell: buffered line writing, concatenation of part files. */
import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, openSync, writeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/**
 * Appends lines to a file through one reusable byte buffer, written synchronously when full: no line is
 * kept as a string beyond the call, and nothing is allocated per flush (large transient strings and
 * buffers cost page faults on every allocation). Meant for worker threads and small files in the main
 * thread, where a short blocking write is harmless.
 */
export class LineWriter {
  private readonly fd: number;
  private buf: Buffer;
  private used = 0;
  constructor(path: string, bufferBytes = 1 << 20) {
    this.fd = openSync(path, 'wx', 0o600);
    this.buf = Buffer.allocUnsafeSlow(bufferBytes);
  }

  /** Appends one line (a line feed is added). */
  line(s: string): void {
    const room = 3 * s.length + 1; // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (this.used + room > this.buf.length) {
      this.flush();
      if (room > this.buf.length) this.buf = Buffer.allocUnsafeSlow(room);
    }
    this.used += this.buf.write(s, this.used, 'utf8');
    this.buf[this.used++] = 0x0a;
  }

  /** Writes the buffered lines to the file. */
  flush(): void {
    for (let off = 0; off < this.used; ) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
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
