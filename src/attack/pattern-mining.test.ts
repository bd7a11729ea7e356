import { describe, expect, it } from 'vitest';
import { Rng } from '../synth/prng.js';
import { BitMatrix } from './bits.js';
import { FieldBloomEncoder } from './encoders.js';
import { reidentification } from './metrics.js';
import { atomIncidence, mineAtoms, patternMiningAttack, reduceAtoms } from './pattern-mining.js';
import { firstNames, sample, secret } from './test-fixtures.js';

describe('T5 pattern-mining attack', () => {
  it('recovers planted q-gram position sets from co-occurrence alone', () => {
    // 3 tokens of 12 positions in 256 bits, present in 40 %, 25 % and 10 % of 3,000 rows, plus 20 % noise
    const rng = new Rng(4, 5, 6, 7);
    const tokens = [0, 1, 2].map(() => {
      const s = new Set<number>();
      while (s.size < 12) s.add(rng.int(256));
      return [...s].sort((a, b) => a - b);
    });
    const shares = [0.4, 0.25, 0.1];
    const rows: number[][] = [];
    for (let r = 0; r < 3000; r++) {
      const ps = new Set<number>();
      tokens.forEach((t, i) => {
        if (rng.next() < (shares[i] as number)) for (const p of t) ps.add(p);
      });
      for (let p = 0; p < 256; p++) if (rng.next() < 0.2) ps.add(p);
      rows.push([...ps]);
    }
    const m = BitMatrix.fromPositions(rows, 256);
    const atoms = mineAtoms(m).map((a) => a.join(','));
    for (const t of tokens) expect(atoms).toContain(t.join(','));
    const inc = atomIncidence(m, [tokens[0] as number[]]);
    let present = 0;
    for (let r = 0; r < 3000; r++) if (inc.get(r, 0)) present++;
    expect(present / 3000).toBeGreaterThan(0.35);
    expect(present / 3000).toBeLessThan(0.45);
  });

  it('removes a more frequent nested atom (the sex inside a gendered name)', () => {
    expect(
      reduceAtoms(
        [
          [1, 2, 3],
          [1, 2, 3, 7, 8, 9],
        ],
        [500, 100],
      ),
    ).toEqual([
      [1, 2, 3],
      [7, 8, 9],
    ]);
    expect(
      reduceAtoms(
        [
          [1, 2, 3],
          [1, 7, 8, 9],
        ],
        [500, 100],
      ),
    ).toEqual([
      [1, 2, 3],
      [1, 7, 8, 9],
    ]);
  });

  it('breaks the unhardened field-level Bloom filter of first names', () => {
    const knowledge = firstNames();
    const truth = sample(knowledge, 5000, 2);
    const enc = new FieldBloomEncoder(secret(2));
    const m = BitMatrix.fromBytes(
      truth.map((v) => enc.encode(v)),
      enc.params.l,
    );
    const r = patternMiningAttack(m, knowledge);
    const score = reidentification(r.claims, truth);
    expect(score.share).toBeGreaterThan(0.3);
    expect(score.precision).toBeGreaterThan(0.8);
  });
});
