/**
 * The inputs of protocols/test-vectors-v3.json, each naming the rule it exercises, with the expected
 * normalised values written by hand (the generator refuses to write vectors that disagree with them).
 * Keyed outputs (pseudonyms, identity keys, CLKs) are computed by the code under the published test key.
 */
import type { DateFormat } from '../src/core/mapping-read.js';

export interface VectorCase {
  readonly name: string;
  readonly rule: string;
  readonly input: {
    readonly nir?: string;
    readonly nir_certified?: string;
    readonly birth_name?: string;
    readonly usage_name?: string;
    readonly first_names?: string;
    readonly birth_date?: string;
    readonly sex?: string;
    readonly birth_place?: string;
  };
  readonly birth_date_format?: DateFormat;
  /**
   * Extra CLK fields (protocol v3 §4.1), in the order of the mapping's `columns`: the name after `extra/`,
   * the raw value and its normalised value written by hand.
   */
  readonly extra?: readonly ExtraFieldCase[];
  /** hand-written expectations on the normalised identity (subset of identityToJson) */
  readonly expect: Readonly<Record<string, unknown>>;
}

export interface ExtraFieldCase {
  readonly name: string;
  readonly raw: string;
  /** expected normalised value ('' = missing, no token) */
  readonly normalised: string;
}

const base = {
  nir: '185077505612323',
  birth_name: 'Dupont',
  first_names: 'Jean',
  birth_date: '1985-07-12',
  sex: '1',
  birth_place: '75056',
};

export const VECTOR_CASES: readonly VectorCase[] = [
  {
    name: 'baseline',
    rule: 'all fields present and clean',
    input: base,
    expect: {
      nir: '185077505612323',
      nir_class: 'certified',
      birth_name: 'DUPONT',
      first_names: ['JEAN'],
      birth_date: '1985-07-12',
      sex: '1',
      birth_place: '75056',
    },
  },
  // NIR §1.1
  {
    name: 'nir-spaces',
    rule: 'NIR: spaces, dots and hyphens are removed',
    input: { ...base, nir: '1 85 07 75 056 123 23' },
    expect: { nir: '185077505612323', nir_class: 'certified' },
  },
  {
    name: 'nir-dots-hyphens',
    rule: 'NIR: separators',
    input: { ...base, nir: '1.85.07-75.056.123-23' },
    expect: { nir: '185077505612323' },
  },
  {
    name: 'nir-lowercase-corsica',
    rule: 'NIR: upper-cased; 2A counts as 19 in the key',
    input: { ...base, nir: '185072a00400116' },
    expect: { nir: '185072A00400116', nir_class: 'certified' },
  },
  {
    name: 'nir-corsica-2b',
    rule: 'NIR: 2B counts as 18 in the key',
    input: { ...base, nir: '285072B04501213' },
    expect: { nir: '285072B04501213', nir_class: 'certified' },
  },
  {
    name: 'nir-wrong-key',
    rule: 'NIR: wrong control key → invalid, no pseudonym',
    input: { ...base, nir: '185077505612324' },
    expect: { nir: null, nir_class: 'invalid' },
  },
  {
    name: 'nir-digit-typo',
    rule: 'NIR: one digit changed → key fails',
    input: { ...base, nir: '185077505612423' },
    expect: { nir: null, nir_class: 'invalid' },
  },
  {
    name: 'nir-too-short',
    rule: 'NIR: 13 characters (no key) → invalid',
    input: { ...base, nir: '1850775056123' },
    expect: { nir: null, nir_class: 'invalid' },
  },
  {
    name: 'nir-letters',
    rule: 'NIR: letters outside 2A/2B → invalid',
    input: { ...base, nir: '1850775O5612323' },
    expect: { nir: null, nir_class: 'invalid' },
  },
  {
    name: 'nir-missing',
    rule: 'NIR: empty → missing',
    input: { ...base, nir: '' },
    expect: { nir: null, nir_class: 'missing' },
  },
  {
    name: 'nir-placeholder',
    rule: 'NIR: all zeros placeholder → missing',
    input: { ...base, nir: '000000000000000' },
    expect: { nir: null, nir_class: 'missing' },
  },
  {
    name: 'nir-provisional-7',
    rule: 'NIR: first digit 7 (NIA) → provisional',
    input: { ...base, nir: '785079912300197' },
    expect: { nir_class: 'provisional' },
  },
  {
    name: 'nir-provisional-8',
    rule: 'NIR: first digit 8 (NIA) → provisional',
    input: { ...base, nir: '885079912300147' },
    expect: { nir_class: 'provisional' },
  },
  {
    name: 'nir-provisional-5',
    rule: 'NIR: first digit 5 → provisional',
    input: { ...base, nir: '585079912300103' },
    expect: { nir_class: 'provisional' },
  },
  {
    name: 'nir-unknown-month',
    rule: 'NIR: month 20–42 or 50–99 means unknown; still valid',
    input: { ...base, nir: '185997505612340' },
    expect: { nir: '185997505612340', nir_class: 'certified' },
  },
  {
    name: 'nir-born-abroad',
    rule: 'NIR: département 99 (born abroad)',
    input: { ...base, nir: '185079912300109', birth_place: '99109' },
    expect: { nir_class: 'certified', birth_place: '99109' },
  },
  {
    name: 'nir-not-certified-flag',
    rule: 'NIR: valid but the producer flags it not certified → unverified',
    input: { ...base, nir_certified: 'N' },
    expect: { nir_class: 'unverified' },
  },
  // names §1.2
  {
    name: 'name-diacritics',
    rule: 'names: NFKD, combining marks removed, upper case',
    input: { ...base, birth_name: 'Lefèvre-Château', first_names: 'Élodie' },
    expect: { birth_name: 'LEFEVRE CHATEAU', first_names: ['ELODIE'] },
  },
  {
    name: 'name-ligatures',
    rule: 'names: Œ→OE, Æ→AE, ß→SS, Ø→O',
    input: { ...base, birth_name: 'Cœurdœuvre', first_names: 'Lætitia' },
    expect: { birth_name: 'COEURDOEUVRE', first_names: ['LAETITIA'] },
  },
  {
    name: 'name-apostrophe',
    rule: "names: apostrophes are separators (D'ARTAGNAN → D ARTAGNAN)",
    input: { ...base, birth_name: "d'Artagnan" },
    expect: { birth_name: 'D ARTAGNAN' },
  },
  {
    name: 'name-typographic-apostrophe',
    rule: 'names: ’ is an apostrophe too',
    input: { ...base, birth_name: 'O’Neill' },
    expect: { birth_name: 'O NEILL' },
  },
  {
    name: 'name-hyphen-space',
    rule: 'names: hyphens and repeated spaces collapse to one space',
    input: { ...base, birth_name: '  Martin -  Dupont ' },
    expect: { birth_name: 'MARTIN DUPONT' },
  },
  {
    name: 'name-particle-inverted',
    rule: 'surnames: inverted particle in parentheses is put back in front',
    input: { ...base, birth_name: 'Fontaine (de la)' },
    expect: { birth_name: 'DE LA FONTAINE' },
  },
  {
    name: 'name-particle-kept',
    rule: 'surnames: particles are kept (compact form joins them)',
    input: { ...base, birth_name: 'Le Gall' },
    expect: { birth_name: 'LE GALL' },
  },
  {
    name: 'name-particle-joined',
    rule: 'surnames: LEGALL and LE GALL have the same compact form',
    input: { ...base, birth_name: 'LEGALL' },
    expect: { birth_name: 'LEGALL' },
  },
  {
    name: 'name-epouse',
    rule: 'surnames: "X EPOUSE Y" in the birth-name field → birth X, usage Y',
    input: { ...base, sex: '2', nir: '285077505612370', birth_name: 'Durand épouse Martin' },
    expect: { birth_name: 'DURAND', usage_name: 'MARTIN' },
  },
  {
    name: 'name-ep-abbrev',
    rule: 'surnames: "EP." marker',
    input: { ...base, sex: '2', birth_name: 'Durand ep. Martin' },
    expect: { birth_name: 'DURAND', usage_name: 'MARTIN' },
  },
  {
    name: 'name-usage-given',
    rule: 'surnames: an explicit usage name wins over the marker',
    input: { ...base, birth_name: 'Durand vve Petit', usage_name: 'Martin' },
    expect: { birth_name: 'DURAND', usage_name: 'MARTIN' },
  },
  {
    name: 'name-digits-dropped',
    rule: 'names: digits and symbols are dropped',
    input: { ...base, birth_name: 'Dupont2*' },
    expect: { birth_name: 'DUPONT' },
  },
  {
    name: 'name-non-latin',
    rule: 'names: non-Latin letters are dropped; nothing left → missing',
    input: { ...base, birth_name: 'Иванов' },
    expect: { birth_name: '' },
  },
  {
    name: 'name-placeholder',
    rule: 'names: INCONNU / XXX placeholders → missing',
    input: { ...base, birth_name: 'XXX', first_names: 'inconnu' },
    expect: { birth_name: '', first_names: [] },
  },
  {
    name: 'firstnames-comma',
    rule: 'first names: split on commas; compound kept',
    input: { ...base, first_names: 'Jean-Pierre, Marc,Louis' },
    expect: { first_names: ['JEAN PIERRE', 'MARC', 'LOUIS'] },
  },
  {
    name: 'firstnames-space',
    rule: 'first names: no comma → split on spaces',
    input: { ...base, first_names: 'Jean  Marc Louis' },
    expect: { first_names: ['JEAN', 'MARC', 'LOUIS'] },
  },
  {
    name: 'firstnames-slash',
    rule: 'first names: / and ; are separators too',
    input: { ...base, first_names: 'Marie/Anne;Sophie' },
    expect: { first_names: ['MARIE', 'ANNE', 'SOPHIE'] },
  },
  {
    name: 'firstnames-empty-items',
    rule: 'first names: empty items are dropped',
    input: { ...base, first_names: 'Marie,,  ,Anne' },
    expect: { first_names: ['MARIE', 'ANNE'] },
  },
  {
    name: 'firstnames-placeholder',
    rule: 'first names: a placeholder for the whole field means no first name',
    input: { ...base, first_names: 'Sans prénom' },
    expect: { first_names: [] },
  },
  {
    name: 'surname-particle-usage-compact',
    rule: 'composite fields: birth and usage names with the same compact form are one surname',
    input: { ...base, birth_name: 'Le Gall', usage_name: 'Legall' },
    expect: { birth_name: 'LE GALL', usage_name: 'LEGALL' },
  },
  // dates §1.3
  {
    name: 'date-dmy',
    rule: 'birth date: DD/MM/YYYY',
    input: { ...base, birth_date: '12/07/1985' },
    birth_date_format: 'DD/MM/YYYY',
    expect: { birth_date: '1985-07-12' },
  },
  {
    name: 'date-compact',
    rule: 'birth date: YYYYMMDD',
    input: { ...base, birth_date: '19850712' },
    birth_date_format: 'YYYYMMDD',
    expect: { birth_date: '1985-07-12' },
  },
  {
    name: 'date-unknown-day',
    rule: 'birth date: day 00 stays unknown',
    input: { ...base, birth_date: '1985-07-00' },
    expect: { birth_date: '1985-07-XX' },
  },
  {
    name: 'date-unknown-month',
    rule: 'birth date: month 00 → month and day unknown',
    input: { ...base, birth_date: '00/00/1985' },
    birth_date_format: 'DD/MM/YYYY',
    expect: { birth_date: '1985-XX-XX' },
  },
  {
    name: 'date-99',
    rule: 'birth date: 99 also means unknown',
    input: { ...base, birth_date: '19859999' },
    birth_date_format: 'YYYYMMDD',
    expect: { birth_date: '1985-XX-XX' },
  },
  {
    name: 'date-invalid',
    rule: 'birth date: 31 February is not a date → missing (counted invalid)',
    input: { ...base, birth_date: '1985-02-31' },
    expect: { birth_date: null },
  },
  {
    name: 'date-wrong-format',
    rule: 'birth date: not in the declared format → missing (counted invalid)',
    input: { ...base, birth_date: '12/07/1985' },
    expect: { birth_date: null },
  },
  {
    name: 'date-one-digit',
    rule: 'birth date: with separators, day and month may have one digit',
    input: { ...base, birth_date: '5/7/1985' },
    birth_date_format: 'DD/MM/YYYY',
    expect: { birth_date: '1985-07-05' },
  },
  {
    name: 'date-timestamp',
    rule: 'birth date: ISO timestamp with a time part is accepted',
    input: { ...base, birth_date: '1985-07-12 00:00:00' },
    expect: { birth_date: '1985-07-12' },
  },
  // sex §1.4
  { name: 'sex-letters', rule: 'sex: M/H → 1, F → 2', input: { ...base, sex: 'F' }, expect: { sex: '2' } },
  { name: 'sex-word', rule: 'sex: MASCULIN → 1', input: { ...base, sex: 'masculin' }, expect: { sex: '1' } },
  {
    name: 'sex-unknown',
    rule: 'sex: anything else → missing',
    input: { ...base, sex: 'X' },
    expect: { sex: null },
  },
  {
    name: 'sex-digit-spaces',
    rule: 'sex: the digits 1 and 2 are compared on the trimmed raw value',
    input: { ...base, sex: ' 2 ' },
    expect: { sex: '2' },
  },
  // birth place §1.5
  {
    name: 'place-leading-zero',
    rule: 'birth place: 4 digits get their leading zero back',
    input: { ...base, birth_place: '1053' },
    expect: { birth_place: '01053' },
  },
  {
    name: 'place-corsica',
    rule: 'birth place: 2A/2B codes',
    input: { ...base, birth_place: '2a004' },
    expect: { birth_place: '2A004' },
  },
  {
    name: 'place-overseas',
    rule: 'birth place: overseas 97xxx, département of 3 characters',
    input: { ...base, birth_place: '97411' },
    expect: { birth_place: '97411' },
  },
  {
    name: 'place-invalid',
    rule: 'birth place: not a COG code → missing (counted invalid)',
    input: { ...base, birth_place: 'PARIS' },
    expect: { birth_place: null },
  },
  // encodings
  {
    name: 'missing-everything-but-nir',
    rule: 'CLK: missing fields set no bits',
    input: { nir: '185077505612323' },
    expect: { birth_name: '', first_names: [], birth_date: null },
  },
  {
    name: 'usage-equals-birth',
    rule: 'CLK: a usage name equal to the birth name is not encoded twice',
    input: { ...base, usage_name: 'DUPONT' },
    expect: { usage_name: 'DUPONT' },
  },
  // extra fields §4.1
  {
    name: 'extra-address-postcode',
    rule: 'extra fields: letters and digits only, upper case, no spaces; padded bigrams, k = 15, after the §4 fields',
    input: base,
    extra: [
      { name: 'address', raw: '12, rue du Sacré-Cœur', normalised: '12RUEDUSACRECOEUR' },
      { name: 'postcode', raw: '75 011', normalised: '75011' },
    ],
    expect: { birth_name: 'DUPONT' },
  },
  {
    name: 'extra-empty',
    rule: 'extra fields: a value empty after normalisation (white space only) is missing and sets no bit',
    input: base,
    extra: [
      { name: 'address', raw: ' \t ', normalised: '' },
      { name: 'postcode', raw: '75011', normalised: '75011' },
    ],
    expect: { birth_name: 'DUPONT' },
  },
];
