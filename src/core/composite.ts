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
 * The same tokens as joining `compositeParts` (composite.test.ts checks it), built without the lists:
 * this runs once per identity in the producer's encoder.
 */
export function compositeTokens(id: Identity): Record<string, string[]> {
  const birth = compact(id.birthName);
  const usage = compact(id.usageName);
  // the Soundex codes of the distinct compact surnames, birth name first; '' when absent or a repeat
  const s1 = birth === '' ? '' : soundex(birth);
  let s2 = usage === '' || usage === birth ? '' : soundex(usage);
  const first = id.firstNames[0];
  const fn = first === undefined ? '' : soundex(compact(first));
  const d = id.birthDate;
  const year = d === null ? '' : String(d.year);
  let dm = '';
  if (d !== null && d.month !== null && d.day !== null) {
    const a = Math.min(d.day, d.month);
    const b = Math.max(d.day, d.month);
    dm = `${a < 10 ? '0' : ''}${a}${b < 10 ? '0' : ''}${b}`;
  }
  if (s2 === s1) s2 = ''; // two surnames with the same sound: one token
  const nameYear: string[] = [];
  const namesSex: string[] = [];
  for (const s of s1 === '' ? [s2] : [s1, s2]) {
    if (s === '') continue;
    if (year !== '') nameYear.push(`${s}|${year}`);
    if (fn !== '' && id.sex !== null) namesSex.push(`${s}|${fn}|${id.sex}`);
  }
  return {
    name_year: nameYear,
    firstname_dob: fn !== '' && dm !== '' ? [`${fn}|${year}|${dm}`] : [],
    names_sex: namesSex,
    dob_place: dm !== '' && id.birthPlace !== null ? [`${year}|${dm}|${id.birthPlace.code}`] : [],
  };
}
