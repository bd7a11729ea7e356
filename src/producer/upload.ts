/**
 * `ldh-link upload DIR --hub URL --token-file FILE`: sends an extract to the hub — `extract.sealed`
 * when the directory has one, else the plain bundle built on the fly — streaming from disk with a known
 * length, and retries what may succeed later (connection failures, 429, 502–504) with exponential
 * back-off, starting the upload again from the beginning. A refusal (4xx) is final and reported with
 * the hub's problem code.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LdhError } from '../core/errors.js';
import { bundleLength, MEDIA_SEALED, MEDIA_TAR, packBundle } from '../extract/bundle-pack.js';

const RETRY_STATUS = new Set([429, 502, 503, 504]);

export interface UploadOptions {
  readonly dir: string;
  readonly hub: string;
  readonly token: string;
  readonly retries?: number;
  /** first back-off in ms (doubles each time) */
  readonly backoffMs?: number;
  readonly onProgress?: (sent: number, total: number) => void;
  readonly onRetry?: (attempt: number, reason: string, waitMs: number) => void;
  /** send the plain bundle even when extract.sealed exists */
  readonly plain?: boolean;
}

export interface UploadResult {
  readonly status: number;
  readonly receipt: Record<string, unknown>;
  readonly sealed: boolean;
  readonly bytes: number;
  readonly attempts: number;
}

export async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (cause) {
    throw new LdhError('KEY_INVALID', `cannot read the token file ${path}`, { cause });
  }
  if (!/^ldh_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(text)) {
    throw new LdhError('KEY_INVALID', `the token file ${path} does not hold an ldh-link token`);
  }
  return text;
}

class Transient extends Error {}

function send(
  url: URL,
  token: string,
  body: () => Readable,
  length: number,
  media: string,
  onProgress?: (sent: number, total: number) => void,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': media,
        'content-length': String(length),
        accept: 'application/json, application/problem+json',
      },
    });
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      const code = (e as NodeJS.ErrnoException).code ?? '';
      reject(
        /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(code)
          ? new Transient(code)
          : e,
      );
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        let json: unknown = null;
        try {
          json = JSON.parse(Buffer.concat(parts).toString('utf8'));
        } catch {
          // not JSON: reported by status below
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    let sent = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _e, cb) {
        sent += chunk.length;
        onProgress?.(sent, length);
        cb(null, chunk);
      },
    });
    // the hub may answer (e.g. 413, 401) before the body is sent: that answer wins over the write error
    pipeline(body(), meter, req).catch(() => undefined);
  });
}

export async function upload(o: UploadOptions): Promise<UploadResult> {
  const sealedPath = join(o.dir, 'extract.sealed');
  const sealed = !o.plain && existsSync(sealedPath);
  if (!existsSync(join(o.dir, 'manifest.json'))) {
    throw new LdhError('EXTRACT_MISSING_FILE', `no extract in ${o.dir} (manifest.json is missing)`);
  }
  const length = sealed ? (await stat(sealedPath)).size : await bundleLength(o.dir);
  const body = () => (sealed ? createReadStream(sealedPath, { highWaterMark: 1 << 20 }) : packBundle(o.dir));
  let url: URL;
  try {
    url = new URL('/v1/extracts', o.hub);
  } catch (cause) {
    throw new LdhError('USAGE', 'the --hub URL is not valid', { cause });
  }
  const retries = o.retries ?? 5;
  let wait = o.backoffMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    try {
      const r = await send(url, o.token, body, length, sealed ? MEDIA_SEALED : MEDIA_TAR, o.onProgress);
      if (r.status === 200 || r.status === 201) {
        return {
          status: r.status,
          receipt: r.json as Record<string, unknown>,
          sealed,
          bytes: length,
          attempts: attempt,
        };
      }
      const p = (r.json ?? {}) as { code?: string; title?: string; detail?: string };
      if (!RETRY_STATUS.has(r.status)) {
        throw new LdhError(
          'UPLOAD_REFUSED',
          `the hub refused the extract (HTTP ${r.status} ${p.code ?? ''}): ${p.detail ?? p.title ?? 'no detail'}`,
        );
      }
      reason = `HTTP ${r.status}`;
    } catch (e) {
      if (!(e instanceof Transient)) throw e;
      reason = e.message;
    }
    if (attempt > retries) {
      throw new LdhError('HUB_UNREACHABLE', `the upload failed ${attempt} times (last: ${reason})`);
    }
    o.onRetry?.(attempt, reason, wait);
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 60_000);
  }
}
