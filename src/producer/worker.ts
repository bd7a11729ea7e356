/**
 * Worker thread of `pseudonymise`: a BatchWorker built from the setup (linkage key, mapping, part number…)
 * of the first message. Answers batch messages with reject lines and coverage counts; writes its rows
 * itself; after `close`, sorts the rid buckets it is given (bucket-sort.ts). Keyed state never leaves the
 * process; error replies carry no row content.
 */
import { parentPort } from 'node:worker_threads';
import { linkageKey } from '../core/keys.js';
import type { Batch } from './batch.js';
import { type BatchSetup, BatchWorker, type SortTask } from './batch-worker.js';

type Message = { setup: BatchSetup; part: number } | Batch | { close: true } | { sort: SortTask };

let worker: BatchWorker | null = null;
parentPort?.on('message', (msg: Message) => {
  if ('setup' in msg) {
    worker = new BatchWorker({ ...msg.setup, key: linkageKey(msg.setup.key.bytes) }, msg.part);
    return;
  }
  if ('sort' in msg) {
    try {
      if (worker === null) throw new Error('no setup');
      parentPort?.postMessage({ sorted: true, groups: worker.sort(msg.sort) });
    } catch (e) {
      parentPort?.postMessage({ sorted: false, error: e instanceof Error ? e.name : 'Error' });
    }
    return;
  }
  if ('close' in msg) {
    try {
      worker?.close();
      parentPort?.postMessage({ closed: true });
    } catch (e) {
      parentPort?.postMessage({ closed: false, error: e instanceof Error ? e.name : 'Error' });
    }
    return;
  }
  try {
    if (worker === null) throw new Error('no setup');
    parentPort?.postMessage({ ok: true, reply: worker.handle(msg) });
  } catch (e) {
    parentPort?.postMessage({ ok: false, seq: msg.seq, error: e instanceof Error ? e.name : 'Error' });
  }
});
