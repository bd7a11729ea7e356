/**
 * Identity encoding, one thread: `npm run bench:encoding [-- --rows N]`. Normalises the first N rows
 * (default 150,000) of the largest synthetic PE file of bench:producer (made by `npm run bench:producer`
 * or bench:ingest first), then encodes them twice each way: as protocol v3 does (pseudonyms + CLK with the
 * composite fields) and as v2 did (pseudonyms + v2 CLK + keyed blocking keys, `legacy-blocking.ts`).
 * Unlike bench:kernels, which cycles through a few identities (warm memo tables), most identities here are
 * new to the encoder. Prints `encoding identities=<n> v3_us=<µs> v2_us=<µs>` per round (the first round
 * includes the JIT's warm-up; quote the second).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BlockingKeyer } from '../src/attack/legacy-blocking.js';
import { IdentityEncoder } from '../src/core/encoder.js';
import { normaliseIdentity } from '../src/core/identity.js';
import { linkageKey } from '../src/core/keys.js';
import { CLK_V2, CLK_V3 } from '../src/core/params.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '150000' } } });
const root = new URL('..', import.meta.url).pathname;
const data = join(root, '.bench-data', 'producer');
const synth = existsSync(data)
  ? readdirSync(data)
      .filter((d) => d.startsWith('synth-') && existsSync(join(data, d, 'pe.csv')))
      .sort((x, y) => Number(x.slice(6)) - Number(y.slice(6)))
      .at(-1)
  : undefined;
if (synth === undefined) throw new Error('no synthetic input: run `npm run bench:producer` first');
const rows = readFileSync(join(data, synth, 'pe.csv'), 'utf8')
  .split('\n')
  .slice(1, Number(values.rows) + 1)
  .filter(Boolean)
  .map((l) => l.split(';'));
// PE columns: id, NIR, certified flag, birth name, usage name, first names, birth date, sex, birth commune
const ids = rows.map((r) =>
  normaliseIdentity(
    {
      nir: r[1] ?? null,
      birth_name: r[3] ?? null,
      usage_name: r[4] ?? null,
      first_names: r[5] ?? null,
      birth_date: r[6] ?? null,
      sex: r[7] ?? null,
      birth_place: r[8] ?? null,
    },
    'DD/MM/YYYY',
  ),
);
const key = linkageKey(new Uint8Array(32).fill(3));
for (let round = 0; round < 2; round++) {
  let t = performance.now();
  const v3 = new IdentityEncoder(key, CLK_V3);
  for (const id of ids) v3.encode(id);
  const v3us = ((performance.now() - t) / ids.length) * 1000;
  t = performance.now();
  const v2 = new IdentityEncoder(key, CLK_V2);
  const keyer = new BlockingKeyer(key);
  for (const id of ids) {
    v2.encode(id);
    keyer.keys(id);
  }
  const v2us = ((performance.now() - t) / ids.length) * 1000;
  process.stdout.write(
    `encoding identities=${ids.length} v3_us=${v3us.toFixed(2)} v2_us=${v2us.toFixed(2)}\n`,
  );
}
