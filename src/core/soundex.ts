/**
 * American Soundex (Knuth, TAOCP vol. 3; the variant of US census and of most libraries, e.g. Python's
 * jellyfish.soundex) over the compact normalised form (A–Z only) — protocol v3 §5. Pure.
 *
 * Keep the first letter; code the others B F P V→1, C G J K Q S X Z→2, D T→3, L→4, M N→5, R→6; vowels
 * (A E I O U Y) separate equal codes and are dropped; H and W are dropped without separating; adjacent
 * equal codes (including the first letter's own code) collapse; pad with 0 or cut to 4 characters.
 */

const CODES: Readonly<Record<string, string>> = {
  B: '1',
  F: '1',
  P: '1',
  V: '1',
  C: '2',
  G: '2',
  J: '2',
  K: '2',
  Q: '2',
  S: '2',
  X: '2',
  Z: '2',
  D: '3',
  T: '3',
  L: '4',
  M: '5',
  N: '5',
  R: '6',
};

/** @example soundex('ROBERT') // 'R163' */
export function soundex(name: string): string {
  if (name === '') return '';
  const first = name[0] ?? '';
  let out = first;
  let last = CODES[first] ?? '';
  for (let i = 1; i < name.length && out.length < 4; i++) {
    const c = name[i] ?? '';
    if (c === 'H' || c === 'W') continue;
    const code = CODES[c];
    if (code === undefined) {
      last = '';
      continue;
    }
    if (code !== last) out += code;
    last = code;
  }
  return out.padEnd(4, '0');
}
