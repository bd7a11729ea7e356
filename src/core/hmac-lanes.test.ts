import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes.js';
import { HmacLanes, LANE_JOBS } from './hmac-lanes.js';
import { HmacSha256, hmacSha256Reference } from './hmac-sha256.js';

const lanesOrFail = (): HmacLanes => {
  const lanes = HmacLanes.create();
  if (lanes === null) throw new Error('this Node has no WebAssembly SIMD');
  return lanes;
};

const prefixed = (prefix: number, text: string) => {
  const m = new Uint8Array(4 + text.length);
  new DataView(m.buffer).setUint32(0, prefix >>> 0);
  m.set(new TextEncoder().encode(text), 4);
  return m;
};

describe('HmacLanes (four HMAC-SHA-256 per pass of the WebAssembly SIMD kernel)', () => {
  it('equals @noble/hashes for jobs under different keys, any count of jobs, message lengths 0–55', () => {
    const lanes = lanesOrFail();
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.uint8Array({ minLength: 0, maxLength: 100 }),
            msg: fc.uint8Array({ minLength: 0, maxLength: 55 }),
          }),
          { minLength: 1, maxLength: 23 },
        ),
        (jobs) => {
          lanes.clear();
          const numbers = jobs.map(({ key, msg }) => lanes.addBytes(new HmacSha256(key), msg, msg.length));
          expect(numbers).toEqual(jobs.map((_, i) => i));
          lanes.compute();
          jobs.forEach(({ key, msg }, i) => {
            expect(toHex(lanes.bytesInto(i, new Uint8Array(32)))).toBe(toHex(hmacSha256Reference(key, msg)));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('queues u32be(prefix) ‖ ASCII(text) as HmacSha256.macPrefixedAscii hashes it', () => {
    const lanes = lanesOrFail();
    const mac = new HmacSha256(new Uint8Array(32).fill(9));
    fc.assert(
      fc.property(fc.nat(), fc.string({ unit: 'binary-ascii', maxLength: 51 }), (prefix, text) => {
        lanes.clear();
        lanes.addBytes(mac, new Uint8Array(0), 0); // job 0: the one under test is in lane 1
        expect(lanes.addPrefixedAscii(mac, prefix, text)).toBe(1);
        lanes.compute();
        const want = toHex(hmacSha256Reference(new Uint8Array(32).fill(9), prefixed(prefix, text)));
        expect(toHex(lanes.bytesInto(1, new Uint8Array(32)))).toBe(want);
        expect(Array.from(lanes.digest(1))).toEqual(Array.from(mac.macPrefixedAscii(prefix, text) ?? []));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses, queuing nothing, what one block cannot hold and what the lanes cannot take', () => {
    const lanes = lanesOrFail();
    const mac = new HmacSha256(new Uint8Array(32));
    expect(lanes.addPrefixedAscii(mac, 0, 'x'.repeat(52))).toBe(-1);
    expect(lanes.addPrefixedAscii(mac, 0, 'É')).toBe(-1);
    expect(lanes.addBytes(mac, new Uint8Array(56), 56)).toBe(-1);
    expect(lanes.size).toBe(0);
    for (let i = 0; i < LANE_JOBS; i++) expect(lanes.addPrefixedAscii(mac, i, 'a')).toBe(i);
    expect(lanes.free).toBe(0);
    expect(lanes.addPrefixedAscii(mac, 0, 'a')).toBe(-1);
    lanes.compute();
    const last = LANE_JOBS - 1;
    expect(toHex(lanes.bytesInto(last, new Uint8Array(32)))).toBe(
      toHex(hmacSha256Reference(new Uint8Array(32), prefixed(last, 'a'))),
    );
    lanes.clear();
    expect(lanes.addPrefixedAscii(mac, 0, 'a')).toBe(0);
  });
});
