/**
 * Test fixtures for the hub: an initialised hub in a temp directory (config, secrets, DuckDB file),
 * pinned producers, tokens of every role, extracts made by the real producer code, bundles, and a
 * running server on loopback whose log lines are captured for searching. Tests only.
 */
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { fromHex } from '../core/bytes.js';
import { keyFingerprint } from '../core/keys.js';
import { type Manifest, signManifest, type UnsignedManifest } from '../core/manifest.js';
import { sealBytes } from '../core/seal.js';
import { packBundle } from '../extract/bundle-pack.js';
import { pseudonymise } from '../producer/pseudonymise.js';
import { DSN_HEADER, DSN_MAPPING, DSN_ROWS } from '../producer/test-fixtures.js';
import {
  createLinkageKeyFile,
  createSigningKeyFiles,
  readLinkageKey,
  readPublicKey,
  readSealPublicKey,
  readSigningKey,
} from '../shared/key-files.js';
import { initHub, withHubStore } from './admin.js';
import { type HubConfig, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { pinProducer } from './producers.js';
import { parseRole } from './roles.js';
import { type RunningHub, startHub } from './server.js';
import { createToken, revokeToken } from './tokens.js';

export const ROLES = ['admin', 'producer:dsn', 'producer:pe', 'researcher:s1'] as const;
export type RoleName = (typeof ROLES)[number];

export interface TestHub {
  readonly dir: string;
  readonly configPath: string;
  readonly config: HubConfig;
  readonly tokens: Record<RoleName | 'revoked', string>;
  readonly linkageKey: string;
  readonly signingKey: string;
  readonly sealPublic: Uint8Array;
  readonly logs: string[];
  hub?: RunningHub | undefined;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createTestHub(
  configOverrides: Record<string, unknown> = {},
  opts: { linkageKeyHex?: string } = {},
): Promise<TestHub> {
  const dir = await mkdtemp(join(tmpdir(), 'ldh-hub-'));
  const configPath = join(dir, 'hub', 'hub.json');
  await mkdir(join(dir, 'hub'));
  await writeFile(configPath, JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, ...configOverrides }));
  await initHub(configPath);
  const config = loadConfig(configPath);
  const linkageKey = join(dir, 'linkage.key');
  if (opts.linkageKeyHex) await writeFile(linkageKey, `${opts.linkageKeyHex}\n`, { mode: 0o600 });
  else await createLinkageKeyFile(linkageKey);
  const keys = await createSigningKeyFiles('dsn', join(dir, 'keys'));
  const fp = keyFingerprint(await readLinkageKey(linkageKey));
  const tokens = {} as Record<RoleName | 'revoked', string>;
  await withHubStore(configPath, async (store) => {
    await pinProducer(store, await readPublicKey(keys.publicPath), fp, { actor: 'cli', producer: 'dsn' });
    for (const r of ROLES) tokens[r] = (await createToken(store, parseRole(r), { actor: 'cli' })).token;
    const revoked = await createToken(store, parseRole('admin'), { actor: 'cli' });
    await revokeToken(store, revoked.id, { actor: 'cli' });
    tokens.revoked = revoked.token;
  });
  const sealPublic = (await readSealPublicKey(join(dir, 'hub', 'secrets', 'hub-seal.pub.json'))).publicKey;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const t: TestHub = {
    dir,
    configPath,
    config,
    tokens,
    linkageKey,
    signingKey: keys.secretPath,
    sealPublic,
    logs,
    url: '',
    async start() {
      t.hub = await startHub(config, createLogger(sink));
      t.url = t.hub.url;
    },
    async stop() {
      await t.hub?.stop();
      t.hub = undefined;
    },
  };
  return t;
}

/** Makes a real extract with the producer code; `created` sets the manifest time. */
export async function makeExtract(
  hub: TestHub,
  name: string,
  opts: { created?: Date; rows?: readonly string[]; linkageKey?: string } = {},
): Promise<string> {
  const input = join(hub.dir, `${name}.csv`);
  await writeFile(input, `${[DSN_HEADER, ...(opts.rows ?? DSN_ROWS)].join('\n')}\n`);
  const mapping = join(hub.dir, 'dsn.mapping.json');
  await writeFile(mapping, JSON.stringify(DSN_MAPPING));
  const out = join(hub.dir, name);
  await pseudonymise({
    source: 'dsn',
    input,
    mapping,
    linkageKey: opts.linkageKey ?? hub.linkageKey,
    signingKey: hub.signingKey,
    out,
    workers: 0,
    ...(opts.created ? { now: () => opts.created as Date } : {}),
  });
  return out;
}

/** A copy of an extract whose manifest is changed by `edit` and signed again (by `signingKey`). */
export async function tamperedExtract(
  hub: TestHub,
  from: string,
  name: string,
  edit: (m: UnsignedManifest & Record<string, unknown>) => void,
  signingKeyPath = hub.signingKey,
): Promise<string> {
  const out = join(hub.dir, name);
  await cp(from, out, { recursive: true });
  const m = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Manifest;
  const { signature: _s, ...unsigned } = m;
  edit(unsigned as UnsignedManifest & Record<string, unknown>);
  const key = await readSigningKey(signingKeyPath);
  const signed = signManifest(unsigned, fromHex(key.secret_key));
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(signed, null, 2)}\n`);
  return out;
}

export async function tarOf(dir: string): Promise<Buffer> {
  return buffer(packBundle(dir));
}

export async function sealedOf(hub: TestHub, dir: string, recipient = hub.sealPublic): Promise<Buffer> {
  return Buffer.from(sealBytes(recipient, await tarOf(dir), { chunkSize: 1024 }));
}

export async function post(
  hub: TestHub,
  body: Buffer,
  opts: { token?: string | null; type?: string } = {},
): Promise<{ status: number; json: Record<string, unknown>; type: string | null }> {
  const headers: Record<string, string> = { 'content-type': opts.type ?? 'application/vnd.ldh-link.sealed' };
  const token = opts.token === undefined ? hub.tokens['producer:dsn'] : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const r = await fetch(`${hub.url}/v1/extracts`, { method: 'POST', body, headers });
  const text = await r.text();
  return {
    status: r.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    type: r.headers.get('content-type'),
  };
}

/**
 * A fixed linkage key for tests that compare linked results with the ground truth: with a random key
 * the fuzzy links (hence a few outcome counts) vary from run to run; with this one the sample links
 * without error. A test key: never use it for real data.
 */
export const SAMPLE_LINKAGE_KEY_HEX = '6c64682d6c696e6b2071756572792074657374206b657920762031202d2d2d21';

const SAMPLE_PRODUCERS = [
  { source: 'pe', encoding: 'latin1', delimiter: ';' },
  { source: 'dsn', encoding: 'utf-8', delimiter: ',' },
  { source: 'cnaf', encoding: 'utf-8', delimiter: '|' },
] as const;

/**
 * A running hub holding the committed synthetic sample: the three producers pinned under the fixed
 * key, their extracts pseudonymised by the real producer code and uploaded sealed. Returns the hub and
 * each producer's extract directory (with its record map, for scoring against the truth).
 */
export async function sampleHub(sample: string): Promise<{ h: TestHub; extracts: Record<string, string> }> {
  const h = await createTestHub({}, { linkageKeyHex: SAMPLE_LINKAGE_KEY_HEX });
  const fp = keyFingerprint(await readLinkageKey(h.linkageKey));
  const signing: Record<string, string> = { dsn: h.signingKey };
  const uploadTokens: Record<string, string> = { dsn: h.tokens['producer:dsn'], pe: h.tokens['producer:pe'] };
  await withHubStore(h.configPath, async (store) => {
    for (const source of ['pe', 'cnaf'] as const) {
      const keys = await createSigningKeyFiles(source, join(h.dir, 'keys'));
      await pinProducer(store, await readPublicKey(keys.publicPath), fp, { actor: 'cli', producer: source });
      signing[source] = keys.secretPath;
    }
    uploadTokens.cnaf = (await createToken(store, parseRole('producer:cnaf'), { actor: 'cli' })).token;
  });
  await h.start();
  const extracts: Record<string, string> = {};
  for (const p of SAMPLE_PRODUCERS) {
    const out = join(h.dir, 'extracts', p.source);
    await pseudonymise({
      source: p.source,
      input: join(sample, `${p.source}.csv`),
      mapping: join(sample, `${p.source}.mapping.json`),
      linkageKey: h.linkageKey,
      signingKey: signing[p.source] as string,
      out,
      encoding: p.encoding,
      delimiter: p.delimiter,
      workers: 0,
    });
    const r = await post(h, await sealedOf(h, out), { token: uploadTokens[p.source] as string });
    if (r.status !== 201)
      throw new Error(`the sample's ${p.source} extract was refused: ${JSON.stringify(r.json)}`);
    extracts[p.source] = out;
  }
  return { h, extracts };
}

/** A JSON API call to the running hub with a token (the admin's by default). */
export async function hubApi(
  h: TestHub,
  method: string,
  path: string,
  body?: unknown,
  token = h.tokens.admin,
) {
  const r = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, json: (await r.json().catch(() => null)) as Record<string, unknown> | null, r };
}

/** Polls a linkage run until it is no longer running; returns its last status. */
export async function waitForRun(h: TestHub, id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const s = await hubApi(h, 'GET', `/v1/linkage-runs/${id}`);
    if (s.json?.status !== 'running') return s.json as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 100));
  }
}
