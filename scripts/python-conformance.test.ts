import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const python = spawnSync('python3', ['--version']).status === 0;

function reference(vectors: string) {
  return spawnSync('python3', ['protocols/reference/ldh_link_v3.py', vectors], {
    encoding: 'utf8',
    cwd: new URL('..', import.meta.url).pathname,
  });
}

describe('independent Python implementation (protocols/reference)', () => {
  it.skipIf(!python)('reproduces every test vector', () => {
    const r = reference('protocols/test-vectors-v3.json');
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^conformance ok checks=\d{4,}$/);
    expect(r.status).toBe(0);
  });

  it.skipIf(!python)('reproduces every hub test vector (re-keying, audit chain)', () => {
    const r = reference('protocols/test-vectors-hub-v1.json');
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^conformance ok checks=\d{3,}$/);
    expect(r.status).toBe(0);
  });
});
