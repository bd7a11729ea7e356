/**
 * NIR (numéro d'inscription au répertoire, the French social-security number) normalisation and
 * classification — protocol v3 §1.1. Pure: no I/O.
 *
 * A NIR is 13 characters plus a 2-digit control key: sex(1) year(2) month(2) département(2, `2A`/`2B`
 * for Corsica) commune(3) order(3) key(2). key = 97 − (N mod 97), where N is the 13 characters read as
 * a number after replacing `2A` by `19` and `2B` by `18`.
 */

/** Classes recorded beside every pseudonym (protocol v3 §1.1). */
export const NIR_CLASSES = ['certified', 'unverified', 'provisional', 'invalid', 'missing'] as const;
export type NirClass = (typeof NIR_CLASSES)[number];

/** What each class means (documentation tables are generated from this). */
export const NIR_CLASS_RULES: Readonly<Record<NirClass, string>> = {
  certified: 'structure and key valid, first digit 1 or 2, not flagged uncertified by the producer',
  unverified: 'structure and key valid, first digit 1 or 2, flagged not certified by the producer',
  provisional: 'structure and key valid, first digit 3 to 8 (NIA and other temporary numbers)',
  invalid: 'present but wrong structure or wrong control key',
  missing: 'empty or a placeholder (only 0, 9 or X; NEANT; INCONNU)',
};

export interface NirResult {
  /** The normalised 15-character NIR when its structure and key check, otherwise null. */
  readonly nir: string | null;
  readonly class: NirClass;
  /** True when the month field holds a real month (01–12); false for the unknown-month codes. */
  readonly monthKnown: boolean | null;
}

const STRUCTURE = /^[1-8][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{8}$/;
// Separators producers commonly leave in NIRs: spaces (incl. NBSP), dots, hyphens, slashes, underscores.
const SEPARATORS = /[\s.\-/_\u00a0]/g;
const PLACEHOLDER = /^(?:0+|X+|9+|NEANT|INCONNU)$/;

/**
 * The control key of a 13-character NIR body (Corsica handled).
 * @example nirControlKey('1850775056123') // 23
 */
export function nirControlKey(body: string): number {
  if (body.length !== 13) throw new RangeError('NIR body must have 13 characters');
  const dept = body.slice(5, 7);
  const digits =
    dept === '2A'
      ? `${body.slice(0, 5)}19${body.slice(7)}`
      : dept === '2B'
        ? `${body.slice(0, 5)}18${body.slice(7)}`
        : body;
  if (!/^[0-9]{13}$/.test(digits)) throw new RangeError('NIR body must be digits (2A/2B allowed)');
  // 13 digits exceed 2^53 only above 9.007e15; 13 digits are < 1e13, so Number is exact.
  return 97 - (Number(digits) % 97);
}

/** Strip separators and upper-case; returns '' for empty and placeholder values. */
export function cleanNir(raw: string | null | undefined): string {
  if (raw == null) return '';
  const s = raw.replace(SEPARATORS, '').toUpperCase();
  return PLACEHOLDER.test(s) ? '' : s;
}

/**
 * Normalise and classify a NIR.
 * @param certifiedFlag the producer's own "NIR certifié" flag when it has one (null: not provided).
 */
export function normaliseNir(
  raw: string | null | undefined,
  certifiedFlag: boolean | null = null,
): NirResult {
  return (raw != null && plainNir(raw, certifiedFlag)) || normaliseNirAsWritten(raw, certifiedFlag);
}

/**
 * The common case, 15 digits and a first digit 1–8, read digit by digit (a NIR is read for every new
 * identity); null for any other value, which `normaliseNirAsWritten` reads. Same results.
 */
function plainNir(s: string, certifiedFlag: boolean | null): NirResult | null {
  if (s.length !== 15) return null;
  const first = s.charCodeAt(0) - 48;
  if (first < 1 || first > 8) return null;
  // the 13-digit body mod 97, one digit at a time
  let mod = first;
  for (let i = 1; i < 13; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    mod = (mod * 10 + d) % 97;
  }
  const k1 = s.charCodeAt(13) - 48;
  const k0 = s.charCodeAt(14) - 48;
  if (k1 < 0 || k1 > 9 || k0 < 0 || k0 > 9) return null;
  const key = 10 * k1 + k0;
  if (key < 1 || key > 97 || 97 - mod !== key) return { nir: null, class: 'invalid', monthKnown: null };
  const month = 10 * (s.charCodeAt(3) - 48) + (s.charCodeAt(4) - 48);
  const cls: NirClass =
    first === 1 || first === 2 ? (certifiedFlag === false ? 'unverified' : 'certified') : 'provisional';
  return { nir: s, class: cls, monthKnown: month >= 1 && month <= 12 };
}

/** `normaliseNir` as the rules are written, without its shortcut (the reference the tests use). */
export function normaliseNirAsWritten(
  raw: string | null | undefined,
  certifiedFlag: boolean | null = null,
): NirResult {
  const s = cleanNir(raw);
  if (s === '') return { nir: null, class: 'missing', monthKnown: null };
  if (!STRUCTURE.test(s)) return { nir: null, class: 'invalid', monthKnown: null };
  const key = Number(s.slice(13));
  if (key < 1 || key > 97 || nirControlKey(s.slice(0, 13)) !== key) {
    return { nir: null, class: 'invalid', monthKnown: null };
  }
  const month = Number(s.slice(3, 5));
  const monthKnown = month >= 1 && month <= 12;
  const first = s.charCodeAt(0) - 48;
  const cls: NirClass =
    first === 1 || first === 2 ? (certifiedFlag === false ? 'unverified' : 'certified') : 'provisional';
  return { nir: s, class: cls, monthKnown };
}

/** Build a full 15-character NIR from a 13-character body (used by the synthetic generator and tests). */
export function withControlKey(body: string): string {
  return body + String(nirControlKey(body)).padStart(2, '0');
}
