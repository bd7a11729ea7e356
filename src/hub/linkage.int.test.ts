/**
 * Linkage runs at the hub on the committed synthetic sample (2,000 persons): three producers' extracts
 * ingested, a run through the API, persons scored against the ground truth; cancellation and failure
 * leave the previous result in use; reports carry aggregates only.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTables, projectionIds } from '../disclosure/audit.js';
import type { Table } from '../disclosure/table.js';
import { withHubStore } from './admin.js';
import { areCohortByQuarter } from './cohort.js';
import { evaluateRun } from './evaluate.js';
import { REGIONS } from './facts.js';
import { LinkageRuns } from './linkage-runs.js';
import { silentLogger } from './log.js';
import { computeQuery, type QueryV1 } from './query.js';
import { parseRole } from './roles.js';
import { hubApi, sampleHub, type TestHub, waitForRun } from './test-hub.js';
import { createToken } from './tokens.js';

const SAMPLE = new URL('../../synthetic-data/sample/', import.meta.url).pathname;
const MAIN = new URL('../cli/main.ts', import.meta.url).pathname;
const run = promisify(execFile);

let h: TestHub;

const api = (method: string, path: string, body?: unknown) => hubApi(h, method, path, body);
const waitFor = (id: string) => waitForRun(h, id);

beforeAll(async () => {
  ({ h } = await sampleHub(SAMPLE));
}, 120_000);

afterAll(async () => {
  await h.stop();
});

describe('linkage runs', () => {
  let first: string;

  it('links the three sources into persons that match the ground truth', async () => {
    const started = await api('POST', '/v1/linkage-runs', {});
    expect(started.status).toBe(202);
    first = String(started.json?.id);
    const again = await api('POST', '/v1/linkage-runs', {});
    expect(again.status === 409 || again.status === 202).toBe(true); // the first may already be done
    const done = await waitFor(first);
    expect(done).toMatchObject({ status: 'succeeded', current: true });
    const counts = done.counts as { records: number; persons: number; links: Record<string, number> };
    expect(counts.links.nir).toBeGreaterThan(0);
    expect(counts.links.fuzzy).toBeGreaterThan(0);

    await h.stop();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`ATTACH '${h.config.database}' AS hub (READ_ONLY)`);
    const ev = await evaluateRun(c, 'hub', first, {
      recordMaps: Object.fromEntries(
        ['pe', 'dsn', 'cnaf'].map((source) => [source, join(h.dir, 'extracts', source, 'record-map.csv')]),
      ),
      truth: join(SAMPLE, 'truth', 'records.csv'),
    });
    const persons = Number(
      (
        await c.runAndReadAll(`SELECT count(DISTINCT person) FROM hub.run_persons WHERE run_id = '${first}'`)
      ).getRows()[0]?.[0],
    );
    c.closeSync();
    db.closeSync();
    await h.start();
    expect(persons).toBe(counts.persons);
    expect(ev.unmatchedRecords).toBe(0);
    if (process.env.LDH_DEBUG === '1')
      console.error(JSON.stringify({ q: ev.quality, pc: ev.pairCompleteness, counts }, null, 1));
    expect(ev.quality.overall.f1).toBeGreaterThan(0.98);
    expect(ev.quality.withoutValidNir.f1).toBeGreaterThan(0.9);
    // the share of the hard true pairs (no shared NIR or identity key) that LSH would make candidates;
    // here the engine compared every pair (small input), so this only checks that it is measured
    expect(Object.keys(ev.pairCompleteness).length).toBeGreaterThan(0);
    for (const v of Object.values(ev.pairCompleteness)) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('the ARE cohort and its outcomes equal the ground-truth statistics of the synthetic population', async () => {
    const ref = JSON.parse(await readFile(join(SAMPLE, 'truth', 'reference-stats.json'), 'utf8')) as {
      period: { from: string; to: string };
      cells: {
        quarter: string;
        sex: string;
        age_band: string;
        cohort: number;
        employed_6m: { count: number } | null;
        employed_12m: { count: number } | null;
        rsa_12m: { count: number } | null;
      }[];
    };
    await h.stop();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`ATTACH '${h.config.database}' AS hub (READ_ONLY)`);
    const cells = await areCohortByQuarter(c, 'hub', first, {
      from: ref.period.from,
      to: ref.period.to,
      outcomes: [
        { name: 'employed_6m', kind: 'employed', k: 6 },
        { name: 'employed_12m', kind: 'employed', k: 12 },
        { name: 'rsa_12m', kind: 'rsa', k: 12 },
      ],
    });
    c.closeSync();
    db.closeSync();
    await h.start();
    const truth = ref.cells.filter((x) => x.sex === 'all' && x.age_band === 'all');
    expect(cells.length).toBeGreaterThan(10);
    const got = cells.map((x) => [
      x.quarter,
      x.cohort,
      x.outcomes.employed_6m,
      x.outcomes.employed_12m,
      x.outcomes.rsa_12m,
    ]);
    const want = truth.map((x) => [
      x.quarter,
      x.cohort,
      x.employed_6m?.count ?? null,
      x.employed_12m?.count ?? null,
      x.rsa_12m?.count ?? null,
    ]);
    expect(got).toEqual(want);
  });

  it('ldh-link link runs a linkage from the command line and saves the report', async () => {
    const tokenFile = join(h.dir, 'admin.token');
    await writeFile(tokenFile, `${h.tokens.admin}\n`, { mode: 0o600 });
    const report = join(h.dir, 'report.html');
    const { stdout } = await run(
      'node',
      ['--import', 'tsx', MAIN, 'link', '--hub', h.url, '--token-file', tokenFile, '--report', report],
      {
        encoding: 'utf8',
      },
    );
    expect(stdout).toMatch(/linkage run \S+ succeeded: \d+ records → \d+ persons/);
    const html = await readFile(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves the report as HTML and JSON, aggregates only', async () => {
    const html = await api('GET', `/v1/linkage-runs/${first}/report`).then((x) => x.r);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const r = await fetch(`${h.url}/v1/linkage-runs/${first}/report`, {
      headers: { authorization: `Bearer ${h.tokens.admin}`, accept: 'application/json' },
    });
    const report = (await r.json()) as {
      summary: {
        records: number;
        persons: number;
        links: Record<string, number>;
        recordsBySource: Record<string, number>;
        unlinkedShare: Record<string, number>;
      };
    };
    // the report's figures, recomputed independently from the tables the run wrote
    await h.stop();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`ATTACH '${h.config.database}' AS hub (READ_ONLY)`);
    const q = async (sql: string) => (await c.runAndReadAll(sql)).getRows();
    const [[records, persons]] = (await q(
      `SELECT count(*), count(DISTINCT person) FROM hub.run_persons WHERE run_id = '${first}'`,
    )) as [[bigint, bigint]];
    const links = Object.fromEntries(
      (await q(`SELECT type, count(*) FROM hub.run_links WHERE run_id = '${first}' GROUP BY type`)).map(
        (x) => [String(x[0]), Number(x[1])],
      ),
    );
    const unlinked = Object.fromEntries(
      (
        await q(
          `WITH p AS (SELECT person, count(DISTINCT source) AS n FROM hub.run_persons WHERE run_id = '${first}' GROUP BY person)
           SELECT r.source, avg(CASE WHEN p.n = 1 THEN 1 ELSE 0 END) FROM hub.run_persons r JOIN p USING (person)
           WHERE r.run_id = '${first}' GROUP BY r.source`,
        )
      ).map((x) => [String(x[0]), Number(x[1])]),
    );
    c.closeSync();
    db.closeSync();
    await h.start();
    expect(report.summary.records).toBe(Number(records));
    expect(report.summary.persons).toBe(Number(persons));
    expect(report.summary.links).toEqual({
      nir: links.nir ?? 0,
      idkey: links.idkey ?? 0,
      fuzzy: links.fuzzy ?? 0,
    });
    for (const [s, share] of Object.entries(unlinked))
      expect(report.summary.unlinkedShare[s]).toBeCloseTo(share, 10);
  });

  it('a cancelled run and a failed run leave the previous result in use', async () => {
    const before = (await api('GET', '/v1/linkage-runs')).json as {
      runs: { id: string; current: boolean }[];
    };
    const inUse = before.runs.find((r) => r.current)?.id;
    expect(inUse).toBeDefined();
    const started = await api('POST', '/v1/linkage-runs', {});
    const id = String(started.json?.id);
    const cancelled = await api('POST', `/v1/linkage-runs/${id}/cancel`);
    // the run may finish before the cancellation reaches it on a fast machine
    if (cancelled.status === 200)
      expect(cancelled.json).toMatchObject({ status: 'cancelled', current: false });
    else expect(cancelled.status).toBe(409);

    // a failure: an engine configuration the API would refuse, through the service directly
    await h.stop();
    await withHubStore(h.configPath, async (store) => {
      const runs = new LinkageRuns(store, silentLogger);
      const bad = await runs.start('cli', { topK: 0 });
      await runs.idle();
      expect(await runs.status(bad.id)).toMatchObject({ status: 'failed', current: false });
      const current = await runs.currentRun();
      expect(current === inUse || (cancelled.status === 409 && current === id)).toBe(true);
    });
    await h.start();
    const list = await api('GET', '/v1/linkage-runs');
    const runs = (list.json as { runs: unknown[] }).runs;
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const verify = await api('GET', '/v1/audit/verify');
    expect(verify.json).toMatchObject({ ok: true });
  });
});

describe('studies and researchers’ queries', () => {
  const QUERY = {
    version: 1,
    cohort: { are_opening: { from: '2019-Q1', to: '2022-Q4' } },
    outcomes: [{ kind: 'employed', k: 12 }],
    breakdowns: ['quarter'],
  };
  const as = (token: string) => async (method: string, path: string, body?: unknown, accept?: string) => {
    const r = await fetch(`${h.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(accept ? { accept } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return {
      status: r.status,
      text,
      json: (() => {
        try {
          return JSON.parse(text) as Record<string, unknown>;
        } catch {
          return null;
        }
      })(),
    };
  };

  it('an admin creates a study; its researcher queries it and gets tables with small cells suppressed', async () => {
    const admin = as(h.tokens.admin);
    const created = await admin('POST', '/v1/studies', {
      id: 's1',
      purpose: 'Return to employment after an unemployment right (test study)',
      breakdowns: ['quarter', 'sex'],
      period: { from: '2019-Q1', to: '2024-Q4' },
    });
    expect(created.status).toBe(201);
    const researcher = as(h.tokens['researcher:s1']);
    const r = await researcher('POST', '/v1/studies/s1/queries', QUERY);
    expect(r.status, r.text).toBe(201);
    const release = r.json as unknown as {
      result: {
        cells: {
          coords: string[];
          count: number | null;
          suppressed: boolean;
          outcomes: Record<string, { count: number | null }>;
        }[];
      };
    };
    const cells = release.result.cells;
    const total = cells.find((c) => c.coords[0] === 'total');
    expect(total?.suppressed).toBe(false);
    expect(total?.count).toBeGreaterThan(100);
    for (const c of cells)
      if (c.suppressed) expect([c.count, c.outcomes.employed_12m?.count]).toEqual([null, null]);
    for (const c of cells) if (!c.suppressed) expect(c.count as number).toBeGreaterThanOrEqual(11);
    const csv = await researcher(
      'GET',
      `/v1/studies/s1/queries/${String(r.json?.id)}`,
      undefined,
      'text/csv',
    );
    expect(csv.text.split('\n')[0]).toBe(
      'quarter,count,employed_12m_count,employed_12m_share,employed_12m_suppressed,suppressed',
    );
  });

  it('refuses breakdowns the study does not allow, and hides the study from other researchers', async () => {
    const researcher = as(h.tokens['researcher:s1']);
    const bad = await researcher('POST', '/v1/studies/s1/queries', { ...QUERY, breakdowns: ['age_band'] });
    expect([bad.status, bad.json?.code]).toEqual([403, 'query-not-allowed']);
    const invalid = await researcher('POST', '/v1/studies/s1/queries', { ...QUERY, version: 2 });
    expect([invalid.status, invalid.json?.code]).toEqual([400, 'validation-failed']);
    await h.stop();
    const other = await withHubStore(h.configPath, (store) =>
      createToken(store, parseRole('researcher:s2'), { actor: 'cli' }),
    );
    await h.start();
    const s2 = as(other.token);
    expect((await s2('GET', '/v1/studies')).json).toEqual({ studies: [] });
    expect((await s2('POST', '/v1/studies/s1/queries', QUERY)).status).toBe(404); // another study: not even its existence
  });

  it('refuses a cohort that differs from a released one by fewer persons than the threshold', async () => {
    const admin = as(h.tokens.admin);
    expect(
      (
        await admin('POST', '/v1/studies', {
          id: 'diff',
          purpose: 'Differencing attempts through region filters (test study)',
          breakdowns: ['quarter', 'region'],
          period: { from: '2019-Q1', to: '2024-Q4' },
        })
      ).status,
    ).toBe(201);
    await h.stop();
    const t = await withHubStore(h.configPath, (store) =>
      createToken(store, parseRole('researcher:diff'), { actor: 'cli' }),
    );
    await h.start();
    const researcher = as(t.token);
    expect((await researcher('POST', '/v1/studies/diff/queries', QUERY)).status).toBe(201);
    // the persons of QUERY's cohort found in one region only, per region: leaving one region out of a
    // filter removes exactly them
    await h.stop();
    const db = await DuckDBInstance.create(h.config.database);
    const c = await db.connect();
    const only = (
      await c.runAndReadAll(
        `SELECT region, count(*) AS n FROM (
           SELECT person, any_value(region) AS region FROM cohort_facts
           WHERE run_id = (SELECT run_id FROM run_facts ORDER BY built_at DESC LIMIT 1)
             AND q BETWEEN ${2019 * 4} AND ${2022 * 4 + 3}
           GROUP BY person HAVING count(DISTINCT region) = 1)
         GROUP BY region ORDER BY n, region`,
      )
    ).getRowObjectsJS();
    c.closeSync();
    db.closeSync();
    await h.start();
    const small = only.find((x) => Number(x.n) >= 1 && Number(x.n) < 11);
    expect(small, 'a region with 1–10 persons of the cohort').toBeDefined();
    const without = (region: unknown) => ({
      ...QUERY,
      cohort: { ...QUERY.cohort, filters: { region: REGIONS.filter((r) => r !== region) } },
    });
    const r = await researcher('POST', '/v1/studies/diff/queries', without(small?.region));
    expect([r.status, r.json?.code]).toEqual([422, 'differencing-refused']);
    // a cohort that differs by at least the threshold is answered
    // the same cells by another road: all regions but a large one, by quarter — the quarters differ by a
    // few persons each, so it is refused too, although the whole cohorts differ by many
    const byRegion = only.find((x) => Number(x.n) >= 11);
    const padded = await researcher('POST', '/v1/studies/diff/queries', without(byRegion?.region));
    expect([padded.status, padded.json?.code]).toEqual([422, 'differencing-refused']);
    // a cohort one year longer differs by whole quarters: answered
    const longer = await researcher('POST', '/v1/studies/diff/queries', {
      ...QUERY,
      cohort: { are_opening: { from: '2019-Q1', to: '2023-Q4' } },
    });
    expect(longer.status, longer.text).toBe(201);
    const again = await researcher('POST', '/v1/studies/diff/queries', without(small?.region));
    expect([again.status, again.json?.code]).toEqual([422, 'differencing-refused']);
    const verify = await api('GET', '/v1/audit/verify');
    expect(verify.json).toMatchObject({ ok: true });
    const entries = (
      (await api('GET', '/v1/audit?limit=1000')).json as {
        entries: { action: string; detail: Record<string, unknown> }[];
      }
    ).entries;
    expect(entries.filter((e) => e.action === 'query.released').length).toBeGreaterThanOrEqual(1);
    expect(entries.at(-1)).toMatchObject({
      action: 'query.refused',
      detail: { code: 'differencing-refused' },
    });
  });
});

describe('researchers at the command line, and the privacy budget', () => {
  const QUERY = {
    version: 1,
    cohort: { are_opening: { from: '2019-Q1', to: '2022-Q4' } },
    outcomes: [{ kind: 'employed', k: 12 }],
    breakdowns: ['quarter'],
  };

  it('ldh-link query prints the released table with suppressed cells marked and a legend', async () => {
    const tokenFile = join(h.dir, 'researcher.token');
    await writeFile(tokenFile, `${h.tokens['researcher:s1']}\n`, { mode: 0o600 });
    const queryFile = join(h.dir, 'query.json');
    await writeFile(
      queryFile,
      JSON.stringify({ ...QUERY, cohort: { are_opening: { from: '2019-Q1', to: '2023-Q4' } } }),
    );
    const { stdout } = await run(
      'node',
      [
        '--import',
        'tsx',
        MAIN,
        'query',
        '--hub',
        h.url,
        '--token-file',
        tokenFile,
        '--study',
        's1',
        '--file',
        queryFile,
      ],
      { encoding: 'utf8' },
    );
    expect(stdout.split('\n')[0]).toMatch(/^quarter\s+cohort\s+employed_12m \(share\)/);
    expect(stdout).toMatch(/^total\s+\d+/m);
    expect(stdout).toMatch(/suppressed \(\d+ of \d+ values\)/);
    // and the HTML page beside the query file, with the chart of the shares
    const html = await readFile(join(h.dir, 'query.html'), 'utf8');
    expect(html).toMatch(/<svg [^>]*aria-label="employed: share of the cohort"/);
  });

  it('a study with differential privacy spends its budget and then refuses', async () => {
    const admin = async (method: string, path: string, body: unknown) =>
      fetch(`${h.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await admin('POST', '/v1/studies', {
      id: 'dp1',
      purpose: 'A study released with discrete Laplace noise (test)',
      breakdowns: ['quarter'],
      period: { from: '2019-Q1', to: '2024-Q4' },
      policy: { dp: { mechanism: 'discrete-laplace', budget: 1, perRelease: 0.6 } },
    });
    expect(created.status).toBe(201);
    await h.stop();
    const t = await withHubStore(h.configPath, (store) =>
      createToken(store, parseRole('researcher:dp1'), { actor: 'cli' }),
    );
    await h.start();
    const ask = () =>
      fetch(`${h.url}/v1/studies/dp1/queries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(QUERY),
      });
    const first = await ask();
    expect(first.status).toBe(201);
    expect(((await first.json()) as { result: { noise: string } }).result.noise).toBe('discrete-laplace');
    const second = await ask();
    expect(second.status).toBe(422);
    expect(((await second.json()) as { code: string }).code).toBe('budget-exhausted');
  });
});

describe('releases of one cohort audited together', () => {
  it('whatever it answers, no small count can be narrowed from all the tables of the cohort together (independent audit)', async () => {
    const admin = async (path: string, body: unknown) =>
      fetch(`${h.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (
        await admin('/v1/studies', {
          id: 'comb',
          purpose: 'Several tables of one cohort (test study)',
          breakdowns: ['quarter', 'sex', 'age_band'],
          period: { from: '2019-Q1', to: '2024-Q4' },
        })
      ).status,
    ).toBe(201);
    await h.stop();
    const t = await withHubStore(h.configPath, (store) =>
      createToken(store, parseRole('researcher:comb'), { actor: 'cli' }),
    );
    await h.start();
    const base = {
      version: 1,
      cohort: { are_opening: { from: '2021-Q1', to: '2022-Q4' } },
      outcomes: [{ kind: 'employed', k: 12 }],
    };
    const asked = [
      ['quarter', 'sex'],
      ['quarter', 'age_band'],
      ['sex', 'age_band'],
      ['quarter', 'sex', 'age_band'],
    ];
    const released: { breakdowns: string[]; cells: { count: number | null }[] }[] = [];
    const refused: string[][] = [];
    for (const breakdowns of asked) {
      const r = await fetch(`${h.url}/v1/studies/comb/queries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...base, breakdowns }),
      });
      const body = (await r.json()) as { code?: string; result?: { cells: { count: number | null }[] } };
      if (r.status === 201) released.push({ breakdowns, cells: body.result?.cells ?? [] });
      else {
        expect([r.status, body.code]).toEqual([422, 'combination-refused']);
        refused.push(breakdowns);
      }
    }
    expect(released.length).toBeGreaterThanOrEqual(2);
    // the attacker's view: the true counts of the released cells, the others unknown, all of them margins
    // of the quarter × sex × age band cube (audit.ts auditTables, another code path than the hub's)
    await h.stop();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`ATTACH '${h.config.database}' AS hub (READ_ONLY)`);
    const runId = String(
      (
        await c.runAndReadAll('SELECT run_id FROM hub.run_facts ORDER BY built_at DESC LIMIT 1')
      ).getRows()[0]?.[0],
    );
    const cubeVars = ['quarter', 'sex', 'age_band'] as const;
    const tables: { table: Table; suppressed: Uint8Array; ids: Int32Array }[] = [];
    for (const r of released) {
      const computed = await computeQuery(c, 'hub', runId, { ...base, breakdowns: r.breakdowns } as QueryV1);
      tables.push({
        table: computed.counts,
        suppressed: Uint8Array.from(r.cells, (x) => (x.count === null ? 1 : 0)),
        ids: projectionIds(
          [8, 3, 6],
          r.breakdowns.map((b) => cubeVars.indexOf(b as (typeof cubeVars)[number])),
        ),
      });
    }
    c.closeSync();
    db.closeSync();
    await h.start();
    const audits = await auditTables(tables, 11, { cube: [8, 3, 6] });
    let small = 0;
    audits.forEach((a, k) => {
      const cells = (tables[k] as (typeof tables)[number]).table.cells;
      for (const [cell, [lo, hi]] of a.intervals) {
        const v = cells[cell] as number;
        if (v > 0 && v < 11) {
          small++;
          expect(hi - lo, `${released[k]?.breakdowns.join('×')} cell ${cell}`).toBeGreaterThanOrEqual(11);
        }
      }
    });
    expect(small).toBeGreaterThan(0);
    console.log(
      `combined releases: ${released.length} answered, ${refused.length} refused, ${small} small counts checked`,
    );
  });
});

describe('survival curves', () => {
  it('releases a Kaplan–Meier curve of time to the first contract, steps suppressed under the threshold', async () => {
    const r = await fetch(`${h.url}/v1/studies/s1/queries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.tokens['researcher:s1']}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: 1,
        cohort: { are_opening: { from: '2019-Q1', to: '2024-Q2' } },
        outcomes: [{ kind: 'employed', k: 6 }],
        breakdowns: [],
        time_to_contract: { horizon: 18 },
      }),
    });
    expect(r.status).toBe(201);
    const curve = (
      (await r.json()) as {
        curve: { month: number; atRisk: number | null; survival: number | null; suppressed: boolean }[];
      }
    ).curve;
    expect(curve.map((s) => s.month)).toEqual(Array.from({ length: 19 }, (_, i) => i));
    const shown = curve.filter((s) => !s.suppressed);
    expect(shown.length).toBeGreaterThan(0);
    for (const s of shown) expect(s.atRisk as number).toBeGreaterThanOrEqual(11);
    for (let i = 1; i < shown.length; i++)
      expect((shown[i]?.survival as number) <= (shown[i - 1]?.survival as number)).toBe(true);
    const firstHidden = curve.findIndex((s) => s.suppressed);
    if (firstHidden >= 0)
      expect(curve.slice(firstHidden).every((s) => s.suppressed && s.atRisk === null)).toBe(true);
  });
});
