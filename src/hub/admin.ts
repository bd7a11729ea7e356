/**
 * Administration on the database file (the service must be stopped: DuckDB has one writing process):
 * `admin init` creates the config when absent, K_hub, the X25519 sealing pair and the migrated database;
 * the other commands pin producers and manage tokens. Every action is audited with actor `cli`.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LdhError } from '../core/errors.js';
import { createHubKeyFile, createSealKeyFiles, readHubKey, readSealSecretKey } from '../shared/key-files.js';
import { audit } from './audit.js';
import { defaultConfigText, type HubConfig, loadConfig } from './config.js';
import type { HubSecrets } from './ingest.js';
import { Store } from './store.js';

export interface InitResult {
  readonly config: HubConfig;
  readonly createdConfig: boolean;
  readonly sealPublicKey: string;
  readonly sealKeyId: string;
}

export async function initHub(configPath: string): Promise<InitResult> {
  let createdConfig = false;
  if (!existsSync(configPath)) {
    await mkdir(dirname(configPath), { recursive: true });
    await writeFile(configPath, defaultConfigText(), { flag: 'wx' });
    createdConfig = true;
  }
  const config = loadConfig(configPath);
  if (existsSync(config.secrets.hub_key) || existsSync(config.secrets.seal_key)) {
    throw new LdhError('USAGE', 'the hub secrets already exist: refusing to overwrite them (init runs once)');
  }
  await createHubKeyFile(config.secrets.hub_key);
  const seal = await createSealKeyFiles(config.secrets.seal_key);
  await mkdir(config.data_dir, { recursive: true, mode: 0o700 });
  const store = await openStore(config);
  try {
    await audit(store, {
      actor: 'cli',
      action: 'hub.initialised',
      target: null,
      outcome: 'ok',
      detail: { seal_key_id: seal.keyId },
    });
  } finally {
    await store.close();
  }
  return { config, createdConfig, sealPublicKey: seal.publicPath, sealKeyId: seal.keyId };
}

export function openStore(config: HubConfig): Promise<Store> {
  return Store.open(config.database, {
    memoryLimit: config.duckdb.memory_limit,
    threads: config.duckdb.threads,
  });
}

export async function loadSecrets(config: HubConfig): Promise<HubSecrets> {
  if (!existsSync(config.secrets.hub_key) || !existsSync(config.secrets.seal_key)) {
    throw new LdhError(
      'HUB_NOT_INITIALISED',
      'the hub secrets are missing: run `ldh-link admin init --config FILE`',
    );
  }
  return {
    hubKey: await readHubKey(config.secrets.hub_key),
    seal: await readSealSecretKey(config.secrets.seal_key),
  };
}

/** Opens an initialised hub's database for an admin command and closes it afterwards. */
export async function withHubStore<T>(
  configPath: string,
  fn: (store: Store, config: HubConfig) => Promise<T>,
): Promise<T> {
  const config = loadConfig(configPath);
  if (!existsSync(config.database)) {
    throw new LdhError(
      'HUB_NOT_INITIALISED',
      `no hub database at ${config.database}: run \`ldh-link admin init\``,
    );
  }
  const store = await openStore(config);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
