/**
 * Worker thread of `pseudonymise`: builds its own RowProcessor from the linkage key and mapping it is
 * given at start, then answers batch messages. Keyed state never leaves the process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { linkageKey } from '../core/keys.js';
import type { Mapping } from '../core/mapping.js';
import { RidPermutation } from '../core/rid.js';
import { type Batch, processBatch } from './batch.js';
import { RowProcessor } from './row-processor.js';

interface Init {
  readonly key: Uint8Array;
  readonly ridKey: Uint32Array;
  readonly mapping: Mapping;
  readonly fields: readonly string[];
}

const init = workerData as Init;
const processor = new RowProcessor(linkageKey(init.key), init.mapping, new RidPermutation(init.ridKey));
parentPort?.on('message', (batch: Batch) => {
  try {
    parentPort?.postMessage({
      ok: true,
      result: processBatch(processor, init.fields, init.mapping.values, batch),
    });
  } catch (e) {
    // no row content in the message: only that this batch failed
    parentPort?.postMessage({ ok: false, seq: batch.seq, error: e instanceof Error ? e.name : 'Error' });
  }
});
