/**
 * Attacks on the keyed pseudonyms (issue 8, T1 and the key-level half of T2). Pure computations with the
 * real encoder (src/core/encoder.ts → pseudonym.ts, keys.ts) and the hub's re-keying (src/core/rekey.ts);
 * the hub-level half of T2 (two running hubs, released tables) is in hub-attacks.int.test.ts.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, lengthPrefixed, toHex } from '../core/bytes.js';
import { IdentityEncoder } from '../core/encoder.js';
import { normaliseIdentity } from '../core/identity.js';
import { keyedMac, type LinkageKey, linkageKey } from '../core/keys.js';
import { normaliseNir, withControlKey } from '../core/nir.js';
import { NIR_DOMAIN } from '../core/pseudonym.js';
import { type HubKey, hubKey, hubSubkey, rekeyPseudonym } from '../core/rekey.js';
import { SAMPLE_LINKAGE_KEY_HEX } from '../hub/test-hub.js';

const VECTORS = JSON.parse(
  readFileSync(new URL('../../protocols/test-vectors-v3.json', import.meta.url), 'utf8'),
) as { test_key_hex: string };

/**
 * The whole NIR space of one birth month and one birth commune: sex 1 or 2, year 85, month 07, the
 * commune (5 characters, Corsica's 2A/2B included), order 001…999, and the control key — 1,998 NIRs per
 * commune. Two communes: Paris (75056) and Ajaccio (2A004), whose key is computed with 2A → 19.
 */
function nirSpace(commune: string, year = '85', month = '07'): string[] {
  const out: string[] = [];
  for (const sex of ['1', '2'])
    for (let order = 1; order <= 999; order++)
      out.push(withControlKey(`${sex}${year}${month}${commune}${String(order).padStart(3, '0')}`));
  return out;
}
const SPACE = [...nirSpace('75056'), ...nirSpace('2A004')];

/** What the producer tool computes for an identity holding only this NIR: P1, hex. */
function p1Of(encoder: IdentityEncoder, nir: string): string {
  const p = encoder.encode(normaliseIdentity({ nir })).nirPseudonym;
  if (p === null) throw new Error('a NIR of the space did not get a pseudonym');
  return p;
}

/** A key object without the checks of `linkageKey()` — the attacker may try any bytes, zeros included. */
const rawKey = (bytes: Uint8Array): LinkageKey => ({ bytes });

/**
 * The hub's re-keying P2 = HMAC(K_hub,purpose, P1) with the subkey derived once (rekeyPseudonym derives
 * it on every call); checked against rekeyPseudonym on its first use.
 */
function rekeyer(k: HubKey, purpose: 'nir' | 'idkey'): (p1: Uint8Array) => string {
  const mac = keyedMac(hubSubkey(k, purpose));
  let checked = false;
  return (p1) => {
    const out = toHex(mac(p1));
    if (!checked) {
      expect(out).toBe(toHex(rekeyPseudonym(k, purpose, p1)));
      checked = true;
    }
    return out;
  };
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
}

describe('T1 — enumerating NIR pseudonyms without the linkage key', () => {
  /*
   * Threat: someone holding pseudonyms (a stolen extract, or the hub's own copy before re-keying) but not
   * K_link tries every NIR of a small, known part of the NIR space — here one birth month in one commune,
   * 999 order numbers × 2 sexes, for two communes — and computes the pseudonym of each under a guessed key,
   * looking for matches. Without a key the space is trivially enumerable (3,996 candidates); the protection
   * rests entirely on K_link being a 256-bit secret.
   * Attacker's knowledge: the protocol (domains, HKDF salt and info), the published test key of the
   * conformance vectors, the fixed test key of the test fixtures, and the victims' pseudonyms.
   * Measured: NIRs recovered per guessed key (must be 0), and the control — the same enumeration with the
   * real key recovers every victim, with the right NIR.
   */
  const realKey = linkageKey(new Uint8Array(randomBytes(32)));
  const producer = new IdentityEncoder(realKey);
  /** victims: 400 persons of the space, picked at random; their pseudonyms → their NIR */
  const victims = new Map<string, string>();

  beforeAll(() => {
    for (const nir of SPACE) expect(normaliseNir(nir).class).toBe('certified');
    const picked = [...SPACE];
    for (let i = picked.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [picked[i], picked[j]] = [picked[j] as string, picked[i] as string];
    }
    picked.length = 400;
    for (const nir of picked) victims.set(p1Of(producer, nir), nir);
    expect(victims.size).toBe(400);
  });

  const enumerate = (guess: (nir: string) => string) => {
    let recovered = 0;
    let right = 0;
    for (const nir of SPACE) {
      const hit = victims.get(guess(nir));
      if (hit !== undefined) {
        recovered++;
        if (hit === nir) right++;
      }
    }
    return { recovered, right };
  };

  const guesses: [string, () => LinkageKey][] = [
    ['a random key', () => linkageKey(new Uint8Array(randomBytes(32)))],
    ['all zeros', () => rawKey(new Uint8Array(32))],
    ['all ones (0xff…)', () => rawKey(new Uint8Array(32).fill(0xff))],
    ['the published test key of protocols/test-vectors-v3.json', () => rawKey(fromHex(VECTORS.test_key_hex))],
    [
      'the fixed test key of the test fixtures (SAMPLE_LINKAGE_KEY_HEX)',
      () => rawKey(fromHex(SAMPLE_LINKAGE_KEY_HEX)),
    ],
    ['the real key with one bit flipped', () => rawKey(flipBit(realKey.bytes, 137))],
  ];

  it.each(guesses)('with %s as the guessed key: 0 NIRs recovered', (_, key) => {
    const attacker = new IdentityEncoder(key());
    expect(enumerate((nir) => p1Of(attacker, nir))).toEqual({ recovered: 0, right: 0 });
  });

  it('without any key (unkeyed SHA-256 of the encoded NIR, or of the bare NIR): 0 recovered', () => {
    expect(enumerate((nir) => toHex(sha256(lengthPrefixed(NIR_DOMAIN, nir))))).toEqual({
      recovered: 0,
      right: 0,
    });
    expect(enumerate((nir) => toHex(sha256(new TextEncoder().encode(nir))))).toEqual({
      recovered: 0,
      right: 0,
    });
    // the master key used directly, without its HKDF subkey: nothing either
    expect(enumerate((nir) => toHex(hmac(sha256, realKey.bytes, lengthPrefixed(NIR_DOMAIN, nir))))).toEqual({
      recovered: 0,
      right: 0,
    });
  });

  it('control: the same enumeration with the real key recovers every victim, with the right NIR', () => {
    const attacker = new IdentityEncoder(rawKey(Uint8Array.from(realKey.bytes)));
    expect(enumerate((nir) => p1Of(attacker, nir))).toEqual({ recovered: 400, right: 400 });
  });

  describe('at the hub, after re-keying (P2 = HMAC(K_hub,nir, P1))', () => {
    /*
     * Threat: a hub insider holding K_hub and the re-keyed pseudonyms (P2) enumerates the same space; or a
     * producer holding K_link gets a copy of the hub's database. Each holds one of the two keys only.
     * Measured: victims recovered with one key and a guess for the other (0), and with both (all).
     */
    const kHub: HubKey = hubKey(new Uint8Array(randomBytes(32)));
    const p2Victims = new Map<string, string>();
    const rekey = rekeyer(kHub, 'nir');
    beforeAll(() => {
      for (const [p1, nir] of victims) p2Victims.set(rekey(fromHex(p1)), nir);
    });
    const count = (p2: (nir: string) => string) =>
      SPACE.filter((nir) => p2Victims.get(p2(nir)) === nir).length;

    it('the hub (K_hub, no K_link) with the guessed keys: 0; a producer (K_link, no K_hub): 0', () => {
      for (const [, key] of guesses) {
        const attacker = new IdentityEncoder(key());
        expect(count((nir) => rekey(fromHex(p1Of(attacker, nir))))).toBe(0);
      }
      const otherHub = rekeyer(hubKey(new Uint8Array(randomBytes(32))), 'nir');
      expect(count((nir) => otherHub(fromHex(p1Of(producer, nir))))).toBe(0);
      // and P1 itself never equals a P2: the database does not hold the producer's values
      expect(SPACE.filter((nir) => p2Victims.has(p1Of(producer, nir))).length).toBe(0);
    });

    it('control: with both keys every victim is recovered', () => {
      expect(count((nir) => rekey(fromHex(p1Of(producer, nir))))).toBe(400);
    });
  });
});

describe('T2 — linking pseudonyms of the same persons across hubs and across linkage keys (key level)', () => {
  /*
   * What "studies' pseudonyms" means in this system. Researchers never receive a pseudonym: a release is
   * aggregate cells only (T8 checks every response), so two studies' outputs hold no identifier to chain
   * on. The linkable identifiers live inside the system only: P1 = HMAC(K_link,nir, NIR) in producers'
   * extracts, P2 = HMAC(K_hub,nir, P1) in the hub's database. Threat here: an attacker holding two sets
   * of those identifiers about the same persons — two hubs' databases (two K_hub), or two producers'
   * extracts made under different linkage keys — joins them on equal values.
   * Attacker's knowledge: both sets of pseudonyms (and the protocol). Measured: the overlap of the two
   * sets (chance for 256-bit values: 0), against a control with the same key (full overlap).
   */
  const kLink = linkageKey(new Uint8Array(randomBytes(32)));
  const encoder = new IdentityEncoder(kLink);
  const names = ['MARTIN', 'BERNARD', 'DUBOIS', 'THOMAS', 'ROBERT', 'RICHARD', 'PETIT', 'DURAND'];
  const firsts = ['JEAN', 'MARIE', 'PIERRE', 'ANNE', 'LUC', 'SOPHIE', 'PAUL', 'JULIE', 'MARC'];
  /** 3,996 full identities: every NIR of the space with a name, a birth date and a place consistent with it */
  const identities = SPACE.map((nir, i) =>
    normaliseIdentity({
      nir,
      birth_name: names[i % names.length] as string,
      first_names: firsts[(i * 7) % firsts.length] as string,
      birth_date: `1985-07-${String((i % 28) + 1).padStart(2, '0')}`,
      sex: nir[0] as string,
      birth_place: nir.slice(5, 10),
    }),
  );
  let cache: ReturnType<IdentityEncoder['encode']>[] | undefined;
  const encoded = () => {
    cache ??= identities.map((id) => encoder.encode(id));
    return cache;
  };
  const overlap = (a: Iterable<string>, b: Iterable<string>) => {
    const s = new Set(a);
    let n = 0;
    for (const x of b) if (s.has(x)) n++;
    return n;
  };

  it('(a) the same P1s re-keyed by two hubs (two K_hub): no P2 in common; one hub: all in common', () => {
    const p1 = encoded().map((e) => fromHex(e.nirPseudonym as string));
    const idk = encoded().map((e) => fromHex(e.idkey as string));
    const [h1, h2] = [0, 1].map(() => hubKey(new Uint8Array(randomBytes(32)))) as [HubKey, HubKey];
    const p2 = (k: HubKey, xs: Uint8Array[], purpose: 'nir' | 'idkey') => xs.map(rekeyer(k, purpose));
    expect(new Set(p2(h1, p1, 'nir')).size).toBe(SPACE.length);
    expect(overlap(p2(h1, p1, 'nir'), p2(h2, p1, 'nir'))).toBe(0);
    expect(overlap(p2(h1, idk, 'idkey'), p2(h2, idk, 'idkey'))).toBe(0);
    // purposes are separated too: a NIR pseudonym and an identity key never re-key to the same value
    expect(overlap(p2(h1, p1, 'nir'), p2(h1, p1, 'idkey'))).toBe(0);
    expect(overlap(p2(h1, p1, 'nir'), p2(h1, p1, 'nir'))).toBe(SPACE.length); // control
  });

  it('(b) two producers with different linkage keys: disjoint pseudonyms, identity keys and CLKs', () => {
    const other = new IdentityEncoder(linkageKey(new Uint8Array(randomBytes(32))));
    const same = new IdentityEncoder(rawKey(Uint8Array.from(kLink.bytes)));
    const a = encoded();
    const b = identities.map((id) => other.encode(id));
    const c = identities.map((id) => same.encode(id));
    const nir = (xs: typeof a) => xs.map((x) => x.nirPseudonym as string);
    const idk = (xs: typeof a) => xs.map((x) => x.idkey as string);
    const clks = (xs: typeof a) => xs.map((x) => Buffer.from(x.clk).toString('hex'));
    expect(overlap(nir(a), nir(b))).toBe(0);
    expect(overlap(idk(a), idk(b))).toBe(0);
    expect(overlap(clks(a), clks(b))).toBe(0);
    // control: the same key gives the same values
    expect(overlap(nir(a), nir(c))).toBe(SPACE.length);
    expect(overlap(clks(a), clks(c))).toBe(clks(c).length);
  });
});
