/**
 * Jaro and Jaro–Winkler string similarity (Jaro 1989, Winkler 1990), for the clear-text reference linker
 * (clear-linker.ts). Standard definitions: characters match when equal and at most
 * ⌊max(|a|, |b|) / 2⌋ − 1 positions apart; with m matches and t half the number of matched characters out
 * of order, Jaro = (m/|a| + m/|b| + (m − t)/m) / 3 (0 when m = 0). Winkler adds ℓ·p·(1 − Jaro) for a
 * common prefix of ℓ ≤ 4 characters, p = 0.1, when Jaro exceeds the boost threshold 0.7 (Winkler's
 * original rule, also Apache Commons Text's and jellyfish's). Compares UTF-16 code units: callers pass
 * normalised names (A–Z). Pure; two scratch buffers of match flags reused across calls.
 */

export const WINKLER_PREFIX_SCALE = 0.1;
export const WINKLER_MAX_PREFIX = 4;
export const WINKLER_BOOST_THRESHOLD = 0.7;

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

/** @example jaro('MARTHA', 'MARHTA') // 0.9444… */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (flagsA.length < la) flagsA = new Uint8Array(la * 2);
  if (flagsB.length < lb) flagsB = new Uint8Array(lb * 2);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let m = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  let outOfOrder = 0;
  let j = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[j] === 0) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) outOfOrder++;
    j++;
  }
  const t = outOfOrder / 2;
  return (m / la + m / lb + (m - t) / m) / 3;
}

/**
 * Jaro–Winkler similarity in [0, 1]: 1 for equal strings (two empty strings included), 0 when one is
 * empty or nothing matches.
 * @example jaroWinkler('DWAYNE', 'DUANE') // 0.84
 */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j <= WINKLER_BOOST_THRESHOLD) return j;
  const max = Math.min(WINKLER_MAX_PREFIX, a.length, b.length);
  let l = 0;
  while (l < max && a.charCodeAt(l) === b.charCodeAt(l)) l++;
  return j + l * WINKLER_PREFIX_SCALE * (1 - j);
}
