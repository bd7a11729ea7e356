import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Rng } from '../synth/prng.js';
import { ClkEncoder, dice, popcount } from './clk.js';
import { Diffuser, diffuse, diffusionTaps } from './diffusion.js';
import { linkageKey } from './keys.js';
import { CLK_V1, CLK_V2 } from './params.js';

const key = linkageKey(Uint8Array.from({ length: 32 }, (_, i) => i + 1));
const other = linkageKey(Uint8Array.from({ length: 32 }, (_, i) => 200 - i));
const V2 = { taps: 2, bits: 1024 };

/** The taps of §4.2 recomputed from the text with node:crypto (HKDF and HMAC not shared with the code). */
function specTaps(keyBytes: Uint8Array, l: number, taps: number, bits: number): number[] {
  const kDiff = Buffer.from(hkdfSync('sha256', keyBytes, 'ldh-link/1', 'ldh-link/1/diffusion', 32));
  const words: number[] = [];
  const word = (n: number): number => {
    while (words.length <= n) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(words.length / 16);
      const d = createHmac('sha256', kDiff).update(b).digest();
      for (let i = 0; i < 16; i++) words.push(d.readUInt16BE(2 * i));
    }
    return words[n] as number;
  };
  const out: number[] = [];
  let n = 0;
  for (let j = 0; j < bits; j++) {
    const mine: number[] = [];
    while (mine.length < taps) {
      const c = word(n++) % l;
      if (!mine.includes(c)) mine.push(c);
    }
    out.push(...mine);
  }
  return out;
}

function randomFilter(rng: Rng, bytes: number, fill: number): Uint8Array {
  const f = new Uint8Array(bytes);
  for (let p = 0; p < bytes * 8; p++)
    if (rng.next() < fill) f[p >>> 3] = (f[p >>> 3] ?? 0) | (0x80 >>> (p & 7));
  return f;
}

function toWords(f: Uint8Array): Uint32Array {
  const w = new Uint32Array(f.length / 4);
  for (let i = 0; i < w.length; i++)
    w[i] =
      (((f[4 * i] ?? 0) << 24) |
        ((f[4 * i + 1] ?? 0) << 16) |
        ((f[4 * i + 2] ?? 0) << 8) |
        (f[4 * i + 3] ?? 0)) >>>
      0;
  return w;
}

describe('diffusion taps (protocol v3 §4.2)', () => {
  it('are what the text of §4.2 gives, recomputed independently', () => {
    expect([...diffusionTaps(key, 1024, V2)]).toEqual(specTaps(key.bytes, 1024, 2, 1024));
    // a small filter makes repeats (and so the redraw rule) frequent
    expect([...diffusionTaps(key, 8, { taps: 3, bits: 64 })]).toEqual(specTaps(key.bytes, 8, 3, 64));
  });

  it('are distinct within each output bit, in range, and depend on the key', () => {
    const t = diffusionTaps(key, 1024, V2);
    expect(t.length).toBe(2048);
    for (let j = 0; j < 1024; j++) expect(t[2 * j]).not.toBe(t[2 * j + 1]);
    expect(Math.max(...t)).toBeLessThan(1024);
    expect([...diffusionTaps(key, 1024, V2)]).toEqual([...t]);
    const u = diffusionTaps(other, 1024, V2);
    let same = 0;
    for (let i = 0; i < t.length; i++) if (t[i] === u[i]) same++;
    expect(same).toBeLessThan(20); // chance: 2048 / 1024 ≈ 2
  });

  it('read about 1 − e⁻² of the filter positions', () => {
    const read = new Set(diffusionTaps(key, 1024, V2)).size / 1024;
    expect(read).toBeGreaterThan(0.84);
    expect(read).toBeLessThan(0.89);
  });

  it('refuse impossible parameters', () => {
    expect(() => diffusionTaps(key, 1000, V2)).toThrow(RangeError);
    expect(() => diffusionTaps(key, 4, { taps: 5, bits: 8 })).toThrow(RangeError);
    expect(() => diffusionTaps(key, 1024, { taps: 0, bits: 8 })).toThrow(RangeError);
  });
});

describe('diffuse', () => {
  const taps = diffusionTaps(key, 1024, V2);

  it('XORs the tapped bits', () => {
    const rng = Rng.of(1, 2, 3);
    for (let r = 0; r < 50; r++) {
      const f = randomFilter(rng, 128, rng.next());
      const out = diffuse(f, taps, 2);
      for (const j of [0, 1, 511, 1023]) {
        const bit = (p: number) => ((f[p >>> 3] ?? 0) >>> (7 - (p & 7))) & 1;
        const expected = bit(taps[2 * j] ?? 0) ^ bit(taps[2 * j + 1] ?? 0);
        expect(((out[j >>> 3] ?? 0) >>> (7 - (j & 7))) & 1).toBe(expected);
      }
    }
    expect(popcount(diffuse(new Uint8Array(128), taps, 2))).toBe(0);
  });

  it('Diffuser (the hot path) gives the bytes of the definition, for 2 taps and others', () => {
    const rng = Rng.of(7, 8, 9);
    const three = diffusionTaps(key, 1024, { taps: 3, bits: 64 });
    const d2 = new Diffuser(taps, 2);
    const d3 = new Diffuser(three, 3);
    for (let r = 0; r < 50; r++) {
      const f = randomFilter(rng, 128, rng.next());
      expect(d2.diffuse(toWords(f), new Uint8Array(128))).toEqual(diffuse(f, taps, 2));
      expect(d3.diffuse(toWords(f), new Uint8Array(8))).toEqual(diffuse(f, three, 3));
    }
    expect(() => new Diffuser(diffusionTaps(key, 1024, { taps: 2, bits: 12 }), 2)).toThrow(RangeError);
  });

  it('keeps close filters close and sends unrelated ones to about one half', () => {
    const rng = Rng.of(4, 5, 6);
    for (const delta of [0.02, 0.05, 0.1]) {
      let differ = 0;
      const trials = 40;
      for (let r = 0; r < trials; r++) {
        const a = randomFilter(rng, 128, 0.4);
        const b = Uint8Array.from(a);
        for (let p = 0; p < 1024; p++)
          if (rng.next() < delta) b[p >>> 3] = (b[p >>> 3] ?? 0) ^ (0x80 >>> (p & 7));
        const da = diffuse(a, taps, 2);
        const db = diffuse(b, taps, 2);
        for (let i = 0; i < 128; i++) differ += popcount(Uint8Array.of((da[i] ?? 0) ^ (db[i] ?? 0)));
      }
      const rate = differ / (trials * 1024);
      expect(rate).toBeGreaterThan(0.85 * 2 * delta * (1 - delta));
      expect(rate).toBeLessThan(1.15 * 2 * delta * (1 - delta));
    }
    const a = diffuse(randomFilter(rng, 128, 0.4), taps, 2);
    const b = diffuse(randomFilter(rng, 128, 0.4), taps, 2);
    expect(dice(a, b)).toBeGreaterThan(0.4);
    expect(dice(a, b)).toBeLessThan(0.6);
  });
});

describe('ClkEncoder with protocol v2 parameters', () => {
  it('sends the diffusion of the v1 filter', () => {
    const v1 = new ClkEncoder(key, CLK_V1);
    const v2 = new ClkEncoder(key, CLK_V2);
    const input = { birth_name: ['DUPONT'], first_name: ['JEAN'], birth_year: ['1985'], sex: ['1'] };
    const filter = v1.encode(input);
    expect(v2.filter(input)).toEqual(filter);
    expect(v2.encode(input)).toEqual(diffuse(filter, diffusionTaps(key, 1024, V2), 2));
    expect(v2.encode(input)).not.toEqual(filter);
    expect(v2.bits).toBe(1024);
  });
});
