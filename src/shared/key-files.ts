/**
 * Key files on disk: the linkage secret (64 hex characters and a newline, mode 0600) and producer
 * signing key pairs (JSON, private file 0600). Reading validates length and kind and fails with
 * KEY_INVALID without ever echoing the file's content.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fromHex } from '../core/bytes.js';
import { LdhError } from '../core/errors.js';
import type { Source } from '../core/fields.js';
import { type LinkageKey, linkageKey } from '../core/keys.js';
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

export async function readLinkageKey(path: string): Promise<LinkageKey> {
  const text = (await readText(path, 'linkage key')).trim();
  if (text === '') throw new LdhError('KEY_INVALID', `the linkage key file ${path} is empty`);
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new LdhError(
      'KEY_INVALID',
      `the linkage key file ${path} must hold exactly 64 hex characters (256 bits)`,
    );
  }
  return linkageKey(fromHex(text.toLowerCase()));
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
