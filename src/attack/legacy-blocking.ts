/**
 * The keyed blocking keys of protocols v1–v2, kept for attack A5 (blocking-classes.ts, bench/attack.md),
 * which broke them; protocol v3 sends none (its composite CLK fields carry the same material, §4.3).
 *
 *   BK(pass, parts) = first 8 bytes of HMAC-SHA-256(K_block/pass, lp(parts[0]) ‖ lp(parts[1]) ‖ …)
 *
 * with the parts of `compositeParts` (src/core/composite.ts) and the pass named after its composite field
 * (`name_year` ↔ `name-year`). A record carried every key its data allowed. Pure.
 */
import { MessageBuilder, toHex } from '../core/bytes.js';
import { compositeParts } from '../core/composite.js';
import type { Identity } from '../core/identity.js';
import { keyedMac, type LinkageKey, subkey } from '../core/keys.js';
import { COMPOSITE_V3 } from '../core/params.js';

/** v2's blocking passes, named as v2's extracts named them. */
export const BLOCKING_PASSES_V2: readonly string[] = COMPOSITE_V3.map((c) => passOf(c.field));
/** v2's blocking keys were HMAC outputs truncated to this many bytes (hex in the extract). */
export const BLOCKING_KEY_BYTES_V2 = 8;

function passOf(field: string): string {
  return field.replace(/_/g, '-');
}

/** The parts of each v2 blocking pass for one identity, by pass name. */
export function blockingParts(id: Identity): Record<string, string[][]> {
  const out: Record<string, string[][]> = {};
  for (const [field, list] of Object.entries(compositeParts(id))) out[passOf(field)] = list;
  return out;
}

export class BlockingKeyer {
  private readonly macs: Map<string, (m: Uint8Array, len?: number, out?: Uint8Array) => Uint8Array>;
  private readonly msg = new MessageBuilder();
  private readonly digest = new Uint8Array(32);
  constructor(key: LinkageKey) {
    this.macs = new Map(BLOCKING_PASSES_V2.map((p) => [p, keyedMac(subkey(key, `block/${p}`))]));
  }

  private keyOf(pass: string, parts: readonly string[]): string {
    const mac = this.macs.get(pass);
    if (!mac) throw new RangeError(`unknown blocking pass ${pass}`);
    const m = this.msg.reset();
    for (const p of parts) m.lp(p);
    mac(m.bytes, m.length, this.digest);
    return `${pass}:${toHex(this.digest, 0, BLOCKING_KEY_BYTES_V2)}`;
  }

  /** Every blocking key of the identity, as `<pass>:<16 hex>` strings, sorted and unique. */
  keys(id: Identity): string[] {
    const out = new Set<string>();
    for (const [pass, list] of Object.entries(blockingParts(id)))
      for (const p of list) out.add(this.keyOf(pass, p));
    return [...out].sort();
  }
}
