// What deploy/backup.sh and deploy/restore.sh need to know about a hub, through the hub's own code
// (dist/, so the configuration is read exactly as `ldh-link serve` reads it, environment overrides included):
//
//   node deploy/hub-info.mjs --config FILE [--keys]
//
// prints `name<TAB>value` lines: the tool version and the absolute paths of the database, its audit
// head, the data directory and the key files; with --keys also the sealing key id and a check value of
// K_hub — HMAC-SHA-256(K_hub, "ldh-link deploy: hub key check"), first 16 hex digits — that tells whether
// two K_hub files are the same without revealing either. Errors: the CLI's message and exit code.
import { createHmac } from 'node:crypto';

const app = new URL('../', import.meta.url);
const load = (p) => import(new URL(p, app).href);

const args = process.argv.slice(2);
const at = args.indexOf('--config');
const configPath = at >= 0 ? args[at + 1] : undefined;
if (!configPath) {
  process.stderr.write('usage: node deploy/hub-info.mjs --config FILE [--keys]\n');
  process.exit(2);
}

try {
  const { loadConfig } = await load('dist/hub/config.js');
  const { headPath } = await load('dist/hub/audit.js');
  const { readHubKey, readSealSecretKey, sealPublicPath } = await load('dist/shared/key-files.js');
  const { TOOL_VERSION } = await load('dist/version.js');
  const c = loadConfig(configPath);
  const rows = [
    ['version', TOOL_VERSION],
    ['database', c.database],
    ['audit_head', headPath(c.database)],
    ['data_dir', c.data_dir],
    ['hub_key', c.secrets.hub_key],
    ['seal_key', c.secrets.seal_key],
    ['seal_public_key', sealPublicPath(c.secrets.seal_key)],
  ];
  if (args.includes('--keys')) {
    const hubKey = await readHubKey(c.secrets.hub_key);
    const seal = await readSealSecretKey(c.secrets.seal_key);
    const check = createHmac('sha256', hubKey.bytes).update('ldh-link deploy: hub key check').digest('hex');
    rows.push(['hub_key_check', check.slice(0, 16)], ['seal_key_id', seal.keyId]);
  }
  for (const [k, v] of rows) {
    if (/[\t\n]/.test(v)) throw new Error(`the path of ${k} holds a tab or a newline`);
    process.stdout.write(`${k}\t${v}\n`);
  }
} catch (e) {
  process.stderr.write(`hub-info: ${e?.code ? `error ${e.code}: ` : ''}${e?.message ?? String(e)}\n`);
  process.exit(typeof e?.exitCode === 'number' ? e.exitCode : 1);
}
