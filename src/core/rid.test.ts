import { describe, expect, it } from 'vitest';
import { RID_BITS, RidPermutation } from './rid.js';

describe('rid permutation', () => {
  it('is injective (no two rows share a rid) and stays in range', () => {
    const p = new RidPermutation(new Uint32Array([1, 2, 3, 4]));
    const seen = new Set<number>();
    let outOfRange = 0;
    for (let i = 0; i < 200_000; i++) {
      const r = p.rid(i);
      if (!(r >= 0 && r < 2 ** RID_BITS)) outOfRange++;
      seen.add(r);
    }
    expect(outOfRange).toBe(0);
    expect(seen.size).toBe(200_000);
  });

  it('does not preserve input order, and differs per run key', () => {
    const a = new RidPermutation(new Uint32Array([5, 6, 7, 8]));
    const b = new RidPermutation(new Uint32Array([9, 10, 11, 12]));
    let inversions = 0;
    for (let i = 0; i < 1000; i++) if (a.rid(i) > a.rid(i + 1)) inversions++;
    expect(inversions).toBeGreaterThan(350);
    expect(inversions).toBeLessThan(650);
    expect(a.rid(0)).not.toBe(b.rid(0));
  });
});
