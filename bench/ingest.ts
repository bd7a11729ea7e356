/**
 * End-to-end ingest benchmark: `npm run bench:ingest -- --rows 1000000 [--plain]`.
 * Builds dist/ if needed. Once per size (cached under .bench-data/ingest/): a hub template (secrets, a
 * pinned DSN producer, a token) and a sealed extract of the synthetic DSN file of about that many rows,
 * made by the compiled `ldh-link pseudonymise --seal-to`. Each run copies the template to a fresh hub,
 * starts `ldh-link serve` in a child process, times the compiled `ldh-link upload` process from its
 * start to its exit (the receipt is printed after the rows are committed), stops the hub and ends with:
 *   ingest rows=<input rows> seconds=<s> peak_rss_mb=<hub's peak resident set>
 * `--plain` sends the unsealed tar instead (the hub is configured to allow it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDist, PROTOCOL_STAMP } from './dist.js';
import { startHubProcess } from './hub-process.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, plain: { type: 'boolean', default: false } },
});
const rows = Number(values.rows);
const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.bench-data', 'ingest');
mkdirSync(dir, { recursive: true });
ensureDist(root);
const cli = (...args: string[]) =>
  execFileSync('node', [join(root, 'dist/cli/main.js'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });

// the synthetic DSN file (shared with bench:producer)
const persons = Math.ceil(rows / 2.3);
const synth = join(root, '.bench-data', 'producer', `synth-${persons}`);
if (!existsSync(join(synth, 'dsn.csv'))) {
  process.stderr.write(`generating a synthetic population of ${persons} persons → ${synth}\n`);
  cli('synth', '--persons', String(persons), '--seed', '1', '--out', synth, '--force');
}
const inputRows = readFileSync(join(synth, 'dsn.csv')).reduce((n, b) => (b === 10 ? n + 1 : n), 0) - 1;

// the hub template (secrets, pinned producer, token) and the extract sealed to it, made once per size
const template = join(dir, 'hub-template');
const config = join(template, 'hub.json');
const token = join(template, 'dsn.token');
if (!existsSync(token)) {
  rmSync(template, { recursive: true, force: true });
  mkdirSync(template, { recursive: true });
  writeFileSync(
    config,
    JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, ingest: { allow_unsealed: true } }),
  );
  cli('admin', 'init', '--config', config);
  const fp = /fingerprint ([0-9a-f]{64})/.exec(
    cli('keygen', 'linkage', '--out', join(template, 'linkage.key')),
  )?.[1];
  cli('keygen', 'producer', '--producer', 'dsn', '--out', join(template, 'keys'));
  cli(
    'admin',
    'producer',
    'add',
    '--config',
    config,
    '--producer',
    'dsn',
    '--public-key',
    join(template, 'keys', 'dsn-public-key.json'),
    '--fingerprint',
    fp as string,
  );
  writeFileSync(token, cli('admin', 'token', 'create', '--config', config, '--role', 'producer:dsn'), {
    mode: 0o600,
  });
}
const extract = join(dir, `extract-${persons}`);
// the cached extract is remade when the protocol changes (the hub refuses other versions)
const stamp = join(dir, `extract-${persons}.protocol`);
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== PROTOCOL_STAMP)
  rmSync(extract, { recursive: true, force: true });
if (!existsSync(join(extract, 'extract.sealed'))) {
  process.stderr.write(`pseudonymising ${inputRows} rows → ${extract}\n`);
  cli(
    'pseudonymise',
    '--source',
    'dsn',
    '--input',
    join(synth, 'dsn.csv'),
    '--mapping',
    join(synth, 'dsn.mapping.json'),
    '--linkage-key',
    join(template, 'linkage.key'),
    '--signing-key',
    join(template, 'keys', 'dsn-signing-key.json'),
    '--out',
    extract,
    '--force',
    '--no-progress',
    '--seal-to',
    join(template, 'secrets', 'hub-seal.pub.json'),
  );
  writeFileSync(stamp, PROTOCOL_STAMP);
}

// a fresh hub from the template
const hubDir = join(dir, 'run');
rmSync(hubDir, { recursive: true, force: true });
cpSync(template, hubDir, { recursive: true });
const hub = await startHubProcess(root, join(hubDir, 'hub.json'));
const url = hub.url;
const t0 = performance.now();
const up = spawnSync(
  'node',
  [
    join(root, 'dist/cli/main.js'),
    'upload',
    extract,
    '--hub',
    url,
    '--token-file',
    join(hubDir, 'dsn.token'),
    '--no-progress',
    ...(values.plain ? ['--plain'] : []),
  ],
  { encoding: 'utf8' },
);
const seconds = (performance.now() - t0) / 1000;
const { peakRssMb: rss } = await hub.stop();
if (up.status !== 0) {
  process.stderr.write(up.stderr);
  process.exit(1);
}
const receipt = JSON.parse(up.stdout) as { identities: number; events: number; bytes: number };
process.stderr.write(
  `${values.plain ? 'plain' : 'sealed'} bundle of ${(receipt.bytes / 1e6).toFixed(1)} MB: ${receipt.identities} identities, ${receipt.events} events\n`,
);
rmSync(hubDir, { recursive: true, force: true });
process.stdout.write(
  `ingest rows=${inputRows} seconds=${seconds.toFixed(1)} peak_rss_mb=${Math.round(rss)}\n`,
);
