/**
 * `ldh-link verify DIR --public-key FILE` — check an extract as the hub will. The checker (DuckDB) is
 * imported once the key is read, so --help and a bad key file answer at once.
 */
import { defineCommand } from 'citty';
import { readPublicKey } from '../../shared/key-files.js';
import { guarded } from '../guard.js';

export const verifyCommand = defineCommand({
  meta: {
    name: 'verify',
    description:
      'Check an extract: manifest schema, signature, SHA-256, Parquet schema, counts. Exit 0 when all hold.',
  },
  args: {
    dir: { type: 'positional', required: true, description: 'extract directory' },
    'public-key': { type: 'string', required: true, description: "the producer's public key file" },
  },
  run: guarded(async (a: { dir: string; 'public-key': string }) => {
    const pub = await readPublicKey(a['public-key']);
    const { verifyExtract } = await import('../../extract/verify.js');
    const r = await verifyExtract(a.dir, pub);
    for (const c of r.checks) process.stdout.write(`ok  ${c}\n`);
    process.stdout.write(
      `extract of ${r.manifest.producer}: ${r.manifest.counts.identities} identities, ${r.manifest.counts.events} events — valid\n`,
    );
  }),
});
