import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineWriter } from './files.js';

/** What a LineWriter with a small buffer (flushes inside lines) writes. */
function written(write: (w: LineWriter) => void, bufferBytes = 7): Buffer {
  const chunks: Buffer[] = [];
  const w = new LineWriter((b) => chunks.push(Buffer.from(b)), bufferBytes);
  write(w);
  w.close();
  return Buffer.concat(chunks);
}

describe('LineWriter field writers', () => {
  it('write integers, bytes and text as Node writes them, across flushes', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ maxLength: 140 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        (n, bytes, text) => {
          const expected = Buffer.concat([Buffer.from(`${n},`), bytes, Buffer.from(`,${text}\n`)]);
          const line = (w: LineWriter) => {
            w.int(n);
            w.byte(0x2c);
            w.bytes(bytes);
            w.byte(0x2c);
            w.text(text);
            w.byte(0x0a);
          };
          expect(written(line)).toEqual(expected);
          expect(written(line, 1 << 16)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes whole lines with line()', () => {
    expect(
      written((w) => {
        w.line('a,é');
        w.line('');
      }),
    ).toEqual(Buffer.from('a,é\n\n'));
  });
});
