/**
 * Receiving a bundle: the request body streamed to a staging directory, never held whole in memory.
 *
 *   body → size guard → (unseal) → tar parser → manifest.json, extract.parquet, events.parquet
 *
 * Each file is hashed while it is written. Anything else in the tar, a repeated or missing entry, a
 * manifest over 1 MiB, a body over the limit, or a stream that ends early is a ProblemError, and the
 * caller removes the staging directory.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { SealError } from '../core/seal.js';
import { BUNDLE_FILES } from '../extract/bundle-pack.js';
import { createUnsealStream } from '../extract/seal-stream.js';
import { ProblemError } from './problems.js';

export type BundleEntry = (typeof BUNDLE_FILES)[number];
const MAX_MANIFEST_BYTES = 1 << 20;

export interface ReceivedFile {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface ReceivedBundle {
  readonly files: Readonly<Record<BundleEntry, ReceivedFile>>;
  /** bytes of the body as sent (sealed or not) */
  readonly bodyBytes: number;
}

function sizeGuard(max: number, counted: { n: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      counted.n += chunk.length;
      if (counted.n > max) cb(new ProblemError('payload-too-large', `the limit is ${max} bytes`));
      else cb(null, chunk);
    },
  });
}

/** A Node Writable feeding tar-stream's (streamx) parser, which writes the entries into `dir`. */
function tarSink(dir: string, files: Partial<Record<BundleEntry, ReceivedFile>>): Writable {
  const extract = tar.extract();
  let expected = 0;
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    extract.destroy(e);
  };
  extract.on('entry', (header, stream, next) => {
    const name = header.name as BundleEntry;
    if (header.type !== 'file' || BUNDLE_FILES[expected] !== name) {
      stream.resume();
      fail(new ProblemError('bad-bundle', `unexpected entry #${expected + 1} in the bundle`));
      return;
    }
    if (name === 'manifest.json' && (header.size ?? 0) > MAX_MANIFEST_BYTES) {
      stream.resume();
      fail(new ProblemError('bad-bundle', 'manifest.json is larger than 1 MiB'));
      return;
    }
    expected++;
    const path = join(dir, name);
    const hash = createHash('sha256');
    let bytes = 0;
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      hash.update(chunk);
      bytes += chunk.length;
      if (!out.write(chunk)) {
        stream.pause();
        out.once('drain', () => stream.resume());
      }
    });
    stream.on('error', (e: Error) => fail(e));
    stream.on('end', () => {
      out.end(() => {
        files[name] = { path, sha256: hash.digest('hex'), bytes };
        next();
      });
    });
    out.on('error', (e) => fail(e));
  });
  const finished = new Promise<void>((resolve, reject) => {
    extract.on('finish', () => resolve());
    extract.on('error', (e: Error) => reject(failure ?? e));
    extract.on('close', () => (failure ? reject(failure) : resolve()));
  });
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (failure) return cb(failure);
      if (extract.write(chunk)) cb();
      else extract.once('drain', () => cb(failure ?? null));
    },
    final(cb) {
      (extract as unknown as { end(): void }).end();
      finished.then(
        () => cb(failure ?? null),
        (e: Error) => cb(e),
      );
    },
    destroy(err, cb) {
      if (err) fail(err);
      finished.catch(() => undefined);
      cb(err);
    },
  });
}

function asProblem(err: unknown): unknown {
  if (err instanceof ProblemError) return err;
  if (err instanceof SealError) {
    if (err.code === 'seal-truncated')
      return new ProblemError('truncated-body', 'the sealed stream is cut short');
    if (err.code === 'seal-wrong-recipient') return new ProblemError('seal-wrong-recipient');
    return new ProblemError('seal-invalid');
  }
  const e = err as NodeJS.ErrnoException;
  const msg = String(e?.message ?? '');
  if (
    e?.code === 'ECONNRESET' ||
    e?.code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    /aborted|Unexpected end/i.test(msg)
  ) {
    return new ProblemError('truncated-body', 'the upload ended before the bundle was complete');
  }
  if (/invalid tar|header/i.test(msg)) return new ProblemError('bad-bundle', 'the body is not a tar bundle');
  return err;
}

export async function receiveBundle(
  body: Readable,
  opts: { dir: string; maxBytes: number; sealedTo?: { secretKey: Uint8Array; publicKey: Uint8Array } },
): Promise<ReceivedBundle> {
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  const counted = { n: 0 };
  const files: Partial<Record<BundleEntry, ReceivedFile>> = {};
  const stages: (Readable | Transform | Writable)[] = [body, sizeGuard(opts.maxBytes, counted)];
  if (opts.sealedTo) {
    stages.push(createUnsealStream(opts.sealedTo.secretKey, { expectedRecipient: opts.sealedTo.publicKey }));
  }
  stages.push(tarSink(opts.dir, files));
  try {
    await pipeline(stages as unknown as [Readable, Writable]);
  } catch (err) {
    throw asProblem(err);
  }
  for (const name of BUNDLE_FILES) {
    if (!files[name]) {
      throw new ProblemError(counted.n === 0 ? 'bad-bundle' : 'truncated-body', `the bundle has no ${name}`);
    }
  }
  return { files: files as Record<BundleEntry, ReceivedFile>, bodyBytes: counted.n };
}
