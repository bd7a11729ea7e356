/**
 * A5 — re-identification through the blocking-key classes: `npm run attack:blocking`, see bench/attack.md.
 *
 * Victims: persons of the synthetic population (seed 8, as bench/attack.ts), normalised as the producer
 * tool does, their blocking keys made by the real `BlockingKeyer` under a secret linkage key the attacker
 * never sees. Attacker: the plaintext identities of an overlapping population (graphCase: the encoded side
 * is n records, the attacker's round(α·n) of them plus others, shuffled), from which it computes the
 * public plaintext blocking parts. Both sides also carry birth year and sex, which the hub receives in
 * clear. Attacks (src/attack/blocking-classes.ts): exact colour refinement; percolation seeded by its
 * claims (tolerant); the same by an insider who already knows 20 true pairs (not counted). Scored as the
 * rest of the suite: share of encoded records whose first name / surname is named correctly, the worse of
 * the two, and precision. Prints aggregates only, writes JSON, ends with
 *   attack_blocking reid_100=<share> reid_80=<share> reid_50=<share> n=<records>
 * for the largest n, the share being the better of the two seed-free attacks (exact, tolerant).
 *
 * Options: --sizes 1000,5000,20000,100000  --json <path> (bench/attack-blocking-results.json).
 *
 * Truncation study (bench/attack.md, "A5 — truncated keys"): `--occupancies 0.5,1,2,4,8,16 [--sizes
 * 20000,100000]` runs, instead of the tables above, at 100 % overlap and per size n, the hub's keys reduced
 * to m = round(n / occupancy) buckets per pass (a keyed value mod m: the attacker cannot compute it, it
 * sees the buckets on the hub side and its exact plaintext classes on its own): the three attacks above,
 * then the stronger ones against truncation — buckets split by the clear attribute each pass fixes
 * (`splitByClear`) before colour refinement (exact sizes, and ⌊log2⌋ size bins), and superset percolation
 * (`supersetPropagation`, 2 marks and 1 mark) seeded by that refinement's claims or by the insider's 20
 * pairs (1 mark); and refinement on the year passes only (names-sex, split by sex alone, dropped on both
 * sides) seeding superset percolation (1 mark) over every pass. Prints aggregates only; writes JSON only with `--json`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AttackResult,
  clearOf,
  exactAttack,
  type Hypergraph,
  hypergraph,
  plaintextKeys,
  propagationAttack,
  splitByClear,
  supersetPropagation,
} from '../src/attack/blocking-classes.js';
import { BlockingKeyer } from '../src/attack/legacy-blocking.js';
import { type Reidentification, reidentification } from '../src/attack/metrics.js';
import { graphCase } from '../src/attack/suite.js';
import { suiteKey, type Victim, victims } from '../src/attack/victims.js';
import { resolveSynthConfig } from '../src/synth/config.js';
import { buildNameTables, readNameData } from '../src/synth/names.js';
import { loadPlaceTables } from '../src/synth/places.js';
import { createPopulationContext } from '../src/synth/population.js';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000,20000,100000' },
    json: { type: 'string' },
    occupancies: { type: 'string' },
  },
});
const OCCUPANCIES = values.occupancies?.split(',').map(Number);
const SIZES = values.sizes.split(',').map(Number);
const SEED = 8;
const OVERLAPS = [1, 0.8, 0.5] as const;
/** true pairs the insider starts from (as T6's insider) */
const KNOWN_PAIRS = 20;

const t0 = performance.now();
const log = (s: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${s}\n`);
const fmt = (x: number) => x.toFixed(4);

/** the victim's linkage key, as bench/attack.ts's (the attacker never uses it) */
const keyer = new BlockingKeyer(suiteKey(SEED, 0));

const config = resolveSynthConfig({ seed: SEED });
const nameData = readNameData();
const ctx = createPopulationContext(config, buildNameTables(nameData), loadPlaceTables());
const pop = victims(ctx, 0, 2 * Math.max(...SIZES));
log(`${pop.length} victims`);

interface Scored {
  readonly byAttribute: { first_name: Reidentification; birth_name: Reidentification };
  /** share of encoded records matched to the right person */
  readonly person: number;
  readonly seeds: number;
  readonly rounds: number;
  readonly decodedClasses: number;
}
const worst = (s: Scored): Reidentification =>
  s.byAttribute.first_name.share >= s.byAttribute.birth_name.share
    ? s.byAttribute.first_name
    : s.byAttribute.birth_name;

const cell = (s: Scored) => {
  const w = worst(s);
  return `${fmt(w.share)} (p ${w.claims === 0 ? '–' : w.precision.toFixed(2)})`;
};

function score(enc: readonly Victim[], plain: readonly Victim[], r: AttackResult, skip = new Set<number>()) {
  const claim = (get: (v: Victim) => string) =>
    enc.map((_, i) => {
      const j = r.partner[i] as number;
      return j < 0 || skip.has(i) ? null : get(plain[j] as Victim);
    });
  let person = 0;
  enc.forEach((v, i) => {
    const j = r.partner[i] as number;
    if (j >= 0 && !skip.has(i) && (plain[j] as Victim).person === v.person) person++;
  });
  return {
    byAttribute: {
      first_name: reidentification(
        claim((v) => v.firstName),
        enc.map((v) => v.firstName),
      ),
      birth_name: reidentification(
        claim((v) => v.surname),
        enc.map((v) => v.surname),
      ),
    },
    person: enc.length === 0 ? 0 : person / enc.length,
    seeds: r.seeds,
    rounds: r.rounds,
    decodedClasses: r.decodedClasses,
  } satisfies Scored;
}

/** Structure of the encoded side: share of records in a class of ≥ 2 records, per pass. */
function structure(g: Hypergraph): Record<string, number> {
  const out: Record<string, number> = {};
  g.classesOf.forEach((cs) => {
    const passes = new Set<string>();
    for (const c of cs) if ((g.members[c] as Int32Array).length >= 2) passes.add(g.passOf[c] as string);
    for (const p of passes) out[p] = (out[p] ?? 0) + 1 / g.n;
  });
  return out;
}

interface Row {
  readonly n: number;
  readonly overlap: number;
  readonly inSharedClass: Record<string, number>;
  readonly exact: Scored;
  readonly tolerant: Scored;
  readonly insider: Scored;
  readonly seconds: number;
}
if (OCCUPANCIES !== undefined) {
  truncationStudy(OCCUPANCIES);
  process.exit(0);
}
const rows: Row[] = [];
for (const n of SIZES) {
  for (const overlap of OVERLAPS) {
    const t = performance.now();
    const gc = graphCase(pop, n, overlap, SEED);
    // the hub's view: keys under the secret linkage key (re-keying under K_hub keeps the same equalities)
    const a = hypergraph(
      gc.encoded.map((v) => keyer.keys(v.identity)),
      gc.encoded.map((v) => clearOf(v.identity)),
    );
    const b = hypergraph(
      gc.plain.map((v) => plaintextKeys(v.identity)),
      gc.plain.map((v) => clearOf(v.identity)),
    );
    const exact = exactAttack(a, b);
    const exactPairs: [number, number][] = [];
    exact.partner.forEach((j, i) => {
      if (j >= 0) exactPairs.push([i, j]);
    });
    const tolerant = propagationAttack(a, b, exactPairs);
    // the insider's known pairs: the first KNOWN_PAIRS shared records (given, not counted)
    const index = new Map(gc.plain.map((v, j) => [v.person, j]));
    const known: [number, number][] = [];
    for (let i = 0; i < gc.encoded.length && known.length < KNOWN_PAIRS; i++) {
      const j = index.get((gc.encoded[i] as Victim).person);
      if (j !== undefined) known.push([i, j]);
    }
    const insider = propagationAttack(a, b, [
      ...known,
      ...exactPairs.filter(([i]) => !known.some(([k]) => k === i)),
    ]);
    const row: Row = {
      n,
      overlap,
      inSharedClass: structure(a),
      exact: score(gc.encoded, gc.plain, exact),
      tolerant: score(gc.encoded, gc.plain, tolerant),
      insider: score(gc.encoded, gc.plain, insider, new Set(known.map(([i]) => i))),
      seconds: (performance.now() - t) / 1000,
    };
    rows.push(row);
    log(`n = ${n}, overlap ${overlap}: ${row.seconds.toFixed(1)} s`);
  }
}

// ---- mitigations, at MITIGATION_N records and 100 % overlap (the exact attack's best case)
const MITIGATION_N = Math.min(20000, Math.max(...SIZES));
interface Mitigation {
  readonly name: string;
  /** the hub's keys of a record under the variant */
  readonly hub: (keys: readonly string[]) => string[];
  /** the attacker's plaintext keys under the variant (it knows the protocol, not the key) */
  readonly attacker: (keys: readonly string[]) => string[];
}
const withoutPasses =
  (...passes: string[]) =>
  (keys: readonly string[]) =>
    keys.filter((k) => !passes.some((p) => k.startsWith(`${p}:`)));
/** keep `bits` bits of each keyed key (classes merge by chance); the attacker cannot redo this */
const truncate = (bits: number) => (keys: readonly string[]) => [
  ...new Set(
    keys.map(
      (k) =>
        `${k.slice(0, k.indexOf(':'))}:${(Number.parseInt(k.slice(-8), 16) >>> (32 - bits)).toString(16)}`,
    ),
  ),
];
const MITIGATIONS: readonly Mitigation[] = [
  { name: 'protocol v2 (4 passes)', hub: (k) => [...k], attacker: (k) => [...k] },
  { name: 'without dob-place', hub: withoutPasses('dob-place'), attacker: withoutPasses('dob-place') },
  {
    name: 'name-year and firstname-dob only',
    hub: withoutPasses('dob-place', 'names-sex'),
    attacker: withoutPasses('dob-place', 'names-sex'),
  },
  { name: 'keys truncated to 12 bits per pass', hub: truncate(12), attacker: (k) => [...k] },
  { name: 'birth year and sex not in clear', hub: (k) => [...k], attacker: (k) => [...k] },
];
const mitigations: { name: string; result: Scored; meanClass: number }[] = [];
{
  const gc = graphCase(pop, MITIGATION_N, 1, SEED);
  const encKeys = gc.encoded.map((v) => keyer.keys(v.identity));
  const plainKeys = gc.plain.map((v) => plaintextKeys(v.identity));
  for (const m of MITIGATIONS) {
    const clear = m.name !== 'birth year and sex not in clear';
    const a = hypergraph(encKeys.map(m.hub), clear ? gc.encoded.map((v) => clearOf(v.identity)) : undefined);
    const b = hypergraph(
      plainKeys.map(m.attacker),
      clear ? gc.plain.map((v) => clearOf(v.identity)) : undefined,
    );
    // mean size of the class a record sits in (the linkage's candidate-pair cost grows with it)
    let sum = 0;
    let cnt = 0;
    for (const cs of a.classesOf)
      for (const c of cs) {
        sum += (a.members[c] as Int32Array).length;
        cnt++;
      }
    mitigations.push({
      name: m.name,
      result: score(gc.encoded, gc.plain, exactAttack(a, b)),
      meanClass: sum / cnt,
    });
  }
  log(`mitigations at n = ${MITIGATION_N} done`);
}

const lines = [
  '| records n | overlap | in a class ≥ 2 (name-year / names-sex) | exact (WL) | tolerant (percolation) | insider (20 pairs) | seconds |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.n.toLocaleString('en')} | ${Math.round(100 * r.overlap)} % | ${(r.inSharedClass['name-year'] ?? 0).toFixed(2)} / ${(
        r.inSharedClass['names-sex'] ?? 0
      ).toFixed(
        2,
      )} | ${cell(r.exact)} | ${cell(r.tolerant)} | ${cell(r.insider)} | ${r.seconds.toFixed(1)} |`,
  ),
];
lines.push(
  '',
  `| variant (n = ${MITIGATION_N.toLocaleString('en')}, 100 % overlap) | exact (WL) | mean class size seen by a record |`,
  '|---|---|---|',
  ...mitigations.map((m) => `| ${m.name} | ${cell(m.result)} | ${m.meanClass.toFixed(2)} |`),
);
process.stdout.write(`${lines.join('\n')}\n`);
const jsonPath = values.json ?? join(root, 'bench', 'attack-blocking-results.json');
writeFileSync(
  jsonPath,
  `${JSON.stringify(
    {
      seed: SEED,
      sizes: SIZES,
      overlaps: OVERLAPS,
      knownPairs: KNOWN_PAIRS,
      rows,
      mitigationN: MITIGATION_N,
      mitigations,
    },
    null,
    2,
  )}\n`,
);
log(`results in ${jsonPath}`);
const largest = Math.max(...SIZES);
const seedFree = (o: number) => {
  const r = rows.find((x) => x.n === largest && x.overlap === o);
  return r === undefined ? Number.NaN : Math.max(worst(r.exact).share, worst(r.tolerant).share);
};
process.stdout.write(
  `attack_blocking reid_100=${fmt(seedFree(1))} reid_80=${fmt(seedFree(0.8))} reid_50=${fmt(seedFree(0.5))} n=${largest}\n`,
);

/** The known pairs an insider starts from: the first KNOWN_PAIRS shared records. */
function knownPairs(enc: readonly Victim[], plain: readonly Victim[]): [number, number][] {
  const index = new Map(plain.map((v, j) => [v.person, j]));
  const known: [number, number][] = [];
  for (let i = 0; i < enc.length && known.length < KNOWN_PAIRS; i++) {
    const j = index.get((enc[i] as Victim).person);
    if (j !== undefined) known.push([i, j]);
  }
  return known;
}
function claimsOf(r: AttackResult): [number, number][] {
  const out: [number, number][] = [];
  r.partner.forEach((j, i) => {
    if (j >= 0) out.push([i, j]);
  });
  return out;
}

/** Mean number of chance members (bucket size − own class size) over every (record, key) of the hub side. */
function chanceMembers(exact: Hypergraph, hub: Hypergraph): number {
  let sum = 0;
  let cnt = 0;
  exact.classesOf.forEach((cs, r) => {
    const own = [...cs].map((c) => (exact.members[c] as Int32Array).length).reduce((x, y) => x + y, 0);
    const got = [...(hub.classesOf[r] as Int32Array)]
      .map((c) => (hub.members[c] as Int32Array).length)
      .reduce((x, y) => x + y, 0);
    sum += got - own;
    cnt += cs.length;
  });
  return cnt === 0 ? 0 : sum / cnt;
}

/** `--occupancies`: keyed truncation to n / occupancy buckets per pass, against every attack, 100 % overlap. */
function truncationStudy(occupancies: readonly number[]): void {
  const out: Record<string, unknown>[] = [];
  const lines = [
    '| n | occupancy n/m | log2 m | chance members per key (raw / split) | exact (WL) | tolerant (percolation) | insider (20 pairs) | WL split | WL split, log2 sizes | superset perc. from WL split, 2 marks | same, 1 mark | superset insider, 1 mark | WL split, year passes only | superset 1 mark from it | s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const n of SIZES) {
    const gc = graphCase(pop, n, 1, SEED);
    const encKeys = gc.encoded.map((v) => keyer.keys(v.identity));
    const clearA = gc.encoded.map((v) => clearOf(v.identity));
    const exactHub = hypergraph(encKeys, clearA);
    const plainKeys = gc.plain.map((v) => plaintextKeys(v.identity));
    const clearB = gc.plain.map((v) => clearOf(v.identity));
    const b = hypergraph(plainKeys, clearB);
    const known = knownPairs(gc.encoded, gc.plain);
    const skip = new Set(known.map(([i]) => i));
    for (const occ of occupancies) {
      const t = performance.now();
      const m = Math.max(1, Math.round(n / occ));
      // a keyed value mod m: the first 48 bits of the (keyed) key
      const hubKeys = encKeys.map((ks) => [
        ...new Set(
          ks.map((k) => {
            const i = k.indexOf(':');
            return `${k.slice(0, i)}:${Number.parseInt(k.slice(i + 1, i + 13), 16) % m}`;
          }),
        ),
      ]);
      const a = hypergraph(hubKeys, clearA);
      const aSplit = hypergraph(
        hubKeys.map((ks, r) => splitByClear(ks, clearA[r] as string)),
        clearA,
      );
      const exact = exactAttack(a, b);
      const tolerant = propagationAttack(a, b, claimsOf(exact));
      const insider = propagationAttack(a, b, [...known, ...claimsOf(exact).filter(([i]) => !skip.has(i))]);
      const split = exactAttack(aSplit, b);
      const splitLog2 = exactAttack(aSplit, b, 30, 'log2');
      const seedsSplit = claimsOf(split);
      const superset = supersetPropagation(aSplit, b, seedsSplit);
      // one mark: a decoded class whose bucket holds a single consistent candidate (most classes are
      // reached through one pass only, so two marks almost never occur)
      const superset1 = supersetPropagation(aSplit, b, seedsSplit, { minMarks: 1 });
      const supersetInsider = supersetPropagation(
        aSplit,
        b,
        [...known, ...seedsSplit.filter(([i]) => !skip.has(i))],
        { minMarks: 1 },
      );
      // drop the pass the clear attributes split worst (names-sex: by sex only) on both sides, refine the
      // year passes, then percolate from those claims through every pass
      const noNamesSex = (ks: readonly string[]) => ks.filter((k) => !k.startsWith('names-sex:'));
      const yearOnly = exactAttack(
        hypergraph(
          hubKeys.map((ks, r) => splitByClear(noNamesSex(ks), clearA[r] as string)),
          clearA,
        ),
        hypergraph(plainKeys.map(noNamesSex), clearB),
      );
      const yearSeeded = supersetPropagation(aSplit, b, claimsOf(yearOnly), { minMarks: 1 });
      const r = {
        n,
        occupancy: n / m,
        buckets: m,
        chanceRaw: chanceMembers(exactHub, a),
        chanceSplit: chanceMembers(exactHub, aSplit),
        exact: score(gc.encoded, gc.plain, exact),
        tolerant: score(gc.encoded, gc.plain, tolerant),
        insider: score(gc.encoded, gc.plain, insider, skip),
        split: score(gc.encoded, gc.plain, split),
        splitLog2: score(gc.encoded, gc.plain, splitLog2),
        superset: score(gc.encoded, gc.plain, superset),
        superset1: score(gc.encoded, gc.plain, superset1),
        supersetInsider: score(gc.encoded, gc.plain, supersetInsider, skip),
        yearOnly: score(gc.encoded, gc.plain, yearOnly),
        yearSeeded: score(gc.encoded, gc.plain, yearSeeded),
        seconds: (performance.now() - t) / 1000,
      };
      out.push(r);
      const line = `| ${n.toLocaleString('en')} | ${r.occupancy.toFixed(2)} | ${Math.log2(m).toFixed(1)} | ${r.chanceRaw.toFixed(2)} / ${r.chanceSplit.toFixed(2)} | ${cell(r.exact)} | ${cell(r.tolerant)} | ${cell(r.insider)} | ${cell(r.split)} | ${cell(r.splitLog2)} | ${cell(r.superset)} | ${cell(r.superset1)} | ${cell(r.supersetInsider)} | ${cell(r.yearOnly)} | ${cell(r.yearSeeded)} | ${r.seconds.toFixed(1)} |`;
      lines.push(line);
      log(line);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.json !== undefined)
    writeFileSync(
      values.json,
      `${JSON.stringify({ seed: SEED, knownPairs: KNOWN_PAIRS, rows: out }, null, 2)}\n`,
    );
}
