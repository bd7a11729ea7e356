/**
 * Seeded pseudo-random numbers for the synthetic generator. Every person draws from their own small
 * generators (sfc32, 128-bit state) seeded by hashing (seed, stream, person index), so a person's values
 * do not depend on how many persons came before, on chunking, or on worker scheduling: the same seed gives
 * byte-identical output, and the identity, life-course and error streams are independent (changing an
 * error rate does not change anyone's life course). Also the 32-bit bijections used for opaque record ids.
 */

/** Murmur3's 32-bit finaliser: a bijection on 32-bit integers with good avalanche. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a small tuple of 32-bit integers (not cryptographic). */
export function hash32(a: number, b: number, c = 0): number {
  return mix32(mix32(mix32(a ^ 0x9e3779b9) ^ (b >>> 0)) + Math.imul(c >>> 0, 0x2545f491));
}

/**
 * A keyed bijection on 32-bit integers: distinct inputs always give distinct outputs, so ids built from it
 * are unique without any lookup table.
 */
export function permute32(x: number, key: number): number {
  return mix32((mix32((x ^ key) >>> 0) + Math.imul(key, 0x27d4eb2f)) >>> 0);
}

/** Named streams, so that adding a draw to one stage never shifts another stage's draws. */
export const STREAM = { identity: 1, lifeCourse: 2, errors: 3, residue: 4, table: 5 } as const;

/** sfc32 (Chris Doty-Humphrey's small fast counting generator): fast in JS, passes PractRand to 2^40+. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** The generator of one (seed, stream, index) triple. */
  static of(seed: number, stream: number, index: number): Rng {
    const h = hash32(seed, stream, index);
    return new Rng(h, mix32(h ^ 0x632be5ab), mix32(h + 0x85157af5), mix32(index ^ 0xd6e8feb8) | 1);
  }

  /** Re-seed in place (avoids allocating one object per person). */
  reseed(seed: number, stream: number, index: number): this {
    const h = hash32(seed, stream, index);
    this.a = h | 0;
    this.b = mix32(h ^ 0x632be5ab) | 0;
    this.c = mix32(h + 0x85157af5) | 0;
    this.d = mix32(index ^ 0xd6e8feb8) | 1;
    for (let i = 0; i < 12; i++) this.u32();
    return this;
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Number of failures before the first success of a Bernoulli(p) sequence (geometric, mean (1-p)/p). */
  geometric(p: number): number {
    if (p >= 1) return 0;
    if (p <= 0) return Number.MAX_SAFE_INTEGER;
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }

  /** Standard normal (Box–Muller, one value per call). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Pick one element. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}
