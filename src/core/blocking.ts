/**
 * Keyed blocking keys — protocol v2 §5. For each pass of BLOCKING_V1, the key material is a list of
 * strings joined by length prefixes, MACed with the pass's own subkey and truncated:
 *
 *   BK(pass, parts) = first 8 bytes of HMAC-SHA-256(K_block/pass, lp(parts[0]) ‖ lp(parts[1]) ‖ …)
 *
 * A record carries every key its data allows (none for a pass whose inputs are missing). The hub only
 * learns which records share a key — the equivalence classes listed in `BLOCKING_V1[].reveals`. Because
 * the keys are keyed, it cannot tell which surname sound or date a class stands for, except by matching
 * class sizes to public frequencies (measured by the attack suite). LSH signatures over the CLK are a
 * function of the CLK the hub already holds, so they are computed by the hub and not sent. Pure.
 */
import { MessageBuilder, toHex } from './bytes.js';
import type { Identity } from './identity.js';
import { keyedMac, type LinkageKey, subkey } from './keys.js';
import { BLOCKING_KEY_BYTES, BLOCKING_V1 } from './params.js';
import { soundex } from './soundex.js';
import { compact } from './text.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The cleartext parts of each pass for one identity (documented and used by the vectors). */
export function blockingParts(id: Identity): Record<string, string[][]> {
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
    'name-year': [],
    'firstname-dob': [],
    'names-sex': [],
    'dob-place': [],
  };
  for (const s of surnames) {
    if (year !== '') out['name-year']?.push([soundex(s), year]);
    if (fn !== '' && id.sex !== null) out['names-sex']?.push([soundex(s), fn, id.sex]);
  }
  if (fn !== '' && dm !== '') out['firstname-dob']?.push([fn, year, dm]);
  if (dm !== '' && id.birthPlace !== null) out['dob-place']?.push([year, dm, id.birthPlace.code]);
  return out;
}

export class BlockingKeyer {
  private readonly macs: Map<string, (m: Uint8Array, len?: number, out?: Uint8Array) => Uint8Array>;
  private readonly msg = new MessageBuilder();
  private readonly digest = new Uint8Array(32);
  constructor(key: LinkageKey) {
    this.macs = new Map(BLOCKING_V1.map((p) => [p.name, keyedMac(subkey(key, `block/${p.name}`))]));
  }

  private keyOf(pass: string, parts: readonly string[]): string {
    const mac = this.macs.get(pass);
    if (!mac) throw new RangeError(`unknown blocking pass ${pass}`);
    const m = this.msg.reset();
    for (const p of parts) m.lp(p);
    mac(m.bytes, m.length, this.digest);
    return `${pass}:${toHex(this.digest, 0, BLOCKING_KEY_BYTES)}`;
  }

  /** Every blocking key of the identity, as `<pass>:<16 hex>` strings, sorted and unique. */
  keys(id: Identity): string[] {
    const out: string[] = [];
    const parts = blockingParts(id);
    for (const pass in parts) for (const p of parts[pass] ?? []) out.push(this.keyOf(pass, p));
    out.sort();
    // drop adjacent duplicates (two surnames with the same sound give the same key)
    let n = 0;
    for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[n - 1]) out[n++] = out[i] ?? '';
    out.length = n;
    return out;
  }
}
