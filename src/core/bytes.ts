/**
 * Byte encodings shared by every keyed computation of protocol v1 (§2): UTF-8, length prefixes, hex and
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

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
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
