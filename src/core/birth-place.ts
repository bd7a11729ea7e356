/**
 * Birth place — protocol v3 §1.5: an INSEE COG commune code of 5 characters. Mainland `DDCCC` (digits),
 * Corsica `2ACCC` / `2BCCC`, overseas `97DCC`, born abroad `99PPP` (PPP = INSEE country code). A 4-digit
 * code lost its leading zero in a spreadsheet and is padded (`1053` → `01053`). Only the format is checked:
 * birth places include communes that have since merged, so the current COG is not a valid whitelist. Pure.
 */

export interface BirthPlace {
  readonly code: string;
  /** département (2 characters, 3 for overseas 97x), or `99` for abroad */
  readonly dept: string;
  readonly abroad: boolean;
}

const COG = /^(?:[0-9]{5}|2[AB][0-9]{3})$/;

/** Returns null when missing; throws RangeError on a value that is not a COG code. */
export function normaliseBirthPlace(raw: string | null | undefined): BirthPlace | null {
  if (raw == null) return null;
  return plainCode(raw) ?? normaliseBirthPlaceAsWritten(raw);
}

/**
 * The common case, five digits not starting with `00`, checked digit by digit (a birth place is read for
 * every new identity); null for any other value, which `normaliseBirthPlaceAsWritten` reads. Same results.
 */
function plainCode(s: string): BirthPlace | null {
  if (s.length !== 5) return null;
  for (let i = 0; i < 5; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
  }
  const d0 = s.charCodeAt(0);
  const d1 = s.charCodeAt(1);
  if (d0 === 48 && d1 === 48) return null;
  const nine = d0 === 57;
  const overseas = nine && (d1 === 55 || d1 === 56); // 97x, 98x
  return { code: s, dept: s.slice(0, overseas ? 3 : 2), abroad: nine && d1 === 57 };
}

/** `normaliseBirthPlace` as the rules are written, without its shortcut (the reference the tests use). */
export function normaliseBirthPlaceAsWritten(raw: string | null | undefined): BirthPlace | null {
  if (raw == null) return null;
  let s = raw.replace(/\s/g, '').toUpperCase();
  if (s === '' || /^0+$/.test(s) || /^X+$/.test(s)) return null;
  if (/^[0-9]{4}$/.test(s)) s = `0${s}`;
  if (!COG.test(s) || s.startsWith('00')) throw new RangeError('not a COG commune code');
  const dept = s.startsWith('97') || s.startsWith('98') ? s.slice(0, 3) : s.slice(0, 2);
  return { code: s, dept, abroad: s.startsWith('99') };
}
