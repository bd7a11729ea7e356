import { describe, expect, it } from 'vitest';
import { linkageKey } from '../core/keys.js';
import { resolveSynthConfig } from '../synth/config.js';
import { buildNameTables, readNameData } from '../synth/names.js';
import { loadPlaceTables } from '../synth/places.js';
import { createPopulationContext } from '../synth/population.js';
import { V1, withDiffusion } from './encoders.js';
import { graphCase, runT6 } from './suite.js';
import { secret } from './test-fixtures.js';
import { type Victim, victims } from './victims.js';

describe('T6 on record-level CLKs (400 synthetic persons, full overlap)', () => {
  const ctx = createPopulationContext(
    resolveSynthConfig({ seed: 3 }),
    buildNameTables(readNameData()),
    loadPlaceTables(),
  );
  const pop = victims(ctx, 0, 800);
  const gc = graphCase(pop, 400, 1, 1);
  const attack = (scheme: typeof V1) => {
    const victim = scheme.make(linkageKey(secret(1)), [], 1);
    const own = [0, 1, 2, 3].map((i) => {
      const a = scheme.make(linkageKey(secret(60 + i)), [], 5 + i);
      return (v: Victim) => a(v.identity);
    });
    return runT6(
      gc,
      (v) => victim(v.identity),
      own,
      { first_name: (v) => v.firstName },
      (a, b) => a.person === b.person,
    );
  };

  it('re-identifies most protocol v1 CLKs without the key', () => {
    const r = attack(V1);
    expect(r.person).toBeGreaterThan(0.5);
    expect(r.byAttribute.first_name?.precision).toBeGreaterThan(0.95);
  });

  it('finds almost nothing once the CLK is diffused (t = 2)', () => {
    expect(attack(withDiffusion(V1, 2, 1024)).person).toBeLessThan(0.02);
  });
});
