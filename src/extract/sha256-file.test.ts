import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from './sha256-file.js';

describe('sha256File', () => {
  it('gives the SHA-256 and size of files of any length, also when called concurrently', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldh-sha-'));
    const sizes = [0, 1, 1 << 20, (1 << 20) + 3, 3 * (1 << 20) - 1];
    const files = await Promise.all(
      sizes.map(async (n, i) => {
        const data = randomBytes(n);
        const path = join(dir, `f${i}`);
        await writeFile(path, data);
        return { path, want: { sha256: createHash('sha256').update(data).digest('hex'), bytes: n } };
      }),
    );
    expect(await Promise.all(files.map((f) => sha256File(f.path)))).toEqual(files.map((f) => f.want));
    for (const f of files) expect(await sha256File(f.path)).toEqual(f.want);
  });
});
