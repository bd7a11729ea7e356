/**
 * Deterministic keyed pseudonyms — protocol v3 §3.
 *
 *   P1(nir)   = HMAC-SHA-256(K_nir,   lp("ldh-link/1/nir") ‖ lp(NIR))
 *   P1(idkey) = HMAC-SHA-256(K_idkey, lp("ldh-link/1/idkey") ‖ lp(birth name) ‖ lp(first name) ‖ lp(YYYY-MM-DD) ‖ lp(sex))
 *
 * lp = u16be length prefix (bytes.ts). The NIR pseudonym exists only for NIRs whose key checks; the
 * secondary identity key only when birth name, primary first name, the full birth date and sex are all
 * known (compact forms). Without K_link nobody — the hub included — can test a guessed NIR. Pure.
 */
import { MessageBuilder } from './bytes.js';
import { isoPartial } from './dates.js';
import type { Identity } from './identity.js';
import { keyedMac, type LinkageKey, subkey } from './keys.js';
import { compact } from './text.js';

export const NIR_DOMAIN = 'ldh-link/1/nir';
export const IDKEY_DOMAIN = 'ldh-link/1/idkey';

export class Pseudonymiser {
  private readonly nirMac;
  private readonly idMac;
  private readonly msg = new MessageBuilder();
  constructor(key: LinkageKey) {
    this.nirMac = keyedMac(subkey(key, 'nir'));
    this.idMac = keyedMac(subkey(key, 'idkey'));
  }

  /** P1 of a normalised, key-checked NIR (into `out` when given). */
  nir(nir: string, out?: Uint8Array): Uint8Array {
    const m = this.msg.reset().lp(NIR_DOMAIN).lp(nir);
    return this.nirMac(m.bytes, m.length, out);
  }

  /** The secondary identity key (into `out` when given), or null when an element is missing. */
  idkey(id: Identity, out?: Uint8Array): Uint8Array | null {
    const first = id.firstNames[0];
    const d = id.birthDate;
    if (id.birthName === '' || first === undefined || d === null || d.day === null || id.sex === null)
      return null;
    const m = this.msg
      .reset()
      .lp(IDKEY_DOMAIN)
      .lp(compact(id.birthName))
      .lp(compact(first))
      .lp(isoPartial(d))
      .lp(id.sex);
    return this.idMac(m.bytes, m.length, out);
  }
}
