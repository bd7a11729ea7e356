/**
 * Key files on disk: the linkage secret and the hub key K_hub (64 hex characters and a newline, mode
 * 0600), producer signing key pairs and the hub's X25519 sealing pair (JSON with a `kind`, private
 * files 0600). Reading validates length and kind and fails with
 * KEY_INVALID without ever echoing the file's content.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { fromHex, toHex } from '../core/bytes.js';
import { LdhError } from '../core/errors.js';
import type { Source } from '../core/fields.js';
import { isPublishedTestKey, type LinkageKey, linkageKey } from '../core/keys.js';
import { type HubKey, hubKey, isPublishedTestHubKey } from '../core/rekey.js';
import { recipientId, x25519KeyPair, x25519PublicKey } from '../core/seal.js';
import { newSigningKeyPair, PublicKeyFile, SigningKeyFile } from '../core/signing-keys.js';

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new LdhError('KEY_INVALID', `cannot read the ${what} file ${path}`, { cause });
  }
}

/** Writes a file that must not exist yet, readable by its owner only. */
async function writeSecret(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, content, { mode: 0o600, flag: 'wx' });
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST';
    throw new LdhError(
      'USAGE',
      exists ? `${path} already exists: refusing to overwrite a key` : `cannot write ${path}`,
      {
        cause,
      },
    );
  }
  await chmod(path, 0o600);
}

export async function createLinkageKeyFile(path: string): Promise<LinkageKey> {
  const key = linkageKey(new Uint8Array(randomBytes(32)));
  await writeSecret(path, `${Buffer.from(key.bytes).toString('hex')}\n`);
  return key;
}

export interface ReadLinkageKeyOptions {
  /**
   * accept the keys published in this repository (keys.ts, PUBLISHED_TEST_KEY_FINGERPRINTS; for K_hub,
   * rekey.ts, PUBLISHED_TEST_HUB_KEY_DIGESTS); by default only when the environment sets
   * LDH_ALLOW_TEST_KEYS=1, as the test suite does
   */
  readonly allowTestKeys?: boolean;
}

export async function readLinkageKey(path: string, opts: ReadLinkageKeyOptions = {}): Promise<LinkageKey> {
  const text = (await readText(path, 'linkage key')).trim();
  if (text === '') throw new LdhError('KEY_INVALID', `the linkage key file ${path} is empty`);
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new LdhError(
      'KEY_INVALID',
      `the linkage key file ${path} must hold exactly 64 hex characters (256 bits)`,
    );
  }
  const key = linkageKey(fromHex(text.toLowerCase()));
  const allowTestKeys = opts.allowTestKeys ?? process.env.LDH_ALLOW_TEST_KEYS === '1';
  if (!allowTestKeys && isPublishedTestKey(key)) {
    throw new LdhError(
      'KEY_INVALID',
      `the linkage key file ${path} holds a key published with ldh-link (conformance vectors or test fixtures): ` +
        'anyone can compute pseudonyms under it. Make a real one with `ldh-link keygen linkage`',
    );
  }
  return key;
}

export async function createSigningKeyFiles(producer: Source, dir: string) {
  const { secret, pub } = newSigningKeyPair(producer);
  const secretPath = join(dir, `${producer}-signing-key.json`);
  const publicPath = join(dir, `${producer}-public-key.json`);
  await writeSecret(secretPath, `${JSON.stringify(secret, null, 2)}\n`);
  await writeFile(publicPath, `${JSON.stringify(pub, null, 2)}\n`, { flag: 'wx' });
  return { secretPath, publicPath, keyId: pub.key_id };
}

async function readJsonKey<T>(
  path: string,
  what: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
): Promise<T> {
  const text = await readText(path, what);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LdhError('KEY_INVALID', `the ${what} file ${path} is not JSON`, { cause });
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new LdhError('KEY_INVALID', `the ${what} file ${path} is not an ldh-link ${what}`);
  return r.data;
}

export function readSigningKey(path: string): Promise<SigningKeyFile> {
  return readJsonKey(path, 'signing key', SigningKeyFile);
}

export function readPublicKey(path: string): Promise<PublicKeyFile> {
  return readJsonKey(path, 'public key', PublicKeyFile);
}

async function readHex32(path: string, what: string): Promise<Uint8Array> {
  const text = (await readText(path, what)).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new LdhError(
      'KEY_INVALID',
      `the ${what} file ${path} must hold exactly 64 hex characters (256 bits)`,
    );
  }
  return fromHex(text.toLowerCase());
}

export async function createHubKeyFile(path: string): Promise<void> {
  const key = hubKey(new Uint8Array(randomBytes(32)));
  await writeSecret(path, `${toHex(key.bytes)}\n`);
}

export async function readHubKey(path: string, opts: ReadLinkageKeyOptions = {}): Promise<HubKey> {
  const raw = await readHex32(path, 'hub key');
  if (!(opts.allowTestKeys ?? process.env.LDH_ALLOW_TEST_KEYS === '1') && isPublishedTestHubKey(raw)) {
    throw new LdhError(
      'KEY_INVALID',
      `the hub key file ${path} holds the hub key published with ldh-link's conformance vectors; ` +
        'make a real one with `ldh-link admin init`',
    );
  }
  return hubKey(raw);
}

export const SealSecretKeyFile = z
  .object({
    kind: z.literal('ldh-link/hub-seal-key'),
    key_id: z.string().regex(/^[0-9a-f]{16}$/),
    secret_key: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export const SealPublicKeyFile = z
  .object({
    kind: z.literal('ldh-link/hub-seal-public-key'),
    key_id: z.string().regex(/^[0-9a-f]{16}$/),
    public_key: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

/** The hub's X25519 pair: `<secretPath>` (0600) and `<secretPath without .key>.pub.json` for producers. */
export async function createSealKeyFiles(secretPath: string): Promise<{ publicPath: string; keyId: string }> {
  const { secretKey, publicKey } = x25519KeyPair(new Uint8Array(randomBytes(32)));
  const keyId = toHex(recipientId(publicKey));
  const publicPath = sealPublicPath(secretPath);
  await writeSecret(
    secretPath,
    `${JSON.stringify({ kind: 'ldh-link/hub-seal-key', key_id: keyId, secret_key: toHex(secretKey) }, null, 2)}\n`,
  );
  await writeFile(
    publicPath,
    `${JSON.stringify({ kind: 'ldh-link/hub-seal-public-key', key_id: keyId, public_key: toHex(publicKey) }, null, 2)}\n`,
    { flag: 'wx' },
  );
  return { publicPath, keyId };
}

export function sealPublicPath(secretPath: string): string {
  return `${secretPath.replace(/\.key$/, '')}.pub.json`;
}

export async function readSealSecretKey(
  path: string,
): Promise<{ secretKey: Uint8Array; publicKey: Uint8Array; keyId: string }> {
  const f = await readJsonKey(path, 'hub sealing key', SealSecretKeyFile);
  const secretKey = fromHex(f.secret_key);
  const publicKey = x25519PublicKey(secretKey);
  if (toHex(recipientId(publicKey)) !== f.key_id) {
    throw new LdhError('KEY_INVALID', `the hub sealing key file ${path} does not match its key id`);
  }
  return { secretKey, publicKey, keyId: f.key_id };
}

export async function readSealPublicKey(path: string): Promise<{ publicKey: Uint8Array; keyId: string }> {
  const f = await readJsonKey(path, 'hub sealing public key', SealPublicKeyFile);
  const publicKey = fromHex(f.public_key);
  if (toHex(recipientId(publicKey)) !== f.key_id) {
    throw new LdhError('KEY_INVALID', `the hub sealing public key file ${path} does not match its key id`);
  }
  return { publicKey, keyId: f.key_id };
}
