/**
 * SHA-256 and size of a file, read in chunks into one reused buffer: a stream's fresh buffer per chunk
 * costs a page fault per 4 KiB on first touch, which made hashing a 65 MB extract take 0.24 s instead of
 * 0.07 s on the machines we measure on (bench/README.md, Producer tool).
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const CHUNK = 1 << 20;
/** The chunk buffer, taken by one call at a time: a call that finds it taken reads into one of its own. */
let chunk: Buffer | null = null;

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  const file = await open(path, 'r');
  try {
    let bytes = 0;
    for (;;) {
      // a buffer of its own while another call reads into the shared one
      const buf = chunk ?? Buffer.allocUnsafeSlow(CHUNK);
      chunk = null;
      const { bytesRead } = await file.read(buf, 0, CHUNK, bytes);
      h.update(buf.subarray(0, bytesRead));
      chunk = buf;
      if (bytesRead === 0) break;
      bytes += bytesRead;
    }
    return { sha256: h.digest('hex'), bytes };
  } finally {
    await file.close();
  }
}
