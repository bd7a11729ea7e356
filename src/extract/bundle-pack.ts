/**
 * Packing an extract directory into the transfer bundle — hub protocol §2: a ustar archive of
 * `manifest.json`, `extract.parquet`, `events.parquet`, in that order, streamed from the files (never
 * held in memory). Its length is known in advance: 512 bytes of header per entry, each file padded to
 * 512 bytes, and 1024 zero bytes at the end.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import * as tar from 'tar-stream';

export const BUNDLE_FILES = ['manifest.json', 'extract.parquet', 'events.parquet'] as const;
export const MEDIA_TAR = 'application/x-tar';
export const MEDIA_SEALED = 'application/vnd.ldh-link.sealed';

export async function bundleLength(dir: string): Promise<number> {
  let n = 1024;
  for (const f of BUNDLE_FILES) n += 512 + Math.ceil((await stat(join(dir, f))).size / 512) * 512;
  return n;
}

/** The bundle as a Node stream; errors (a file missing or changing size) end it with an error. */
export function packBundle(dir: string): Readable {
  const pack = tar.pack();
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  (async () => {
    for (const name of BUNDLE_FILES) {
      const path = join(dir, name);
      const { size } = await stat(path);
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name, size, mode: 0o600, mtime: new Date(0), type: 'file' }, (err) =>
          err ? reject(err) : resolve(),
        );
        const src = createReadStream(path, { highWaterMark: 1 << 20 });
        src.on('error', reject);
        src.pipe(entry as unknown as NodeJS.WritableStream);
      });
    }
    pack.finalize();
  })().catch((err: Error) => pack.destroy(err));
  pack.on('data', (chunk: unknown) => {
    if (!out.write(chunk as Buffer)) {
      pack.pause();
      out.once('drain', () => pack.resume());
    }
  });
  pack.on('end', () => out.end());
  pack.on('error', (e: Error) => out.destroy(e));
  return out;
}
