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

/** The code of each character by UTF-16 unit below 128 (0: none, a vowel or any other character). */
const CODE_OF = new Uint8Array(128);
for (const [c, code] of Object.entries(CODES)) CODE_OF[c.charCodeAt(0)] = Number(code);
const H = 72;
const W = 87;

/** The three code digits of a Soundex, by 49 × d1 + 7 × d2 + d3 (a digit 0 is the padding `0`). */
const DIGITS: readonly string[] = Array.from({ length: 343 }, (_, i) =>
  [Math.floor(i / 49), Math.floor(i / 7) % 7, i % 7].join(''),
);

/**
 * Soundex runs once or twice per name of every new identity: the codes are read from a table and the
 * result made in one concatenation.
 * @example soundex('ROBERT') // 'R163'
 */
export function soundex(name: string): string {
  if (name === '') return '';
  const first = name.charCodeAt(0);
  let last = first < 128 ? (CODE_OF[first] as number) : 0;
  let digits = 0;
  let n = 0;
  for (let i = 1; i < name.length && n < 3; i++) {
    const c = name.charCodeAt(i);
    if (c === H || c === W) continue;
    const code = c < 128 ? (CODE_OF[c] as number) : 0;
    if (code !== 0 && code !== last) {
      digits = 7 * digits + code;
      n++;
    }
    last = code;
  }
  for (; n < 3; n++) digits *= 7;
  // the first UTF-16 unit as it is, as name[0] gives it
  return name.charAt(0) + (DIGITS[digits] as string);
}
