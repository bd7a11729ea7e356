/**
 * Extract-local identity numbers (`rid`) — protocol v3 §6. rid = F_k(i), where i is the input row at
 * which the identity first appears and F_k a 4-round Feistel permutation of [0, 2^30) under a random
 * per-run key k that is discarded after the run. The rids are unique (F is a bijection) and, because
 * the extract's rows are written in rid order, the file order is a random permutation of the input
 * order: a producer file sorted by NIR does not hand the hub a NIR ordering. Pure (the key is given).
 */

export const RID_BITS = 30;
const HALF = RID_BITS / 2;
const MASK = (1 << HALF) - 1;

export class RidPermutation {
  private readonly k: Uint32Array;
  constructor(key: Uint32Array) {
    if (key.length < 4) throw new RangeError('a rid permutation key has 4 words');
    this.k = key;
  }

  private static round(x: number, k: number): number {
    let h = Math.imul(x ^ k, 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca77);
    h ^= h >>> 13;
    return h & MASK;
  }

  /** F_k(i) for 0 ≤ i < 2^30. */
  rid(i: number): number {
    if (!(Number.isInteger(i) && i >= 0 && i < 2 ** RID_BITS)) throw new RangeError('row index out of range');
    let l = i >>> HALF;
    let r = i & MASK;
    for (let j = 0; j < 4; j++) {
      const t = l ^ RidPermutation.round(r, this.k[j] ?? 0);
      l = r;
      r = t;
    }
    return (l << HALF) | r;
  }
}
