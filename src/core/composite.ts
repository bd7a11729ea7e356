/**
 * Composite CLK fields — protocol v3 §4.3. Each combines identity elements into whole tokens: the
 * plaintext material of the keyed blocking keys of v1–v2, which v3 no longer sends (attack A5,
 * bench/attack.md: the hub could match their equivalence classes against plaintext identities). Inside
 * the Bloom filter, before diffusion, agreement on a combination raises the Dice coefficient of two
 * records — what the keys' score bonus did — and the hub learns nothing beyond the CLK. Pure.
 *
 * Parts are Soundex codes, digits, 1/2 and COG codes, so joining them with `|` is unambiguous.
 */
import type { Identity } from './identity.js';
import { soundex } from './soundex.js';
import { compact } from './text.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The cleartext parts of each composite field for one identity (documented and used by the vectors). */
export function compositeParts(id: Identity): Record<string, string[][]> {
  // distinct compact surnames, birth name first (LE GALL and LEGALL are one surname)
  const surnames = [id.birthName, id.usageName]
    .map(compact)
    .filter((s, i, a) => s !== '' && a.indexOf(s) === i);
  const first = id.firstNames[0];
  const fn = first === undefined ? '' : soundex(compact(first));
  const d = id.birthDate;
  const year = d === null ? '' : String(d.year);
  const dm =
    d === null || d.month === null || d.day === null ? '' : [pad2(d.day), pad2(d.month)].sort().join('');
  const out: Record<string, string[][]> = {
    name_year: [],
    firstname_dob: [],
    names_sex: [],
    dob_place: [],
  };
  for (const s of surnames) {
    if (year !== '') out.name_year?.push([soundex(s), year]);
    if (fn !== '' && id.sex !== null) out.names_sex?.push([soundex(s), fn, id.sex]);
  }
  if (fn !== '' && dm !== '') out.firstname_dob?.push([fn, year, dm]);
  if (dm !== '' && id.birthPlace !== null) out.dob_place?.push([year, dm, id.birthPlace.code]);
  return out;
}

/**
 * The tokens of each composite field: its parts joined by `|` (e.g. `D153|1985` for name_year), without
 * repeats (two surnames with the same sound give one token). A field the identity lacks sets no bit.
 */
export function compositeTokens(id: Identity): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, list] of Object.entries(compositeParts(id))) {
    const tokens: string[] = [];
    for (const parts of list) {
      const t = parts.join('|');
      if (!tokens.includes(t)) tokens.push(t);
    }
    out[field] = tokens;
  }
  return out;
}
