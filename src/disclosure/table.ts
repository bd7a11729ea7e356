/**
 * The table model of disclosure control: an n-dimensional table of non-negative integer counts with all
 * its margins. Each dimension d has `dims[d]` categories plus one extra "total" category (coordinate
 * `dims[d]`), so a table with dims [a, b, c] holds (a+1)(b+1)(c+1) cells in one flat row-major array (last
 * dimension fastest) and every margin — down to the grand total — is a cell like any other. A *line* is the
 * set of cells that vary along one dimension with the other coordinates fixed (totals included); it is
 * one linear equation Σ interior = total, which is what an attacker combines. Pure.
 */

export interface Table {
  /** number of categories per dimension (the total category is not counted) */
  readonly dims: readonly number[];
  /** every cell, margins included, row-major over the shape dims[d] + 1 */
  readonly cells: readonly number[];
}

/** One additivity equation: Σ cells of `interior` = cell `total`. */
export interface Line {
  /** the dimension the line varies along */
  readonly dim: number;
  /** the cells with coordinate dim = 0 … dims[dim] − 1, in that order */
  readonly interior: readonly number[];
  /** the cell with coordinate dim = dims[dim] */
  readonly total: number;
}

function checkDims(dims: readonly number[]): void {
  if (dims.length === 0) throw new RangeError('a table has at least one dimension');
  for (const n of dims) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError('a dimension has at least one category');
  }
}

/** Row-major strides over the shape dims[d] + 1. */
export function strides(dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length);
  let s = 1;
  for (let d = dims.length - 1; d >= 0; d--) {
    out[d] = s;
    s *= (dims[d] as number) + 1;
  }
  return out;
}

/** Number of cells, margins included: Π (dims[d] + 1). */
export function cellCount(dims: readonly number[]): number {
  return dims.reduce((p, n) => p * (n + 1), 1);
}

/** Number of interior cells: Π dims[d]. */
export function interiorCount(dims: readonly number[]): number {
  return dims.reduce((p, n) => p * n, 1);
}

/** Cell index of coordinates (a coordinate equal to dims[d] is the total of dimension d). */
export function toIndex(dims: readonly number[], coords: readonly number[]): number {
  if (coords.length !== dims.length) throw new RangeError('coordinates do not match the dimensions');
  let i = 0;
  for (let d = 0; d < dims.length; d++) {
    const c = coords[d] as number;
    const n = dims[d] as number;
    if (!Number.isInteger(c) || c < 0 || c > n) throw new RangeError('a coordinate is out of range');
    i = i * (n + 1) + c;
  }
  return i;
}

/** Coordinates of a cell index. */
export function toCoords(dims: readonly number[], index: number): number[] {
  if (!Number.isInteger(index) || index < 0 || index >= cellCount(dims)) {
    throw new RangeError('a cell index is out of range');
  }
  const out = new Array<number>(dims.length);
  let rest = index;
  for (let d = dims.length - 1; d >= 0; d--) {
    const n = (dims[d] as number) + 1;
    out[d] = rest % n;
    rest = Math.floor(rest / n);
  }
  return out;
}

/** True when the cell is a margin (at least one coordinate is a total). */
export function isMargin(dims: readonly number[], index: number): boolean {
  return toCoords(dims, index).some((c, d) => c === dims[d]);
}

/**
 * Every line of the table, dimension by dimension; within a dimension, in row-major order of the other
 * coordinates (totals included). There are Σ_d Π_{e≠d} (dims[e] + 1) lines; each cell lies on exactly
 * one line per dimension.
 */
export function lines(dims: readonly number[]): Line[] {
  checkDims(dims);
  const st = strides(dims);
  const size = cellCount(dims);
  const out: Line[] = [];
  for (let d = 0; d < dims.length; d++) {
    const n = dims[d] as number;
    const step = st[d] as number;
    const block = step * (n + 1);
    // the cells with coordinate d = 0 start the lines along d
    for (let start = 0; start < size; start += block) {
      for (let off = 0; off < step; off++) {
        const first = start + off;
        const interior = new Array<number>(n);
        for (let k = 0; k < n; k++) interior[k] = first + k * step;
        out.push({ dim: d, interior, total: first + n * step });
      }
    }
  }
  return out;
}

/**
 * For each cell, the indices (into `all`) of the lines through it, one per dimension.
 */
export function linesThrough(dims: readonly number[], all: readonly Line[]): number[][] {
  const out: number[][] = Array.from({ length: cellCount(dims) }, () => []);
  all.forEach((line, li) => {
    for (const c of line.interior) out[c]?.push(li);
    out[line.total]?.push(li);
  });
  return out;
}

/**
 * The full table from its interior counts (row-major over dims), every margin computed.
 *
 * @example
 * buildTable([2, 2], [1, 2, 3, 4]).cells // [1, 2, 3, 3, 4, 7, 4, 6, 10]
 */
export function buildTable(dims: readonly number[], interiorCounts: ArrayLike<number>): Table {
  checkDims(dims);
  if (interiorCounts.length !== interiorCount(dims)) {
    throw new RangeError('the number of interior counts does not match the dimensions');
  }
  const cells = new Array<number>(cellCount(dims)).fill(0);
  const coords = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < interiorCounts.length; k++) {
    const v = interiorCounts[k] as number;
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError('a count is not a non-negative integer');
    cells[toIndex(dims, coords)] = v;
    for (let d = dims.length - 1; d >= 0; d--) {
      const c = (coords[d] as number) + 1;
      if (c < (dims[d] as number)) {
        coords[d] = c;
        break;
      }
      coords[d] = 0;
    }
  }
  // Lines come dimension by dimension: after the lines along d, every cell whose total coordinates all lie
  // in dimensions ≤ d is right, so the lines along d + 1 sum right cells (wrong ones are overwritten later).
  for (const line of lines(dims)) {
    let s = 0;
    for (const c of line.interior) s += cells[c] as number;
    cells[line.total] = s;
  }
  if (!Number.isSafeInteger(cells[cells.length - 1])) throw new RangeError('the grand total is too large');
  return { dims: [...dims], cells };
}

/**
 * Checks a table given with its margins: shape, non-negative integers, and every line adds up.
 */
export function checkTable(table: Table): void {
  checkDims(table.dims);
  if (table.cells.length !== cellCount(table.dims)) {
    throw new RangeError('the number of cells does not match the dimensions');
  }
  for (const v of table.cells) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError('a cell is not a non-negative integer');
  }
  for (const line of lines(table.dims)) {
    let s = 0;
    for (const c of line.interior) s += table.cells[c] as number;
    if (s !== table.cells[line.total]) throw new RangeError('a margin does not equal the sum of its line');
  }
}
