import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../core/bytes.js';
import {
  openBytes,
  SEAL_HEADER_BYTES,
  SEAL_TAG_BYTES,
  SealError,
  sealBytes,
  x25519KeyPair,
} from '../core/seal.js';
import { createSealStream, createUnsealStream, sealFile } from './seal-stream.js';

const C = 1024;
const hub = x25519KeyPair(sha256(utf8('seal stream test recipient')));
const eph = sha256(utf8('seal stream test ephemeral'));

function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) % 251);
}

/** Cuts `data` into pieces of the given sizes (cycled). */
function pieces(data: Uint8Array, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0, i = 0; o < data.length; i++) {
    const n = sizes[i % sizes.length] ?? 1;
    out.push(Buffer.from(data.subarray(o, o + n)));
    o += n;
  }
  return out;
}

async function collect(source: Iterable<Buffer> | AsyncIterable<Buffer>, t: NodeJS.ReadWriteStream) {
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from(source),
    t,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        parts.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(parts);
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return err instanceof SealError ? err.code : `other: ${String(err)}`;
  }
}

describe('seal streams', () => {
  it('give byte for byte what sealBytes gives, whatever the write sizes', async () => {
    const cases: [number, number[]][] = [
      [0, [1]],
      [1, [1]],
      [C - 1, [1]],
      [C, [7, 1000, 13]],
      [C + 1, [C]],
      [3 * C, [C + 1, 1, 3 * C]],
      [5000, [100_000]],
      [2.5 * C, [2 * C, 5]],
    ];
    for (const [n, sizes] of cases) {
      const pt = bytes(n);
      const want = sealBytes(hub.publicKey, pt, { chunkSize: C, ephemeralSecret: eph });
      const got = await collect(
        pieces(pt, sizes),
        createSealStream(hub.publicKey, { chunkSize: C, ephemeralSecret: eph }),
      );
      expect(got.equals(want)).toBe(true);
      const back = await collect(pieces(got, sizes), createUnsealStream(hub.secretKey));
      expect(back.equals(pt)).toBe(true);
    }
  });

  it('round-trip for random lengths and random write sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6000 }),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 8 }),
        async (n, sizes) => {
          const pt = bytes(n);
          const sealed = await collect(
            pieces(pt, sizes),
            createSealStream(hub.publicKey, { chunkSize: C, ephemeralSecret: eph }),
          );
          expect(sealed.equals(sealBytes(hub.publicKey, pt, { chunkSize: C, ephemeralSecret: eph }))).toBe(
            true,
          );
          const back = await collect(pieces(sealed, sizes), createUnsealStream(hub.secretKey));
          expect(back.equals(pt)).toBe(true);
          expect(Buffer.from(openBytes(hub.secretKey, sealed)).equals(pt)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('round-trip 20 MB through a pipeline with the default chunk size', async () => {
    const total = 20 * 1024 * 1024;
    const piece = Buffer.from(bytes(1 << 20));
    async function* source() {
      for (let o = 0; o < total; o += piece.length) yield piece;
    }
    const hash = createHash('sha256');
    let n = 0;
    await pipeline(
      source(),
      createSealStream(hub.publicKey),
      createUnsealStream(hub.secretKey, { expectedRecipient: hub.publicKey }),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          n += chunk.length;
          cb();
        },
      }),
    );
    const want = createHash('sha256');
    for (let o = 0; o < total; o += piece.length) want.update(piece);
    expect(n).toBe(total);
    expect(hash.digest('hex')).toBe(want.digest('hex'));
  });
});

describe('unseal stream refusals', () => {
  const pt = bytes(3 * C + 10);
  const sealed = Buffer.from(sealBytes(hub.publicKey, pt, { chunkSize: C, ephemeralSecret: eph }));
  const unseal = (b: Uint8Array, size = 333) =>
    errorOf(collect(pieces(b, [size]), createUnsealStream(hub.secretKey)));

  it('a stream cut at a chunk boundary is seal-truncated', async () => {
    expect(await unseal(sealed.subarray(0, SEAL_HEADER_BYTES + 2 * (C + SEAL_TAG_BYTES)))).toBe(
      'seal-truncated',
    );
    expect(await unseal(sealed.subarray(0, SEAL_HEADER_BYTES + 2 * (C + SEAL_TAG_BYTES) + 5))).toBe(
      'seal-truncated',
    );
  });

  it('a stream cut inside the header is seal-truncated; an empty one too', async () => {
    expect(await unseal(sealed.subarray(0, 30))).toBe('seal-truncated');
    expect(await errorOf(collect([], createUnsealStream(hub.secretKey)))).toBe('seal-truncated');
  });

  it('a tampered chunk is seal-auth-failed; foreign input seal-bad-header; another key seal-wrong-recipient', async () => {
    const t = Buffer.from(sealed);
    const at = SEAL_HEADER_BYTES + C + 100;
    t[at] = (t[at] ?? 0) ^ 1;
    expect(await unseal(t)).toBe('seal-auth-failed');
    expect(
      await unseal(Buffer.from('ustar archive, not sealed, long enough to hold a whole header....')),
    ).toBe('seal-bad-header');
    const other = x25519KeyPair(sha256(utf8('another hub')));
    expect(await errorOf(collect(pieces(sealed, [C]), createUnsealStream(other.secretKey)))).toBe(
      'seal-wrong-recipient',
    );
  });

  it('an expected recipient that does not belong to the secret key is a configuration error', () => {
    const other = x25519KeyPair(sha256(utf8('another hub')));
    expect(() => createUnsealStream(hub.secretKey, { expectedRecipient: other.publicKey })).toThrow(
      RangeError,
    );
  });
});

describe('sealFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ldh-seal-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the sealed file and leaves no temporary file', async () => {
    const pt = bytes(200_000);
    await writeFile(join(dir, 'bundle.tar'), pt);
    await sealFile(join(dir, 'bundle.tar'), join(dir, 'extract.sealed'), hub.publicKey);
    const sealed = await readFile(join(dir, 'extract.sealed'));
    expect(Buffer.from(openBytes(hub.secretKey, sealed)).equals(pt)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['bundle.tar', 'extract.sealed']);
  });

  it('leaves nothing behind when the input cannot be read', async () => {
    await expect(sealFile(join(dir, 'missing.tar'), join(dir, 'x.sealed'), hub.publicKey)).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['bundle.tar', 'extract.sealed']);
  });
});
