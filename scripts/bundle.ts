/**
 * `npm run build`, after tsc: the producer's two entry points bundled into single minified files beside
 * their modules in dist/ (src/producer/bundled.ts says why and when they are used):
 *   dist/producer/pseudonymise.bundle.js  — the run, loaded by the CLI's pseudonymise command
 *   dist/producer/worker.bundle.js        — each worker thread
 * Modules whose identity the rest of the CLI shares stay outside, imported from dist/ as they are:
 * core/errors.js (the CLI reports an LdhError by its class) and producer/worker-start.js (the threads the
 * CLI starts ahead, which the run takes). DuckDB, a native module, stays in node_modules.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const dist = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'dist'));
const SHARED = ['core/errors.js', 'producer/worker-start.js'].map((f) => join(dist, f));

/** Imports of a shared module, rewritten relative to the bundle (which sits beside its entry). */
function keepShared(entry: string): Plugin {
  return {
    name: 'keep-shared',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        if (!SHARED.includes(target)) return undefined;
        return { path: `./${relative(dirname(entry), target)}`, external: true };
      });
    },
  };
}

for (const module of ['producer/pseudonymise.js', 'producer/worker.js']) {
  const entry = join(dist, module);
  await build({
    entryPoints: [entry],
    outfile: entry.replace(/\.js$/, '.bundle.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@duckdb/node-api'],
    plugins: [keepShared(entry)],
    // CommonJS dependencies bundled into ESM call require() for Node's own modules
    banner: {
      js: "import { createRequire as __ldhRequire } from 'node:module'; const require = __ldhRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}
process.stderr.write(`bundled ${relative(process.cwd(), dist)}/producer/{pseudonymise,worker}.bundle.js\n`);
