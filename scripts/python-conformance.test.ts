import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const python = spawnSync('python3', ['--version']).status === 0;

describe('independent Python implementation (protocols/reference)', () => {
  it.skipIf(!python)('reproduces every test vector', () => {
    const r = spawnSync('python3', ['protocols/reference/ldh_link_v1.py', 'protocols/test-vectors-v1.json'], {
      encoding: 'utf8',
      cwd: new URL('..', import.meta.url).pathname,
    });
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^conformance ok checks=\d{4,}$/);
    expect(r.status).toBe(0);
  });
});
