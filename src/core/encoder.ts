/**
 * The identity encoder of protocol v3: from a normalised identity to everything the hub receives about
 * it — NIR class, NIR pseudonym, secondary identity key and CLK. Built once per run from the linkage key;
 * all keyed state (subkeys, memo tables) lives here. Pure.
 */
import { toHex } from './bytes.js';
import { ClkEncoder, type ClkInput, ClkValues } from './clk.js';
import { addCompositeTokens } from './composite.js';
import { HmacLanes } from './hmac-lanes.js';
import type { Identity } from './identity.js';
import type { LinkageKey } from './keys.js';
import type { NirClass } from './nir.js';
import { CLK_V3, type ClkParams, EXTRA_FIELD_PREFIX } from './params.js';
import { Pseudonymiser } from './pseudonym.js';
import { compact } from './text.js';

export interface EncodedIdentity {
  readonly nirClass: NirClass;
  /** hex P1 of the NIR, null when the NIR is missing or invalid */
  readonly nirPseudonym: string | null;
  readonly idkey: string | null;
  readonly clk: Uint8Array;
}

/** Two-digit texts of 0–99 (months and days), made once. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const twoDigits = (n: number): string => TWO_DIGITS[n] ?? String(n).padStart(2, '0');
/** The text of each birth year, made once. */
const YEARS: string[] = [];
const yearText = (y: number): string => {
  if (y < 0 || y >= 4096) return String(y);
  YEARS[y] ??= String(y);
  return YEARS[y];
};

/** The CLK fields an identity gives values to (protocol v3 §4, field table; composite fields §4.3). */
const IDENTITY_CLK_FIELDS = [
  'birth_name',
  'usage_name',
  'first_name',
  'other_first_names',
  'birth_year',
  'birth_month',
  'birth_day',
  'sex',
  'birth_place',
  'birth_dept',
  'name_year',
  'firstname_dob',
  'names_sex',
  'dob_place',
] as const;

/** Where each CLK field's values go, by field: an index in the value lists, −1 when not encoded. */
type ClkSlots = Readonly<Record<(typeof IDENTITY_CLK_FIELDS)[number], number>>;

/** The slots of the fields of `names`, in that order (a field absent from it: −1). A literal: read per identity. */
function slotsOf(names: readonly string[]): ClkSlots {
  const at = (f: (typeof IDENTITY_CLK_FIELDS)[number]) => names.indexOf(f);
  return {
    birth_name: at('birth_name'),
    usage_name: at('usage_name'),
    first_name: at('first_name'),
    other_first_names: at('other_first_names'),
    birth_year: at('birth_year'),
    birth_month: at('birth_month'),
    birth_day: at('birth_day'),
    sex: at('sex'),
    birth_place: at('birth_place'),
    birth_dept: at('birth_dept'),
    name_year: at('name_year'),
    firstname_dob: at('firstname_dob'),
    names_sex: at('names_sex'),
    dob_place: at('dob_place'),
  };
}

/** The slots of `clkInput` without extra fields. */
const IDENTITY_SLOTS = slotsOf(IDENTITY_CLK_FIELDS);

/**
 * Adds the values of each CLK field of `id` to `out`, at the field's slot (protocol v3 §4, field table;
 * composite fields §4.3); extra fields (§4.1, already normalised) at `extraSlot(name)`.
 */
function addClkValues(
  id: Identity,
  extras: Readonly<Record<string, string>>,
  out: ClkValues,
  slots: ClkSlots,
  extraSlot: (name: string) => number,
): void {
  const d = id.birthDate;
  const birth = compact(id.birthName);
  const usage = compact(id.usageName);
  out.add(slots.birth_name, birth);
  // encoded only when it differs from the birth name, so a copied birth name does not weigh twice
  if (usage !== birth) out.add(slots.usage_name, usage);
  const names = id.firstNames;
  const first = names.length > 0 ? compact(names[0] ?? '') : '';
  out.add(slots.first_name, first);
  for (let i = 1; i < names.length; i++) out.add(slots.other_first_names, compact(names[i] ?? ''));
  if (d !== null) {
    out.add(slots.birth_year, yearText(d.year));
    if (d.month !== null) out.add(slots.birth_month, twoDigits(d.month));
    if (d.day !== null) out.add(slots.birth_day, twoDigits(d.day));
  }
  if (id.sex !== null) out.add(slots.sex, id.sex);
  if (id.birthPlace !== null) {
    out.add(slots.birth_place, id.birthPlace.code);
    out.add(slots.birth_dept, id.birthPlace.dept);
  }
  addCompositeTokens(id, birth, usage, first, out, slots);
  for (const name in extras) out.add(extraSlot(name), extras[name] ?? '');
}

/**
 * The values of each CLK field by name (protocol v3 §4, field table; composite fields §4.3; extra fields
 * §4.1, already normalised); an absent field has an empty list. Parameter objects without the composite
 * fields (v1, v2) ignore them.
 */
export function clkInput(id: Identity, extras: Readonly<Record<string, string>> = {}): ClkInput {
  const extraNames = Object.keys(extras).map((n) => `${EXTRA_FIELD_PREFIX}${n}`);
  const names: readonly string[] =
    extraNames.length === 0 ? IDENTITY_CLK_FIELDS : [...IDENTITY_CLK_FIELDS, ...extraNames];
  const values = inputValues;
  values.clear();
  const slots = extraNames.length === 0 ? IDENTITY_SLOTS : slotsOf(names);
  addClkValues(id, extras, values, slots, (n) => names.indexOf(`${EXTRA_FIELD_PREFIX}${n}`));
  const input: Record<string, string[]> = {};
  for (const n of names) input[n] = [];
  for (let i = 0; i < values.length; i++) input[names[values.field(i)] as string]?.push(values.value(i));
  return input;
}

/** The values `clkInput` collects, reused from one call to the next. */
const inputValues = new ClkValues();

/**
 * The encodings of one identity as bytes — what `EncodedIdentity` holds as text —, in buffers that the
 * encoder reuses: valid until its next call.
 */
export interface EncodedBytes {
  readonly nirClass: NirClass;
  /** P1 of the NIR (32 bytes), null when the NIR is missing or invalid */
  readonly nir: Uint8Array | null;
  /** the secondary identity key (32 bytes), null when an element is missing */
  readonly idkey: Uint8Array | null;
  readonly clk: Uint8Array;
}

export class IdentityEncoder {
  private readonly pseudonymiser: Pseudonymiser;
  private readonly clkEncoder: ClkEncoder;
  private readonly nirOut = new Uint8Array(32);
  private readonly idkeyOut = new Uint8Array(32);
  private readonly clkOut: Uint8Array;
  /** the CLK values of the identity being encoded, reused */
  private readonly values = new ClkValues();
  private readonly slots: ClkSlots;
  private readonly fieldNames: readonly string[];
  /** the slot of an extra field, by its name without the prefix (−1: not encoded) */
  private readonly extraSlot: (name: string) => number;
  /**
   * @param lanes where an identity's one-block MACs — the pseudonyms and the composite CLK tokens — are
   *   computed, four at a time (hmac-lanes.ts); null: one after another, in JavaScript (the same result)
   */
  constructor(
    key: LinkageKey,
    clkParams: ClkParams = CLK_V3,
    private readonly lanes: HmacLanes | null = HmacLanes.create(),
  ) {
    this.pseudonymiser = new Pseudonymiser(key);
    this.clkEncoder = new ClkEncoder(key, clkParams, lanes);
    this.clkOut = new Uint8Array(this.clkEncoder.bits >>> 3);
    this.fieldNames = this.clkEncoder.fieldNames;
    this.slots = slotsOf(this.fieldNames);
    const extraSlots = new Map<string, number>();
    this.fieldNames.forEach((n, i) => {
      if (n.startsWith(EXTRA_FIELD_PREFIX)) extraSlots.set(n.slice(EXTRA_FIELD_PREFIX.length), i);
    });
    this.extraSlot = (n) => extraSlots.get(n) ?? -1;
  }

  /** The identity's CLK values into `this.values`, by field index. */
  private clkValues(id: Identity, extras: Readonly<Record<string, string>>): ClkValues {
    const values = this.values;
    values.clear();
    addClkValues(id, extras, values, this.slots, this.extraSlot);
    return values;
  }

  /** The length of the CLK sent, in bytes. */
  get clkBytes(): number {
    return this.clkOut.length;
  }

  /** @param extras the extra CLK fields' normalised values, by name (protocol v3 §4.1) */
  encode(id: Identity, extras: Readonly<Record<string, string>> = {}): EncodedIdentity {
    const e = this.encodeBytes(id, extras);
    return {
      nirClass: e.nirClass,
      nirPseudonym: e.nir === null ? null : toHex(e.nir),
      idkey: e.idkey === null ? null : toHex(e.idkey),
      clk: e.clk.slice(),
    };
  }

  /** `encode` without text: the bytes, in the encoder's reused buffers (the producer's hot path). */
  encodeBytes(id: Identity, extras: Readonly<Record<string, string>> = {}): EncodedBytes {
    const { lanes, pseudonymiser: p } = this;
    const values = this.clkValues(id, extras);
    const nir = id.nir.nir;
    if (lanes === null) {
      this.clkEncoder.queue(values); // queues nothing without lanes
      return {
        nirClass: id.nir.class,
        nir: nir === null ? null : p.nir(nir, this.nirOut),
        idkey: p.idkey(id, this.idkeyOut),
        clk: this.clkEncoder.finish(values, this.clkOut),
      };
    }
    // every one-block MAC of the identity in one computation of the lanes; a message too long for one
    // block (−1) is hashed on its own
    lanes.clear();
    this.clkEncoder.queue(values);
    const nirJob = nir === null ? -1 : p.queueNir(nir, lanes);
    const idkeyJob = p.queueIdkey(id, lanes);
    lanes.compute();
    return {
      nirClass: id.nir.class,
      nir: nir === null ? null : nirJob < 0 ? p.nir(nir, this.nirOut) : lanes.bytesInto(nirJob, this.nirOut),
      idkey:
        idkeyJob === null
          ? null
          : idkeyJob < 0
            ? p.idkey(id, this.idkeyOut)
            : lanes.bytesInto(idkeyJob, this.idkeyOut),
      clk: this.clkEncoder.finish(values, this.clkOut),
    };
  }
}
