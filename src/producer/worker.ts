/**
 * Worker thread of `pseudonymise`: a BatchWorker built from the linkage key, mapping and part number it
 * is given at start. Answers batch messages with reject lines and coverage counts; writes its rows itself.
 * Keyed state never leaves the process; error replies carry no row content.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { linkageKey } from '../core/keys.js';
import type { Mapping } from '../core/mapping.js';
import type { Batch } from './batch.js';
import { BatchWorker } from './batch-worker.js';

interface Init {
  readonly key: Uint8Array;
  readonly ridKey: Uint32Array;
  readonly mapping: Mapping;
  readonly fields: readonly string[];
  readonly dir: string;
  readonly part: number;
}

const init = workerData as Init;
const worker = new BatchWorker(
  linkageKey(init.key),
  init.ridKey,
  init.mapping,
  init.fields,
  init.dir,
  init.part,
);
parentPort?.on('message', (msg: Batch | { close: true }) => {
  if ('close' in msg) {
    worker.close().then(
      () => parentPort?.postMessage({ closed: true }),
      (e: unknown) =>
        parentPort?.postMessage({ closed: false, error: e instanceof Error ? e.name : 'Error' }),
    );
    return;
  }
  worker.handle(msg).then(
    (reply) => parentPort?.postMessage({ ok: true, reply }),
    (e: unknown) =>
      parentPort?.postMessage({ ok: false, seq: msg.seq, error: e instanceof Error ? e.name : 'Error' }),
  );
});
