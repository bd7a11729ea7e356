/**
 * A small ordered worker pool for batches: `submit` returns when there is room (back-pressure), results
 * are delivered in submission order. With 0 workers batches are processed inline (tests, debugging).
 */
import { Worker } from 'node:worker_threads';
import { LdhError } from '../core/errors.js';
import type { LinkageKey } from '../core/keys.js';
import type { Mapping } from '../core/mapping.js';
import { RidPermutation } from '../core/rid.js';
import { type Batch, type BatchResult, processBatch } from './batch.js';
import { RowProcessor } from './row-processor.js';

type Reply = { ok: true; result: BatchResult } | { ok: false; seq: number; error: string };

export class BatchPool {
  private readonly workers: Worker[] = [];
  private readonly inline: RowProcessor | null;
  private readonly pending = new Map<
    number,
    { resolve: (r: BatchResult) => void; reject: (e: Error) => void }
  >();
  private readonly queue: Promise<BatchResult>[] = [];
  private next = 0;

  constructor(
    key: LinkageKey,
    ridKey: Uint32Array,
    private readonly mapping: Mapping,
    private readonly fields: readonly string[],
    workers: number,
    private readonly maxInFlight = Math.max(2, workers * 3),
  ) {
    this.inline = workers === 0 ? new RowProcessor(key, mapping, new RidPermutation(ridKey)) : null;
    const ts = import.meta.url.endsWith('.ts');
    const url = new URL(ts ? './worker.ts' : './worker.js', import.meta.url);
    // Under tsx (dev scripts, tests) the worker must register the TypeScript loader before importing.
    const entry = ts
      ? `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`
      : url;
    for (let i = 0; i < workers; i++) {
      const w = new Worker(entry, { eval: ts, workerData: { key: key.bytes, ridKey, mapping, fields } });
      w.on('message', (m: Reply) => {
        const seq = m.ok ? m.result.seq : m.seq;
        const p = this.pending.get(seq);
        this.pending.delete(seq);
        if (m.ok) p?.resolve(m.result);
        else p?.reject(new LdhError('INTERNAL', 'a worker failed on a batch'));
      });
      w.on('error', (e) => {
        for (const p of this.pending.values())
          p.reject(new LdhError('INTERNAL', 'a worker stopped', { cause: e }));
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  /** Queue a batch; resolves with the results that are ready, oldest first, when the queue is full. */
  async submit(rows: readonly string[], firstRow: number): Promise<BatchResult[]> {
    const seq = this.next++;
    const batch: Batch = { seq, firstRow, rows };
    if (this.inline) {
      this.queue.push(Promise.resolve(processBatch(this.inline, this.fields, this.mapping.values, batch)));
    } else {
      const w = this.workers[seq % this.workers.length];
      const p = new Promise<BatchResult>((resolve, reject) => {
        this.pending.set(seq, { resolve, reject });
        w?.postMessage(batch);
      });
      p.catch(() => {}); // awaited in order below; this only silences the early-rejection warning
      this.queue.push(p);
    }
    const done: BatchResult[] = [];
    while (this.queue.length >= this.maxInFlight) {
      const first = this.queue.shift();
      if (first) done.push(await first);
    }
    return done;
  }

  /** All remaining results, in order. */
  async drain(): Promise<BatchResult[]> {
    const out: BatchResult[] = [];
    while (this.queue.length > 0) {
      const first = this.queue.shift();
      if (first) out.push(await first);
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
