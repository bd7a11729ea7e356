/**
 * One-to-one assignment between two sources: scored candidate pairs at or above the threshold are taken
 * in decreasing score (ties: smaller record numbers first, so the result does not depend on input order),
 * and a pair is kept when neither record is already matched — the greedy solver anonlink uses, which on
 * record-linkage score matrices is within a hair of the optimal assignment and runs in O(n log n).
 * Scores are ranked with a counting sort on 2^20 buckets, so millions of pairs cost a few passes. Pure.
 */

const BUCKETS = 1 << 20;

/** Indices of the pairs with score ≥ threshold, by decreasing score, then a, then b. */
export function rankPairs(
  a: Int32Array,
  b: Int32Array,
  score: Float32Array,
  count: number,
  threshold: number,
): Int32Array {
  const bucketOf = (s: number) => Math.min(BUCKETS - 1, Math.floor(s * (BUCKETS - 1)));
  const counts = new Int32Array(BUCKETS + 1);
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const s = score[i] as number;
    if (s < threshold) continue;
    const k = BUCKETS - 1 - bucketOf(s);
    counts[k + 1] = (counts[k + 1] as number) + 1;
    kept++;
  }
  for (let k = 0; k < BUCKETS; k++) counts[k + 1] = (counts[k + 1] as number) + (counts[k] as number);
  const order = new Int32Array(kept);
  for (let i = 0; i < count; i++) {
    const s = score[i] as number;
    if (s < threshold) continue;
    const k = BUCKETS - 1 - bucketOf(s);
    order[counts[k] as number] = i;
    counts[k] = (counts[k] as number) + 1;
  }
  // within a bucket: exact score, then record numbers (buckets are tiny, insertion sort)
  let start = 0;
  while (start < kept) {
    const k = bucketOf(score[order[start] as number] as number);
    let end = start + 1;
    while (end < kept && bucketOf(score[order[end] as number] as number) === k) end++;
    for (let i = start + 1; i < end; i++) {
      const x = order[i] as number;
      let j = i - 1;
      while (j >= start && before(x, order[j] as number, a, b, score)) {
        order[j + 1] = order[j] as number;
        j--;
      }
      order[j + 1] = x;
    }
    start = end;
  }
  return order;
}

function before(x: number, y: number, a: Int32Array, b: Int32Array, score: Float32Array): boolean {
  const sx = score[x] as number;
  const sy = score[y] as number;
  if (sx !== sy) return sx > sy;
  if (a[x] !== a[y]) return (a[x] as number) < (a[y] as number);
  return (b[x] as number) < (b[y] as number);
}

/**
 * Greedy one-to-one matching. `accept(i)` is asked for each pair in rank order whose two records are both
 * still free; it may refuse (e.g. the NIR-conflict rule). Returns the indices of the accepted pairs.
 */
export function greedyOneToOne(
  a: Int32Array,
  b: Int32Array,
  order: Int32Array,
  accept: (pair: number) => boolean,
): number[] {
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const out: number[] = [];
  for (const i of order) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (usedA.has(x) || usedB.has(y)) continue;
    if (!accept(i)) continue;
    usedA.add(x);
    usedB.add(y);
    out.push(i);
  }
  return out;
}
