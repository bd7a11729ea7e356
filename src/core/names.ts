/**
 * Surname and first-name rules on top of text normalisation — protocol v3 §1.2. Pure.
 *
 * Surnames: an inverted particle in parentheses is put back in front ("FONTAINE (DE LA)" → "DE LA FONTAINE");
 * a birth-name field that also carries the usage name ("DUPONT EPOUSE MARTIN", "DUPONT EP. MARTIN",
 * "DUPONT VEUVE MARTIN", "DUPONT VVE MARTIN") is split: the part before the marker is the birth name and the
 * part after it is the usage name when no usage name was given. Particles are otherwise kept: the compact
 * form used by encodings joins them ("LE GALL" and "LEGALL" both compact to LEGALL).
 *
 * First names: the field is a list. A field that normalises to nothing (empty or a placeholder such as
 * "Sans prénom") has no first name. Otherwise it is split on `,` `;` `/` when any is present, else on white
 * space; a hyphenated compound (JEAN-PIERRE) stays one first name. The first item is the primary first name.
 */
import { isPlain, missingIfPlaceholder, normaliseName } from './text.js';

const INVERTED_PARTICLE = /^(.*?)\s*\(\s*([^()]*?)\s*\)\s*$/;
const USAGE_MARKER = /\s(?:EPOUSE|EP|VEUVE|VVE|EPSE)\s/;

export interface Surnames {
  readonly birthName: string;
  readonly usageName: string;
}

/** Normalise the birth and usage names together (the birth-name field may carry the usage name). */
export function normaliseSurnames(
  rawBirth: string | null | undefined,
  rawUsage: string | null | undefined,
): Surnames {
  let birthName = normaliseName(uninvert(rawBirth));
  let usageName = normaliseName(uninvert(rawUsage));
  // the marker must be an inner word: text on both sides (protocol v3 §1.2)
  const m = birthName.indexOf(' ') < 0 ? null : USAGE_MARKER.exec(birthName);
  if (m) {
    const after = birthName.slice(m.index + m[0].length).trim();
    birthName = birthName.slice(0, m.index).trim();
    if (usageName === '') usageName = after;
  }
  return { birthName, usageName };
}

function uninvert(raw: string | null | undefined): string {
  if (raw == null) return '';
  const m = raw.indexOf('(') < 0 ? null : INVERTED_PARTICLE.exec(raw);
  if (!m) return raw;
  const [, name = '', particle = ''] = m;
  return particle === '' ? name : `${particle} ${name}`;
}

/**
 * The list of normalised first names, primary first.
 * @example normaliseFirstNames('Jean-Pierre, Marie') // ['JEAN PIERRE', 'MARIE']
 */
export function normaliseFirstNames(raw: string | null | undefined): string[] {
  return raw != null && raw !== '' && isPlain(raw) ? plainFirstNames(raw) : normaliseFirstNamesAsWritten(raw);
}

/** `normaliseFirstNames` as the rule is written, without its shortcut (the reference the tests use). */
export function normaliseFirstNamesAsWritten(raw: string | null | undefined): string[] {
  // a placeholder for the whole field ("Sans prénom", "XXX") means no first name, not a list of words
  if (raw == null || normaliseName(raw) === '') return [];
  const parts = /[,;/]/.test(raw) ? raw.split(/[,;/]/) : raw.trim().split(/\s+/);
  const out: string[] = [];
  for (const p of parts) {
    const n = normaliseName(p);
    if (n !== '') out.push(n);
  }
  return out;
}

/**
 * `normaliseFirstNames` of a value that text normalisation leaves as it is (capital letters, single
 * spaces: most first-name fields): its words, each a placeholder or kept, as the general rule gives.
 */
function plainFirstNames(raw: string): string[] {
  if (missingIfPlaceholder(raw) === '') return [];
  if (raw.indexOf(' ') < 0) return [raw];
  const out: string[] = [];
  for (const p of raw.split(' ')) if (missingIfPlaceholder(p) !== '') out.push(p);
  return out;
}
