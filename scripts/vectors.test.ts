import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildVectors, unmetExpectations } from './vectors.js';

describe('protocol v3 test vectors', () => {
  const committed = JSON.parse(
    readFileSync(new URL('../protocols/test-vectors-v3.json', import.meta.url), 'utf8'),
  );

  it('meet every hand-written normalisation expectation', () => {
    expect(unmetExpectations()).toEqual([]);
  });

  it('are exactly what the code computes (run `npm run vectors` after a deliberate protocol change)', () => {
    expect(buildVectors()).toEqual(committed);
  });

  it('cover at least 40 inputs and every NIR class', () => {
    expect(committed.cases.length).toBeGreaterThanOrEqual(40);
    const classes = new Set(
      committed.cases.map((c: { normalised: { nir_class: string } }) => c.normalised.nir_class),
    );
    expect([...classes].sort()).toEqual(['certified', 'invalid', 'missing', 'provisional', 'unverified']);
  });
});
