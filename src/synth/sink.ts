/**
 * A file sink for large generated text: encodes to the file's charset (Latin-1 or UTF-8) and writes with
 * synchronous large writes, counting bytes and rows. Chunks arrive already batched (megabytes each), so
 * this stays simple: no stream back-pressure to manage, and memory holds at most one chunk per file.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export class FileSink {
  private readonly fd: number;
  private readonly encoding: 'latin1' | 'utf8';
  bytes = 0;
  lines = 0;

  constructor(path: string, encoding: 'latin1' | 'utf8' = 'utf8') {
    this.fd = openSync(path, 'w');
    this.encoding = encoding;
  }

  /** Write text (Latin-1 files must only hold characters ≤ U+00FF; names are checked upstream). */
  write(text: string): void {
    if (text.length === 0) return;
    this.writeBuffer(Buffer.from(text, this.encoding), countLines(text));
  }

  /** Write bytes already encoded in this file's charset. */
  writeBuffer(buf: Uint8Array, lines: number): void {
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.bytes += buf.length;
    this.lines += lines;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export function countLines(text: string): number {
  let n = 0;
  let i = text.indexOf('\n');
  while (i !== -1) {
    n++;
    i = text.indexOf('\n', i + 1);
  }
  return n;
}
