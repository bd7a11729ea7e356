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
import type { HmacLanes } from './hmac-lanes.js';
import { HmacSha256 } from './hmac-sha256.js';
import type { Identity } from './identity.js';
import { type LinkageKey, subkey } from './keys.js';
import { compact } from './text.js';

export const NIR_DOMAIN = 'ldh-link/1/nir';
export const IDKEY_DOMAIN = 'ldh-link/1/idkey';

export class Pseudonymiser {
  private readonly nirMac;
  private readonly idMac;
  private readonly msg = new MessageBuilder();
  constructor(key: LinkageKey) {
    this.nirMac = new HmacSha256(subkey(key, 'nir'));
    this.idMac = new HmacSha256(subkey(key, 'idkey'));
  }

  /** P1 of a normalised, key-checked NIR (into `out` when given). */
  nir(nir: string, out = new Uint8Array(32)): Uint8Array {
    const m = this.nirMessage(nir);
    return this.nirMac.macInto(m.bytes, m.length, out);
  }

  /** The secondary identity key (into `out` when given), or null when an element is missing. */
  idkey(id: Identity, out = new Uint8Array(32)): Uint8Array | null {
    const m = this.idkeyMessage(id);
    return m === null ? null : this.idMac.macInto(m.bytes, m.length, out);
  }

  /**
   * `nir` queued in `lanes` (hmac-lanes.ts): the job's number, or −1 when the message does not fit one
   * job (`nir` then computes it).
   */
  queueNir(nir: string, lanes: HmacLanes): number {
    const m = this.nirMessage(nir);
    return lanes.addBytes(this.nirMac, m.bytes, m.length);
  }

  /** `idkey` queued in `lanes`: the job's number, −1 as for `queueNir`, or null when `idkey` is null. */
  queueIdkey(id: Identity, lanes: HmacLanes): number | null {
    const m = this.idkeyMessage(id);
    return m === null ? null : lanes.addBytes(this.idMac, m.bytes, m.length);
  }

  private nirMessage(nir: string): MessageBuilder {
    return this.msg.reset().lp(NIR_DOMAIN).lp(nir);
  }

  private idkeyMessage(id: Identity): MessageBuilder | null {
    const first = id.firstNames[0];
    const d = id.birthDate;
    if (id.birthName === '' || first === undefined || d === null || d.day === null || id.sex === null)
      return null;
    return this.msg
      .reset()
      .lp(IDKEY_DOMAIN)
      .lp(compact(id.birthName))
      .lp(compact(first))
      .lp(isoPartial(d))
      .lp(id.sex);
  }
}
