/**
 * Pinned producers: each producer's Ed25519 public key (from its `keygen producer` public file) and the
 * fingerprint of the linkage key every extract must carry. Pinning again replaces the pin (key
 * rotation) and is audited. The fingerprints of the published test keys are refused, so no extract made
 * under one is ever accepted.
 */
import { DuckDBBlobValue } from '@duckdb/node-api';
import { fromHex } from '../core/bytes.js';
import { LdhError } from '../core/errors.js';
import type { Source } from '../core/fields.js';
import { PUBLISHED_TEST_KEY_FINGERPRINTS } from '../core/keys.js';
import type { PublicKeyFile } from '../core/signing-keys.js';
import { appendAudit } from './audit.js';
import type { Store } from './store.js';

export interface PinnedProducer {
  readonly producer: Source;
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  readonly keyFingerprint: string;
}

export async function pinProducer(
  store: Store,
  pub: PublicKeyFile,
  fingerprint: string,
  opts: {
    actor: string;
    producer: Source;
    /** pin a fingerprint of a published test key (keys.ts); by default only when LDH_ALLOW_TEST_KEYS=1 */
    allowTestKeys?: boolean;
  },
): Promise<void> {
  if (pub.producer !== opts.producer) {
    throw new LdhError('KEY_INVALID', `the public key file is ${pub.producer}'s, not ${opts.producer}'s`);
  }
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new LdhError('USAGE', 'a key fingerprint is 64 hex digits');
  if (
    !(opts.allowTestKeys ?? process.env.LDH_ALLOW_TEST_KEYS === '1') &&
    PUBLISHED_TEST_KEY_FINGERPRINTS.has(fingerprint)
  ) {
    throw new LdhError(
      'KEY_INVALID',
      'this is the fingerprint of a linkage key published with ldh-link (conformance vectors or test fixtures): ' +
        'extracts made under it could be re-identified by anyone. The key holder must make a real one',
    );
  }
  await store.write(async (tx) => {
    const before = await tx.c.runAndReadAll('SELECT key_id FROM producers WHERE producer = $p', {
      p: pub.producer,
    });
    await tx.c.run('DELETE FROM producers WHERE producer = $p', { p: pub.producer });
    await tx.c.run('INSERT INTO producers VALUES ($p, $kid, $pk, $fp, now())', {
      p: pub.producer,
      kid: pub.key_id,
      pk: new DuckDBBlobValue(fromHex(pub.public_key)),
      fp: fingerprint,
    });
    await appendAudit(tx, {
      actor: opts.actor,
      action: before.getRows().length ? 'producer.repinned' : 'producer.pinned',
      target: pub.producer,
      outcome: 'ok',
      detail: { key_id: pub.key_id, key_fingerprint: fingerprint },
    });
  });
}

export async function pinnedProducer(store: Store, producer: Source): Promise<PinnedProducer | undefined> {
  const rows = await store.read('SELECT * FROM producers WHERE producer = $p', { p: producer });
  const r = rows[0];
  if (!r) return undefined;
  return {
    producer,
    keyId: String(r.key_id),
    publicKey: new Uint8Array(r.public_key as Uint8Array),
    keyFingerprint: String(r.key_fingerprint),
  };
}
