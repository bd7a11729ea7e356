/** File helpers of the producer shell: atomic publication, buffered line writing. */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/** Appends lines to a file through a large buffer, honouring back-pressure. */
export class LineWriter {
  private readonly stream: WriteStream;
  private parts: string[] = [];
  private size = 0;
  /** @param bufferBytes flush threshold (large for one big file, smaller when many are open) */
  constructor(
    path: string,
    private readonly bufferBytes = 1 << 20,
  ) {
    // a stream buffer above our own flush size: write() then rarely asks to wait for a drain
    this.stream = createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: 4 * bufferBytes });
  }
  /** Buffers one line; call `flushIfFull` between batches. */
  line(s: string): void {
    this.parts.push(s);
    this.size += s.length + 1;
  }
  async flushIfFull(): Promise<void> {
    if (this.size >= this.bufferBytes) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const ok = this.stream.write(`${this.parts.join('\n')}\n`);
    this.parts = [];
    this.size = 0;
    if (!ok) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
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
