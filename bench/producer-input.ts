/**
 * Input generator for the producer benchmark: N rows of a DSN-like CSV with realistic French names
 * (INSEE frequencies from synthetic-data/names), valid NIRs and dates. Deliberately simple and fast — the
 * full synthetic population (src/synth) is for linkage quality; this is for throughput. Deterministic.
 */

import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { withControlKey } from '../src/core/nir.js';
import { DSN_MAPPING } from '../src/producer/test-fixtures.js';

function loadCol(path: string, col: number): string[] {
  return readFileSync(new URL(path, import.meta.url), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(',')[col] ?? '');
}

/** xorshift32 — a fast deterministic PRNG is all a throughput fixture needs. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** The bench input has the columns of the producer test fixture. */
export const MAPPING = DSN_MAPPING;

export async function writeProducerInput(path: string, rows: number, seed = 1): Promise<void> {
  const surnames = loadCol('../synthetic-data/names/surnames-fr.csv', 0).slice(0, 5000);
  const firsts = loadCol('../synthetic-data/names/first-names-fr.csv', 2).slice(0, 3000);
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * rnd() * a.length)] as T;
  const out = createWriteStream(path);
  out.write('id,nir,nom,nom_usage,prenoms,ddn,sexe,lieu,debut,fin,type,tps,naf,dept,salaire\n');
  let buf: string[] = [];
  const types = ['cdi', 'cdd', 'interim', 'apprenticeship'];
  for (let i = 0; i < rows; i++) {
    const sex = rnd() < 0.5 ? 1 : 2;
    const y = 1955 + Math.floor(rnd() * 50);
    const m = 1 + Math.floor(rnd() * 12);
    const d = 1 + Math.floor(rnd() * 28);
    const dept = String(1 + Math.floor(rnd() * 95))
      .padStart(2, '0')
      .replace(/^20$/, '2A');
    const com = String(1 + Math.floor(rnd() * 600)).padStart(3, '0');
    const body = `${sex}${String(y % 100).padStart(2, '0')}${String(m).padStart(2, '0')}${dept}${com}${String(1 + Math.floor(rnd() * 999)).padStart(3, '0')}`;
    const nir = rnd() < 0.03 ? '' : withControlKey(body);
    const fn = rnd() < 0.4 ? `${pick(firsts)} ${pick(firsts)}` : pick(firsts);
    const sy = 2019 + Math.floor(rnd() * 7);
    buf.push(
      `E${i},${nir},${pick(surnames)},${rnd() < 0.1 ? pick(surnames) : ''},${fn},${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')},` +
        `${sex === 1 ? 'M' : 'F'},${dept}${com},${sy}0${1 + Math.floor(rnd() * 9)}01,,${types[Math.floor(rnd() * 4)]},full,C,${dept},${Math.floor(900 + rnd() * 4000)}`,
    );
    if (buf.length === 10000) {
      if (!out.write(`${buf.join('\n')}\n`)) await once(out, 'drain');
      buf = [];
    }
  }
  out.write(buf.length ? `${buf.join('\n')}\n` : '');
  out.end();
  await once(out, 'finish');
}
