/**
 * The sealed extract — protocol hub v1, "Sealed extracts". A producer encrypts an upload to the hub's
 * X25519 public key with a fresh ephemeral key, so that transfer platforms only see ciphertext:
 *
 *   header = "LDHSEAL1" ‖ u32 chunk_size ‖ u32 0 ‖ epk (32) ‖ SHA-256(recipient public key)[0..8)
 *   key    = HKDF-SHA-256(ikm = X25519(esk, rpk), salt = epk ‖ rpk, info = SEAL_INFO, L = 32)
 *   chunk i = ChaCha20-Poly1305(key, nonce = u88be(i) ‖ last, aad = header, plaintext chunk i)
 *
 * Chunks follow the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015): the counter nonce
 * binds each chunk to its position and the flag byte marks the last one, so reordering, deletion,
 * truncation and appending are detected chunk by chunk without holding the whole file. This module holds
 * the format and the per-chunk operations; `extract/seal-stream.ts` runs them over Node streams. Pure.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from './bytes.js';

export const SEAL_MAGIC = 'LDHSEAL1';
export const SEAL_HEADER_BYTES = 56;
export const SEAL_TAG_BYTES = 16;
export const DEFAULT_CHUNK_SIZE = 65536;
export const MIN_CHUNK_SIZE = 1024;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
export const SEAL_INFO = 'ldh-link/1 seal chacha20-poly1305';
export const X25519_KEY_BYTES = 32;
export const RECIPIENT_ID_BYTES = 8;
/** Chunk indices are JavaScript safe integers; past this the sealer and opener refuse to go on. */
export const MAX_CHUNK_INDEX = Number.MAX_SAFE_INTEGER;

const MAGIC = utf8(SEAL_MAGIC);
const INFO = utf8(SEAL_INFO);

/**
 * Why a sealed stream was refused. `seal-truncated`: the input ends inside the header, leaves fewer than
 * 16 bytes for the last chunk, or was cut exactly at a chunk boundary (its final chunk authenticates as a
 * non-last chunk). Any other chunk that does not authenticate is `seal-auth-failed` — including a cut
 * in the middle of a chunk, which cannot be told apart from tampering.
 */
export type SealErrorCode =
  | 'seal-bad-header'
  | 'seal-wrong-recipient'
  | 'seal-auth-failed'
  | 'seal-truncated';

export class SealError extends Error {
  readonly code: SealErrorCode;
  constructor(code: SealErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealError';
    this.code = code;
  }
}

export interface SealHeader {
  readonly chunkSize: number;
  readonly epk: Uint8Array;
  readonly recipient: Uint8Array;
}

/** What both sides need to process chunks: the 56 header bytes (the AAD), the chunk size and the key. */
export interface SealContext {
  readonly header: Uint8Array;
  readonly chunkSize: number;
  readonly key: Uint8Array;
}

export interface SealOptions {
  chunkSize?: number;
  /** Test vectors only: a fixed ephemeral secret. Real sealing draws a fresh one per file (§ nonces). */
  ephemeralSecret?: Uint8Array;
}

/** An X25519 key pair; from `seed` (32 bytes, used as the secret key) or random. */
export function x25519KeyPair(seed?: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  return x25519.keygen(seed);
}

export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}

/** First 8 bytes of SHA-256(public key): names the recipient in the header. */
export function recipientId(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey).subarray(0, RECIPIENT_ID_BYTES);
}

function checkChunkSize(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_CHUNK_SIZE && n <= MAX_CHUNK_SIZE;
}

export function encodeHeader(h: SealHeader): Uint8Array {
  if (!checkChunkSize(h.chunkSize)) throw new RangeError('chunk size out of range');
  if (h.epk.length !== X25519_KEY_BYTES || h.recipient.length !== RECIPIENT_ID_BYTES) {
    throw new RangeError('bad ephemeral key or recipient id length');
  }
  const out = new Uint8Array(SEAL_HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, h.chunkSize);
  view.setUint32(12, 0);
  out.set(h.epk, 16);
  out.set(h.recipient, 48);
  return out;
}

/**
 * Reads the first 56 bytes of a sealed stream. Input that does not start with the magic (as far as it
 * goes) is `seal-bad-header`; a magic prefix shorter than the header is `seal-truncated`.
 */
export function parseHeader(bytes: Uint8Array): SealHeader {
  const seen = Math.min(bytes.length, MAGIC.length);
  if (!MAGIC.subarray(0, seen).every((b, i) => bytes[i] === b)) {
    throw new SealError('seal-bad-header', 'not a sealed extract');
  }
  if (bytes.length < SEAL_HEADER_BYTES)
    throw new SealError('seal-truncated', 'the sealed header is incomplete');
  const view = new DataView(bytes.buffer, bytes.byteOffset, SEAL_HEADER_BYTES);
  const chunkSize = view.getUint32(8);
  if (view.getUint32(12) !== 0) throw new SealError('seal-bad-header', 'reserved header field is not zero');
  if (!checkChunkSize(chunkSize)) throw new SealError('seal-bad-header', 'chunk size out of range');
  return { chunkSize, epk: bytes.slice(16, 48), recipient: bytes.slice(48, 56) };
}

/** The HKDF step shared by both sides, from the X25519 shared secret. */
export function deriveSealKey(shared: Uint8Array, epk: Uint8Array, recipientPublic: Uint8Array): Uint8Array {
  const salt = new Uint8Array(2 * X25519_KEY_BYTES);
  salt.set(epk, 0);
  salt.set(recipientPublic, X25519_KEY_BYTES);
  return hkdf(sha256, shared, salt, INFO, 32);
}

/** X25519, refusing a low-order point (noble throws rather than return the all-zero secret). */
function sharedSecret(secret: Uint8Array, peer: Uint8Array): Uint8Array | undefined {
  try {
    const s = x25519.getSharedSecret(secret, peer);
    return s.some((b) => b !== 0) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Sender side: draws (or takes) the ephemeral key, builds the header and derives the chunk key. */
export function beginSeal(recipientPublic: Uint8Array, opts: SealOptions = {}): SealContext {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const eph = x25519KeyPair(opts.ephemeralSecret);
  if (recipientPublic.length !== X25519_KEY_BYTES) throw new RangeError('not an X25519 public key');
  const shared = sharedSecret(eph.secretKey, recipientPublic);
  if (shared === undefined) throw new RangeError('not a usable X25519 public key');
  const header = encodeHeader({ chunkSize, epk: eph.publicKey, recipient: recipientId(recipientPublic) });
  return { header, chunkSize, key: deriveSealKey(shared, eph.publicKey, recipientPublic) };
}

/** Byte equality of public values (not constant-time). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Receiver side: parses the header, checks that it names this recipient, derives the chunk key.
 * `recipientPublic` defaults to the public key of `recipientSecret`.
 */
export function beginOpen(
  recipientSecret: Uint8Array,
  headerBytes: Uint8Array,
  recipientPublic: Uint8Array = x25519PublicKey(recipientSecret),
): SealContext {
  const h = parseHeader(headerBytes);
  if (!sameBytes(h.recipient, recipientId(recipientPublic))) {
    throw new SealError('seal-wrong-recipient', 'the extract is sealed to another key');
  }
  const shared = sharedSecret(recipientSecret, h.epk);
  if (shared === undefined) throw new SealError('seal-bad-header', 'the ephemeral key is not usable');
  return {
    header: headerBytes.slice(0, SEAL_HEADER_BYTES),
    chunkSize: h.chunkSize,
    key: deriveSealKey(shared, h.epk, recipientPublic),
  };
}

/** u88be(index) ‖ flag. */
export function chunkNonce(index: number, last: boolean): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('chunk index out of range');
  const nonce = new Uint8Array(12);
  const view = new DataView(nonce.buffer);
  view.setUint32(3, Math.floor(index / 2 ** 32));
  view.setUint32(7, index >>> 0);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function headerChunkSize(header: Uint8Array): number {
  return new DataView(header.buffer, header.byteOffset, SEAL_HEADER_BYTES).getUint32(8);
}

/**
 * Encrypts chunk `index`. A non-last chunk must hold exactly chunk_size bytes; a last one 1..chunk_size,
 * or 0 if it is the only one. `out`, if given, receives the plaintext length + 16 bytes.
 */
export function sealChunk(
  key: Uint8Array,
  header: Uint8Array,
  index: number,
  last: boolean,
  plaintext: Uint8Array,
  out?: Uint8Array,
): Uint8Array {
  const size = headerChunkSize(header);
  const ok = last
    ? plaintext.length <= size && (plaintext.length > 0 || index === 0)
    : plaintext.length === size;
  if (!ok) throw new RangeError('chunk length does not follow the chunking rule');
  return chacha20poly1305(key, chunkNonce(index, last), header).encrypt(plaintext, out);
}

function tryOpen(key: Uint8Array, header: Uint8Array, index: number, last: boolean, ct: Uint8Array) {
  try {
    return chacha20poly1305(key, chunkNonce(index, last), header).decrypt(ct);
  } catch {
    return undefined;
  }
}

/**
 * Decrypts chunk `index` (ciphertext ‖ tag). When the final chunk of a stream fails as a last chunk but
 * authenticates as a non-last one, the stream was cut at a chunk boundary: `seal-truncated`.
 */
export function openChunk(
  key: Uint8Array,
  header: Uint8Array,
  index: number,
  last: boolean,
  ciphertext: Uint8Array,
): Uint8Array {
  if (ciphertext.length < SEAL_TAG_BYTES)
    throw new SealError('seal-truncated', 'the sealed stream is cut short');
  const plain = tryOpen(key, header, index, last, ciphertext);
  if (plain !== undefined) return plain;
  if (last && ciphertext.length === headerChunkSize(header) + SEAL_TAG_BYTES) {
    if (tryOpen(key, header, index, false, ciphertext) !== undefined) {
      throw new SealError('seal-truncated', 'the sealed stream is cut short');
    }
  }
  throw new SealError('seal-auth-failed', 'a sealed chunk does not authenticate');
}

/** Number of chunks for `n` plaintext bytes: at least one. */
export function chunkCount(n: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(n / chunkSize));
}

/** Seals a whole buffer (tests, vectors, small inputs); the stream version gives the same bytes. */
export function sealBytes(
  recipientPublic: Uint8Array,
  plaintext: Uint8Array,
  opts: SealOptions = {},
): Uint8Array {
  const { header, chunkSize, key } = beginSeal(recipientPublic, opts);
  const count = chunkCount(plaintext.length, chunkSize);
  const out = new Uint8Array(SEAL_HEADER_BYTES + plaintext.length + count * SEAL_TAG_BYTES);
  out.set(header, 0);
  let o = SEAL_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const pt = plaintext.subarray(i * chunkSize, Math.min((i + 1) * chunkSize, plaintext.length));
    sealChunk(key, header, i, i === count - 1, pt, out.subarray(o, o + pt.length + SEAL_TAG_BYTES));
    o += pt.length + SEAL_TAG_BYTES;
  }
  return out;
}

/** Opens a whole sealed buffer, with the same decisions as the stream (§ decryption). */
export function openBytes(recipientSecret: Uint8Array, sealed: Uint8Array): Uint8Array {
  const { header, chunkSize, key } = beginOpen(recipientSecret, sealed);
  const full = chunkSize + SEAL_TAG_BYTES;
  const parts: Uint8Array[] = [];
  let o = SEAL_HEADER_BYTES;
  let i = 0;
  // a full chunk followed by at least one more byte is not the last one
  for (; sealed.length - o > full; o += full, i++) {
    parts.push(openChunk(key, header, i, false, sealed.subarray(o, o + full)));
  }
  parts.push(openChunk(key, header, i, true, sealed.subarray(o)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
