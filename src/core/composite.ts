/**
 * Composite CLK fields — protocol v3 §4.3. Each combines identity elements into whole tokens: the
 * plaintext material of the keyed blocking keys of v1–v2, which v3 no longer sends (attack A5,
 * bench/attack.md: the hub could match their equivalence classes against plaintext identities). Inside
 * the Bloom filter, before diffusion, agreement on a combination raises the Dice coefficient of two
 * records — what the keys' score bonus did — and the hub learns nothing beyond the CLK. Pure.
 *
 * Parts are Soundex codes, digits, 1/2 and COG codes, so joining them with `|` is unambiguous.
 */
import { ClkValues } from './clk.js';
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
 * The same tokens as joining `compositeParts` (composite.test.ts checks it), built without the lists.
 */
export function compositeTokens(id: Identity): Record<string, string[]> {
  const first = id.firstNames[0];
  const firstName = first === undefined ? '' : compact(first);
  const values = scratch;
  values.clear();
  addCompositeTokens(id, compact(id.birthName), compact(id.usageName), firstName, values, IN_ORDER);
  const lists: string[][] = [[], [], [], []];
  for (let i = 0; i < values.length; i++) lists[values.field(i)]?.push(values.value(i));
  const [nameYear = [], firstnameDob = [], namesSex = [], dobPlace = []] = lists;
  return { name_year: nameYear, firstname_dob: firstnameDob, names_sex: namesSex, dob_place: dobPlace };
}

/** The tokens `compositeTokens` collects, reused from one call to the next. */
const scratch = new ClkValues();

/** The composite fields in the order of protocol §4.3, as slots 0–3. */
const IN_ORDER: CompositeSlots = { name_year: 0, firstname_dob: 1, names_sex: 2, dob_place: 3 };

/** Where each composite field's tokens go: a field index of the `ClkValues` list, −1 for none. */
export interface CompositeSlots {
  readonly name_year: number;
  readonly firstname_dob: number;
  readonly names_sex: number;
  readonly dob_place: number;
}

/**
 * Adds the tokens of each composite field to `out` at the field's slot (a field whose slot is −1 is not
 * made): `compositeTokens` without an object per identity, for the producer's encoder (encoder.ts).
 * @param birth the compact birth name, `usage` the compact usage name, `first` the compact primary first
 *   name ('' when absent)
 */
export function addCompositeTokens(
  id: Identity,
  birth: string,
  usage: string,
  first: string,
  out: ClkValues,
  slots: CompositeSlots,
): void {
  // the Soundex codes of the distinct compact surnames, birth name first; '' when absent or a repeat
  const s1 = birth === '' ? '' : soundex(birth);
  let s2 = usage === '' || usage === birth ? '' : soundex(usage);
  const fn = first === '' ? '' : soundex(first);
  const d = id.birthDate;
  const year = d === null ? '' : String(d.year);
  let dm = '';
  if (d !== null && d.month !== null && d.day !== null) {
    const a = Math.min(d.day, d.month);
    const b = Math.max(d.day, d.month);
    dm = `${a < 10 ? '0' : ''}${a}${b < 10 ? '0' : ''}${b}`;
  }
  if (s2 === s1) s2 = ''; // two surnames with the same sound: one token
  for (let i = 0; i < 2; i++) {
    const s = i === 0 ? s1 : s2;
    if (s === '') continue;
    if (year !== '' && slots.name_year >= 0) out.add(slots.name_year, `${s}|${year}`);
    if (fn !== '' && id.sex !== null && slots.names_sex >= 0)
      out.add(slots.names_sex, `${s}|${fn}|${id.sex}`);
  }
  if (fn !== '' && dm !== '' && slots.firstname_dob >= 0) out.add(slots.firstname_dob, `${fn}|${year}|${dm}`);
  if (dm !== '' && id.birthPlace !== null && slots.dob_place >= 0)
    out.add(slots.dob_place, `${year}|${dm}|${id.birthPlace.code}`);
}
