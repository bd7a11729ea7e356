/**
 * CLK diffusion — protocol v3 §4.2 (Armknecht, Heng and Schnell, PoPETs 2023). The Bloom filter of §4 is
 * not sent: each of the `bits` output bits is the XOR of `taps` filter bits at positions derived from the
 * linkage key, so no output bit belongs to one token. This removes what the frequency, pattern-mining and
 * graph-matching attacks on Bloom filters feed on (bench/attack.md: graph matching re-identifies 85.5 % of
 * v1 CLKs and 0.1 % of diffused ones) while keeping similar records similar: filter bits differing at
 * rate δ give output bits differing at rate (1 − (1 − 2δ)^taps) / 2.
 *
 * Tap derivation, byte for byte. With K_diff the subkey of purpose `diffusion` (keys.ts), the words
 *
 *   w_n = u16be(D_⌊n/16⌋[2·(n mod 16)], D_⌊n/16⌋[2·(n mod 16) + 1]),   D_b = HMAC(K_diff, u32be(b))
 *
 * are read in order n = 0, 1, …; each gives the candidate c = w_n mod l (l, the filter length, is a power
 * of two ≤ 65536, so the reduction is unbiased). Output bit j = 0, 1, … takes its `taps` taps one after
 * another from the candidates, skipping a candidate equal to a tap it already has (equal taps would
 * cancel and make the bit constant). Pure.
 */
import { keyedMac, type LinkageKey, subkey } from './keys.js';
import type { DiffusionParams } from './params.js';

export const DIFFUSION_PURPOSE = 'diffusion';

/** The taps of every output bit, output bit j's at [j·taps, (j + 1)·taps). */
export function diffusionTaps(key: LinkageKey, filterBits: number, p: DiffusionParams): Uint16Array {
  if (filterBits < 2 || filterBits > 65536 || (filterBits & (filterBits - 1)) !== 0) {
    throw new RangeError('the filter length must be a power of two between 2 and 65536');
  }
  if (!Number.isInteger(p.taps) || p.taps < 1 || p.taps > filterBits) {
    throw new RangeError('the number of taps must be between 1 and the filter length');
  }
  const mac = keyedMac(subkey(key, DIFFUSION_PURPOSE));
  const block = new Uint8Array(4);
  const view = new DataView(block.buffer);
  const digest = new Uint8Array(32);
  const mask = filterBits - 1;
  const taps = new Uint16Array(p.bits * p.taps);
  let n = 0;
  const next = (): number => {
    const w = n & 15;
    if (w === 0) {
      view.setUint32(0, n >>> 4);
      mac(block, 4, digest);
    }
    n++;
    return (((digest[2 * w] ?? 0) << 8) | (digest[2 * w + 1] ?? 0)) & mask;
  };
  for (let j = 0; j < p.bits; j++) {
    const from = j * p.taps;
    for (let i = 0; i < p.taps; i++) {
      let c = next();
      while (taps.subarray(from, from + i).includes(c)) c = next();
      taps[from + i] = c;
    }
  }
  return taps;
}

/**
 * Diffusion for one fixed set of taps, from a filter held as 32-bit words (bit p = bit 31 − p mod 32 of
 * word ⌊p/32⌋, as clk.ts accumulates it), for the hot path (once per new identity): each tap is stored
 * as its filter word and the right shift that brings its bit to bit 0 (one load per tap), and the output
 * bits are gathered eight at a time in a register and written as whole bytes. Same output as `diffuse`
 * (diffusion.test.ts).
 */
export class Diffuser {
  /** per tap: (filter word << 5) | right shift of its bit */
  private readonly plan: Uint16Array;
  /** number of output bits */
  readonly bits: number;

  constructor(
    taps: Uint16Array,
    private readonly t: number,
  ) {
    this.bits = taps.length / t;
    if (!Number.isInteger(this.bits) || this.bits % 8 !== 0)
      throw new RangeError('the output bits must be a multiple of 8');
    this.plan = taps.map((p) => (p & ~31) | (31 - (p & 31)));
  }

  /** Output bits from a filter held as 32-bit words, MSB first into `out` (bits / 8 bytes). */
  diffuse(filter: Uint32Array, out: Uint8Array): Uint8Array {
    const { plan, t } = this;
    const bytes = this.bits >>> 3;
    if (t === 2) return diffuse2(plan, filter, out, bytes);
    for (let o = 0, i = 0; o < bytes; o++) {
      let acc = 0;
      for (let b = 0; b < 8; b++) {
        let x = 0;
        for (const end = i + t; i < end; i++) {
          const p = plan[i] as number;
          x ^= (filter[p >>> 5] as number) >>> (p & 31);
        }
        acc = (acc << 1) | (x & 1);
      }
      out[o] = acc;
    }
    return out;
  }
}

/** `Diffuser.diffuse` with two taps per bit (protocol v2), unrolled. */
function diffuse2(plan: Uint16Array, filter: Uint32Array, out: Uint8Array, bytes: number): Uint8Array {
  for (let o = 0, i = 0; o < bytes; o++) {
    let acc = 0;
    for (let b = 0; b < 8; b++, i += 2) {
      const p = plan[i] as number;
      const q = plan[i + 1] as number;
      acc =
        (acc << 1) |
        ((((filter[p >>> 5] as number) >>> (p & 31)) ^ ((filter[q >>> 5] as number) >>> (q & 31))) & 1);
    }
    out[o] = acc;
  }
  return out;
}

/** The same from a filter in bytes (MSB first) — the definition, for tests and vectors. */
export function diffuse(filter: Uint8Array, taps: Uint16Array, t: number): Uint8Array {
  const bits = taps.length / t;
  const out = new Uint8Array(Math.ceil(bits / 8));
  for (let j = 0; j < bits; j++) {
    let x = 0;
    for (let i = j * t; i < (j + 1) * t; i++) {
      const p = taps[i] ?? 0;
      x ^= ((filter[p >>> 3] ?? 0) >>> (7 - (p & 7))) & 1;
    }
    if (x === 1) out[j >>> 3] = (out[j >>> 3] ?? 0) | (0x80 >>> (j & 7));
  }
  return out;
}
