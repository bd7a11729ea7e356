/**
 * Kernel microbenchmarks (tinybench): `npm run bench:kernels`. Normalisation, HMAC-SHA-256 (our kernel
 * against @noble/hashes and node:crypto, and four at a time through HmacLanes), CLK encoding of one
 * record (memo tables warm and cold), CLK diffusion (protocol v3 §4.2: the bit-by-bit reference form and
 * the hot path), the composite tokens of §4.3, and the whole identity encoding (protocol v3; with and
 * without HmacLanes). Prints a table (median latency, ops/s); figures go to bench/README.md.
 */
import { createHmac } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Bench } from 'tinybench';
import { lengthPrefixed } from '../src/core/bytes.js';
import { ClkEncoder } from '../src/core/clk.js';
import { compositeTokens } from '../src/core/composite.js';
import { Diffuser, diffuse, diffusionTaps } from '../src/core/diffusion.js';
import { clkInput, IdentityEncoder } from '../src/core/encoder.js';
import { HmacLanes } from '../src/core/hmac-lanes.js';
import { HmacSha256 } from '../src/core/hmac-sha256.js';
import { normaliseIdentity } from '../src/core/identity.js';
import { linkageKey } from '../src/core/keys.js';
import { CLK_V3, type ClkParams } from '../src/core/params.js';

/** protocol v3's CLK fields without the diffusion (measured on its own below): the Bloom filter */
const FILTER_V3: ClkParams = { ...CLK_V3, diffusion: null };

const key = linkageKey(new Uint8Array(32).fill(7));
const raws = Array.from({ length: 1000 }, (_, i) => ({
  nir: '185077505612323',
  birth_name: ['Dupont', 'Lefèvre-Château', "d'Artagnan", 'Le Gall épouse Martin', 'Ngũgĩ'][i % 5] ?? '',
  first_names: ['Jean-Pierre, Marc', 'Élodie', 'Marie Anne'][i % 3] ?? '',
  birth_date: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
  sex: String(1 + (i % 2)),
  birth_place: String(75000 + (i % 120)),
}));
const ids = raws.map((r) => normaliseIdentity(r));
const msg = lengthPrefixed('ldh-link/1/nir', '185077505612323');
const varied = msg.slice();
const hmacKey = new Uint8Array(32).fill(1);
const ours = new HmacSha256(hmacKey);
const out = new Uint8Array(32);
const warm = new ClkEncoder(key, FILTER_V3);
const encoder = new IdentityEncoder(key);
const oneByOne = new IdentityEncoder(key, CLK_V3, null);
const lanes = HmacLanes.create();
if (lanes === null) throw new Error('this Node has no WebAssembly SIMD');
const taps = diffusionTaps(key, 1024, { taps: 2, bits: 1024 });
const diffuser = new Diffuser(taps, 2);
const filters = Array.from({ length: 64 }, (_, i) =>
  Uint32Array.from({ length: 32 }, (_, w) => Math.imul(i * 32 + w + 1, 0x9e3779b1)),
);
const filterBytes = filters.map((w) => {
  const b = new DataView(new ArrayBuffer(128));
  for (let k = 0; k < w.length; k++) b.setUint32(4 * k, w[k] ?? 0);
  return new Uint8Array(b.buffer);
});
const clkOut = new Uint8Array(128);
let i = 0;
const next = () => {
  i = (i + 1) % 1000;
  return i;
};

const bench = new Bench({ time: 1000, warmupTime: 200 });
bench
  .add('normaliseIdentity (NIR, names, date, sex, place)', () => {
    normaliseIdentity(raws[next()] ?? {});
  })
  .add('HMAC-SHA-256 33 B — @noble/hashes hmac()', () => {
    hmac(sha256, new Uint8Array(32).fill(1), msg);
  })
  .add('HMAC-SHA-256 33 B — node:crypto createHmac()', () => {
    createHmac('sha256', hmacKey).update(msg).digest();
  })
  .add('HMAC-SHA-256 33 B — ldh-link kernel (precomputed pads)', () => {
    ours.macInto(msg, msg.length, out);
  })
  // a thousand MACs per call: the harness's own cost per call (a few hundred ns) no longer hides the kernel's
  .add('HMAC-SHA-256 33 B × 1000 — ldh-link kernel (divide by 1000)', () => {
    for (let i = 0; i < 1000; i++) {
      varied[0] = i;
      ours.macInto(varied, varied.length, out);
    }
  })
  // the same 1,000 MACs, queued in two computations of 500 (the lanes hold 512 jobs)
  .add('HMAC-SHA-256 33 B × 1000 — HmacLanes, four per pass of the SIMD kernel (divide by 1000)', () => {
    for (let half = 0; half < 2; half++) {
      lanes.clear();
      for (let i = 0; i < 500; i++) {
        varied[0] = i;
        lanes.addBytes(ours, varied, varied.length);
      }
      lanes.compute();
      for (let j = 0; j < 500; j++) lanes.bytesInto(j, out);
    }
  })
  .add('Bloom filter of one record, v3 fields incl. composite (memo warm)', () => {
    warm.encode(clkInput(ids[next()] ?? (ids[0] as never)));
  })
  .add('Bloom filter of one record, v3 fields (memo cold: new encoder each 1000 records)', () => {
    const e = next() === 0 ? new ClkEncoder(key, FILTER_V3) : warm;
    e.encode(clkInput(ids[i] ?? (ids[0] as never)));
  })
  .add('CLK diffusion 1024 → 1024 bits, 2 taps — diffuse (the definition, bit by bit on bytes)', () => {
    diffuse(filterBytes[next() & 63] ?? (filterBytes[0] as never), taps, 2);
  })
  .add('CLK diffusion 1024 → 1024 bits, 2 taps — Diffuser (precomputed words and shifts)', () => {
    diffuser.diffuse(filters[next() & 63] ?? (filters[0] as never), clkOut);
  })
  .add('composite tokens of one record (§4.3, no key)', () => {
    compositeTokens(ids[next()] ?? (ids[0] as never));
  })
  .add('identity encoding, protocol v3 (pseudonyms + CLK with composite fields, diffused)', () => {
    encoder.encode(ids[next()] ?? (ids[0] as never));
  })
  .add('identity encoding, the same with its MACs one after another (no HmacLanes)', () => {
    oneByOne.encode(ids[next()] ?? (ids[0] as never));
  });

await bench.run();
console.table(bench.table());
