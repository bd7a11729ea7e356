import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ALLOWED = [/^\.\/[a-z0-9-]+\.js$/, /^zod$/, /^@noble\/(hashes|curves|ciphers)\//, /^canonicalize$/];

describe('core architecture', () => {
  it('imports only core modules and pure libraries (no I/O, no DuckDB, no other src/ area)', () => {
    const dir = new URL('.', import.meta.url);
    const offenders: string[] = [];
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && !x.endsWith('.test.ts'))) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        const spec = m[1] ?? '';
        if (!ALLOWED.some((re) => re.test(spec))) offenders.push(`${f}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
