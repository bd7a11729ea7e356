/**
 * Attacks on a running hub (issue 8: T2 at the hub, T3 logs, T8–T12). Two real hubs hold the committed
 * synthetic sample (2,000 persons, three producers, one linkage key, each hub its own K_hub):
 *
 * - hub A: the sample files as they are, uploaded PE, DSN, CNAF;
 * - hub B: PE's and DSN's rows shuffled before pseudonymising (CNAF's extract is A's), uploaded CNAF, DSN, PE.
 *
 * Both are linked once and shared by every test of this file, in order (later describes use what earlier
 * ones released; the last one stops the services and reads their databases). Producers' signing keys are
 * shared by the two hubs so that the very same extract can be sent to both (T12).
 */
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Source } from '../core/fields.js';
import { projectionIds, tableEquations } from '../disclosure/audit.js';
import { boundExpressions, type Equation, type Expression } from '../disclosure/lp.js';
import { cellCount, type Table } from '../disclosure/table.js';
import { AGE_BANDS, buildFacts, DOMAINS, SEX_CATEGORIES } from '../hub/facts.js';
import { computeQuery, type QueryV1, quartersOf, VARIABLES, type Variable } from '../hub/query.js';
import { ACCESS } from '../hub/roles.js';
import {
  type Answer,
  type AttackHub,
  ask,
  attackHub,
  type Cell,
  call,
  createStudy,
  extractOf,
  link,
  type ProducerKeys,
  producerKeys,
  SOURCES3,
  sampleLines,
  shuffled,
  upload,
  writeVariant,
} from './fixtures.js';

const T = 11; // every study of this file keeps the default threshold
const ALL_BREAKDOWNS = ['quarter', 'sex', 'age_band', 'region', 'allowance_band', 'prev_contract'];
const PERIOD = { from: '2019-Q1', to: '2024-Q4' };
const STUDIES = ['t8', 't9', 't9b', 't9c', 't10', 't11a', 't11b', 't11c', 't11r', 't11ref'];

let root: string;
let keys: ProducerKeys;
let A: AttackHub;
let B: AttackHub;
const extracts: { A: Record<Source, string>; B: Record<Source, string> } = {
  A: {} as Record<Source, string>,
  B: {} as Record<Source, string>,
};
const runs: { A: Record<string, unknown>; B: Record<string, unknown> } = { A: {}, B: {} };
/** T9's padded-tracker inference — per quarter, the count of a small region — and the run it was made on */
const t9State: { region: string; run: string; counts: Record<string, number> } = {
  region: '',
  run: '',
  counts: {},
};
/** every response a researcher received in this file, searched for pseudonyms at the end (T2 c) */
const researcherSaw: { where: string; text: string }[] = [];

/**
 * A hub with the producers' extracts uploaded in `order`, and the studies of this file. `dirs` holds the
 * extract of each producer for this hub.
 */
async function build(
  name: 'A' | 'B',
  order: readonly Source[],
  dirs: Record<Source, string>,
): Promise<AttackHub> {
  const a = await attackHub(keys, STUDIES);
  for (const s of order) {
    const r = await upload(a, s, dirs[s]);
    if (r.status !== 201) throw new Error(`${name}: ${s} refused ${JSON.stringify(r.json)}`);
    extracts[name][s] = dirs[s];
  }
  for (const id of STUDIES) {
    const policies: Record<string, Record<string, unknown>> = {
      t11a: { dp: { mechanism: 'discrete-laplace', budget: 1, perRelease: 0.1 } },
      t11b: { dp: { mechanism: 'discrete-laplace', budget: 1, perRelease: 1 } },
      t11c: { dp: { mechanism: 'discrete-laplace', budget: 1, perRelease: 1 } },
      t11r: { rounding: 5 },
    };
    const dp = policies[id] ?? {};
    await createStudy(a, {
      id,
      purpose: `Security test study ${id} (issue 8)`,
      breakdowns: ALL_BREAKDOWNS,
      period: PERIOD,
      policy: dp,
    });
  }
  return a;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ldh-sec-hubs-'));
  keys = await producerKeys(root);
  // A: the sample files; B: PE's and DSN's rows shuffled before pseudonymising, CNAF's extract the same
  await mkdir(join(root, 'A'));
  await mkdir(join(root, 'B'));
  const dirs = { A: {} as Record<Source, string>, B: {} as Record<Source, string> };
  for (const s of SOURCES3) dirs.A[s] = await extractOf(keys, s, join(root, 'A', s));
  for (const s of ['pe', 'dsn'] as const) {
    const input = await writeVariant(
      s,
      shuffled(await sampleLines(s), 0x5eed + s.length),
      join(root, 'B', `${s}.csv`),
    );
    dirs.B[s] = await extractOf(keys, s, join(root, 'B', s), { input });
  }
  dirs.B.cnaf = dirs.A.cnaf;
  [A, B] = await Promise.all([
    build('A', ['pe', 'dsn', 'cnaf'], dirs.A),
    build('B', ['cnaf', 'dsn', 'pe'], dirs.B),
  ]);
  [runs.A, runs.B] = await Promise.all([link(A), link(B)]);
  expect(runs.A.status).toBe('succeeded');
  expect(runs.B.status).toBe('succeeded');
}, 180_000);

afterAll(async () => {
  await A?.h.stop();
  await B?.h.stop();
  for (const dir of [A?.h.dir, B?.h.dir, root]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** The id of the linkage run in use. */
async function currentRun(a: AttackHub): Promise<string> {
  const list = (await call(a.h, 'GET', '/v1/linkage-runs', { token: a.h.tokens.admin })).json as {
    runs: { id: string; current: boolean }[];
  };
  return list.runs.find((r) => r.current)?.id as string;
}

/** A researcher's call, remembered for the final search. */
async function seen(where: string, answer: Promise<Answer>): Promise<Answer> {
  const a = await answer;
  researcherSaw.push({ where, text: a.text });
  return a;
}

const cellsOf = (a: Answer) => ((a.json?.result as { cells?: Cell[] } | undefined)?.cells ?? []) as Cell[];
const key = (c: Cell) => c.coords.join('/');

type ExtractValues = { p1: string[]; idkeys: string[]; clks: string[] };
const extractValueCache = new Map<string, Promise<ExtractValues>>();

/** The values of an extract's identities, as the hub receives them (hex, base64); read once per extract. */
function extractValues(dir: string): Promise<ExtractValues> {
  const hit = extractValueCache.get(dir);
  if (hit) return hit;
  const work = readExtractValues(dir);
  extractValueCache.set(dir, work);
  return work;
}

async function readExtractValues(dir: string): Promise<ExtractValues> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const rows = (
      await c.runAndReadAll(
        `SELECT lower(hex(nir_p1)), lower(hex(idkey)), to_base64(clk) FROM read_parquet('${join(dir, 'extract.parquet')}')`,
      )
    ).getRows();
    const pick = (j: number) => rows.map((r) => r[j]).filter((v): v is string => typeof v === 'string');
    return { p1: pick(0), idkeys: pick(1), clks: pick(2) };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** NIRs and producer record ids of the sample files: what identifies a person or a record in clear. */
async function clearIdentifiers(): Promise<string[]> {
  const out = new Set<string>();
  for (const s of SOURCES3) {
    const [head, ...rows] = await sampleLines(s);
    const sep = s === 'pe' ? ';' : s === 'dsn' ? ',' : '|';
    const cols = (head as string).split(sep);
    const nir = cols.findIndex((c) => /^nir$/i.test(c));
    const id = 0; // the record id is the first column of every sample file
    for (const r of rows) {
      const f = r.split(sep);
      if (nir >= 0 && /^[0-9AB]{15}$/i.test(f[nir] ?? '')) out.add(f[nir] as string);
      if ((f[id] ?? '').length >= 6) out.add(f[id] as string);
    }
  }
  return [...out];
}

const HEX64 = /(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])/;
const LONG_B64 = /[A-Za-z0-9+/]{40,}={0,2}/g;
/** a run of ≥ 40 base64 characters that is not plain hex (hex is searched separately) */
const longBase64 = (text: string) => [...text.matchAll(LONG_B64)].some((m) => !/^[0-9a-fA-F]+$/.test(m[0]));
/** a NIR standing alone (not a run of digits inside a hex digest or a longer word) */
const NIR_LIKE = /(?<![0-9A-Za-z])[1-8][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{8}(?![0-9A-Za-z])/;

/**
 * A search for secret values (hex, base64, digits, ids: word-like, ≥ 6 characters) in texts, case
 * folded: every run of word characters is cut into windows of each secret length and looked up, which is
 * what a substring search for thousands of values would do, in linear time.
 */
function leakSearch(secrets: readonly string[]): (text: string) => string[] {
  const want = new Map(secrets.filter((x) => x.length >= 6).map((x) => [x.toLowerCase(), x]));
  const sizes = [...new Set([...want.keys()].map((x) => x.length))];
  return (text) => {
    const out = new Set<string>();
    for (const m of text.toLowerCase().matchAll(/[a-z0-9+/=_-]{6,}/g)) {
      const run = m[0];
      for (const n of sizes)
        for (let i = 0; i + n <= run.length; i++) {
          const hit = want.get(run.slice(i, i + n));
          if (hit !== undefined) out.add(hit);
        }
    }
    return [...out];
  };
}

/** The length of every array in a JSON value. */
function arrayLengths(v: unknown, out: number[] = []): number[] {
  if (Array.isArray(v)) {
    out.push(v.length);
    for (const x of v) arrayLengths(x, out);
  } else if (v && typeof v === 'object') for (const x of Object.values(v)) arrayLengths(x, out);
  return out;
}

/** JSON keys, anywhere in a value. */
function jsonKeys(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(v)) for (const x of v) jsonKeys(x, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      jsonKeys(x, out);
    }
  return out;
}

describe('T8 — the output channel: aggregates only, independent of input order', () => {
  /*
   * Threat: a researcher (or anyone reading what the hub serves) finds in a response a row-level trace —
   * a person id, a record's rid, a pseudonym, a CLK, a link score or a pair — or learns something from the
   * order in which producers uploaded or wrote their rows. Attacker's knowledge: a researcher token of
   * one study, the OpenAPI document; for the admin part, an admin token. Measured: every GET route the
   * OpenAPI document lists and the query route with valid bodies, as JSON and CSV, searched for forbidden
   * keys, for 64-hex and long base64 values, NIR-shaped strings, the sample's NIRs and record ids and the
   * extracts' actual P1, identity keys and CLKs; and the released tables of the same queries on the two
   * hubs, which must be identical — but for `prev_contract`, which depends on the order the events are
   * read in (a finding, shown deterministically in the last describe).
   */
  const QUERIES: Record<string, QueryV1> = {
    quarterSex: {
      version: 1,
      cohort: { are_opening: { from: '2019-Q1', to: '2023-Q4' } },
      outcomes: [
        { kind: 'employed', k: 12 },
        { kind: 'rsa', k: 12 },
      ],
      breakdowns: ['quarter', 'sex'],
    },
    region: {
      version: 1,
      cohort: { are_opening: { from: '2019-Q1', to: '2022-Q4' } },
      outcomes: [{ kind: 'employed_cdi', k: 6 }],
      breakdowns: ['region'],
    },
    allowanceSex: {
      version: 1,
      cohort: { are_opening: { from: '2020-Q1', to: '2023-Q4' } },
      outcomes: [
        { kind: 'pe_registered', k: 6 },
        { kind: 'ppa', k: 12 },
      ],
      breakdowns: ['allowance_band', 'sex'],
    },
    curve: {
      version: 1,
      cohort: { are_opening: { from: '2019-Q1', to: '2021-Q4' } },
      outcomes: [{ kind: 'employed', k: 6 }],
      breakdowns: [],
      time_to_contract: { horizon: 12, by: 'sex' },
    },
  };
  // four cohorts (one per query, distinct ranges): several breakdowns of one cohort are audited
  // together by the hub (combination-refused), which is T10's subject, not this one's
  const answers: { A: Record<string, Answer>; B: Record<string, Answer> } = { A: {}, B: {} };

  it('the same queries on two hubs fed in different upload and row orders release identical tables', async () => {
    expect(runs.B.counts).toEqual(runs.A.counts);
    for (const [name, q] of Object.entries(QUERIES)) {
      for (const [h, hub] of [
        ['A', A],
        ['B', B],
      ] as const) {
        const r = await seen(`POST query ${name} (${h})`, ask(hub, 't8', q));
        expect(r.status, r.text).toBe(201);
        answers[h][name] = r;
      }
      const strip = (a: Answer) => {
        const { id: _i, created_at: _c, ...rest } = a.json as Record<string, unknown>;
        return rest;
      };
      expect(strip(answers.B[name] as Answer), name).toEqual(strip(answers.A[name] as Answer));
      const csv = await Promise.all(
        [A, B].map((hub, k) =>
          seen(
            `GET release ${name} as CSV`,
            call(
              hub.h,
              'GET',
              `/v1/studies/t8/queries/${String((k ? answers.B : answers.A)[name]?.json?.id)}`,
              {
                token: hub.researcher.t8,
                accept: 'text/csv',
              },
            ),
          ),
        ),
      );
      expect(csv[0]?.status).toBe(200);
      expect(csv[1]?.text).toBe(csv[0]?.text);
    }
    // prev_contract is left out above: see the last describe (ties broken by storage order). Measured here.
    const prev: QueryV1 = {
      version: 1,
      cohort: { are_opening: { from: '2019-Q1', to: '2020-Q4' } },
      outcomes: [{ kind: 'employed', k: 12 }],
      breakdowns: ['prev_contract'],
    };
    const [pa, pb] = await Promise.all([A, B].map((hub) => seen('POST prev_contract', ask(hub, 't8', prev))));
    const counts = (a?: Answer) => Object.fromEntries(cellsOf(a as Answer).map((c) => [key(c), c.count]));
    console.log(
      `T8: by prev_contract, hub A ${JSON.stringify(counts(pa))}, hub B ${JSON.stringify(counts(pb))}`,
    );
    // the tables are not trivial: some cells released, some suppressed
    const cells = cellsOf(answers.A.region as Answer);
    expect(cells.some((c) => c.suppressed)).toBe(true);
    expect(cells.filter((c) => !c.suppressed && (c.count ?? 0) > 0).length).toBeGreaterThan(5);
  });

  it('no response a researcher can get holds a person, a record, a pseudonym, a CLK, a score or a pair', async () => {
    const hub = A;
    const token = hub.researcher.t8 as string;
    const doc = await seen('GET /v1/openapi.json', call(hub.h, 'GET', '/v1/openapi.json'));
    expect(doc.status).toBe(200);
    const paths = (doc.json as { paths: Record<string, Record<string, unknown>> }).paths;
    const releaseId = String(answers.A.quarterSex?.json?.id);
    const peExtract = (
      (await call(hub.h, 'GET', '/v1/extracts', { token: hub.h.tokens.admin })).json as {
        extracts: { extract_id: string }[];
      }
    ).extracts[0]?.extract_id as string;
    const fill = (path: string) =>
      path
        .replace(/\/v1\/studies\/\{id\}/, '/v1/studies/t8')
        .replace('{qid}', releaseId)
        .replace(/\/v1\/extracts\/\{id\}/, `/v1/extracts/${peExtract}`)
        .replace(/\/v1\/linkage-runs\/\{id\}/, `/v1/linkage-runs/${String(runs.A.id)}`);
    let operations = 0;
    const responses: { where: string; a: Answer; data: boolean }[] = [];
    for (const [path, ops] of Object.entries(paths)) {
      for (const method of Object.keys(ops)) {
        operations++;
        const url = fill(path);
        if (method === 'get') {
          for (const accept of ['application/json', 'text/csv', 'text/html']) {
            const a = await seen(`GET ${url} ${accept}`, call(hub.h, 'GET', url, { token, accept }));
            responses.push({ where: `GET ${path} (${accept})`, a, data: path !== '/v1/openapi.json' });
          }
        } else if (path === '/v1/studies/{id}/queries') {
          for (const [name, q] of Object.entries(QUERIES)) {
            const a = await seen(`POST ${url}`, ask(hub, 't8', q));
            expect(a.status, a.text).toBe(201);
            responses.push({ where: `POST ${path} ${name}`, a, data: true });
          }
        } else {
          // routes of other roles: the researcher's refusal is searched too
          const a = await seen(
            `${method} ${url}`,
            call(hub.h, method.toUpperCase(), url, { token, body: {} }),
          );
          expect([401, 403, 404, 415]).toContain(a.status);
          responses.push({ where: `${method.toUpperCase()} ${path}`, a, data: true });
        }
      }
    }
    // every operation of the access table but the two documentation routes, which the document omits
    expect(operations).toBe(Object.keys(ACCESS).length - 2);
    for (const [path, accept] of [
      ['/v1/docs', 'text/html'],
      ['/v1/health', 'application/json'],
    ] as const) {
      const a = await seen(`GET ${path}`, call(hub.h, 'GET', path, { token, accept }));
      responses.push({ where: `GET ${path}`, a, data: false });
    }
    // the researcher did reach data: releases as JSON and CSV, the study, a curve
    const ok = responses.filter((r) => r.a.status === 200 || r.a.status === 201);
    expect(ok.some((r) => r.a.type?.includes('text/csv'))).toBe(true);
    expect(ok.some((r) => r.a.text.includes('"curves"'))).toBe(true);
    expect(ok.some((r) => r.where.startsWith('GET /v1/studies ('))).toBe(true);

    const values = await Promise.all(SOURCES3.map((s) => extractValues(extracts.A[s])));
    const secrets = [
      ...values.flatMap((v) => [...v.p1, ...v.p1.map((x) => x.slice(0, 16)), ...v.idkeys, ...v.clks]),
      ...values.flatMap((v) => v.p1.map((x) => Buffer.from(x, 'hex').toString('base64'))),
      ...(await clearIdentifiers()),
    ];
    expect(secrets.length).toBeGreaterThan(5000);
    const FORBIDDEN_KEY =
      /^(person|persons|person_id|rid|rids|record|records|record_id|score|scores|pair|pairs|link|links|nir|nir_p1|nir_p2|nir_class|idkey|idkey_p2|clk|clks|block_keys|pseudonym|pseudonyms|extract_id|row|rows)$/i;
    const found: string[] = [];
    const search = leakSearch(secrets);
    // the search finds what it looks for: a P1, a CLK and a NIR planted in a text
    const planted = [values[0]?.p1[0], values[0]?.clks[0], secrets.at(-1)] as string[];
    expect(search(`{"x":"${planted.join('","y":"')}"}`)).toEqual(expect.arrayContaining(planted));
    for (const { where, a, data } of responses) {
      if (HEX64.test(a.text)) found.push(`${where}: a 64-hex value`);
      if (longBase64(a.text) && data) found.push(`${where}: a long base64 value`);
      if (NIR_LIKE.test(a.text) && data) found.push(`${where}: a NIR-shaped value`);
      for (const s of search(a.text)) found.push(`${where}: ${s.slice(0, 12)}…`);
      if (data && a.json)
        for (const k of jsonKeys(a.json)) if (FORBIDDEN_KEY.test(k)) found.push(`${where}: key ${k}`);
    }
    expect(found).toEqual([]);
  });

  it('what an admin reads (runs, quality report, extracts, audit) holds aggregates and ids only', async () => {
    const hub = A;
    const token = hub.h.tokens.admin;
    const run = String(runs.A.id);
    const urls = [
      '/v1/extracts',
      '/v1/linkage-runs',
      `/v1/linkage-runs/${run}`,
      `/v1/linkage-runs/${run}/report`,
      '/v1/studies',
      `/v1/studies/t8/queries/${String(answers.A.quarterSex?.json?.id)}`,
      '/v1/audit?limit=1000',
      '/v1/audit/verify',
    ];
    const values = await Promise.all(SOURCES3.map((s) => extractValues(extracts.A[s])));
    const secrets = [
      ...values.flatMap((v) => [...v.p1, ...v.p1.map((x) => x.slice(0, 16)), ...v.idkeys, ...v.clks]),
      ...(await clearIdentifiers()),
    ];
    // `idkey` (a link type) and `pairs` (per pair of sources) name aggregates in run counts and reports
    const FORBIDDEN_KEY =
      /^(person|person_id|rid|rids|record_id|nir_p1|nir_p2|idkey_p2|clk|block_keys|pair)$/i;
    const found: string[] = [];
    const search = leakSearch(secrets);
    let reports = 0;
    for (const url of urls)
      for (const accept of ['application/json', 'text/html']) {
        const a = await call(hub.h, 'GET', url, { token, accept });
        expect(a.status, url).toBe(200);
        if (url.endsWith('/report')) reports++;
        for (const s of search(a.text)) found.push(`${url}: ${s.slice(0, 12)}…`);
        if (a.json)
          for (const k of jsonKeys(a.json)) if (FORBIDDEN_KEY.test(k)) found.push(`${url}: key ${k}`);
        if (longBase64(a.text)) found.push(`${url}: a long base64 value`);
        // row-level data would be a long list (one item per record, link or person); aggregates are short
        if (a.json && !url.startsWith('/v1/audit'))
          for (const n of arrayLengths(a.json)) if (n > 200) found.push(`${url}: a list of ${n} items`);
        if (NIR_LIKE.test(a.text)) found.push(`${url}: a NIR-shaped value`);
      }
    expect(reports).toBe(2);
    expect(found).toEqual([]);
  });
});

describe('T9 — differencing and tracker queries against the query API', () => {
  /*
   * Threat: a researcher isolates a few persons by asking two queries whose cohorts differ by them and
   * subtracting the released cells. Attacker's knowledge: the query language, the study's allowed
   * variables (all six), every answer and refusal it gets. Measured: (a) with every one-category-out
   * filter of every variable and every one-category-only filter of sex,
   * the pairs of answered queries with nested cohorts whose difference on a cell released in both is
   * between 1 and T − 1; (b) Denning's general tracker — (C ∪ T) − T with T a large region and C a small
   * one — directly, padded with persons of a cell outside C's, and across two linkage runs.
   *
   * What the guard checks (releases.ts, differencing.ts): the number of *persons* in one cohort and not
   * the other, against every earlier release of the study over the same linkage run. What it does not:
   * where those persons fall in the tables — cells count person-quarters, and a person present in both
   * cohorts through another quarter or another region is no difference to the guard; a difference
   * padded with ≥ T persons of other cells; releases of an earlier linkage run.
   */
  const RANGE = { from: '2020-Q1', to: '2021-Q4' };
  /** T of the tracker: the six largest regions of the sample (over ten persons a quarter together) */
  const BIG = ['11', '84', '75', '32', '93', '44'];
  const q = (filters?: Partial<Record<Variable, string[]>>, range = RANGE): QueryV1 => ({
    version: 1,
    cohort: { are_opening: range, ...(filters ? { filters } : {}) },
    outcomes: [{ kind: 'employed', k: 12 }],
    breakdowns: ['quarter'],
  });
  interface Asked {
    readonly filters: Partial<Record<Variable, string[]>>;
    readonly answer: Answer;
  }
  const within = (inner: Asked, outer: Asked) =>
    VARIABLES.every((v) => {
      const o = new Set(outer.filters[v] ?? DOMAINS[v]);
      return (inner.filters[v] ?? DOMAINS[v]).every((c) => o.has(c));
    });
  const sameDefinition = (x: Asked, y: Asked) => within(x, y) && within(y, x);
  /** released cell differences of 1 … T − 1 between nested cohorts (a) */
  const exposures: string[] = [];
  /** regions whose leave-one-out query was refused: 1 … T − 1 persons of the cohort (the refusal says so) */
  const smallRegions: string[] = [];
  const padded: { answered: boolean; exposed: string[] } = { answered: false, exposed: [] };
  const rerun: { status: number; code: unknown } = { status: 0, code: null };
  let trackerTotal: number | null = null;

  it('(a) the attacker asks every one-category-out and one-category-only filter and subtracts nested pairs', async () => {
    const asked: Asked[] = [{ filters: {}, answer: await seen('T9 base', ask(A, 't9', q())) }];
    for (const v of VARIABLES) {
      for (const c of DOMAINS[v]) {
        const out = { [v]: DOMAINS[v].filter((x) => x !== c) };
        const a = await seen(`T9 ${v} without ${c}`, ask(A, 't9', q(out)));
        asked.push({ filters: out, answer: a });
        if (v === 'region' && a.json?.code === 'differencing-refused') smallRegions.push(c);
        if (v === 'sex') {
          const only = { [v]: [c] };
          asked.push({ filters: only, answer: await seen(`T9 ${v} only ${c}`, ask(A, 't9', q(only))) });
        }
      }
    }
    const answered = asked.filter((x) => x.answer.status === 201);
    const refused = asked.filter((x) => x.answer.json?.code === 'differencing-refused');
    // every query is either answered or refused by the guard: no other error
    expect(answered.length + refused.length, JSON.stringify(asked.map((x) => x.answer.json?.code))).toBe(
      asked.length,
    );
    expect(refused.length).toBeGreaterThan(0); // the guard is at work
    expect(answered.length).toBeGreaterThan(5);
    for (const outer of answered)
      for (const inner of answered) {
        if (outer === inner || sameDefinition(inner, outer) || !within(inner, outer)) continue;
        const big = new Map(cellsOf(outer.answer).map((c) => [key(c), c]));
        for (const c of cellsOf(inner.answer)) {
          const o = big.get(key(c));
          if (!o || o.count === null || c.count === null) continue;
          const d = o.count - c.count;
          const no = o.outcomes.employed_12m?.count;
          const ni = c.outcomes.employed_12m?.count;
          const outcome =
            typeof no === 'number' && typeof ni === 'number' ? `, employed at 12 months: ${no - ni}` : '';
          if (d >= 1 && d < T)
            exposures.push(
              `${JSON.stringify(outer.filters)} − ${JSON.stringify(inner.filters)} @ ${key(c)} = ${d} person(s)${outcome}`,
            );
        }
      }
    console.log(
      `T9 (a): ${asked.length} queries, ${answered.length} answered, ${refused.length} refused as differencing ` +
        `(regions refused: ${smallRegions.join(', ') || 'none'}); ${exposures.length} released cell differences ` +
        `of 1…${T - 1} between nested cohorts, e.g.\n  ${exposures.slice(0, 6).join('\n  ')}`,
    );
  });

  // FINDING: the guard compares whole cohorts at person level, while released cells count person-quarters.
  // Nested cohorts that differ by ≥ T persons overall, or by 0 persons (persons kept through another
  // quarter), still give cell differences under T. Expected: such a pair refused, or audited together.
  // Remove `.fails` once no such pair can be answered.
  // Was a finding: the guard now also compares the cells the two releases share (query.ts,
  // smallestCellDifference).
  it('(a) no two answered queries with nested cohorts differ by 1 … T − 1 on a cell released in both', () => {
    expect(exposures).toEqual([]);
  });

  it('(b) the guard catches the direct tracker: T = the largest region, C = a small one; (C ∪ T) after T is refused', async () => {
    expect(smallRegions.length, 'a region with 1 … T − 1 persons in the cohort').toBeGreaterThan(0);
    const S = smallRegions.find((r) => !BIG.includes(r)) as string;
    expect(S).toBeDefined();
    const tracker = await seen('T9b T', ask(A, 't9b', q({ region: BIG })));
    expect(tracker.status, tracker.text).toBe(201);
    trackerTotal = cellsOf(tracker).find((c) => c.coords[0] === 'total')?.count ?? null;
    const withC = await seen('T9b C ∪ T', ask(A, 't9b', q({ region: [...BIG, S] })));
    expect([withC.status, withC.json?.code]).toEqual([422, 'differencing-refused']);
  });

  it('(b) the attacker pads the tracker with the persons of another quarter', async () => {
    const S = smallRegions.find((r) => !BIG.includes(r)) as string;
    t9State.region = S;
    t9State.run = await currentRun(A);
    const withC = await seen('T9c C ∪ T', ask(A, 't9c', q({ region: [...BIG, S] })));
    expect(withC.status, withC.text).toBe(201);
    // T without its first quarter: the difference is C plus that quarter's persons of T (≥ the threshold)
    const r = await seen(
      'T9c T padded',
      ask(A, 't9c', q({ region: BIG }, { from: '2020-Q2', to: RANGE.to })),
    );
    expect([201, 422]).toContain(r.status);
    padded.answered = r.status === 201;
    if (!padded.answered) {
      console.log(`T9 (b) padded tracker, C = region ${S}: refused (${String(r.json?.code)})`);
      return;
    }
    const big = new Map(cellsOf(withC).map((c) => [key(c), c]));
    for (const c of cellsOf(r)) {
      const o = big.get(key(c));
      if (c.coords[0] === 'total' || !o || o.count === null || c.count === null) continue;
      const d = o.count - c.count;
      t9State.counts[key(c)] = d;
      if (d >= 1 && d < T) padded.exposed.push(`${key(c)}: ${d}`);
    }
    console.log(
      `T9 (b) padded tracker, C = region ${S}: answered; C's count per quarter read by subtraction: ${JSON.stringify(t9State.counts)}`,
    );
  });

  // FINDING: the guard counts the persons by which two cohorts differ, not where they fall in the tables.
  // Dropping the first quarter from T pads the difference with that quarter's persons (≥ T): the query is
  // answered, and every other quarter's cell of (C ∪ T) − T is C's count there (and its outcome's). The
  // last describe checks that these inferred counts are the truth. Expected: refused, or the difference
  // audited cell by cell. Remove `.fails` then.
  // Was a finding: the padded tracker differs from C ∪ T by a few persons in every quarter but the first.
  it('(b) the padded tracker is refused, or reveals no cell of C', () => {
    expect(padded.answered && padded.exposed.length > 0).toBe(false);
  });

  it('(b) the attacker asks the refused half of the tracker again after a new linkage run', async () => {
    const S = smallRegions.find((r) => !BIG.includes(r)) as string;
    const run = await link(A); // an admin re-links (after any upload; here over the same extracts)
    expect(run.status).toBe('succeeded');
    const withC = await seen('T9b C ∪ T after a re-run', ask(A, 't9b', q({ region: [...BIG, S] })));
    Object.assign(rerun, { status: withC.status, code: withC.json?.code ?? null });
    const total = cellsOf(withC).find((c) => c.coords[0] === 'total')?.count ?? null;
    console.log(
      `T9 (b) after a re-link over the same extracts, C ∪ T: ${withC.status} ${String(rerun.code ?? '')}` +
        (total !== null && trackerTotal !== null
          ? `; (C ∪ T) − T = ${total - trackerTotal} (region ${S})`
          : ''),
    );
    expect([201, 422]).toContain(withC.status);
  });

  // FINDING: differences are checked only against releases of the same linkage run. A re-run over
  // unchanged extracts (what an admin does after any upload) lets the refused half of the direct tracker
  // through. Expected: refused while its persons are the same. Remove `.fails` then.
  // Was a finding: earlier releases of every run are now compared, through their definitions.
  it('(b) a new linkage run does not reset the guard', () => {
    expect([rerun.status, rerun.code]).toEqual([422, 'differencing-refused']);
  });
});

/** T10's cohort: four quarters (the cube quarter × sex × age band has 4 × 3 × 6 interior cells) */
const T10_RANGE = { from: '2020-Q1', to: '2020-Q4' };
/** T10's cube, the run it was asked on, and the attacker's bounds (checked against the truth at the end). */
const t10 = {
  run: '',
  size: 0,
  targets: [] as {
    what: string;
    /** suppressed in a released table, or a cell of the cube that no table releases */
    kind: 'suppressed' | 'unreleased';
    expression: Expression;
    interval: readonly [number, number];
  }[],
};

describe('T10 — reconstructing suppressed cells from all the tables of a study (LP bounds)', () => {
  /*
   * Threat: a researcher asks the same cohort broken down in several ways (quarter × sex, quarter × age
   * band, sex × age band, and each alone); the tables are margins of one cube (quarter × sex × age band),
   * so together they constrain each suppressed value more than any table alone. Attacker's knowledge:
   * every released value of the study's tables; that they come from one non-negative cube of counts and
   * one of numerators with numerator ≤ count. Measured: for every suppressed value (count, numerator, and
   * the complement count − numerator of a hidden numerator), and for every cell of the cube that no table
   * releases, the interval given by linear programming over the stacked system (lp.ts boundExpressions),
   * and how many are narrower than the threshold — and, at the end against the truth, how many of those
   * are sensitive (a count in 1 … T − 1, a numerator or complement under T in a non-empty cell).
   * The hub now audits a new release with the study's earlier releases of the same cohort
   * (combination-refused, work in progress in releases.ts); queries it refuses are counted.
   */
  const RANGE = T10_RANGE;
  const OUTCOME = 'employed_12m';
  const SPLITS: QueryV1['breakdowns'][] = [
    ['quarter', 'sex'],
    ['quarter', 'age_band'],
    ['sex', 'age_band'],
    ['quarter'],
    ['sex'],
    ['age_band'],
    ['quarter', 'sex', 'age_band'],
  ];
  const CUBE_NAMES = ['quarter', 'sex', 'age_band'] as const;

  it('measures the suppressed values whose interval is narrower than the threshold', async () => {
    t10.run = await currentRun(A);
    const base = (breakdowns: QueryV1['breakdowns']): QueryV1 => ({
      version: 1,
      cohort: { are_opening: RANGE },
      outcomes: [{ kind: 'employed', k: 12 }],
      breakdowns,
    });
    const quarters = quartersOf(base([]));
    const cubeDims = [quarters.length, SEX_CATEGORIES.length, AGE_BANDS.length];
    const size = cellCount(cubeDims);
    t10.size = size;
    const known = new Map<number, number>();
    const equations: Equation[] = [
      ...tableEquations(cubeDims),
      ...tableEquations(cubeDims, idsPlus(size, size)),
    ];
    // N ≤ C for every cell of the cube
    for (let i = 0; i < size; i++)
      equations.push({
        terms: [
          [size + i, 1],
          [i, -1],
        ],
        rhs: 0,
        sense: '<=',
      });
    const targets = new Map<
      string,
      { what: string; kind: 'suppressed' | 'unreleased'; expression: Expression }
    >();
    const count = (id: number): Expression => ({ terms: [[id, 1]], floor: 0 });
    const numerator = (id: number): Expression => ({ terms: [[size + id, 1]], floor: 0 });
    const complement = (id: number): Expression => ({
      terms: [
        [id, 1],
        [size + id, -1],
      ],
      floor: 0,
    });
    let suppressedValues = 0;
    let refused = 0;
    const inTables = new Set<number>();
    for (const split of SPLITS) {
      const r = await seen(`T10 ${split.join('×')}`, ask(A, 't10', base(split)));
      if (r.json?.code === 'combination-refused') {
        refused++;
        continue;
      }
      expect(r.status, r.text).toBe(201);
      const keep = split.map((b) => CUBE_NAMES.indexOf(b as (typeof CUBE_NAMES)[number]));
      const dims = keep.map((d) => cubeDims[d] as number);
      const ids = projectionIds(cubeDims, keep);
      equations.push(...tableEquations(dims, ids), ...tableEquations(dims, idsPlus(size, 0, ids)));
      cellsOf(r).forEach((c, i) => {
        const id = ids[i] as number;
        inTables.add(id);
        const where = `${split.join('×')} ${key(c)}`;
        const n = c.outcomes[OUTCOME];
        if (c.count !== null) known.set(id, c.count);
        else {
          suppressedValues++;
          targets.set(`c${id}`, { what: `count ${where}`, kind: 'suppressed', expression: count(id) });
        }
        if (n && n.count !== null) known.set(size + id, n.count);
        else {
          suppressedValues++;
          targets.set(`n${id}`, {
            what: `numerator ${where}`,
            kind: 'suppressed',
            expression: numerator(id),
          });
          targets.set(`k${id}`, {
            what: `complement ${where}`,
            kind: 'suppressed',
            expression: complement(id),
          });
        }
      });
    }
    // the cube's own cells (quarter × sex × age band) that no table releases
    for (let id = 0; id < size; id++) {
      if (inTables.has(id) || known.has(id)) continue;
      const where = `cube cell ${id}`;
      targets.set(`c${id}`, { what: `count ${where}`, kind: 'unreleased', expression: count(id) });
      targets.set(`n${id}`, { what: `numerator ${where}`, kind: 'unreleased', expression: numerator(id) });
      targets.set(`k${id}`, { what: `complement ${where}`, kind: 'unreleased', expression: complement(id) });
    }
    const unknowns = Array.from({ length: 2 * size }, (_, i) => i).filter((i) => !known.has(i));
    const list = [...targets.values()];
    // exact intervals for those narrower than T; for the others, a sub-interval at least T wide
    const intervals = await boundExpressions(
      { equations, known, unknowns },
      list.map((t) => t.expression),
      {
        atLeast: T,
      },
    );
    t10.targets = list.map((t, k) => ({ ...t, interval: intervals[k] as readonly [number, number] }));
    const narrow = (kind: string) =>
      t10.targets.filter((t) => t.kind === kind && t.interval[1] - t.interval[0] < T);
    console.log(
      `T10: ${SPLITS.length - refused} tables answered, ${refused} refused as combination-refused; ` +
        `${suppressedValues} suppressed values (${list.filter((t) => t.kind === 'suppressed').length} distinct quantities with complements), ` +
        `${narrow('suppressed').length} with an interval narrower than ${T}; cube cells no table releases: ` +
        `${list.filter((t) => t.kind === 'unreleased').length} quantities, ${narrow('unreleased').length} narrower than ${T}`,
    );
    expect(SPLITS.length - refused).toBeGreaterThanOrEqual(3);
    expect(suppressedValues).toBeGreaterThan(0);
  });
});

/** Cube ids shifted by `offset` (the numerator cube follows the count cube). */
function idsPlus(size: number, offset: number, ids?: ArrayLike<number>): Int32Array {
  const out = new Int32Array(ids ? ids.length : size);
  for (let i = 0; i < out.length; i++) out[i] = (ids ? (ids[i] as number) : i) + offset;
  return out;
}

/** Discrete Laplace variance for scale b = 1/ε: 2e^{−ε} / (1 − e^{−ε})². */
const dlVariance = (epsilon: number) => (2 * Math.exp(-epsilon)) / (1 - Math.exp(-epsilon)) ** 2;

describe('T11 — averaging the differential-privacy noise', () => {
  /*
   * Threat: in a study released with discrete Laplace noise, a researcher asks the same query again and
   * again and averages the answers, hoping the noise cancels. Attacker's knowledge: the mechanism, ε per
   * release, every answer; the true values are known here from a study without noise over the same data.
   * Measured: how many releases the budget allows (k = budget / perRelease), the attacker's error
   * averaging them against the true values, and the error that the total budget promises — that of a
   * single release with all the budget (discrete Laplace of scale 1/ε_total). A second study shows that
   * one release already holds several independently noised copies of the same count (a cell and its
   * margins, made equal by the filters), which the attacker averages too.
   */
  const QA: QueryV1 = {
    version: 1,
    cohort: { are_opening: { from: '2019-Q1', to: '2023-Q4' } },
    outcomes: [{ kind: 'employed', k: 12 }],
    breakdowns: ['quarter'],
  };
  const QB: QueryV1 = {
    version: 1,
    cohort: {
      are_opening: { from: '2019-Q1', to: '2023-Q4' },
      filters: { sex: ['2'], age_band: ['45-54'] },
    },
    outcomes: [{ kind: 'employed', k: 12 }],
    breakdowns: ['sex', 'age_band'],
  };

  it('the budget stops the averaging attack after budget / perRelease releases; the averaged error stays above the promise', async () => {
    const truth = await seen('T11 truth A', ask(A, 't11ref', QA));
    expect(truth.status).toBe(201);
    const answers: Cell[][] = [];
    let refusal: Answer | undefined;
    for (let i = 0; i < 20; i++) {
      const r = await seen('T11 noisy A', ask(A, 't11a', QA));
      if (r.status !== 201) {
        refusal = r;
        break;
      }
      answers.push(cellsOf(r));
    }
    expect(answers.length).toBe(10); // budget 1, 0.1 per release
    expect([refusal?.status, refusal?.json?.code]).toEqual([422, 'budget-exhausted']);
    // the attacker's estimate of every released value: the mean of its k noisy releases
    const errors: number[] = [];
    cellsOf(truth).forEach((t, i) => {
      const pairs: [number | null, (c: Cell) => number | null][] = [
        [t.count, (c) => c.count],
        [t.outcomes.employed_12m?.count ?? null, (c) => c.outcomes.employed_12m?.count ?? null],
      ];
      for (const [v, get] of pairs) {
        if (v === null) continue;
        const xs = answers.map((a) => get(a[i] as Cell));
        if (xs.some((x) => x === null)) continue;
        errors.push((xs as number[]).reduce((s, x) => s + x, 0) / xs.length - v);
      }
    });
    const rmse = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    const promise = Math.sqrt(dlVariance(1)); // one release with the whole budget ε = 1
    const theory = Math.sqrt(dlVariance(0.1) / 10);
    console.log(
      `T11: ${answers.length} releases then budget-exhausted; averaging ${errors.length} values: RMSE ${rmse.toFixed(2)} ` +
        `(theory ${theory.toFixed(2)}, clamping at 0 aside) vs the promise of ε = 1: ${promise.toFixed(2)}`,
    );
    expect(errors.length).toBeGreaterThan(20);
    expect(rmse).toBeGreaterThan(promise);
  });

  const copiesOf = { n: 0, sd: 0, promise: 0, additive: false };

  it('one release at the whole budget: the attacker averages the noisy copies of one count that the filters make', async () => {
    const truth = await seen('T11 truth B', ask(A, 't11ref', QB));
    expect(truth.status).toBe(201);
    const total = cellsOf(truth).find((c) => c.coords.every((x) => x === 'total'));
    const n = total?.count as number;
    expect(n).toBeGreaterThanOrEqual(T);
    const r = await seen('T11 noisy B', ask(A, 't11b', QB));
    expect(r.status, r.text).toBe(201);
    expect((await ask(A, 't11b', QB)).json?.code).toBe('budget-exhausted');
    // the cells that hold the whole cohort: every coordinate its single category or the total
    const single = ['2', '45-54'];
    const copies = cellsOf(r).filter(
      (c) =>
        (c.coords[0] === single[0] || c.coords[0] === 'total') &&
        (c.coords[1] === single[1] || c.coords[1] === 'total'),
    );
    // two breakdowns, one category kept in each: the cell, its two margins and the grand total
    expect(copies.length).toBe(4);
    for (const c of copies) expect(c.suppressed).toBe(false);
    const estimate = copies.reduce((s, c) => s + (c.count as number), 0) / copies.length;
    const sd = Math.sqrt(dlVariance(1) / copies.length);
    const promise = Math.sqrt(dlVariance(1));
    console.log(
      `T11 (copies): one release at ε = 1 (the whole budget) gives ${copies.length} noisy copies of n = ${n}: ` +
        `mean ${estimate.toFixed(2)} (error ${(estimate - n).toFixed(2)}), sd ${sd.toFixed(2)} vs the promise ${promise.toFixed(2)}`,
    );
    // are the copies independent? With margins derived from the noisy interior cells they are sums of
    // the same draws: every margin equals the sum of its interior cells
    const cells = cellsOf(r);
    const byKey = new Map(cells.map((c) => [c.coords.join('|'), c.count as number]));
    const cats = [...new Set(cells.map((c) => c.coords[1]).filter((x) => x !== 'total'))] as string[];
    const rows = [...new Set(cells.map((c) => c.coords[0]).filter((x) => x !== 'total'))] as string[];
    const additive =
      rows.every(
        (a) => byKey.get(`${a}|total`) === cats.reduce((t, b) => t + (byKey.get(`${a}|${b}`) ?? 0), 0),
      ) && byKey.get('total|total') === rows.reduce((t, a) => t + (byKey.get(`${a}|total`) ?? 0), 0);
    Object.assign(copiesOf, { n: copies.length, sd, promise, additive });
  });

  // Was a finding (every cell noised independently, margins included: 2^d copies of one count). Now only
  // the interior cells are drawn and the margins are their sums (post-processing): the copies are not
  // independent. The release's sensitivity is still 1 + the number of outcomes per person-quarter (one
  // interior cell of each table): hub-v1 §12 states it.
  it('one release does not hand out several independently noised copies of the same count', () => {
    expect(copiesOf.n).toBeGreaterThan(0);
    expect(copiesOf.additive).toBe(true);
  });
});

describe('T11 — the survival curve of a study with noise or rounding', () => {
  /*
   * Threat: the tables of a study with differential privacy (or rounding) are noised (rounded), but a
   * query may also ask for the Kaplan–Meier curve of time to the first contract, whose at-risk and event
   * counts are computed from the same cohort. Attacker's knowledge: the query language, its study's
   * answers; the exact values are known here from a study without noise over the same data. Measured:
   * whether the released curve (months, at risk, events) equals the exact one — then one release gives
   * the exact cohort size (at risk in month 0) whatever the noise of the tables, and the budget bounds
   * nothing.
   */
  const QC: QueryV1 = {
    version: 1,
    cohort: { are_opening: { from: '2019-Q1', to: '2023-Q4' } },
    outcomes: [{ kind: 'employed', k: 12 }],
    breakdowns: ['quarter'],
    time_to_contract: { horizon: 12 },
  };
  const same = { dp: false, rounded: false, steps: 0 };
  const steps = (a: Answer) =>
    ((a.json?.curve ?? []) as { month: number; atRisk: number | null; events: number | null }[]).map((x) => [
      x.month,
      x.atRisk,
      x.events,
    ]);

  it('the attacker asks for the curve in a study with noise and in one with rounding', async () => {
    const exact = await seen('T11 curve exact', ask(A, 't11ref', QC));
    const noisy = await seen('T11 curve noisy', ask(A, 't11c', QC));
    const rounded = await seen('T11 curve rounded', ask(A, 't11r', QC));
    expect(exact.status, exact.text).toBe(201);
    same.steps = steps(exact).filter((x) => x[1] !== null).length;
    expect(same.steps).toBeGreaterThan(5);
    // a noisy or rounded study does not release curves at all (their steps would be exact counts)
    for (const r of [noisy, rounded]) {
      expect([r.status, r.json?.code]).toEqual([403, 'query-not-allowed']);
      expect(r.json?.curve).toBeUndefined();
    }
    same.dp = noisy.status === 201 && JSON.stringify(steps(noisy)) === JSON.stringify(steps(exact));
    same.rounded = rounded.status === 201 && JSON.stringify(steps(rounded)) === JSON.stringify(steps(exact));
  });

  // Was a finding (curves exact in noisy and rounded studies): such studies now refuse curves.
  it('the curve of a noisy or rounded study is not released exact', () => {
    expect(same.steps).toBeGreaterThan(0);
    expect(same.dp).toBe(false);
    expect(same.rounded).toBe(false);
  });
});

describe('T12 — a producer injecting a target identity to learn whether another producer holds it', () => {
  /*
   * Threat: a malicious producer (CNAF) adds to its extract a person it does not serve — a target whose
   * identity it knows — hoping that something it can observe changes when the target is also in another
   * producer's data (PE). Attacker's knowledge: its own token and extracts, the API. Two hubs: in A, PE
   * holds the target; in B, PE's new extract leaves the target out. The very same CNAF extract (same
   * bytes, same id) goes to both; the admin links both. Measured: every response the CNAF token can get —
   * upload receipts, a re-upload, its extracts' status, other extracts' ids, the refused routes — compared
   * between the two hubs without request ids and reception times; and, as a control, the admin's view,
   * which must differ (the experiment is sensitive).
   */
  it('the malicious producer observes the same responses whether or not PE holds the target', async () => {
    // the target: a PE jobseeker with a valid NIR, one row in the PE file
    const pe = await sampleLines('pe');
    const byNir = new Map<string, string[]>();
    for (const line of pe.slice(1)) {
      const nir = line.split(';')[1] as string;
      byNir.set(nir, [...(byNir.get(nir) ?? []), line]);
    }
    const target = [...byNir.entries()].find(
      ([nir, rows]) =>
        /^[12][0-9]{14}$/.test(nir) && rows.length === 1 && (rows[0]?.split(';')[12] ?? '') !== '',
    );
    expect(target).toBeDefined();
    const [nir, [peRow]] = target as [string, string[]];
    const f = (peRow as string).split(';');
    // hub B: PE sends a new extract without the target
    const peWithout = await writeVariant(
      'pe',
      pe.filter((l) => l !== peRow),
      join(root, 'pe-without-target.csv'),
    );
    const peB = await extractOf(keys, 'pe', join(root, 'pe-without'), { input: peWithout });
    expect((await upload(B, 'pe', peB)).status).toBe(201);
    // CNAF: RSA months for the target, written from what it knows of the identity
    const [cnafHead] = await sampleLines('cnaf');
    const date = (f[6] as string).split('/').reverse().join('-');
    const injected = ['2021-03', '2021-04', '2021-05'].map(
      (m) =>
        `9999999999|${nir}|C|${f[3]}|${f[4]}|${f[5]}|${date}|${f[7] === '2' ? 'F' : 'M'}|${f[8]}|${m}|RSA|DEM|${f[17]}`,
    );
    // its new extract holds the injected rows only (its other rows would change nothing but the time)
    const cnafFile = await writeVariant(
      'cnaf',
      [cnafHead as string, ...injected],
      join(root, 'cnaf-injected.csv'),
    );
    const cnafDir = await extractOf(keys, 'cnaf', join(root, 'cnaf-injected'), { input: cnafFile });
    const oldCnaf = {
      A: (await call(A.h, 'GET', '/v1/extracts', { token: A.h.tokens.admin })).json as {
        extracts: { extract_id: string; producer: string }[];
      },
      B: (await call(B.h, 'GET', '/v1/extracts', { token: B.h.tokens.admin })).json as {
        extracts: { extract_id: string; producer: string }[];
      },
    };
    const idOf = (l: typeof oldCnaf.A, p: string) =>
      l.extracts.find((e) => e.producer === p)?.extract_id as string;

    const observe = async (hub: AttackHub, name: 'A' | 'B') => {
      const token = hub.producer.cnaf;
      const seenBy: Record<string, unknown>[] = [];
      const note = (what: string, a: { status: number; json: unknown; type?: string | null }) =>
        seenBy.push({ what, status: a.status, body: normalise(a.json) });
      const first = await upload(hub, 'cnaf', cnafDir);
      note('upload', first);
      const ownId = String(first.json.extract_id);
      // the admin links; the producer then looks at everything it may and may not see
      const run = await link(hub);
      expect(run.status).toBe('succeeded');
      note('upload again', await upload(hub, 'cnaf', cnafDir));
      note('own extract', await call(hub.h, 'GET', `/v1/extracts/${ownId}`, { token }));
      // its earlier extract (the same in both hubs), now superseded
      note(
        'own earlier extract',
        await call(hub.h, 'GET', `/v1/extracts/${idOf(oldCnaf[name], 'cnaf')}`, { token }),
      );
      const peId = idOf(
        (await call(hub.h, 'GET', '/v1/extracts', { token: hub.h.tokens.admin })).json as typeof oldCnaf.A,
        'pe',
      );
      note('PE’s extract id', await call(hub.h, 'GET', `/v1/extracts/${peId}`, { token }));
      note('a made-up id', await call(hub.h, 'GET', `/v1/extracts/${'ab'.repeat(32)}`, { token }));
      for (const [m, path] of [
        ['GET', '/v1/extracts'],
        ['GET', '/v1/linkage-runs'],
        ['GET', `/v1/linkage-runs/${String(run.id)}`],
        ['GET', `/v1/linkage-runs/${String(run.id)}/report`],
        ['POST', '/v1/linkage-runs'],
        ['POST', `/v1/linkage-runs/${String(run.id)}/cancel`],
        ['GET', '/v1/studies'],
        ['POST', '/v1/studies/t8/queries'],
        ['GET', `/v1/studies/t8/queries/t8-x`],
        ['GET', '/v1/audit'],
        ['GET', '/v1/audit/verify'],
        ['GET', '/v1/health'],
      ] as const) {
        note(
          `${m} ${path.replace(String(run.id), '{run}')}`,
          await call(hub.h, m, path, { token, body: m === 'POST' ? {} : undefined }),
        );
      }
      return { seenBy, run };
    };
    const a = await observe(A, 'A');
    const b = await observe(B, 'B');
    console.log(
      `T12: the CNAF token made ${a.seenBy.length} observations per hub; linkage in A ${JSON.stringify(a.run.counts)}, in B ${JSON.stringify(b.run.counts)}`,
    );
    // control: the linkage did see the difference (the admin's view differs)…
    expect(a.run.counts).not.toEqual(b.run.counts);
    // …the malicious producer's view does not
    expect(a.seenBy).toEqual(b.seenBy);
    expect(a.seenBy[0]).toMatchObject({ status: 201 });
  });
});

/** A response without what differs by construction: request ids, times, run ids. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !['instance', 'received_at'].includes(k))
        .map(([k, x]) => [k, normalise(x)]),
    );
  return v;
}

describe('on the hubs’ databases and logs (services stopped)', () => {
  const db: { A: string[]; B: string[]; idA: string[]; idB: string[] } = { A: [], B: [], idA: [], idB: [] };
  let auditText = '';
  const truth: { t9: Record<string, number>; t10: { counts: Table; numerators: Table } | null } = {
    t9: {},
    t10: null,
  };

  beforeAll(async () => {
    const pages: string[] = [];
    for (const hub of [A, B]) {
      for (let after = 0; ; ) {
        const r = await call(hub.h, 'GET', `/v1/audit?after=${after}&limit=1000`, {
          token: hub.h.tokens.admin,
        });
        expect(r.status).toBe(200);
        const entries = (r.json as { entries: { seq: number }[] }).entries;
        pages.push(r.text);
        if (entries.length < 1000) break;
        after = entries.at(-1)?.seq as number;
      }
    }
    auditText = pages.join('\n');
    await A.h.stop();
    await B.h.stop();
    for (const [name, hub] of [
      ['A', A],
      ['B', B],
    ] as const) {
      const inst = await DuckDBInstance.create(':memory:');
      const c = await inst.connect();
      try {
        await c.run(`ATTACH '${hub.h.config.database}' AS hub (READ_ONLY)`);
        const rows = (
          await c.runAndReadAll('SELECT lower(hex(nir_p2)), lower(hex(idkey_p2)) FROM hub.identities')
        ).getRows();
        db[name] = rows.map((r) => r[0]).filter((x): x is string => typeof x === 'string');
        db[name === 'A' ? 'idA' : 'idB'] = rows
          .map((r) => r[1])
          .filter((x): x is string => typeof x === 'string');
        if (name === 'A') {
          if (t9State.region) {
            const r = await computeQuery(c, 'hub', t9State.run, {
              version: 1,
              cohort: {
                are_opening: { from: '2020-Q1', to: '2021-Q4' },
                filters: { region: [t9State.region] },
              },
              outcomes: [{ kind: 'employed', k: 12 }],
              breakdowns: ['quarter'],
            });
            r.dims[0]?.categories.forEach((q, i) => {
              truth.t9[q] = r.counts.cells[i] as number;
            });
          }
          const r10 = await computeQuery(c, 'hub', t10.run, {
            version: 1,
            cohort: { are_opening: T10_RANGE },
            outcomes: [{ kind: 'employed', k: 12 }],
            breakdowns: ['quarter', 'sex', 'age_band'],
          });
          truth.t10 = { counts: r10.counts, numerators: r10.numerators.employed_12m as Table };
        }
      } finally {
        c.closeSync();
        inst.closeSync();
      }
    }
  }, 60_000);

  it('T2 (a) — the same persons re-keyed by two hubs: no P2 in common, while their P1 are the same', async () => {
    const [pa, pb] = await Promise.all(
      (['A', 'B'] as const).map(
        async (h) =>
          new Set(
            (await Promise.all(SOURCES3.map((s) => extractValues(extracts[h][s])))).flatMap((v) => v.p1),
          ),
      ),
    );
    let p1Common = 0;
    for (const x of pa as Set<string>) if ((pb as Set<string>).has(x)) p1Common++;
    const setB = new Set(db.B);
    const idB = new Set(db.idB);
    const p2Common = db.A.filter((x) => setB.has(x)).length;
    const idCommon = db.idA.filter((x) => idB.has(x)).length;
    console.log(
      `T2: P1 in common between the hubs' inputs ${p1Common}; P2 in common ${p2Common} of ${db.A.length}/${db.B.length}; identity keys in common ${idCommon}`,
    );
    expect(p1Common).toBeGreaterThan(1000);
    expect(db.A.length).toBeGreaterThan(1000);
    expect(p2Common).toBe(0);
    expect(idCommon).toBe(0);
  });

  it('T2 (c) — nothing a researcher received holds a P2 (hex or base64) or a P1', async () => {
    expect(researcherSaw.length).toBeGreaterThan(100);
    const values = [...db.A, ...db.B, ...db.idA, ...db.idB];
    expect(values.length).toBeGreaterThan(2000);
    const search = leakSearch([
      ...values,
      ...values.map((v) => v.slice(0, 16)),
      ...values.map((v) => Buffer.from(v, 'hex').toString('base64')),
    ]);
    expect(search(researcherSaw.map((r) => r.text).join('\n'))).toEqual([]);
  });

  it('T9 (b) — the padded tracker’s inference is the true count of the small region, quarter by quarter', () => {
    const got = t9State;
    if (Object.keys(got.counts).length === 0) return; // the tracker was refused: nothing inferred
    for (const [q, v] of Object.entries(got.counts)) expect(v, q).toBe(truth.t9[q]);
    console.log(
      `T9 (b): the inferred counts of region ${got.region} equal the truth: ${JSON.stringify(got.counts)}`,
    );
  });

  it('T10 — no sensitive value, suppressed or never released, is narrower than the threshold across the study’s tables', () => {
    // Until the combined audit (releases.ts, work in progress) each query's tables were protected on their
    // own; this is the attacker's independent check of the study as released.
    const t = truth.t10 as { counts: Table; numerators: Table };
    const size = t10.size;
    expect(t.counts.cells.length).toBe(size);
    const at = (id: number) => (id < size ? t.counts.cells[id] : t.numerators.cells[id - size]) as number;
    const value = (e: Expression) => e.terms.reduce((sum, [id, c]) => sum + c * at(id), 0);
    const sensitive: string[] = [];
    const outside: string[] = [];
    for (const x of t10.targets) {
      const v = value(x.expression);
      const [lo, hi] = x.interval;
      // intervals at least T wide may be sub-intervals (boundExpressions `atLeast`): exact ones only
      if (hi - lo < T && (v < lo || v > hi)) outside.push(`${x.what} = ${v} ∉ [${lo}, ${hi}]`);
      const cellCountOf = at((x.expression.terms[0]?.[0] as number) % size);
      const isTarget = x.what.startsWith('count') ? v > 0 && v < T : cellCountOf > 0 && v < T;
      if (isTarget && hi - lo < T) sensitive.push(`${x.kind} ${x.what} = ${v} ∈ [${lo}, ${hi}]`);
    }
    const narrow = t10.targets.filter(({ interval: [lo, hi] }) => hi - lo < T).length;
    console.log(
      `T10 against the truth: ${t10.targets.length} quantities bounded, ${narrow} narrower than ${T}; sensitive among ` +
        `them: ${sensitive.length}${sensitive.length ? `\n  ${sensitive.slice(0, 8).join('\n  ')}` : ''}`,
    );
    expect(outside).toEqual([]); // the attacker's bounds hold the truth (the system is right)
    expect(sensitive).toEqual([]);
  });

  const rebuild = { rows: 0, changed: 0, ties: 0, peTies: 0 };

  it('T8 — the attacker’s view of input order: the cohort facts rebuilt over the events stored in reverse order', async () => {
    // a copy of hub A's database, one thread: the facts of T10's run built over DSN events in their
    // stored order, then over the same events stored in reverse order
    const copy = join(root, 'facts-order.duckdb');
    await cp(A.h.config.database, copy);
    const inst = await DuckDBInstance.create(copy, { threads: '1' });
    const c = await inst.connect();
    const run = t10.run;
    const facts = async () =>
      (
        await c.runAndReadAll(
          `SELECT person, q, prev_contract FROM cohort_facts WHERE run_id = '${run}' ORDER BY person, q`,
        )
      )
        .getRows()
        .map((r) => r.join('|'));
    try {
      await buildFacts(c, run);
      const stored = await facts();
      await c.run('CREATE TEMP TABLE reversed AS SELECT * FROM events_dsn ORDER BY rowid DESC');
      await c.run('DELETE FROM events_dsn');
      await c.run('INSERT INTO events_dsn SELECT * FROM reversed');
      await buildFacts(c, run);
      const reversed = await facts();
      expect(reversed.length).toBe(stored.length);
      rebuild.rows = stored.length;
      rebuild.changed = stored.filter((x, i) => x !== reversed[i]).length;
      // why: cohort members whose last DSN contract before t is not unique — two of different types
      // starting in the same month, which arg_max(type, start) settles by the order it reads them in
      const month = (col: string) =>
        `(CAST(substr(${col}, 1, 4) AS INTEGER) * 12 + CAST(substr(${col}, 6, 2) AS INTEGER) - 1)`;
      rebuild.ties = Number(
        (
          await c.runAndReadAll(
            `WITH d AS (
               SELECT p.person, ${month('e.contract_start')} AS s, e.contract_type AS type
               FROM events_dsn e JOIN run_persons p
                 ON p.run_id = '${run}' AND p.source = 'dsn' AND p.extract_id = e.extract_id AND p.rid = e.rid),
             f AS (SELECT person, t FROM cohort_facts WHERE run_id = '${run}'),
             last AS (SELECT f.person, f.t, max(d.s) AS s FROM f JOIN d ON d.person = f.person AND d.s < f.t GROUP BY ALL)
             SELECT count(*) FROM (
               SELECT last.person, last.t FROM last JOIN d ON d.person = last.person AND d.s = last.s
               GROUP BY ALL HAVING count(DISTINCT d.type) > 1)`,
          )
        ).getRows()[0]?.[0],
      );
      // the same kind of choice for the PE record that defines a cohort member (sex, age band, region,
      // allowance): made by the smallest rid — a random permutation per extract — among the person's PE
      // records opening in the month t; it depends on the rids when those records disagree
      rebuild.peTies = Number(
        (
          await c.runAndReadAll(
            `WITH p AS (SELECT person, extract_id, rid FROM run_persons WHERE run_id = '${run}' AND source = 'pe'),
             are AS (
               SELECT p.person, ${month('e.are_open_date')} AS m,
                      concat_ws('|', coalesce(i.sex, '?'), coalesce(CAST(i.birth_year AS VARCHAR), '?'),
                                coalesce(e.residence_dept, '?'), coalesce(CAST(e.are_daily_allowance AS VARCHAR), '?')) AS v
               FROM events_pe e JOIN p ON p.extract_id = e.extract_id AND p.rid = e.rid
               LEFT JOIN identities i ON i.source = 'pe' AND i.extract_id = e.extract_id AND i.rid = e.rid
               WHERE e.are_open_date IS NOT NULL),
             first AS (SELECT person, m // 3 AS q, min(m) AS m FROM are GROUP BY ALL)
             SELECT count(*) FROM (
               SELECT f.person, f.q FROM first f JOIN are a ON a.person = f.person AND a.m = f.m
               GROUP BY ALL HAVING count(DISTINCT a.v) > 1)`,
          )
        ).getRows()[0]?.[0],
      );
    } finally {
      c.closeSync();
      inst.closeSync();
    }
    console.log(
      `T8: cohort members whose defining PE records (same opening month) disagree, settled by random rids: ${rebuild.peTies}`,
    );
    console.log(
      `T8: cohort facts rebuilt over reversed DSN events: prev_contract changed in ${rebuild.changed} of ${rebuild.rows} rows; ` +
        `cohort rows whose last contract before t ties between two types: ${rebuild.ties}`,
    );
    expect(rebuild.rows).toBeGreaterThan(500);
  });

  // FINDING: `prev_contract` (facts.ts: arg_max(d.type, d.s) FILTER (WHERE d.s < c.t)) is decided by the
  // order in which DuckDB reads the events when a person's last two contracts before t start in the same
  // month with different types. The same data uploaded in another row order (hub B of this file) or read
  // by other threads can release different tables (the `prev_contract` query of the first T8 test).
  // Expected: a deterministic tie-break (e.g. arg_max over (start, end, type)). Remove `.fails` then.
  // Was a finding: `prev_contract` now breaks ties by end then type (facts.ts).
  it('T8 — the cohort facts do not depend on the storage order of the events', () => {
    expect(rebuild.rows).toBeGreaterThan(0);
    expect(rebuild.changed).toBe(0);
  });

  it('T3 — no key, token, signing key, P1, P2 or CLK in a whole session’s logs or audit entries', async () => {
    const secrets: string[] = [];
    for (const hub of [A, B]) {
      const tokens = [
        ...Object.values(hub.h.tokens),
        ...Object.values(hub.producer),
        ...Object.values(hub.researcher),
      ];
      secrets.push(...tokens, ...tokens.map((t) => t.slice('ldh_0123456789abcdef_'.length)));
      secrets.push((await readFile(hub.h.config.secrets.hub_key, 'utf8')).trim());
      secrets.push(JSON.parse(await readFile(hub.h.config.secrets.seal_key, 'utf8')).secret_key);
    }
    const linkageHex = (await readFile(keys.linkageKey, 'utf8')).trim();
    secrets.push(linkageHex, Buffer.from(linkageHex, 'hex').toString('base64'));
    for (const s of SOURCES3) secrets.push(JSON.parse(await readFile(keys.signing[s], 'utf8')).secret_key);
    const values = await Promise.all(SOURCES3.map((s) => extractValues(extracts.A[s])));
    secrets.push(...values.flatMap((v) => [...v.p1.map((x) => x.slice(0, 16)), ...v.clks.slice(0, 200)]));
    secrets.push(...db.A.map((x) => x.slice(0, 16)), ...db.B.map((x) => x.slice(0, 16)));
    const logs = [...A.h.logs, ...B.h.logs];
    // the session did happen: uploads, linkage runs, queries and refusals are in the logs
    expect(logs.length).toBeGreaterThan(150);
    const text = logs.join('\n').toLowerCase();
    for (const route of ['/v1/extracts', '/v1/linkage-runs', '/v1/studies/:id/queries'])
      expect(text).toContain(route);
    expect(auditText).toContain('query.released');
    const search = leakSearch(secrets);
    expect(search(`token=${secrets[0]}`)).toContain(secrets[0]);
    const leaked = [...search(text), ...search(auditText)];
    console.log(
      `T3: ${logs.length} log lines and the audit log searched for ${secrets.length} secret values`,
    );
    expect(leaked.map((s) => `${s.slice(0, 10)}…`)).toEqual([]);
    for (const line of logs) expect(() => JSON.parse(line)).not.toThrow();
  });
});
