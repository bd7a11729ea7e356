/**
 * Synthetic-data generator benchmark: `npm run bench:synth -- --persons 1000000 [--workers W] [--keep]`.
 * Generates into a fresh directory under `.bench-data/` (git-ignored) in a child process, so that the
 * child's peak resident set size (`process.resourceUsage().maxRSS`, worker threads included) measures the
 * generator alone. Ends with exactly one line: `synth persons=<n> seconds=<s> peak_rss_mb=<m>`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string' },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});

interface ChildResult {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly bytes: number;
}

async function child(outDir: string): Promise<void> {
  const { resolveSynthConfig } = await import('../src/synth/config.js');
  const { generate } = await import('../src/synth/generate.js');
  const { defaultWorkers } = await import('../src/cli/commands/synth.js');
  const started = performance.now();
  const config = resolveSynthConfig({ persons: Number(values.persons), seed: Number(values.seed) });
  const workers = values.workers === undefined ? defaultWorkers() : Number(values.workers);
  const summary = await generate(config, {
    outDir,
    workers,
    onProgress: (done, total) => {
      if (done % 200_704 < 4096 || done === total) process.stderr.write(`  ${done}/${total} persons\n`);
    },
  });
  const result: ChildResult = {
    seconds: (performance.now() - started) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    bytes: Object.values(summary.files).reduce((s, f) => s + f.bytes, 0),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function parent(): Promise<void> {
  const base = join(process.cwd(), '.bench-data');
  mkdirSync(base, { recursive: true });
  const outDir = mkdtempSync(join(base, 'synth-'));
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    '--child',
    outDir,
    '--persons',
    String(values.persons),
  ];
  args.push('--seed', String(values.seed));
  if (values.workers !== undefined) args.push('--workers', values.workers);
  let stdout = '';
  const code = await new Promise<number>((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    p.on('error', reject);
    p.on('close', (c) => resolve(c ?? 1));
  });
  try {
    if (code !== 0) throw new Error(`generator exited with code ${code}`);
    const r = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
    process.stderr.write(
      `  output ${(r.bytes / 1e9).toFixed(2)} GB in ${outDir}${values.keep ? '' : ' (removed)'}\n`,
    );
    process.stdout.write(
      `synth persons=${values.persons} seconds=${r.seconds.toFixed(1)} peak_rss_mb=${Math.round(r.peakRssMb)}\n`,
    );
  } finally {
    if (!values.keep) rmSync(outDir, { recursive: true, force: true });
  }
}

if (values.child !== undefined) await child(values.child);
else await parent();
