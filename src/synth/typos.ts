/**
 * String-level identification errors on names: one keyboard-plausible edit (insert, delete, substitute,
 * transpose — the four operations of the Damerau–Levenshtein distance), accent stripping, and
 * separator variants of compound names. Typos only ever use the letters A–Z, so they never add a
 * non-Latin-1 character nor an accent.
 */
import type { Rng } from './prng.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** AZERTY neighbours: most keying errors hit an adjacent key. */
const NEIGHBOURS: Readonly<Record<string, string>> = {
  A: 'ZQ',
  Z: 'AES',
  E: 'ZRD',
  R: 'ETF',
  T: 'RYG',
  Y: 'TUH',
  U: 'YIJ',
  I: 'UOK',
  O: 'IPL',
  P: 'OM',
  Q: 'ASW',
  S: 'QDZX',
  D: 'SFEC',
  F: 'DGRV',
  G: 'FHTB',
  H: 'GJYN',
  J: 'HKU',
  K: 'JLI',
  L: 'KMO',
  M: 'LP',
  W: 'XQ',
  X: 'WCS',
  C: 'XVD',
  V: 'CBF',
  B: 'VNG',
  N: 'BH',
};

function substituteFor(rng: Rng, c: string): string {
  const near = NEIGHBOURS[c];
  for (let attempt = 0; attempt < 4; attempt++) {
    const x =
      near !== undefined && rng.chance(0.6)
        ? (near[rng.int(near.length)] ?? 'E')
        : (LETTERS[rng.int(26)] ?? 'E');
    if (x !== c) return x;
  }
  return c === 'E' ? 'A' : 'E';
}

function isLetter(c: string): boolean {
  return c >= 'A' && c <= 'Z';
}

/** One random edit of `s` that changes it (never returns `s` itself or an empty string). */
export function typo(s: string, rng: Rng): string {
  if (s.length === 0) return LETTERS[rng.int(26)] ?? 'A';
  for (let attempt = 0; attempt < 10; attempt++) {
    const op = rng.int(4);
    const i = rng.int(s.length);
    const c = s[i] ?? '';
    let out = s;
    if (op === 0) {
      // Insertion: a doubled letter or a neighbour key.
      const ins = isLetter(c) && rng.chance(0.5) ? c : substituteFor(rng, isLetter(c) ? c : 'E');
      out = s.slice(0, i + 1) + ins + s.slice(i + 1);
    } else if (op === 1) {
      if (s.length > 2) out = s.slice(0, i) + s.slice(i + 1);
    } else if (op === 2) {
      out = s.slice(0, i) + substituteFor(rng, isLetter(c) ? c : 'E') + s.slice(i + 1);
    } else if (i + 1 < s.length) {
      out = s.slice(0, i) + (s[i + 1] ?? '') + c + s.slice(i + 2);
    }
    if (out !== s && out.length > 0) return out;
  }
  return `${s}E`;
}

const accentCache = new Map<string, string>();

/** Remove diacritics (É → E, Ç → C, Ï → I); cached, the vocabulary is small. */
export function stripAccents(s: string): string {
  let out = accentCache.get(s);
  if (out === undefined) {
    out = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (accentCache.size < 200_000) accentCache.set(s, out);
  }
  return out;
}

/** True when the string has a character outside ASCII (an accented letter, for our names). */
export function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

const SEPARATORS = /[ '-]/;

export function hasSeparator(s: string): boolean {
  return SEPARATORS.test(s);
}

/** A separator variant of a compound surname: LE GALL → LEGALL / LE-GALL, D'ALMEIDA → DALMEIDA / D ALMEIDA. */
export function separatorVariant(s: string, rng: Rng): string {
  const alt = rng.chance(0.5);
  if (s.includes(' ')) return s.replaceAll(' ', alt ? '' : '-');
  if (s.includes('-')) return s.replaceAll('-', alt ? '' : ' ');
  if (s.includes("'")) return s.replaceAll("'", alt ? '' : ' ');
  return s;
}
