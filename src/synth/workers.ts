/**
 * Worker-thread pool producing ranges of persons in parallel (generation, not disk, is the bottleneck).
 * Each worker builds its ChunkGenerator from the config and the tables' data (read once by the main
 * thread), encodes its chunks' files and transfers the buffers back without copying; the main thread
 * reorders results so that they are consumed strictly in range order, and bounds how many are in flight.
 */
import { Worker } from 'node:worker_threads';
import type { EncodedChunk, TablesData } from './chunk.js';
import type { SynthConfig } from './config.js';
import type { ChunkProducer } from './generate.js';

/** Ranges in flight per worker: one being generated, one queued. */
const DEPTH = 2;

function spawn(config: SynthConfig, tables: TablesData): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./worker.js', import.meta.url), { workerData: { config, tables } });
  }
  // Running from TypeScript sources (tsx, vitest): worker threads do not inherit the TypeScript loader on
  // Node 20, so the worker registers tsx itself before importing its body.
  const api = import.meta.resolve('tsx/esm/api');
  const body = new URL('./worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(body)}); });`;
  return new Worker(code, { eval: true, execArgv: [], workerData: { config, tables } });
}

export async function workerProducer(
  config: SynthConfig,
  tables: TablesData,
  count: number,
): Promise<ChunkProducer> {
  const workers = Array.from({ length: count }, () => spawn(config, tables));
  return {
    produce(ranges, consume) {
      return new Promise<void>((resolve, reject) => {
        const results = new Map<number, EncodedChunk>();
        const inflight = new Map<Worker, number>();
        const window = DEPTH * count;
        let next = 0;
        let consumed = 0;
        let failed = false;
        const feed = (w: Worker): void => {
          while ((inflight.get(w) ?? 0) < DEPTH && next < ranges.length && next - consumed < window) {
            const range = ranges[next];
            if (range) w.postMessage({ id: next, start: range[0], count: range[1] });
            inflight.set(w, (inflight.get(w) ?? 0) + 1);
            next++;
          }
        };
        const fail = (err: unknown): void => {
          failed = true;
          reject(err);
        };
        for (const w of workers) {
          w.on('message', (msg: { id: number; chunk: EncodedChunk }) => {
            if (failed) return;
            inflight.set(w, (inflight.get(w) ?? 1) - 1);
            results.set(msg.id, msg.chunk);
            try {
              for (let r = results.get(consumed); r !== undefined; r = results.get(consumed)) {
                results.delete(consumed);
                consume(r);
                consumed++;
              }
            } catch (err) {
              fail(err);
              return;
            }
            if (consumed === ranges.length) resolve();
            else for (const x of workers) feed(x);
          });
          w.on('error', fail);
        }
        if (ranges.length === 0) resolve();
        for (const w of workers) feed(w);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
