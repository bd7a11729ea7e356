/**
 * The worker threads of `pseudonymise`, started as early as possible: a thread takes a few hundred
 * milliseconds to load its code, which the CLI overlaps with its own loading by starting them before it
 * imports the command (`prestartWorkers`, cli/main.ts); the run's pool then takes them (`takeWorkers`).
 * Threads started ahead are unreferenced until taken, so a run that fails before needing them does not
 * wait for them. A thread loads the worker's bundle when there is one (bundled.ts). Loads nothing but
 * worker_threads.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bundled } from './bundled.js';

/** Threads by default: one per core, up to 4. */
export function defaultWorkers(): number {
  return Math.min(4, Math.max(1, availableParallelism()));
}

let spare: Worker[] = [];
/** threads started ahead that stopped before being taken (failed to load) */
const failed = new WeakSet<Worker>();

function startWorker(): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const url = ts ? new URL('./worker.ts', import.meta.url) : bundled(new URL('./worker.js', import.meta.url));
  // Under tsx (dev scripts, tests) the worker must register the TypeScript loader before importing.
  const entry = ts
    ? `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`
    : url;
  return new Worker(entry, {
    eval: ts,
    // a young generation larger than the default: most per-row garbage then dies young, fewer promotions
    resourceLimits: { maxYoungGenerationSizeMb: 48 },
  });
}

/** Starts `n` threads ahead of the run that will take them. */
export function prestartWorkers(n: number): void {
  for (let i = spare.length; i < n; i++) {
    const w = startWorker();
    w.unref();
    // a thread that fails before it is taken is replaced by a new one, whose failure its pool sees
    w.on('error', () => failed.add(w));
    w.on('exit', () => failed.add(w));
    spare.push(w);
  }
}

/**
 * `n` threads: those started ahead if there are as many and all are alive, new ones otherwise (the
 * others stopped).
 */
export function takeWorkers(n: number): Worker[] {
  const taken = spare.length === n && !spare.some((w) => failed.has(w)) ? spare : [];
  for (const w of spare) if (!taken.includes(w)) void w.terminate();
  spare = [];
  for (const w of taken) w.ref();
  while (taken.length < n) taken.push(startWorker());
  return taken;
}
