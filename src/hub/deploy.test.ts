/**
 * The deployment kit (deploy/) cannot go stale silently: the configuration examples go through the hub's
 * own loader, the systemd unit, the smoke test, the image and the compose file agree on the command line,
 * paths, port and stop timeout, and nothing the built code imports is a devDependency (the image installs
 * with `npm ci --omit=dev`). deploy/smoke.sh runs the whole thing; these are the cheap checks.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_OVERRIDES, loadConfig, parseConfig, settingRows } from './config.js';

const root = new URL('../../', import.meta.url).pathname;
const deploy = (f: string) => join(root, 'deploy', f);
const read = (f: string) => readFileSync(deploy(f), 'utf8');
const exampleJson = () => JSON.parse(read('hub.example.json')) as Record<string, unknown>;

/** `KEY=value` lines of a systemd unit; the last one wins, as in systemd. */
function unitValue(key: string): string | undefined {
  return [...read('ldh-link-hub.service').matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].at(-1)?.[1];
}
function unitValues(key: string): string[] {
  return [...read('ldh-link-hub.service').matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');
}

/** The environment file: assignments (NAME → value) and the names only mentioned in comments. */
function envExample() {
  const set = new Map<string, string>();
  const commented: string[] = [];
  const malformed: string[] = [];
  for (const line of read('hub.env.example').split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s*([A-Z][A-Z0-9_]*)=/.exec(line);
      if (m?.[1]) commented.push(m[1]);
      continue;
    }
    // what systemd's EnvironmentFile= and `set -a; . file` read the same way: no quotes, spaces or expansions
    const m = /^([A-Z][A-Z0-9_]*)=([^\s'"`$\\#]*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) set.set(m[1], m[2]);
    else malformed.push(line);
  }
  return { set, commented, malformed };
}

function leafPaths(o: Record<string, unknown>, prefix: string[] = []): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? leafPaths(v as Record<string, unknown>, [...prefix, k])
      : [[...prefix, k].join('.')],
  );
}

describe('deploy/hub.example.json', () => {
  it('loads through the hub configuration loader, with the layout of deploy/README.md', () => {
    const c = loadConfig(deploy('hub.example.json'), {});
    expect(c.listen.host).toBe('127.0.0.1');
    expect(c.database).toBe('/var/lib/ldh-link/hub.duckdb');
    expect(c.data_dir).toBe('/var/lib/ldh-link/data');
    expect(c.secrets).toEqual({
      hub_key: '/etc/ldh-link/secrets/hub.key',
      seal_key: '/etc/ldh-link/secrets/hub-seal.key',
    });
    expect(c.ingest.allow_unsealed).toBe(false);
  });

  it('spells out every setting of the schema, and nothing else', () => {
    expect(leafPaths(exampleJson()).sort()).toEqual(
      settingRows()
        .map((r) => r.path)
        .sort(),
    );
  });
});

describe('deploy/hub.env.example', () => {
  const known = ENV_OVERRIDES.map((o) => o.name);

  it('holds only NAME=value lines that systemd and sh read alike', () => {
    expect(envExample().malformed).toEqual([]);
  });

  it('sets and mentions only LDH_HUB_* variables the hub knows', () => {
    const { set, commented } = envExample();
    for (const name of [...set.keys(), ...commented]) expect(known, name).toContain(name);
    expect(set.size).toBeGreaterThan(0);
  });

  it('names every environment override, set or commented', () => {
    const { set, commented } = envExample();
    expect([...new Set([...set.keys(), ...commented])].sort()).toEqual([...known].sort());
  });

  it('makes a valid configuration with hub.example.json (values parsed as the hub parses them)', () => {
    const { set } = envExample();
    const c = parseConfig(exampleJson(), Object.fromEntries(set), '/etc/ldh-link');
    expect(c.listen.host).toBe('127.0.0.1');
    expect(c.listen.port).toBe(Number(set.get('LDH_HUB_PORT')));
    expect(set.has('LDH_HUB_PORT')).toBe(true); // deploy/smoke.sh replaces it by a free port
  });
});

describe('deploy/ldh-link-hub.service', () => {
  const config = loadConfig(deploy('hub.example.json'), {});

  it('starts the hub as deploy/smoke.sh does (it reads these lines from the unit)', () => {
    expect(unitValue('ExecStart')).toBe(
      '/usr/bin/node /opt/ldh-link/dist/cli/main.js serve --config /etc/ldh-link/hub.json',
    );
    expect(unitValue('EnvironmentFile')).toBe('/etc/ldh-link/hub.env');
    expect(unitValue('WorkingDirectory')).toBe(dirname(config.database));
    expect(unitValue('UMask')).toBe('0077');
    const smoke = read('smoke.sh');
    for (const key of ['ExecStart', 'EnvironmentFile', 'WorkingDirectory', 'UMask'])
      expect(smoke).toContain(`unit_value ${key}`);
    expect(smoke).toContain('"$DEPLOY/hub.example.json"');
    expect(smoke).toContain('"$DEPLOY/hub.env.example"');
  });

  it('may write where the database and the staging area are, and not where the secrets are', () => {
    const writable = unitValues('ReadWritePaths').flatMap((v) => v.split(/\s+/));
    const under = (p: string) => writable.some((w) => p === w || p.startsWith(`${w}/`));
    expect(unitValue('ProtectSystem')).toBe('strict');
    expect(under(config.database)).toBe(true);
    expect(under(config.data_dir)).toBe(true);
    expect(under(config.secrets.hub_key)).toBe(false);
    expect(under(config.secrets.seal_key)).toBe(false);
  });

  it('keeps W^X memory allowed (V8 JIT, WebAssembly) and the hardening on', () => {
    expect(unitValue('MemoryDenyWriteExecute')).toBe('no');
    expect(unitValue('NoNewPrivileges')).toBe('yes');
    expect(unitValue('CapabilityBoundingSet')).toBe('');
    expect(unitValue('PrivateTmp')).toBe('yes');
    expect(unitValue('ProtectHome')).toBe('yes');
    expect(unitValues('SystemCallFilter')).toContain('@system-service');
    expect(unitValue('RestrictAddressFamilies')).toBe('AF_INET AF_INET6 AF_UNIX');
    expect(unitValue('User')).toBe('ldh-link');
  });

  it('gives the graceful stop the same time as compose', () => {
    const stop = unitValue('TimeoutStopSec');
    expect(stop).toMatch(/^\d+s$/);
    expect(read('compose.yaml')).toContain(`stop_grace_period: ${stop}`);
  });
});

describe('deploy/Dockerfile and compose.yaml', () => {
  const dockerfile = read('Dockerfile');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const compose = read('compose.yaml');
  /** the lines of one top-level service of compose.yaml */
  const service = (name: string) => {
    const start = compose.indexOf(`\n  ${name}:\n`);
    const rest = compose.slice(start + 1);
    const end = rest.slice(1).search(/\n {2}[a-z][\w-]*:\n|\n[a-z]/);
    return end < 0 ? rest : rest.slice(0, end + 1);
  };

  it('builds in one stage and runs with production dependencies only, as a fixed non-root uid', () => {
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/m);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev\b/);
    expect(runtime).toMatch(/^USER 10001:10001$/m);
    expect(runtime).toContain('CMD ["node", "/app/deploy/healthcheck.mjs"]');
    expect(runtime).toContain('CMD ["serve", "--config", "/etc/ldh-link/hub.json"]');
    expect(runtime).toContain('COPY deploy/hub.example.json /etc/ldh-link/hub.json');
  });

  it('copies only files that exist and that the context filter lets through', () => {
    const ignore = read('Dockerfile.dockerignore');
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const f of (m[1] ?? '').split(' ').filter((x) => x.startsWith('deploy/'))) {
        expect(statSync(join(root, f)).isFile(), f).toBe(true);
        expect(ignore, f).toContain(`!${f}`);
      }
    }
  });

  it('publishes no hub port, runs it read-only, and gives it its secrets at the configured paths', () => {
    const hub = service('hub');
    expect(hub).toContain('read_only: true');
    expect(hub).toContain('- /tmp');
    expect(hub).not.toMatch(/^\s+ports:/m);
    expect(service('proxy')).toMatch(/^\s+ports:/m);
    expect(service('proxy')).toContain('read_only: true');
    for (const [env, target] of [
      ['LDH_HUB_KEY_FILE', 'hub.key'],
      ['LDH_HUB_SEAL_KEY_FILE', 'hub-seal.key'],
    ] as const) {
      expect(hub).toContain(`${env}: /run/secrets/${target}`);
      expect(hub).toContain(`target: ${target}`);
    }
    expect(hub).toContain('restart: unless-stopped');
    expect(hub).toContain('/app/deploy/healthcheck.mjs');
  });

  it('proxies to the port the hub listens on in the container', () => {
    const port = /LDH_HUB_PORT=(\d+)/.exec(runtime)?.[1];
    expect(port).toBeDefined();
    expect(service('hub')).toContain(`LDH_HUB_PORT: "${port}"`);
    expect(read('Caddyfile')).toContain(`reverse_proxy hub:${port}`);
  });
});

describe('runtime dependencies', () => {
  it('every package the built code imports is a dependency, not a devDependency', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // tsx is imported only when running from the .ts sources (tests, dev scripts), never from dist/
    const devOnlyUnderTsx = new Set(['tsx']);
    const missing: string[] = [];
    const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !posix.basename(f).startsWith('test-'),
    );
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const text = readFileSync(join(root, 'src', f), 'utf8');
      const specs = [
        ...text.matchAll(/\bfrom\s+'([^']+)'/g),
        ...text.matchAll(/^import\s+'([^']+)'/gm),
        ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
      ].map((m) => m[1] ?? '');
      for (const s of specs) {
        if (s.startsWith('.') || s.startsWith('node:') || builtinModules.includes(s)) continue;
        const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] ?? s);
        if (!(name in pkg.dependencies) && !devOnlyUnderTsx.has(name)) missing.push(`${f}: ${s}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('deploy/*.sh', () => {
  for (const script of ['smoke.sh', 'backup.sh', 'restore.sh']) {
    it(`${script} is executable, strict and parses`, () => {
      expect(statSync(deploy(script)).mode & 0o111).not.toBe(0);
      expect(read(script)).toContain('\nset -euo pipefail\n');
      const r = spawnSync('bash', ['-n', deploy(script)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
