/**
 * A bounded memo for pure functions on the hot path (name normalisation, the CLK positions of
 * non-numeric whole tokens). Two generations: look-ups hit the current map, then the previous one (promoting the
 * entry); when the current map is full it becomes the previous one and a new map starts. Frequent values
 * stay cached across the swap, rare ones age out, memory is at most 2 × `limit` entries — an LRU
 * approximation without per-access bookkeeping. Pure: caching never changes a result.
 */
export class BoundedMemo<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  constructor(private readonly limit: number) {}

  get(key: string, compute: (key: string) => V): V {
    let v = this.current.get(key);
    if (v !== undefined) return v;
    v = this.previous.get(key);
    if (v === undefined) v = compute(key);
    if (this.current.size >= this.limit) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, v);
    return v;
  }
}
