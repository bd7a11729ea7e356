/**
 * The identity encoder of protocol v3: from a normalised identity to everything the hub receives about
 * it — NIR class, NIR pseudonym, secondary identity key and CLK. Built once per run from the linkage key;
 * all keyed state (subkeys, memo tables) lives here. Pure.
 */
import { toHex } from './bytes.js';
import { ClkEncoder, type ClkInput } from './clk.js';
import { compositeTokens } from './composite.js';
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

export class IdentityEncoder {
  private readonly pseudonymiser: Pseudonymiser;
  private readonly clkEncoder: ClkEncoder;
  constructor(key: LinkageKey, clkParams: ClkParams = CLK_V3) {
    this.pseudonymiser = new Pseudonymiser(key);
    this.clkEncoder = new ClkEncoder(key, clkParams);
  }

  /** @param extras the extra CLK fields' normalised values, by name (protocol v3 §4.1) */
  encode(id: Identity, extras: Readonly<Record<string, string>> = {}): EncodedIdentity {
    const idkey = this.pseudonymiser.idkey(id);
    return {
      nirClass: id.nir.class,
      nirPseudonym: id.nir.nir === null ? null : toHex(this.pseudonymiser.nir(id.nir.nir)),
      idkey: idkey === null ? null : toHex(idkey),
      clk: this.clkEncoder.encode(clkInput(id, extras)),
    };
  }
}
