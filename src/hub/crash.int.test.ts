/**
 * The hub as a real process (`ldh-link serve`), killed with SIGKILL at several points of an ingest and
 * restarted: the database holds the whole extract or none of it, staging is cleaned, the audit chain
 * verifies. Also the CLI upload against it, including retries while the hub is down.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultPoint } from './fault.js';
import { createTestHub, makeExtract, sealedOf, type TestHub } from './test-hub.js';

const MAIN = new URL('../cli/main.ts', import.meta.url).pathname;
const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Proc {
  readonly child: ChildProcess;
  readonly url: string;
  readonly out: string[];
  readonly exited: Promise<number | null>;
}

async function serve(h: TestHub, port: number, env: Record<string, string> = {}): Promise<Proc> {
  const child = spawn('node', ['--import', 'tsx', MAIN, 'serve', '--config', h.configPath], {
    env: { ...process.env, LDH_HUB_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${out.join('\n')}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out.push(d.toString());
      if (out.join('').includes('"msg":"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => out.push(d.toString()));
  });
  return { child, url: `http://127.0.0.1:${port}`, out, exited };
}

async function stop(p: Proc): Promise<void> {
  p.child.kill('SIGTERM');
  await p.exited;
}

async function tables(h: TestHub): Promise<{ extracts: number; identities: number; events: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(`ATTACH '${h.config.database}' AS hub (READ_ONLY)`);
    const r = await c.runAndReadAll(
      'SELECT (SELECT count(*) FROM hub.extracts), (SELECT count(*) FROM hub.identities), (SELECT count(*) FROM hub.events_dsn)',
    );
    const [extracts, identities, events] = (r.getRows()[0] ?? []).map(Number);
    return { extracts: extracts ?? -1, identities: identities ?? -1, events: events ?? -1 };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const cli = (...args: string[]) => run('node', ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });

let h: TestHub;
let extractDir: string;
let sealed: Buffer;
let manifest: { counts: { identities: number; events: number } };

beforeAll(async () => {
  h = await createTestHub();
  extractDir = await makeExtract(h, 'crash', { created: new Date('2026-06-01T00:00:00Z') });
  sealed = await sealedOf(h, extractDir);
  manifest = JSON.parse(await readFile(join(extractDir, 'manifest.json'), 'utf8'));
});

afterAll(async () => {
  await h.stop();
});

describe('crash safety', () => {
  const cases: { point: FaultPoint; kept: boolean }[] = [
    { point: 'received', kept: false },
    { point: 'loaded', kept: false },
    { point: 'committed', kept: true },
  ];
  for (const { point, kept } of cases) {
    it(`kill -9 at "${point}": ${kept ? 'the whole extract' : 'nothing'} after restart, chain intact`, async () => {
      const before = await tables(h);
      const port = await freePort();
      const p = await serve(h, port, { LDH_HUB_FAULT: point });
      const res = await fetch(`${p.url}/v1/extracts`, {
        method: 'POST',
        body: sealed,
        headers: {
          authorization: `Bearer ${h.tokens['producer:dsn']}`,
          'content-type': 'application/vnd.ldh-link.sealed',
        },
      }).catch((e: Error) => e);
      expect(res).toBeInstanceOf(Error); // the process died before answering
      expect(await p.exited).toBeNull(); // killed by a signal
      const after = await tables(h);
      const delta = {
        extracts: after.extracts - before.extracts,
        identities: after.identities - before.identities,
        events: after.events - before.events,
      };
      expect(delta).toEqual(
        kept
          ? { extracts: 1, identities: manifest.counts.identities, events: manifest.counts.events }
          : { extracts: 0, identities: 0, events: 0 },
      );
      const q = await serve(h, port);
      try {
        expect(await readdir(join(h.config.data_dir, 'staging')).catch(() => [])).toEqual([]);
        const verify = await fetch(`${q.url}/v1/audit/verify`, {
          headers: { authorization: `Bearer ${h.tokens.admin}` },
        });
        expect(await verify.json()).toMatchObject({ ok: true });
        // the producer simply sends it again: loaded now, or recognised as already received
        const again = await fetch(`${q.url}/v1/extracts`, {
          method: 'POST',
          body: sealed,
          headers: {
            authorization: `Bearer ${h.tokens['producer:dsn']}`,
            'content-type': 'application/vnd.ldh-link.sealed',
          },
        });
        expect(again.status).toBe(kept ? 200 : 201);
      } finally {
        await stop(q);
      }
      const { stdout } = await cli('audit', 'verify', '--config', h.configPath);
      expect(stdout).toMatch(/audit chain intact/);
      // leave the database as it was for the next case: remove this extract
      await removeExtracts(h);
    });
  }
});

async function removeExtracts(t: TestHub): Promise<void> {
  const db = await DuckDBInstance.create(t.config.database);
  const c = await db.connect();
  await c.run('DELETE FROM identities; DELETE FROM events_dsn; DELETE FROM extracts;');
  c.closeSync();
  db.closeSync();
}

describe('ldh-link upload (CLI process)', () => {
  it('retries while the hub is down, then prints the receipt', async () => {
    const port = await freePort();
    const tokenFile = join(h.dir, 'dsn.token');
    await writeFile(tokenFile, `${h.tokens['producer:dsn']}\n`, { mode: 0o600 });
    // sealed bundle in the directory, as pseudonymise --seal-to writes it
    await writeFile(join(extractDir, 'extract.sealed'), sealed);
    const upload = cli('upload', extractDir, '--hub', `http://127.0.0.1:${port}`, '--token-file', tokenFile);
    await new Promise((r) => setTimeout(r, 1500));
    const p = await serve(h, port);
    try {
      const { stdout, stderr } = await upload;
      expect(stderr).toMatch(/upload attempt 1 failed \(ECONNREFUSED\)/);
      const receipt = JSON.parse(stdout) as Record<string, unknown>;
      expect(receipt).toMatchObject({
        producer: 'dsn',
        sealed: true,
        identities: manifest.counts.identities,
      });
      // a refusal is final: exit code 40 and the problem code, no retry
      const refused = await cli(
        'upload',
        extractDir,
        '--hub',
        p.url,
        '--token-file',
        tokenFile,
        '--plain',
      ).catch((e: { code: number; stderr: string }) => e);
      expect(refused).toMatchObject({ code: 40 });
      expect((refused as { stderr: string }).stderr).toMatch(/sealing-required/);
      expect((refused as { stderr: string }).stderr).not.toMatch(/retrying/);
    } finally {
      await stop(p);
    }
    const logs = p.out.join('');
    expect(logs).not.toContain(h.tokens['producer:dsn']);
  });
});
