/**
 * `ldh-link admin init | producer add | token create | token revoke | token list` — on the hub's
 * database file, with the service stopped.
 */
import { defineCommand } from 'citty';
import { LdhError } from '../../core/errors.js';
import { SOURCES, type Source } from '../../core/fields.js';
import { initHub, withHubStore } from '../../hub/admin.js';
import { pinProducer } from '../../hub/producers.js';
import { parseRole } from '../../hub/roles.js';
import { createToken, listTokens, revokeToken } from '../../hub/tokens.js';
import { readPublicKey } from '../../shared/key-files.js';
import { guarded } from '../guard.js';

const config = { type: 'string', required: true, description: 'hub configuration file (JSON)' } as const;

const init = defineCommand({
  meta: {
    name: 'init',
    description:
      'Create the hub: the config file (when absent, with every default), K_hub and the X25519 sealing key pair ' +
      '(0600), and the migrated database. Refuses to overwrite existing secrets.',
  },
  args: { config },
  run: guarded(async (a: { config: string }) => {
    const r = await initHub(a.config);
    process.stdout.write(
      `${r.createdConfig ? `config written to ${a.config}\n` : ''}hub key      ${r.config.secrets.hub_key} (mode 0600)\n` +
        `sealing key  ${r.config.secrets.seal_key} (mode 0600)\nsealing public key for producers: ${r.sealPublicKey} (key id ${r.sealKeyId})\n` +
        `database     ${r.config.database}\nnext: ldh-link admin producer add …, ldh-link admin token create --role admin\n`,
    );
  }),
});

const producerAdd = defineCommand({
  meta: {
    name: 'add',
    description:
      "Pin a producer's signing public key and the fingerprint of the linkage key its extracts must carry.",
  },
  args: {
    config,
    producer: { type: 'string', required: true, description: SOURCES.join(' | ') },
    'public-key': {
      type: 'string',
      required: true,
      description: "the producer's public key file (keygen producer)",
    },
    fingerprint: {
      type: 'string',
      required: true,
      description: 'linkage key fingerprint (64 hex, from keygen linkage)',
    },
  },
  run: guarded(async (a: { config: string; producer: string; 'public-key': string; fingerprint: string }) => {
    if (!SOURCES.includes(a.producer as Source))
      throw new LdhError('USAGE', `--producer must be one of ${SOURCES.join(', ')}`);
    const pub = await readPublicKey(a['public-key']);
    await withHubStore(a.config, (store) =>
      pinProducer(store, pub, a.fingerprint.toLowerCase(), { actor: 'cli', producer: a.producer as Source }),
    );
    process.stdout.write(`producer ${a.producer} pinned: signing key id ${pub.key_id}\n`);
  }),
});

const tokenCreate = defineCommand({
  meta: { name: 'create', description: 'Create a bearer token; it is printed once, only its hash is kept.' },
  args: {
    config,
    role: {
      type: 'string',
      required: true,
      description: 'admin | producer:<pe|dsn|cnaf> | researcher:<study>',
    },
    label: { type: 'string', description: 'a note for whoever lists tokens (e.g. who holds it)' },
  },
  run: guarded(async (a: { config: string; role: string; label: string | undefined }) => {
    const role = parseRole(a.role);
    const t = await withHubStore(a.config, (store) =>
      createToken(store, role, { actor: 'cli', ...(a.label ? { label: a.label } : {}) }),
    );
    process.stderr.write(`token ${t.id} created for ${a.role}; store it now, it is not shown again:\n`);
    process.stdout.write(`${t.token}\n`);
  }),
});

const tokenRevoke = defineCommand({
  meta: { name: 'revoke', description: 'Revoke a token by its id (the 16 hex digits after ldh_).' },
  args: { config, id: { type: 'positional', required: true, description: 'token id' } },
  run: guarded(async (a: { config: string; id: string }) => {
    await withHubStore(a.config, (store) => revokeToken(store, a.id, { actor: 'cli' }));
    process.stdout.write(`token ${a.id} revoked\n`);
  }),
});

const tokenList = defineCommand({
  meta: { name: 'list', description: 'List tokens: id, role, label, created, revoked (never the secret).' },
  args: { config },
  run: guarded(async (a: { config: string }) => {
    const ts = await withHubStore(a.config, (store) => listTokens(store));
    for (const t of ts) {
      process.stdout.write(
        `${t.id}  ${t.role.padEnd(24)} ${t.created_at}  ${t.revoked_at ? `revoked ${t.revoked_at}` : 'active'}  ${t.label ?? ''}\n`,
      );
    }
  }),
});

export const adminCommand = defineCommand({
  meta: { name: 'admin', description: 'Hub administration on the database file (stop the service first).' },
  subCommands: {
    init,
    producer: defineCommand({
      meta: { name: 'producer', description: 'Pin producers' },
      subCommands: { add: producerAdd },
    }),
    token: defineCommand({
      meta: { name: 'token', description: 'Bearer tokens' },
      subCommands: { create: tokenCreate, revoke: tokenRevoke, list: tokenList },
    }),
  },
});
