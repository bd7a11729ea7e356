/**
 * The Dice kernel (src/link/dice.ts) on one core: `npm run bench:dice`. Random 1024-bit CLKs with 45 % of
 * their bits set (like real CLKs); 100,000 candidates, and 1,000 queries that are noisy copies of
 * candidates (about 5 % of their bits flipped), so that each query has one true match near 0.95. Measures
 * (tinybench, medians over samples):
 *   - scorePairs over 1 M random pairs (CLKs fetched from all over 12.8 MB: memory-latency bound), and over
 *     the same pairs sorted by their first CLK;
 *   - topK, 1,000 queries × 100,000 candidates, k = 10: threshold 0 (every pair compared) and 0.8 (the
 *     length filter on; with random CLKs popcounts barely differ, so it skips little);
 *   - diceReference, the plain JavaScript reference, for comparison.
 * Prints a table, then exactly one line `dice comparisons_per_s=<x>`: the topK threshold-0 rate.
 */
import { Bench } from 'tinybench';
import { createDiceKernel, diceReference } from '../src/link/dice.js';

const CLK_BYTES = 128;
const N_CANDIDATES = 100_000;
const N_QUERIES = 1_000;
const N_PAIRS = 1 << 20;
const N_REFERENCE = 20_000;

/** mulberry32: seeded, so that every run measures the same data */
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const randomIndex = (n: number) => Math.floor(random() * n);

// bytes whose bits are each set with probability 0.45, drawn once, then picked at random per CLK byte
const BYTES = Uint8Array.from({ length: 4096 }, () => {
  let b = 0;
  for (let bit = 0; bit < 8; bit++) if (random() < 0.45) b |= 1 << bit;
  return b;
});
const clks = new Uint8Array((N_CANDIDATES + N_QUERIES) * CLK_BYTES);
for (let i = 0; i < N_CANDIDATES * CLK_BYTES; i++) clks[i] = BYTES[randomIndex(4096)] ?? 0;
for (let q = 0; q < N_QUERIES; q++) {
  const at = (N_CANDIDATES + q) * CLK_BYTES;
  const src = randomIndex(N_CANDIDATES) * CLK_BYTES;
  clks.copyWithin(at, src, src + CLK_BYTES);
  for (let f = 0; f < 50; f++) {
    const j = at + randomIndex(CLK_BYTES);
    clks[j] = (clks[j] ?? 0) ^ (1 << randomIndex(8));
  }
}

const kernel = await createDiceKernel(CLK_BYTES, { initialCapacity: N_CANDIDATES + N_QUERIES });
kernel.add(clks);
const candidates = Int32Array.from({ length: N_CANDIDATES }, (_, i) => i);
const queries = Int32Array.from({ length: N_QUERIES }, (_, i) => N_CANDIDATES + i);
const pairA = Int32Array.from({ length: N_PAIRS }, () => randomIndex(N_CANDIDATES));
const pairB = Int32Array.from({ length: N_PAIRS }, () => randomIndex(N_CANDIDATES));
const scores = new Float32Array(N_PAIRS);
// the same pairs sorted by a, as blocking tends to produce them: CLK a stays in cache
const order = Array.from({ length: N_PAIRS }, (_, i) => i).sort(
  (x, y) => (pairA[x] ?? 0) - (pairA[y] ?? 0) || (pairB[x] ?? 0) - (pairB[y] ?? 0),
);
const sortedA = Int32Array.from(order, (i) => pairA[i] ?? 0);
const sortedB = Int32Array.from(order, (i) => pairB[i] ?? 0);
const clk = (i: number) => clks.subarray(i * CLK_BYTES, (i + 1) * CLK_BYTES);

/** per task: pairs considered per iteration, and comparisons made in the last iteration */
const work = new Map<string, { pairs: number; compared: number; kept: number }>();
const topK = (name: string, threshold: number) => () => {
  const r = kernel.topK(queries, candidates, threshold, 10);
  work.set(name, { pairs: N_QUERIES * N_CANDIDATES, compared: r.comparisons, kept: r.count });
};
const TOPK_0 = 'topK 1,000 × 100,000, threshold 0, k = 10';
const TOPK_08 = 'topK 1,000 × 100,000, threshold 0.8, k = 10';
const PAIRS = 'scorePairs, 1 M random pairs';
const PAIRS_SORTED = 'scorePairs, the same pairs sorted by a';
const REFERENCE = 'diceReference (plain JS), 20,000 pairs';

const bench = new Bench({ time: 3000, iterations: 8, warmupIterations: 2, warmupTime: 500 });
bench
  .add(PAIRS, () => {
    kernel.scorePairs(pairA, pairB, N_PAIRS, scores);
    work.set(PAIRS, { pairs: N_PAIRS, compared: N_PAIRS, kept: N_PAIRS });
  })
  .add(PAIRS_SORTED, () => {
    kernel.scorePairs(sortedA, sortedB, N_PAIRS, scores);
    work.set(PAIRS_SORTED, { pairs: N_PAIRS, compared: N_PAIRS, kept: N_PAIRS });
  })
  .add(TOPK_0, topK(TOPK_0, 0))
  .add(TOPK_08, topK(TOPK_08, 0.8))
  .add(REFERENCE, () => {
    let sum = 0;
    for (let i = 0; i < N_REFERENCE; i++) sum += diceReference(clk(pairA[i] ?? 0), clk(pairB[i] ?? 0));
    work.set(REFERENCE, { pairs: N_REFERENCE, compared: N_REFERENCE, kept: Math.round(sum) });
  });

await bench.run();

let headline = 0;
const rows = bench.tasks.map((task) => {
  const r = task.result;
  const w = work.get(task.name);
  if (r.state !== 'completed' || w === undefined) throw new Error(`${task.name}: ${r.state}`);
  const seconds = r.latency.p50 / 1000;
  const rate = w.compared / seconds;
  if (task.name === TOPK_0) headline = Math.round(rate);
  return {
    task: task.name,
    'median ms': Number(r.latency.p50.toFixed(1)),
    samples: r.latency.samplesCount,
    'pairs/iter': w.pairs,
    'compared/iter': w.compared,
    'pairs kept': task.name === REFERENCE ? '' : w.kept,
    'M comparisons/s': Number((rate / 1e6).toFixed(1)),
    'M pairs/s': Number((w.pairs / seconds / 1e6).toFixed(1)),
  };
});
console.table(rows);
process.stdout.write(`dice comparisons_per_s=${headline}\n`);
