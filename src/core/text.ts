/**
 * Text normalisation of names — protocol v3 §1.2 (rule set `norm-v1`). Pure.
 *
 * 1. Unicode NFKD, then every combining mark (general category M) is removed: É → E, Ç → C.
 * 2. Letters without a decomposition are spelled out: Œ→OE, Æ→AE, ß→SS, Ø→O, Ł→L, Đ→D, Þ→TH, Ð→D, ı→I.
 * 3. Upper case (after step 2, so only ASCII letters remain to case-fold).
 * 4. Apostrophes, hyphens, dots, underscores and white space are *separators*; runs of separators become
 *    one space, trimmed at both ends. Any other character (digits, punctuation, non-Latin letters) is dropped.
 * 5. A value that is empty after steps 1–4, or is a placeholder (INCONNU, NEANT, X…), is *missing*.
 *
 * The *compact* form used for encodings removes the remaining spaces: "D'ARTAGNAN", "D ARTAGNAN" and
 * "DARTAGNAN" all compact to DARTAGNAN.
 */

import { BoundedMemo } from './memo.js';

const SPELLED: Readonly<Record<string, string>> = {
  Œ: 'OE',
  œ: 'OE',
  Æ: 'AE',
  æ: 'AE',
  ß: 'SS',
  ẞ: 'SS',
  Ø: 'O',
  ø: 'O',
  Ł: 'L',
  ł: 'L',
  Đ: 'D',
  đ: 'D',
  Ð: 'D',
  ð: 'D',
  Þ: 'TH',
  þ: 'TH',
  ı: 'I',
};
const SPELLED_RE = /[ŒœÆæßẞØøŁłĐđÐðÞþı]/g;
const MARKS = /\p{M}+/gu;
const SEPARATOR_RUN = /[\s'’‘`´ʼ‐‑‒–—―\-._]+/g;
const NOT_KEPT = /[^A-Z ]+/g;

/** Values that mean "unknown" in producers' files. Compared after normalisation. */
export const NAME_PLACEHOLDERS: readonly string[] = [
  'INCONNU',
  'INCONNUE',
  'NEANT',
  'SANS NOM',
  'SANS PRENOM',
  'SNP',
  'NC',
  'ND',
];
const PLACEHOLDER_SET = new Set(NAME_PLACEHOLDERS);

/**
 * Steps 1–5: the normalised (spaced) form of a name, or '' when missing.
 * @example normaliseName("  d'Artagnan-Élodie ") // "D ARTAGNAN ELODIE"
 */
export function normaliseName(raw: string | null | undefined): string {
  if (raw == null || raw === '') return '';
  if (isPlain(raw)) return missingIfPlaceholder(raw);
  return memo.get(raw, normaliseUncached);
}

/**
 * A value that steps 1–4 leave as it is: capital letters A–Z, words separated by one space. Most names
 * in producers' files are written so; they skip the memo (whose look-ups cost more than this check).
 */
export function isPlain(raw: string): boolean {
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 65 && c <= 90) continue;
    if (c !== 32 || i === 0 || i === n - 1 || raw.charCodeAt(i - 1) === 32) return false;
  }
  return true;
}

/** Step 5 on a value that steps 1–4 have produced (capital letters and single spaces). */
export function missingIfPlaceholder(s: string): string {
  if (PLACEHOLDER_SET.has(s) || onlyX(s)) return '';
  return s;
}

/** True when `s` has an X and nothing but X and spaces (`ONLY_X` once the spaces are removed). */
function onlyX(s: string): boolean {
  let x = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 88) x = true;
    else if (c !== 32) return false;
  }
  return x;
}

// Names repeat across millions of rows: a bounded memo of a pure function (same output, less work).
const memo = new BoundedMemo<string>(50_000);

/** Steps 1–5 as written, without the memo or the plain-name shortcut (the reference the tests use). */
export function normaliseUncached(raw: string): string {
  const s = raw
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(SPELLED_RE, (c) => SPELLED[c] ?? '')
    .toUpperCase()
    .replace(SEPARATOR_RUN, ' ')
    .replace(NOT_KEPT, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  return missingIfPlaceholder(s);
}

/** The compact form (no spaces) used by encodings. */
export function compact(normalised: string): string {
  return normalised.indexOf(' ') < 0 ? normalised : normalised.replace(/ /g, '');
}

/**
 * An extra CLK field's value (protocol v3 §4.1): NFKD, diacritics removed, the letters of step 2 of §1.2
 * spelled out (Œ → OE…), upper case, only letters and digits kept (no spaces). '' when missing.
 * @example normaliseExtra(' 12, rue de l’Église ') // "12RUEDELEGLISE"
 */
export function normaliseExtra(raw: string | null | undefined): string {
  if (raw == null || raw === '') return '';
  return raw
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(SPELLED_RE, (c) => SPELLED[c] ?? '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '');
}
