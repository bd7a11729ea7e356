/**
 * Byte encodings shared by every keyed computation of the protocol (§2): UTF-8, length prefixes, hex and
 * base64. A length prefix is the byte length as an unsigned 16-bit big-endian integer, so that no two
 * different sequences of fields encode to the same bytes. Pure.
 */

const encoder = new TextEncoder();

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** u16be(len(x)) ‖ x for each part, concatenated. */
export function lengthPrefixed(...parts: readonly string[]): Uint8Array {
  const encoded = parts.map(utf8);
  let n = 0;
  for (const e of encoded) {
    if (e.length > 0xffff) throw new RangeError('field longer than 65535 bytes');
    n += 2 + e.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const e of encoded) {
    out[o] = e.length >>> 8;
    out[o + 1] = e.length & 0xff;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
}

/**
 * Builds length-prefixed messages in a reusable buffer (no allocation per message): the hot-path
 * equivalent of `lengthPrefixed`, producing the same bytes.
 */
export class MessageBuilder {
  private buf = Buffer.alloc(256);
  length = 0;

  reset(): this {
    this.length = 0;
    return this;
  }

  /** Appends u16be(len(utf8(s))) ‖ utf8(s). */
  lp(s: string): this {
    const need = this.length + 2 + s.length * 3;
    if (need > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    const start = this.length + 2;
    let n = 0;
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      this.buf[start + i] = c;
      n++;
    }
    if (!ascii) n = this.buf.write(s, start, 'utf8');
    if (n > 0xffff) throw new RangeError('field longer than 65535 bytes');
    this.buf[this.length] = n >>> 8;
    this.buf[this.length + 1] = n & 0xff;
    this.length = start + n;
    return this;
  }

  get bytes(): Uint8Array {
    return this.buf;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of bytes [start, end). A table look-up per byte: faster than Buffer for short inputs. */
export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[b[i] ?? 0];
  return s;
}

export function fromHex(h: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(h)) throw new RangeError('not a hex string');
  return new Uint8Array(Buffer.from(h, 'hex'));
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

export function fromBase64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}
