import { describe, expect, it } from 'vitest';
import { linkageKey } from '../core/keys.js';
import { Mapping } from '../core/mapping.js';
import { BatchPool } from './pool.js';

describe('BatchPool', () => {
  it('fails every call at once after a thread stopped unasked, instead of waiting for it forever', async () => {
    const pool = new BatchPool(1);
    const [thread] = (pool as unknown as { workers: import('node:worker_threads').Worker[] }).workers;
    if (thread === undefined) throw new Error('no thread');
    // the thread dies before any batch is sent: nothing is pending yet
    await thread.terminate();
    await new Promise((r) => setTimeout(r, 50));
    pool.start({
      key: linkageKey(new Uint8Array(32).fill(1)),
      ridKey: new Uint32Array(4),
      mapping: Mapping.parse({ version: 1, source: 'pe', columns: { record_id: 'id' } }),
      fields: ['record_id'],
      dir: '/nonexistent',
      buckets: 1,
      format: { kind: 'row-lines' },
    });
    await expect(pool.submit(new TextEncoder().encode('x\n'), 1)).rejects.toThrow(/a worker stopped/);
    await expect(pool.close()).rejects.toThrow(/a worker stopped/);
    await pool.abort();
  });
});
