/**
 * The hub's configuration: one JSON file validated with zod at start-up, then environment overrides
 * (for containers and systemd units), then paths made absolute relative to the config file. A bad
 * value stops the start with a message naming the setting, never echoing a secret (the config holds
 * only paths to secret files).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { LdhError } from '../core/errors.js';

const GiB = 1024 ** 3;

export const HubConfig = z
  .object({
    listen: z
      .object({
        host: z
          .string()
          .min(1)
          .default('127.0.0.1')
          .describe('address to listen on (behind a TLS reverse proxy)'),
        port: z.number().int().min(0).max(65535).default(8787).describe('TCP port (0: any free port)'),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8787 }),
    /** the DuckDB file */
    database: z.string().min(1).default('hub.duckdb').describe('the DuckDB file'),
    /** staging area for uploads; on the same file system as nothing in particular, but large enough */
    data_dir: z
      .string()
      .min(1)
      .default('data')
      .describe('staging area for uploads (needs room for the largest extract)'),
    secrets: z
      .object({
        hub_key: z.string().min(1).default('secrets/hub.key').describe('K_hub, 64 hex digits, mode 0600'),
        seal_key: z
          .string()
          .min(1)
          .default('secrets/hub-seal.key')
          .describe('X25519 sealing secret key (JSON), mode 0600'),
      })
      .strict()
      .default({ hub_key: 'secrets/hub.key', seal_key: 'secrets/hub-seal.key' }),
    ingest: z
      .object({
        max_upload_bytes: z
          .number()
          .int()
          .min(1024)
          .default(8 * GiB)
          .describe('largest accepted upload body, bytes'),
        allow_unsealed: z
          .boolean()
          .default(false)
          .describe('accept plain tar bundles (policy: sealed only by default)'),
      })
      .strict()
      .default({ max_upload_bytes: 8 * GiB, allow_unsealed: false }),
    duckdb: z
      .object({
        memory_limit: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$/)
          .default('1GB')
          .describe('DuckDB memory limit (it spills to disk beyond)'),
        threads: z.number().int().min(1).max(64).default(2).describe('DuckDB worker threads'),
      })
      .strict()
      .default({ memory_limit: '1GB', threads: 2 }),
  })
  .strict();
export type HubConfig = z.infer<typeof HubConfig>;

/** Environment variables that override a setting, and how their text becomes a value. */
export const ENV_OVERRIDES: readonly {
  name: string;
  path: readonly string[];
  parse: (s: string) => unknown;
}[] = [
  { name: 'LDH_HUB_HOST', path: ['listen', 'host'], parse: (s) => s },
  { name: 'LDH_HUB_PORT', path: ['listen', 'port'], parse: Number },
  { name: 'LDH_HUB_DATABASE', path: ['database'], parse: (s) => s },
  { name: 'LDH_HUB_DATA_DIR', path: ['data_dir'], parse: (s) => s },
  { name: 'LDH_HUB_KEY_FILE', path: ['secrets', 'hub_key'], parse: (s) => s },
  { name: 'LDH_HUB_SEAL_KEY_FILE', path: ['secrets', 'seal_key'], parse: (s) => s },
  { name: 'LDH_HUB_MAX_UPLOAD_BYTES', path: ['ingest', 'max_upload_bytes'], parse: Number },
  {
    name: 'LDH_HUB_ALLOW_UNSEALED',
    path: ['ingest', 'allow_unsealed'],
    parse: (s) => (s === 'true' || s === '1' ? true : s === 'false' || s === '0' ? false : s),
  },
  { name: 'LDH_HUB_MEMORY_LIMIT', path: ['duckdb', 'memory_limit'], parse: (s) => s },
  { name: 'LDH_HUB_THREADS', path: ['duckdb', 'threads'], parse: Number },
];

function setPath(o: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path.at(-1) as string] = value;
}

/** Parses the config text (or an empty object) with overrides from `env`; paths resolved from `baseDir`. */
export function parseConfig(json: unknown, env: NodeJS.ProcessEnv, baseDir: string): HubConfig {
  const raw = structuredClone(json ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new LdhError('CONFIG_INVALID', 'the configuration must be a JSON object');
  }
  for (const o of ENV_OVERRIDES) {
    const v = env[o.name];
    if (v !== undefined && v !== '') setPath(raw, o.path, o.parse(v));
  }
  const r = HubConfig.safeParse(raw);
  if (!r.success) {
    const where = r.error.issues
      .map((i) => {
        const key = i.path.join('.') || '(root)';
        const o = ENV_OVERRIDES.find((x) => x.path.join('.') === key);
        return `${key}${o && env[o.name] ? ` (from ${o.name})` : ''}: ${i.message}`;
      })
      .join('; ');
    throw new LdhError('CONFIG_INVALID', `invalid hub configuration — ${where}`);
  }
  const c = r.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...c,
    database: abs(c.database),
    data_dir: abs(c.data_dir),
    secrets: { hub_key: abs(c.secrets.hub_key), seal_key: abs(c.secrets.seal_key) },
  };
}

export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): HubConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new LdhError('CONFIG_INVALID', `cannot read the configuration file ${path}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LdhError('CONFIG_INVALID', `the configuration file ${path} is not JSON`, { cause });
  }
  return parseConfig(json, env, dirname(resolve(path)));
}

/** The configuration `admin init` writes when none exists: every default spelled out. */
export function defaultConfigText(): string {
  const c = HubConfig.parse({});
  return `${JSON.stringify(c, null, 2)}\n`;
}

/** Every setting as documentation rows: dotted path, default, environment variable, description. */
export function settingRows(): { path: string; default: unknown; env: string | null; description: string }[] {
  const defaults = HubConfig.parse({}) as unknown as Record<string, unknown>;
  const rows: { path: string; default: unknown; env: string | null; description: string }[] = [];
  const walk = (schema: z.ZodType, path: string[]) => {
    let s: z.ZodType = schema;
    while (s instanceof z.ZodDefault) s = s.def.innerType as z.ZodType;
    if (s instanceof z.ZodObject) {
      for (const [k, v] of Object.entries(s.shape)) walk(v as z.ZodType, [...path, k]);
      return;
    }
    let value: unknown = defaults;
    for (const k of path) value = (value as Record<string, unknown>)[k];
    rows.push({
      path: path.join('.'),
      default: value,
      env: ENV_OVERRIDES.find((o) => o.path.join('.') === path.join('.'))?.name ?? null,
      description: schema.description ?? '',
    });
  };
  walk(HubConfig, []);
  return rows;
}
