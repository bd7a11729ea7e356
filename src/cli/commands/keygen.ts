/**
 * `ldh-link keygen linkage|producer` — key creation for the key holder and for each producer. The key
 * file code (Zod, the curves) is imported in `run`, so --help answers at once.
 */
import { mkdir } from 'node:fs/promises';
import { defineCommand } from 'citty';
import { LdhError } from '../../core/errors.js';
import { SOURCES, type Source } from '../../core/fields.js';
import { guarded } from '../guard.js';

const linkage = defineCommand({
  meta: {
    name: 'linkage',
    description: 'Create the 256-bit linkage secret K_link (mode 0600). Prints only its fingerprint.',
  },
  args: { out: { type: 'string', required: true, description: 'file to create (must not exist)' } },
  run: guarded(async (args: { out: string }) => {
    const { createLinkageKeyFile } = await import('../../shared/key-files.js');
    const { keyFingerprint } = await import('../../core/keys.js');
    const key = await createLinkageKeyFile(args.out);
    process.stdout.write(
      `linkage key written to ${args.out} (mode 0600)\nfingerprint ${keyFingerprint(key)}\n`,
    );
  }),
});

const producer = defineCommand({
  meta: { name: 'producer', description: "Create a producer's Ed25519 signing key pair (private key 0600)." },
  args: {
    producer: { type: 'string', required: true, description: `producer: ${SOURCES.join(' | ')}` },
    out: {
      type: 'string',
      required: true,
      description: 'directory for <producer>-signing-key.json and -public-key.json',
    },
  },
  run: guarded(async (args: { producer: string; out: string }) => {
    if (!SOURCES.includes(args.producer as Source))
      throw new LdhError('USAGE', `--producer must be one of ${SOURCES.join(', ')}`);
    await mkdir(args.out, { recursive: true });
    const { createSigningKeyFiles } = await import('../../shared/key-files.js');
    const r = await createSigningKeyFiles(args.producer as Source, args.out);
    process.stdout.write(
      `signing key ${r.secretPath} (mode 0600)\npublic key  ${r.publicPath}\nkey id ${r.keyId}\n`,
    );
  }),
});

export const keygenCommand = defineCommand({
  meta: { name: 'keygen', description: 'Create keys: the linkage secret or a producer signing key pair.' },
  subCommands: { linkage, producer },
});
