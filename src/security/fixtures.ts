/**
 * Fixtures of the security tests (issue 8): real hubs holding the committed synthetic sample, built like
 * `sampleHub` (src/hub/test-hub.ts) but with what the attacks need — producers' signing keys shared by
 * several hubs (so that the very same extract can be sent to two hubs), every producer's upload token,
 * researcher tokens created before the service starts, variants of the sample files (rows shuffled, rows
 * left out or added) and a choice of upload order. Tests only.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Source } from '../core/fields.js';
import { keyFingerprint } from '../core/keys.js';
import { withHubStore } from '../hub/admin.js';
import { pinProducer } from '../hub/producers.js';
import { parseRole } from '../hub/roles.js';
import {
  createTestHub,
  hubApi,
  post,
  SAMPLE_LINKAGE_KEY_HEX,
  sealedOf,
  type TestHub,
  waitForRun,
} from '../hub/test-hub.js';
import { createToken } from '../hub/tokens.js';
import { pseudonymise } from '../producer/pseudonymise.js';
import { createSigningKeyFiles, readLinkageKey, readPublicKey } from '../shared/key-files.js';

export const SAMPLE = new URL('../../synthetic-data/sample/', import.meta.url).pathname;
export const SOURCES3 = ['pe', 'dsn', 'cnaf'] as const satisfies readonly Source[];

/** How each producer's sample file is written. */
export const SAMPLE_FORMAT = {
  pe: { encoding: 'latin1', delimiter: ';' },
  dsn: { encoding: 'utf-8', delimiter: ',' },
  cnaf: { encoding: 'utf-8', delimiter: '|' },
} as const;

/** Producers' signing keys and the linkage key file, in a directory of their own, shared by hubs. */
export interface ProducerKeys {
  readonly dir: string;
  readonly linkageKey: string;
  readonly signing: Record<Source, string>;
  readonly publicKeys: Record<Source, string>;
}

export async function producerKeys(dir: string): Promise<ProducerKeys> {
  const linkageKey = join(dir, 'linkage.key');
  await writeFile(linkageKey, `${SAMPLE_LINKAGE_KEY_HEX}\n`, { mode: 0o600 });
  const signing = {} as Record<Source, string>;
  const publicKeys = {} as Record<Source, string>;
  for (const s of SOURCES3) {
    const k = await createSigningKeyFiles(s, join(dir, 'keys'));
    signing[s] = k.secretPath;
    publicKeys[s] = k.publicPath;
  }
  return { dir, linkageKey, signing, publicKeys };
}

export interface AttackHub {
  readonly h: TestHub;
  /** upload tokens of the three producers */
  readonly producer: Record<Source, string>;
  /** researcher tokens by study id (the studies are created later, by the admin, through the API) */
  readonly researcher: Record<string, string>;
}

/**
 * An initialised, running hub (its own K_hub and sealing key) with the three producers pinned under
 * `keys` and the sample's linkage key, and researcher tokens for `studies`. Nothing uploaded yet.
 */
export async function attackHub(keys: ProducerKeys, studies: readonly string[]): Promise<AttackHub> {
  const h = await createTestHub({}, { linkageKeyHex: SAMPLE_LINKAGE_KEY_HEX });
  const fp = keyFingerprint(await readLinkageKey(keys.linkageKey));
  const producer = { dsn: h.tokens['producer:dsn'], pe: h.tokens['producer:pe'] } as Record<Source, string>;
  const researcher: Record<string, string> = {};
  await withHubStore(h.configPath, async (store) => {
    for (const s of SOURCES3) {
      await pinProducer(store, await readPublicKey(keys.publicKeys[s]), fp, { actor: 'cli', producer: s });
    }
    producer.cnaf = (await createToken(store, parseRole('producer:cnaf'), { actor: 'cli' })).token;
    for (const s of studies) {
      researcher[s] = (await createToken(store, parseRole(`researcher:${s}`), { actor: 'cli' })).token;
    }
  });
  await h.start();
  return { h, producer, researcher };
}

/** The lines of a sample file (header first), decoded with the producer's encoding, without line ends. */
export async function sampleLines(source: Source): Promise<string[]> {
  const text = await readFile(join(SAMPLE, `${source}.csv`), SAMPLE_FORMAT[source].encoding);
  return text.split(/\r?\n/).filter((l) => l !== '');
}

/** Writes a variant of a sample file (same encoding and delimiter) and returns its path. */
export async function writeVariant(source: Source, lines: readonly string[], path: string): Promise<string> {
  await writeFile(path, `${lines.join('\n')}\n`, SAMPLE_FORMAT[source].encoding);
  return path;
}

/** A seeded permutation (xorshift32 + Fisher–Yates): the body lines shuffled, the header kept first. */
export function shuffled(lines: readonly string[], seed: number): string[] {
  const [head, ...body] = lines;
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  for (let i = body.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [body[i], body[j]] = [body[j] as string, body[i] as string];
  }
  return [head as string, ...body];
}

/** Pseudonymises a producer's file (the sample's by default) with the real producer code. */
export async function extractOf(
  keys: ProducerKeys,
  source: Source,
  out: string,
  opts: { input?: string; created?: Date } = {},
): Promise<string> {
  await pseudonymise({
    source,
    input: opts.input ?? join(SAMPLE, `${source}.csv`),
    mapping: join(SAMPLE, `${source}.mapping.json`),
    linkageKey: keys.linkageKey,
    signingKey: keys.signing[source],
    out,
    encoding: SAMPLE_FORMAT[source].encoding,
    delimiter: SAMPLE_FORMAT[source].delimiter,
    workers: 0,
    ...(opts.created ? { now: () => opts.created as Date } : {}),
  });
  return out;
}

/** Uploads an extract directory sealed to the hub; returns the status and the parsed body. */
export async function upload(a: AttackHub, source: Source, dir: string) {
  return post(a.h, await sealedOf(a.h, dir), { token: a.producer[source] });
}

/** Starts a linkage run as the admin and waits for its end. */
export async function link(a: AttackHub): Promise<Record<string, unknown>> {
  const started = await hubApi(a.h, 'POST', '/v1/linkage-runs', {});
  if (started.status !== 202) throw new Error(`linkage refused: ${JSON.stringify(started.json)}`);
  return waitForRun(a.h, String(started.json?.id));
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly json: Record<string, unknown> | null;
  readonly type: string | null;
}

/** A call to the hub with any token (or none), any accept header; the body as text and, when JSON, parsed. */
export async function call(
  h: TestHub,
  method: string,
  path: string,
  opts: { token?: string | null | undefined; body?: unknown; accept?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.accept) headers.accept = opts.accept;
  const r = await fetch(`${h.url}${path}`, {
    method,
    headers,
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await r.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: r.status, text, json, type: r.headers.get('content-type') };
}

/** Creates a study as the admin; throws unless created. */
export async function createStudy(a: AttackHub, study: Record<string, unknown>): Promise<void> {
  const r = await call(a.h, 'POST', '/v1/studies', { token: a.h.tokens.admin, body: study });
  if (r.status !== 201) throw new Error(`study refused: ${r.text}`);
}

/** A released cell as the API returns it. */
export interface Cell {
  readonly coords: readonly string[];
  readonly count: number | null;
  readonly suppressed: boolean;
  readonly outcomes: Record<string, { count: number | null; share: number | null; suppressed: boolean }>;
}

export interface ReleaseBody {
  readonly id: string;
  readonly result: { readonly breakdowns: readonly string[]; readonly cells: readonly Cell[] };
}

/** Submits a query as a study's researcher. */
export async function ask(a: AttackHub, study: string, query: unknown): Promise<Answer> {
  return call(a.h, 'POST', `/v1/studies/${study}/queries`, {
    token: a.researcher[study] ?? null,
    body: query,
  });
}
