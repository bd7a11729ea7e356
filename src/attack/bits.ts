/**
 * Bit matrices for the attack suite: n encodings of l bits each, packed 32 bits to a word, bit p of a row
 * being bit 31 − (p mod 32) of word ⌊p/32⌋ — the same order as a CLK's bytes read big-endian (protocol v1
 * §4, "bit order"), so `fromBytes` of a CLK keeps its bit numbers. Also the column view (one bitset over
 * the rows per bit position) and the pairwise co-occurrence counts the pattern-mining attack starts from.
 * Pure.
 */

/** Number of set bits of a 32-bit word. */
export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

export class BitMatrix {
  readonly words: number;
  readonly data: Uint32Array;
  constructor(
    readonly n: number,
    readonly l: number,
    data?: Uint32Array,
  ) {
    this.words = (l + 31) >>> 5;
    this.data = data ?? new Uint32Array(n * this.words);
    if (this.data.length !== n * this.words) throw new RangeError('bit matrix data has the wrong length');
  }

  /** Rows given as byte strings, most significant bit first (the CLK format). */
  static fromBytes(rows: readonly Uint8Array[], l?: number): BitMatrix {
    const bits = l ?? (rows[0]?.length ?? 0) * 8;
    const m = new BitMatrix(rows.length, bits);
    rows.forEach((bytes, r) => {
      for (let p = 0; p < bits; p++) if ((((bytes[p >>> 3] ?? 0) >>> (7 - (p & 7))) & 1) === 1) m.set(r, p);
    });
    return m;
  }

  /** Rows given as lists of set positions. */
  static fromPositions(rows: readonly (readonly number[])[], l: number): BitMatrix {
    const m = new BitMatrix(rows.length, l);
    rows.forEach((ps, r) => {
      for (const p of ps) m.set(r, p);
    });
    return m;
  }

  get(r: number, p: number): boolean {
    return (((this.data[r * this.words + (p >>> 5)] ?? 0) >>> (31 - (p & 31))) & 1) === 1;
  }

  set(r: number, p: number): void {
    const i = r * this.words + (p >>> 5);
    this.data[i] = ((this.data[i] ?? 0) | (0x80000000 >>> (p & 31))) >>> 0;
  }

  row(r: number): Uint32Array {
    return this.data.subarray(r * this.words, (r + 1) * this.words);
  }

  /** Row r as bytes, most significant bit first (the CLK format). */
  rowBytes(r: number): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.l / 8));
    const w = this.row(r);
    for (let i = 0; i < out.length; i++) out[i] = ((w[i >>> 2] ?? 0) >>> (24 - 8 * (i & 3))) & 0xff;
    return out;
  }

  /** Set positions of row r, ascending. */
  positions(r: number): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.l; p++) if (this.get(r, p)) out.push(p);
    return out;
  }

  rowCount(r: number): number {
    let c = 0;
    const base = r * this.words;
    for (let i = 0; i < this.words; i++) c += popcount32(this.data[base + i] ?? 0);
    return c;
  }

  /** A new matrix with the rows listed, in that order. */
  selectRows(rows: readonly number[]): BitMatrix {
    const m = new BitMatrix(rows.length, this.l);
    rows.forEach((r, i) => {
      m.data.set(this.row(r), i * this.words);
    });
    return m;
  }

  /** Mean share of bits set. */
  fill(): number {
    let c = 0;
    for (let i = 0; i < this.data.length; i++) c += popcount32(this.data[i] ?? 0);
    return this.n === 0 ? 0 : c / (this.n * this.l);
  }

  /** The column view: for each position, a bitset over the rows (row r = bit 31 − r mod 32 of word ⌊r/32⌋). */
  columns(): Columns {
    const rw = (this.n + 31) >>> 5;
    const cols = new Uint32Array(this.l * rw);
    for (let r = 0; r < this.n; r++) {
      const base = r * this.words;
      const bit = 0x80000000 >>> (r & 31);
      const word = r >>> 5;
      for (let i = 0; i < this.words; i++) {
        let w = this.data[base + i] ?? 0;
        while (w !== 0) {
          const lz = Math.clz32(w);
          const p = 32 * i + lz;
          const j = p * rw + word;
          cols[j] = ((cols[j] ?? 0) | bit) >>> 0;
          w = (w & ~(0x80000000 >>> lz)) >>> 0;
        }
      }
    }
    return { n: this.n, l: this.l, rowWords: rw, bits: cols };
  }
}

/** Column bitsets: position p's rows are `bits[p·rowWords … (p+1)·rowWords)`. */
export interface Columns {
  readonly n: number;
  readonly l: number;
  readonly rowWords: number;
  readonly bits: Uint32Array;
}

export function columnCount(c: Columns, p: number): number {
  let s = 0;
  const base = p * c.rowWords;
  for (let i = 0; i < c.rowWords; i++) s += popcount32(c.bits[base + i] ?? 0);
  return s;
}

/** Rows of `c` having every position of `ps` set, as a bitset over the rows. */
export function rowsWithAll(c: Columns, ps: readonly number[]): Uint32Array {
  const out = new Uint32Array(c.rowWords).fill(0xffffffff);
  // clear the padding bits past n
  const extra = c.rowWords * 32 - c.n;
  if (extra > 0) out[c.rowWords - 1] = (0xffffffff << extra) >>> 0;
  if (c.n === 0) out.fill(0);
  for (const p of ps) {
    const base = p * c.rowWords;
    for (let i = 0; i < c.rowWords; i++) out[i] = ((out[i] ?? 0) & (c.bits[base + i] ?? 0)) >>> 0;
  }
  return out;
}

export function bitsetCount(b: Uint32Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += popcount32(b[i] ?? 0);
  return s;
}

export function bitsetHas(b: Uint32Array, r: number): boolean {
  return (((b[r >>> 5] ?? 0) >>> (31 - (r & 31))) & 1) === 1;
}

/**
 * Pairwise co-occurrence: `pair[p·l + q]` = number of rows with both p and q set (p < q filled, symmetric
 * copy made), `single[p]` = rows with p set. Computed row by row over the set positions when the matrix
 * is sparse, column by column (AND + popcount of bitsets) when it is dense — whichever costs less.
 */
export function cooccurrence(m: BitMatrix): { single: Uint32Array; pair: Uint32Array } {
  const { l, n } = m;
  const single = new Uint32Array(l);
  const pair = new Uint32Array(l * l);
  const fill = m.fill();
  if (fill * fill < 1 / 32) {
    const ps = new Int32Array(l);
    for (let r = 0; r < n; r++) {
      let k = 0;
      for (let p = 0; p < l; p++) if (m.get(r, p)) ps[k++] = p;
      for (let a = 0; a < k; a++) {
        const p = ps[a] as number;
        single[p] = (single[p] as number) + 1;
        const row = p * l;
        for (let b = a + 1; b < k; b++) {
          const j = row + (ps[b] as number);
          pair[j] = (pair[j] as number) + 1;
        }
      }
    }
  } else {
    const c = m.columns();
    const rw = c.rowWords;
    const bits = c.bits;
    for (let p = 0; p < l; p++) {
      single[p] = columnCount(c, p);
      const bp = p * rw;
      for (let q = p + 1; q < l; q++) {
        const bq = q * rw;
        let s = 0;
        for (let i = 0; i < rw; i++) s += popcount32((bits[bp + i] as number) & (bits[bq + i] as number));
        pair[p * l + q] = s;
      }
    }
  }
  for (let p = 0; p < l; p++) for (let q = p + 1; q < l; q++) pair[q * l + p] = pair[p * l + q] as number;
  return { single, pair };
}

/**
 * z-score of the association of two positions: φ·√n, φ the phi coefficient of their 2×2 table. Under
 * independence it is approximately standard normal; 0 when either position is constant.
 */
export function associationZ(n: number, cp: number, cq: number, cpq: number): number {
  const den = cp * (n - cp) * cq * (n - cq);
  if (den <= 0) return 0;
  return ((n * cpq - cp * cq) / Math.sqrt(den)) * Math.sqrt(n);
}
