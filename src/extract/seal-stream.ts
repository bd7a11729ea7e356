/**
 * Sealed extracts over Node streams (format: core/seal.ts, protocol hub v1 "Sealed extracts"). Both
 * transforms hold at most one chunk of input: a full chunk is processed only once a byte after it has
 * arrived, because only the end of the input says which chunk is the last (STREAM's flag byte). Large
 * writes are cut in place without copying; small writes fill one preallocated chunk buffer. Errors are
 * the core's `SealError`, so callers map `code` to a refusal.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  beginOpen,
  beginSeal,
  openChunk,
  parseHeader,
  SEAL_HEADER_BYTES,
  SEAL_TAG_BYTES,
  type SealContext,
  type SealOptions,
  sameBytes,
  sealChunk,
  x25519PublicKey,
} from '../core/seal.js';

/** Cuts a byte stream into blocks of `size`, releasing a full block only when a byte follows it. */
class HeldBlocks {
  private readonly buf: Uint8Array;
  private fill = 0;
  constructor(private readonly size: number) {
    this.buf = new Uint8Array(size);
  }

  /** Calls `emit` for each block known not to be the last; the bytes are only valid during the call. */
  write(data: Uint8Array, emit: (block: Uint8Array) => void): void {
    let o = 0;
    while (o < data.length) {
      if (this.fill === this.size) {
        emit(this.buf);
        this.fill = 0;
      }
      if (this.fill === 0 && data.length - o > this.size) {
        emit(data.subarray(o, o + this.size));
        o += this.size;
        continue;
      }
      const n = Math.min(this.size - this.fill, data.length - o);
      this.buf.set(data.subarray(o, o + n), this.fill);
      this.fill += n;
      o += n;
    }
  }

  /** The last block: 0..size bytes. */
  rest(): Uint8Array {
    return this.buf.subarray(0, this.fill);
  }
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Runs `f`, handing a thrown error to the stream callback. */
function guarded(callback: TransformCallback, f: () => void): void {
  try {
    f();
  } catch (err) {
    callback(err as Error);
    return;
  }
  callback();
}

export interface SealStreamOptions {
  chunkSize?: number;
  /** Tests only: a fixed ephemeral secret, to compare with `sealBytes`. */
  ephemeralSecret?: Uint8Array;
}

/** Plaintext in, sealed bytes out, to `recipientPublicKey`. */
export function createSealStream(recipientPublicKey: Uint8Array, opts: SealStreamOptions = {}): Transform {
  const sealOpts: SealOptions = {};
  if (opts.chunkSize !== undefined) sealOpts.chunkSize = opts.chunkSize;
  if (opts.ephemeralSecret !== undefined) sealOpts.ephemeralSecret = opts.ephemeralSecret;
  const ctx = beginSeal(recipientPublicKey, sealOpts);
  const blocks = new HeldBlocks(ctx.chunkSize);
  let index = 0;
  const seal = (t: Transform, plain: Uint8Array, last: boolean) => {
    if (index === 0) t.push(asBuffer(ctx.header));
    // a fresh buffer per chunk: the consumer may keep what it was given
    const out = Buffer.allocUnsafeSlow(plain.length + SEAL_TAG_BYTES);
    t.push(sealChunk(ctx.key, ctx.header, index, last, plain, out));
    index++;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      guarded(callback, () => blocks.write(chunk, (b) => seal(this, b, false)));
    },
    flush(callback) {
      guarded(callback, () => seal(this, blocks.rest(), true));
    },
  });
}

export interface UnsealStreamOptions {
  /**
   * The recipient public key as configured. It must belong to the secret key (checked here: a
   * configuration error otherwise); the header must name it.
   */
  expectedRecipient?: Uint8Array;
}

interface Opening {
  readonly ctx: SealContext;
  readonly blocks: HeldBlocks;
  index: number;
}

/**
 * Sealed bytes in, plaintext out. Plaintext is released chunk by chunk as it authenticates, so a
 * consumer must treat everything as provisional until the stream ends without error.
 */
export function createUnsealStream(
  recipientSecretKey: Uint8Array,
  opts: UnsealStreamOptions = {},
): Transform {
  const recipientPublic = x25519PublicKey(recipientSecretKey);
  if (opts.expectedRecipient !== undefined && !sameBytes(opts.expectedRecipient, recipientPublic)) {
    throw new RangeError('the recipient secret key does not match the expected public key');
  }
  const header = new Uint8Array(SEAL_HEADER_BYTES);
  let headerFill = 0;
  let state: Opening | undefined;
  const open = (t: Transform, s: Opening, sealed: Uint8Array, last: boolean) => {
    t.push(asBuffer(openChunk(s.ctx.key, s.ctx.header, s.index, last, sealed)));
    s.index++;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      guarded(callback, () => {
        let data: Uint8Array = chunk;
        if (state === undefined) {
          const n = Math.min(SEAL_HEADER_BYTES - headerFill, data.length);
          header.set(data.subarray(0, n), headerFill);
          headerFill += n;
          data = data.subarray(n);
          if (headerFill < SEAL_HEADER_BYTES) return;
          const ctx = beginOpen(recipientSecretKey, header, recipientPublic);
          state = { ctx, blocks: new HeldBlocks(ctx.chunkSize + SEAL_TAG_BYTES), index: 0 };
        }
        const s = state;
        s.blocks.write(data, (sealed) => open(this, s, sealed, false));
      });
    },
    flush(callback) {
      guarded(callback, () => {
        // an incomplete header always throws here (seal-truncated or seal-bad-header)
        if (state === undefined) parseHeader(header.subarray(0, headerFill));
        else open(this, state, state.blocks.rest(), true);
      });
    },
  });
}

/** Seals `inPath` into `outPath` atomically: a temporary file beside it, renamed once complete. */
export async function sealFile(
  inPath: string,
  outPath: string,
  recipientPublicKey: Uint8Array,
  opts: { chunkSize?: number } = {},
): Promise<void> {
  const tmp = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await pipeline(
      createReadStream(inPath),
      createSealStream(recipientPublicKey, opts.chunkSize === undefined ? {} : { chunkSize: opts.chunkSize }),
      createWriteStream(tmp, { flags: 'wx', mode: 0o600, flush: true }),
    );
    await rename(tmp, outPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
