import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineWriter } from './files.js';

/** What a LineWriter with a small buffer (flushes inside lines) writes, as a string. */
function written(write: (w: LineWriter) => void, bufferBytes = 7): string {
  const chunks: Buffer[] = [];
  const w = new LineWriter((b) => chunks.push(Buffer.from(b)), bufferBytes);
  write(w);
  w.close();
  return Buffer.concat(chunks).toString('utf8');
}

describe('LineWriter field writers', () => {
  it('write integers, base64 and text as Node writes them, across flushes', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ maxLength: 140 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        (n, bytes, text) => {
          const expected = `${n},${Buffer.from(bytes).toString('base64')},${text}\n`;
          const line = (w: LineWriter) => {
            w.int(n);
            w.byte(0x2c);
            w.base64(bytes);
            w.byte(0x2c);
            w.text(text);
            w.byte(0x0a);
          };
          expect(written(line)).toBe(expected);
          expect(written(line, 1 << 16)).toBe(expected);
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
    ).toBe('a,é\n\n');
  });
});
