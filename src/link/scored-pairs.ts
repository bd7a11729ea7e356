/** Buffers of the fuzzy stage shared by the private engine and the clear-text reference linker. Pure. */

/** Growable parallel typed arrays of scored pairs. */
export class PairBuffer {
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  s = new Float32Array(1024);
  count = 0;
  push(a: number, b: number, s: number): void {
    if (this.count === this.a.length) {
      const grow = <T extends Int32Array | Float32Array>(x: T, make: (n: number) => T): T => {
        const y = make(x.length * 2);
        y.set(x);
        return y;
      };
      this.a = grow(this.a, (n) => new Int32Array(n));
      this.b = grow(this.b, (n) => new Int32Array(n));
      this.s = grow(this.s, (n) => new Float32Array(n));
    }
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.s[this.count] = s;
    this.count++;
  }
}

/** Each record's best and runner-up scores, and their histograms (100 bins; a record with none: bin 0). */
export class TopTwo {
  private readonly first: Float32Array;
  private readonly second: Float32Array;
  constructor(n: number) {
    this.first = new Float32Array(n);
    this.second = new Float32Array(n);
  }
  note(r: number, s: number): void {
    if (s > (this.first[r] as number)) {
      this.second[r] = this.first[r] as number;
      this.first[r] = s;
    } else if (s > (this.second[r] as number)) this.second[r] = s;
  }
  histograms(records: readonly number[]): { best: Float64Array; second: Float64Array } {
    const best = new Float64Array(100);
    const second = new Float64Array(100);
    this.addTo(records, best, second);
    return { best, second };
  }
  /** adds the given records' best and runner-up scores to two histograms (any number of bins) */
  addTo(records: readonly number[], best: Float64Array, second: Float64Array): void {
    const bins = best.length;
    for (const r of records) {
      const b = Math.min(bins - 1, Math.floor((this.first[r] as number) * bins));
      const s = Math.min(bins - 1, Math.floor((this.second[r] as number) * bins));
      best[b] = (best[b] as number) + 1;
      second[s] = (second[s] as number) + 1;
    }
  }
}
