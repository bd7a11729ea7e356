/**
 * A small ordered pool of BatchWorkers in worker threads: `submit` returns when there is room
 * (back-pressure) with the replies that are ready, oldest first; `close` flushes every worker's part
 * files. With 0 workers one BatchWorker runs in the main thread (tests, debugging).
 */
import { Worker } from 'node:worker_threads';
import { LdhError } from '../core/errors.js';
import type { LinkageKey } from '../core/keys.js';
import type { Mapping } from '../core/mapping.js';
import type { Batch } from './batch.js';
import { type BatchReply, BatchWorker } from './batch-worker.js';

type Reply =
  | { ok: true; reply: BatchReply }
  | { ok: false; seq: number; error: string }
  | { closed: boolean; error?: string };

export class BatchPool {
  private readonly workers: Worker[] = [];
  private readonly inline: BatchWorker | null;
  private readonly pending = new Map<
    number,
    { resolve: (r: BatchReply) => void; reject: (e: Error) => void }
  >();
  private readonly closing = new Map<Worker, (ok: boolean) => void>();
  private readonly queue: Promise<BatchReply>[] = [];
  private next = 0;

  /** Part files go to `dir`; there are max(1, workers) parts, numbered from 0. */
  constructor(
    key: LinkageKey,
    ridKey: Uint32Array,
    mapping: Mapping,
    fields: readonly string[],
    dir: string,
    workers: number,
    private readonly maxInFlight = Math.max(2, workers * 3),
  ) {
    this.inline = workers === 0 ? new BatchWorker(key, ridKey, mapping, fields, dir, 0) : null;
    const ts = import.meta.url.endsWith('.ts');
    const url = new URL(ts ? './worker.ts' : './worker.js', import.meta.url);
    // Under tsx (dev scripts, tests) the worker must register the TypeScript loader before importing.
    const entry = ts
      ? `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`
      : url;
    for (let part = 0; part < workers; part++) {
      const w = new Worker(entry, {
        eval: ts,
        workerData: { key: key.bytes, ridKey, mapping, fields, dir, part },
        // a young generation larger than the default: most per-row garbage then dies young, fewer promotions
        resourceLimits: { maxYoungGenerationSizeMb: 48 },
      });
      w.on('message', (m: Reply) => {
        if ('closed' in m) {
          this.closing.get(w)?.(m.closed);
          return;
        }
        const seq = m.ok ? m.reply.seq : m.seq;
        const p = this.pending.get(seq);
        this.pending.delete(seq);
        if (m.ok) p?.resolve(m.reply);
        else p?.reject(new LdhError('INTERNAL', 'a worker failed on a batch'));
      });
      w.on('error', (e) => {
        for (const p of this.pending.values())
          p.reject(new LdhError('INTERNAL', 'a worker stopped', { cause: e }));
        this.pending.clear();
        this.closing.get(w)?.(false);
      });
      this.workers.push(w);
    }
  }

  /** The number of part files written. */
  get parts(): number {
    return Math.max(1, this.workers.length);
  }

  /** Queue a batch; resolves with the replies that are ready, oldest first, when the queue is full. */
  async submit(rows: readonly string[], firstRow: number): Promise<BatchReply[]> {
    const seq = this.next++;
    const batch: Batch = { seq, firstRow, rows };
    let p: Promise<BatchReply>;
    if (this.inline) p = this.inline.handle(batch);
    else {
      const w = this.workers[seq % this.workers.length];
      p = new Promise<BatchReply>((resolve, reject) => {
        this.pending.set(seq, { resolve, reject });
        w?.postMessage(batch);
      });
    }
    p.catch(() => {}); // awaited in order below; this only silences the early-rejection warning
    this.queue.push(p);
    const done: BatchReply[] = [];
    while (this.queue.length >= this.maxInFlight) {
      const first = this.queue.shift();
      if (first) done.push(await first);
    }
    return done;
  }

  /** All remaining replies, in order. */
  async drain(): Promise<BatchReply[]> {
    const out: BatchReply[] = [];
    while (this.queue.length > 0) {
      const first = this.queue.shift();
      if (first) out.push(await first);
    }
    return out;
  }

  /** Flushes and closes every part file, then stops the threads. */
  async close(): Promise<void> {
    if (this.inline) await this.inline.close();
    const flushed = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<boolean>((resolve) => {
            this.closing.set(w, resolve);
            w.postMessage({ close: true });
          }),
      ),
    );
    await Promise.all(this.workers.map((w) => w.terminate()));
    if (flushed.some((ok) => !ok)) throw new LdhError('INTERNAL', 'a worker could not write its part files');
  }

  /** Stops the threads without flushing (after a failure). */
  async abort(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
