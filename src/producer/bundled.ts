/**
 * The producer's two entry points — the run (`pseudonymise.ts`, main thread) and the worker thread
 * (`worker.ts`) — as single minified files, when the build made them (scripts/bundle.ts): loading one
 * file instead of ~170 modules (zod alone is 94 files, 854 KB) shortens the start of a run, in the main
 * thread and in each worker thread, which compiles its own copy (bench/README.md, Producer tool). A bundle
 * older than its module (dist/ rebuilt by tsc alone) or missing (src/ under tsx) is not used: the module
 * itself is.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `module`'s bundle (`x.js` → `x.bundle.js`, beside it) if it exists and is at least as new; else `module`. */
export function bundled(module: URL): URL {
  if (!module.pathname.endsWith('.js')) return module;
  const bundle = new URL(module.href.replace(/\.js$/, '.bundle.js'));
  try {
    const b = statSync(fileURLToPath(bundle)).mtimeMs;
    return b >= statSync(fileURLToPath(module)).mtimeMs ? bundle : module;
  } catch {
    return module;
  }
}
