/**
 * The compiled CLI the end-to-end benchmarks run. Rebuilt whenever a source file is newer than it: a
 * stale dist/ would silently measure old code (and, after a protocol change, produce extracts of the old
 * protocol). `PROTOCOL_STAMP` marks caches that hold extracts, so they are remade when the protocol changes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NORMALISATION_VERSION, PROTOCOL_VERSION } from '../src/core/params.js';

export const PROTOCOL_STAMP = `${PROTOCOL_VERSION} ${NORMALISATION_VERSION}\n`;

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|wat|json)$/.test(e.name) && !e.name.includes('.test.'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Path of dist/cli/main.js, built first if missing or older than any file under src/. */
export function ensureDist(root: string): string {
  const main = join(root, 'dist/cli/main.js');
  if (!existsSync(main) || statSync(main).mtimeMs < newestSource(join(root, 'src'))) {
    process.stderr.write('building dist/ (missing or older than src/)\n');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
  return main;
}
