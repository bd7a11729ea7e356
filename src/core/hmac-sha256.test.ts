import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes.js';
import { HmacSha256, hmacSha256Reference } from './hmac-sha256.js';

describe('HMAC-SHA-256 kernel', () => {
  it('matches RFC 4231 test cases 1, 2 and 6', () => {
    const c1 = new HmacSha256(new Uint8Array(20).fill(0x0b)).mac(new TextEncoder().encode('Hi There'));
    expect(toHex(c1)).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    const c2 = new HmacSha256(new TextEncoder().encode('Jefe')).mac(
      new TextEncoder().encode('what do ya want for nothing?'),
    );
    expect(toHex(c2)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    const c6 = new HmacSha256(new Uint8Array(131).fill(0xaa)).mac(
      new TextEncoder().encode('Test Using Larger Than Block-Size Key - Hash Key First'),
    );
    expect(toHex(c6)).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('equals @noble/hashes for any key and message, including around block boundaries', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 140 }),
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        (k, m) => {
          expect(toHex(new HmacSha256(k).mac(m))).toBe(toHex(hmacSha256Reference(k, m)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reuses its state safely across calls with a length shorter than the buffer', () => {
    const h = new HmacSha256(fromHex('00'.repeat(32)));
    const buf = new Uint8Array(100).fill(7);
    const a = toHex(h.macInto(buf, 10, new Uint8Array(32)));
    h.mac(new Uint8Array(90));
    expect(toHex(h.macInto(buf, 10, new Uint8Array(32)))).toBe(a);
    expect(a).toBe(toHex(hmacSha256Reference(fromHex('00'.repeat(32)), buf.subarray(0, 10))));
  });

  it('computes the MAC of u32be(prefix) ‖ ASCII text straight from the string, or declines', () => {
    const k = fromHex('11'.repeat(32));
    const h = new HmacSha256(k);
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.string({ maxLength: 60 }), (prefix, text) => {
        const words = h.macPrefixedAscii(prefix, text);
        const ascii = [...text].every((c) => c.charCodeAt(0) < 0x80);
        if (!ascii || text.length > 51) {
          expect(words).toBeNull();
          return;
        }
        const msg = new Uint8Array(4 + text.length);
        new DataView(msg.buffer).setUint32(0, prefix);
        msg.set(new TextEncoder().encode(text), 4);
        const hex = Array.from(words ?? [], (x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
        expect(hex).toBe(toHex(hmacSha256Reference(k, msg)));
      }),
      { numRuns: 500 },
    );
    expect(h.macPrefixedAscii(0, 'É')).toBeNull();
  });
});
