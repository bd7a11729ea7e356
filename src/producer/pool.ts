/**
 * A small ordered pool of BatchWorkers in worker threads. The threads are started at construction, so
 * that they load their code while the main thread opens the input; `start` gives them the run's setup;
 * `submit` hands a batch of lines over (its buffer is transferred, not copied) and returns when there is
 * room (back-pressure) with the replies that are ready, oldest first; `close` flushes every worker's part
 * files; `sort` has the threads sort them into one file per rid bucket (bucket-sort.ts), the buckets
 * shared out between them; `abort` stops the threads. With 0 workers one BatchWorker runs in the main
 * thread (tests, debugging).
 */
import type { Worker } from 'node:worker_threads';
import { LdhError } from '../core/errors.js';
import type { Batch } from './batch.js';
import {
  type BatchReply,
  type BatchSetup,
  BatchWorker,
  type BucketKind,
  type SortTask,
} from './batch-worker.js';
import type { PlacedRowGroup, SharedParquet } from './bucket-parquet.js';
import { NotPlainCsv } from './row-lines.js';
import { takeWorkers } from './worker-start.js';

type Reply =
  | { ok: true; reply: BatchReply }
  | { ok: false; seq: number; error: string }
  | { closed: boolean; error?: string }
  | { sorted: boolean; groups?: PlacedRowGroup[]; error?: string };

export class BatchPool {
  private readonly workers: Worker[] = [];
  private inline: BatchWorker | null = null;
  private setup: BatchSetup | null = null;
  private readonly pending = new Map<
    number,
    { resolve: (r: BatchReply) => void; reject: (e: Error) => void }
  >();
  private readonly closing = new Map<Worker, (ok: boolean) => void>();
  /** per worker, the sort tasks sent and not answered yet, oldest first: their row groups, null if failed */
  private readonly sorting = new Map<Worker, ((groups: PlacedRowGroup[] | null) => void)[]>();
  private readonly queue: Promise<BatchReply>[] = [];
  private next = 0;
  /** set when a thread stopped unasked: every later call fails with it */
  private stopped: LdhError | null = null;
  private aborting = false;

  /** There will be max(1, workers) part files, numbered from 0. */
  constructor(
    workers: number,
    private readonly maxInFlight = Math.max(2, workers * 3),
  ) {
    for (const w of takeWorkers(workers)) {
      w.on('message', (m: Reply) => {
        if ('closed' in m) {
          this.closing.get(w)?.(m.closed);
          return;
        }
        if ('sorted' in m) {
          this.sorting.get(w)?.shift()?.(m.sorted ? (m.groups ?? []) : null);
          return;
        }
        const seq = m.ok ? m.reply.seq : m.seq;
        const p = this.pending.get(seq);
        this.pending.delete(seq);
        if (m.ok) p?.resolve(m.reply);
        else if (m.error === NotPlainCsv.name) p?.reject(new NotPlainCsv('in a worker'));
        else p?.reject(new LdhError('INTERNAL', 'a worker failed on a batch'));
      });
      const stop = (cause: unknown) => {
        // what is waiting fails now, and whatever comes later at once: no message is left unanswered
        this.stopped ??= new LdhError('INTERNAL', 'a worker stopped', { cause });
        for (const p of this.pending.values()) p.reject(this.stopped);
        this.pending.clear();
        this.closing.get(w)?.(false);
        for (const done of this.sorting.get(w)?.splice(0) ?? []) done(null);
      };
      w.on('error', stop);
      w.on('exit', (code) => {
        if (!this.aborting) stop(new Error(`exit code ${code}`));
      });
      this.workers.push(w);
    }
  }

  /** Gives the workers the run's setup (part files go to `setup.dir`); before any `submit`. */
  start(setup: BatchSetup): void {
    this.setup = setup;
    if (this.workers.length === 0) this.inline = new BatchWorker(setup, 0);
    this.workers.forEach((w, part) => {
      w.postMessage({ setup, part });
    });
  }

  /** The number of part files written. */
  get parts(): number {
    return Math.max(1, this.workers.length);
  }

  /**
   * Queue a batch of row lines whose first row is number `firstRow` (1-based); `lines` is detached when
   * handed to a worker. Resolves with the replies that are ready, oldest first, when the queue is full.
   */
  async submit(lines: Uint8Array, firstRow: number): Promise<BatchReply[]> {
    if (this.setup === null) throw new Error('BatchPool.start must come first');
    if (this.stopped) throw this.stopped;
    const seq = this.next++;
    const batch: Batch = { seq, firstRow, lines };
    let p: Promise<BatchReply>;
    if (this.inline) {
      const inline = this.inline;
      p = new Promise<BatchReply>((resolve) => resolve(inline.handle(batch)));
    } else {
      const w = this.workers[seq % this.workers.length];
      p = new Promise<BatchReply>((resolve, reject) => {
        this.pending.set(seq, { resolve, reject });
        w?.postMessage(batch, [lines.buffer as ArrayBuffer]);
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

  /** Flushes and closes every part file (the threads stay, for `sort`). */
  async close(): Promise<void> {
    if (this.stopped) throw this.stopped;
    if (this.inline) {
      this.inline.close();
      return;
    }
    const flushed = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<boolean>((resolve) => {
            this.closing.set(w, resolve);
            w.postMessage({ close: true });
          }),
      ),
    );
    if (flushed.some((ok) => !ok)) throw new LdhError('INTERNAL', 'a worker could not write its part files');
  }

  /**
   * Sorts the part files of one kind, one rid bucket at a time, the buckets shared out between the
   * threads, into row groups of `target` (`BatchWorker.sort`); after `close`. A thread sorts in the order asked: identities asked first
   * are ready while the events are still being sorted. Resolves with each bucket's row groups (none for
   * the events).
   */
  async sort(kind: BucketKind, target: SharedParquet): Promise<PlacedRowGroup[][]> {
    const setup = this.setup;
    if (setup === null) throw new Error('BatchPool.start must come first');
    if (this.stopped) throw this.stopped;
    const tasks = Array.from(
      { length: setup.buckets },
      (_, bucket): SortTask => ({ kind, bucket, parts: this.parts, target }),
    );
    if (this.inline) {
      const inline = this.inline;
      return tasks.map((t) => inline.sort(t));
    }
    const sorted = await Promise.all(
      tasks.map((task, i) => {
        const w = this.workers[i % this.workers.length] as Worker;
        return new Promise<PlacedRowGroup[] | null>((resolve) => {
          const queue = this.sorting.get(w) ?? [];
          this.sorting.set(w, queue);
          queue.push(resolve);
          w.postMessage({ sort: task });
        });
      }),
    );
    const groups: PlacedRowGroup[][] = [];
    for (const g of sorted) {
      if (g === null) throw new LdhError('INTERNAL', 'a worker could not sort its part files');
      groups.push(g);
    }
    return groups;
  }

  /** Stops the threads (at the end of a run, or without flushing after a failure). */
  async abort(): Promise<void> {
    this.aborting = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
