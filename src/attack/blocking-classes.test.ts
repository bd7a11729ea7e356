import { describe, expect, it } from 'vitest';
import { normaliseIdentity } from '../core/identity.js';
import { linkageKey } from '../core/keys.js';
import {
  clearOf,
  exactAttack,
  type Hypergraph,
  hypergraph,
  plaintextKeys,
  propagationAttack,
  refineColours,
  splitByClear,
  supersetPropagation,
  uniqueColourPairs,
} from './blocking-classes.js';
import { BlockingKeyer } from './legacy-blocking.js';
import { reidentification } from './metrics.js';
import { secret } from './test-fixtures.js';

const person = (birth_name: string, first_names: string, birth_date: string, sex: string, usage_name = '') =>
  normaliseIdentity({ birth_name, first_names, birth_date, sex, birth_place: '75056', usage_name });

/** Twelve persons: a MARTIN/1980 family of classes, two DUPONT/1975 brothers, isolated others. */
const PEOPLE = [
  person('Martin', 'Jean', '1980-03-01', '1'),
  person('Martin', 'Jean', '1980-06-02', '1'),
  person('Martin', 'Marie', '1980-03-01', '2'),
  person('Martin', 'Paul', '1980-09-09', '1', 'Bernard'),
  person('Bernard', 'Paul', '1980-10-10', '1'),
  person('Dupont', 'Luc', '1975-01-01', '1'),
  person('Dupont', 'Luc', '1975-02-02', '1'),
  person('Petit', 'Anne', '1990-04-04', '2'),
  person('Durand', 'Anne', '1990-05-05', '2'),
  person('Leroy', 'Alain', '1962-07-07', '1'),
  person('Moreau', 'Claire', '1971-08-08', '2'),
  person('Simon', 'Hugo', '2001-12-12', '1'),
];

/** The partition of records by equal keys, per pass, as sorted lists of record indices. */
function partition(g: Hypergraph): string[] {
  return g.members.map((m, c) => `${g.passOf[c]}:${[...m].sort((x, y) => x - y).join(',')}`).sort();
}

describe('A5 — blocking-key classes', () => {
  it('builds the hypergraph: classes per pass, sizes, key profile', () => {
    const g = hypergraph([['p:a', 'q:x'], ['p:a', 'q:y', 'q:z'], ['p:b']], ['1980|1', '1980|1', '']);
    expect(partition(g)).toEqual(['p:0,1', 'p:2', 'q:0', 'q:1', 'q:1']);
    expect(g.profile).toEqual(['p:1,q:1', 'p:1,q:2', 'p:1']);
  });

  it('keys under two linkage keys and the plaintext parts give the same class structure', () => {
    const k1 = new BlockingKeyer(linkageKey(secret(1)));
    const k2 = new BlockingKeyer(linkageKey(secret(2)));
    const g1 = hypergraph(PEOPLE.map((p) => k1.keys(p)));
    const g2 = hypergraph(PEOPLE.map((p) => k2.keys(p)));
    const gp = hypergraph(PEOPLE.map(plaintextKeys));
    expect(k1.keys(PEOPLE[0] as never)).not.toEqual(k2.keys(PEOPLE[0] as never));
    expect(partition(g1)).toEqual(partition(g2));
    expect(partition(gp)).toEqual(partition(g1));
    // the MARTIN/1980 name-year class holds four records
    expect(partition(g1)).toContain('name-year:0,1,2,3');
  });

  it('refinement distinguishes what class sizes alone do not, and claims correctly', () => {
    // records 1, 2 and 3 start alike (one class of 2 in each pass); the neighbourhoods tell them apart
    const enc = [['p:a'], ['p:a', 'q:x'], ['p:b', 'q:x'], ['p:b', 'q:y'], ['q:y']];
    // the attacker's side: the same structure, other key strings, records in another order
    const order = [3, 0, 4, 1, 2];
    const rename = (k: string) => `${k}#other`;
    const att = order.map((i) => (enc[i] as string[]).map(rename));
    const a = hypergraph(enc);
    const b = hypergraph(att);
    const r = refineColours(a, b);
    expect(r.rounds).toBeGreaterThan(1);
    expect(new Set(r.a).size).toBe(5);
    const claims = uniqueColourPairs(r);
    expect(claims.map(([i, j]) => [i, order[j]])).toEqual([0, 1, 2, 3, 4].map((i) => [i, i]));
  });

  it('makes no claim when colours are ambiguous (symmetric structure, isolated look-alikes)', () => {
    // 0–1–2–3 is symmetric (0↔3, 1↔2); 4 and 5 are isolated with the same clear attributes
    const enc = [['p:a'], ['p:a', 'q:x'], ['p:b', 'q:x'], ['p:b'], ['p:c'], ['p:d'], ['p:e']];
    const clear = ['', '', '', '', '1980|1', '1980|1', '1980|2'];
    const a = hypergraph(enc, clear);
    const b = hypergraph(
      enc.map((ks) => ks.map((k) => `${k}'`)),
      clear,
    );
    const { partner } = exactAttack(a, b);
    // only record 6, the one isolated record with its own clear attributes, is claimed
    expect(Array.from(partner)).toEqual([-1, -1, -1, -1, -1, -1, 6]);
  });

  it('re-identifies unique-coloured persons at 100 % overlap, with keys it never saw the key of', () => {
    const keyer = new BlockingKeyer(linkageKey(secret(7)));
    const a = hypergraph(
      PEOPLE.map((p) => keyer.keys(p)),
      PEOPLE.map(clearOf),
    );
    const order = [5, 11, 0, 3, 8, 1, 10, 2, 7, 4, 9, 6];
    const plain = order.map((i) => PEOPLE[i] as (typeof PEOPLE)[number]);
    const b = hypergraph(plain.map(plaintextKeys), plain.map(clearOf));
    const { partner } = exactAttack(a, b);
    const truth = PEOPLE.map((p) => p.birthName + (p.firstNames[0] ?? ''));
    const r = reidentification(
      Array.from(partner, (j) => (j < 0 ? null : (truth[order[j] as number] ?? null))),
      truth,
    );
    // the MARTIN family and PAUL MARTIN/BERNARD's link are asymmetric: claimed, all correctly
    expect(r.precision).toBe(1);
    for (const i of [0, 1, 2, 3, 4]) expect(order[partner[i] as number]).toBe(i);
    // the DUPONT brothers are twins in structure (same classes, same clear attributes): no claim
    expect(partner[5]).toBe(-1);
    expect(partner[6]).toBe(-1);
    // at a smaller overlap the shared class sizes differ: person 0's colour is no longer the same
    const b2 = hypergraph(plain.filter((p) => p !== PEOPLE[2]).map(plaintextKeys));
    const a2 = hypergraph(PEOPLE.map((p) => keyer.keys(p)));
    expect(exactAttack(a2, b2).partner[0]).toBe(-1);
  });

  it('propagates from a seed through shared classes, needs two marks and refuses ties', () => {
    // seed (0, 0): its classes p:a ↔ p:A and q:x ↔ q:X get decoded
    const a = hypergraph([
      ['p:a', 'q:x'],
      ['p:a', 'q:x'],
      ['p:a', 'q:w'],
    ]);
    const b = hypergraph([
      ['p:A', 'q:X'],
      ['p:A', 'q:X'],
      ['p:A', 'q:Z'],
      ['p:B', 'q:X'],
    ]);
    const r = propagationAttack(a, b, [[0, 0]]);
    // record 1 shares both decoded classes with attacker record 1 only; record 2 has one mark
    expect(Array.from(r.partner)).toEqual([0, 1, -1]);
    expect(r.decodedClasses).toBe(2);
    // with two look-alikes on the attacker's side, the pair is a tie: no claim
    const tie = hypergraph([
      ['p:A', 'q:X'],
      ['p:A', 'q:X'],
      ['p:A', 'q:X'],
    ]);
    expect(Array.from(propagationAttack(a, tie, [[0, 0]]).partner)).toEqual([0, -1, -1]);
    // with one mark enough, record 2 goes to the only attacker record of p:A left consistent with it
    expect(Array.from(propagationAttack(a, b, [[0, 0]], { minMarks: 1 }).partner)).toEqual([0, 1, 2]);
  });

  it('splits truncated buckets by the clear attribute each pass fixes, which undoes chance merges', () => {
    expect(splitByClear(['name-year:ab', 'names-sex:cd', 'dob-place:ef', 'other:x'], '1980|2')).toEqual([
      'name-year:ab|1980',
      'names-sex:cd|2',
      'dob-place:ef|1980',
      'other:x',
    ]);
    // plaintext: two 1980 MARTIN-like records and a 1975 pair; the hub's truncation merged the two classes
    const clear = ['1980|1', '1980|2', '1975|1', '1975|1', '1990|2'];
    const plain = [['name-year:m'], ['name-year:m'], ['name-year:d'], ['name-year:d'], ['name-year:z']];
    const hub = [['name-year:0'], ['name-year:0'], ['name-year:0'], ['name-year:0'], ['name-year:1']];
    const b = hypergraph(plain, clear);
    // with the merged bucket of four, no record's class size matches: nothing but the isolated record
    expect(Array.from(exactAttack(hypergraph(hub, clear), b).partner)).toEqual([-1, -1, -1, -1, 4]);
    // split by year, the 1980 pair is told apart by sex again; the 1975 twins stay ambiguous
    const split = hypergraph(
      hub.map((ks, r) => splitByClear(ks, clear[r] as string)),
      clear,
    );
    expect(Array.from(exactAttack(split, b).partner)).toEqual([0, 1, -1, -1, 4]);
  });

  it('percolates through buckets that are supersets of classes, where the exact-class rule refuses', () => {
    // the hub's bucket r:1 is the union of plaintext classes R and S; bucket p:1 also holds record 2 by chance
    const a = hypergraph([
      ['p:1', 'q:1', 'r:1'],
      ['p:1', 'q:1', 'r:1'],
      ['p:1', 'q:2', 'r:2'],
    ]);
    const b = hypergraph([
      ['p:A', 'q:X', 'r:R'],
      ['p:A', 'q:X', 'r:S'],
      ['p:B', 'q:Y', 'r:T'],
    ]);
    // exact classes: r:1 decodes to R, and record 1 is not in R — a contradiction, no claim
    expect(Array.from(propagationAttack(a, b, [[0, 0]]).partner)).toEqual([0, -1, -1]);
    // supersets: R ⊂ r:1 says nothing against record 1; A and X give two marks, record 2 only one
    const r = supersetPropagation(a, b, [[0, 0]]);
    expect(Array.from(r.partner)).toEqual([0, 1, -1]);
    expect(r.decodedClasses).toBe(4);
    // the attacker side still contradicts: if class X's bucket does not hold hub record 1, no claim
    const a2 = hypergraph([
      ['p:1', 'q:1', 'r:1'],
      ['p:1', 'q:3', 'r:1'],
      ['p:1', 'q:2', 'r:2'],
    ]);
    expect(Array.from(supersetPropagation(a2, b, [[0, 0]]).partner)).toEqual([0, -1, -1]);
  });
});
