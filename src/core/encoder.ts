/**
 * The identity encoder of protocol v3: from a normalised identity to everything the hub receives about
 * it — NIR class, NIR pseudonym, secondary identity key and CLK. Built once per run from the linkage key;
 * all keyed state (subkeys, memo tables) lives here. Pure.
 */
import { toHex } from './bytes.js';
import { ClkEncoder, type ClkInput } from './clk.js';
import { compositeTokens } from './composite.js';
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

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * The values of each CLK field (protocol v3 §4, field table; composite fields §4.3; extra fields §4.1,
 * already normalised). Parameter objects without the composite fields (v1, v2) ignore them.
 */
export function clkInput(id: Identity, extras: Readonly<Record<string, string>> = {}): ClkInput {
  const d = id.birthDate;
  const birth = compact(id.birthName);
  const usage = compact(id.usageName);
  const firsts = id.firstNames.map(compact);
  const input: Record<string, readonly string[]> = {
    birth_name: birth === '' ? [] : [birth],
    // encoded only when it differs from the birth name, so a copied birth name does not weigh twice
    usage_name: usage === '' || usage === birth ? [] : [usage],
    first_name: firsts.length > 0 ? [firsts[0] ?? ''] : [],
    other_first_names: firsts.slice(1),
    birth_year: d === null ? [] : [String(d.year)],
    birth_month: d?.month == null ? [] : [pad2(d.month)],
    birth_day: d?.day == null ? [] : [pad2(d.day)],
    sex: id.sex === null ? [] : [id.sex],
    birth_place: id.birthPlace === null ? [] : [id.birthPlace.code],
    birth_dept: id.birthPlace === null ? [] : [id.birthPlace.dept],
    ...compositeTokens(id),
  };
  for (const name in extras) {
    const v = extras[name] ?? '';
    input[`${EXTRA_FIELD_PREFIX}${name}`] = v === '' ? [] : [v];
  }
  return input;
}

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
    const input = clkInput(id, extras);
    const nir = id.nir.nir;
    if (lanes === null) {
      return {
        nirClass: id.nir.class,
        nir: nir === null ? null : p.nir(nir, this.nirOut),
        idkey: p.idkey(id, this.idkeyOut),
        clk: this.clkEncoder.encode(input, this.clkOut),
      };
    }
    // every one-block MAC of the identity in one computation of the lanes; a message too long for one
    // block (−1) is hashed on its own
    lanes.clear();
    this.clkEncoder.queue(input);
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
      clk: this.clkEncoder.finish(input, this.clkOut),
    };
  }
}
