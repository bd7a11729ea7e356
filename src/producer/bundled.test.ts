import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundled } from './bundled.js';

describe('bundled', () => {
  it('gives the bundle beside a module when it is at least as new, the module otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldh-bundled-'));
    try {
      const module = pathToFileURL(join(dir, 'run.js'));
      const bundle = pathToFileURL(join(dir, 'run.bundle.js'));
      await writeFile(module, '');
      expect(bundled(module).href).toBe(module.href); // no bundle (src/ under tsx)
      await writeFile(bundle, '');
      await utimes(module, 1000, 1000);
      await utimes(bundle, 2000, 2000);
      expect(bundled(module).href).toBe(bundle.href);
      await utimes(module, 3000, 3000); // rebuilt by tsc alone: the bundle is stale
      expect(bundled(module).href).toBe(module.href);
      const ts = pathToFileURL(join(dir, 'run.ts'));
      expect(bundled(ts).href).toBe(ts.href);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
