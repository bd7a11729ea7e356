/**
 * `ldh-link synth` — generate the synthetic LDH population: three producers' raw extracts with realistic
 * identification errors, their mapping files, and the ground truth (record → person, reference cohort
 * statistics, error report) under OUT/truth/. Deterministic by seed. Progress on stderr when it is a
 * terminal; the error report's summary on stdout.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { defineCommand } from 'citty';
import { SingleBar } from 'cli-progress';
import { LdhError } from '../../core/errors.js';
import { resolveSynthConfig } from '../../synth/config.js';
import { formatErrorReport } from '../../synth/error-report.js';
import { generate } from '../../synth/generate.js';
import { guarded } from '../guard.js';

interface SynthArgs {
  persons: string;
  seed: string;
  out: string;
  from: string;
  to: string;
  force: boolean;
  config?: string | undefined;
  workers?: string | undefined;
}

function integer(name: string, raw: string, min: number): number {
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min) throw new LdhError('USAGE', `--${name} must be an integer ≥ ${min}`);
  return n;
}

async function readOverride(path: string | undefined): Promise<unknown> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new LdhError('INPUT_NOT_FOUND', `cannot read the configuration file ${path}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new LdhError('USAGE', `the configuration file ${path} is not valid JSON`, { cause });
  }
}

/** Default worker threads: one per core, at most 4 (≈110 MB each); 0 generates on the main thread. */
export function defaultWorkers(): number {
  return Math.min(4, availableParallelism());
}

export async function runSynth(args: SynthArgs): Promise<void> {
  const override = (await readOverride(args.config)) as Record<string, unknown>;
  const config = resolveSynthConfig({
    ...override,
    persons: integer('persons', args.persons, 1),
    seed: integer('seed', args.seed, 0),
    from: args.from,
    to: args.to,
  });
  const workers = args.workers === undefined ? defaultWorkers() : integer('workers', args.workers, 0);
  const bar = process.stderr.isTTY
    ? new SingleBar({
        stream: process.stderr,
        format:
          'synth [{bar}] {percentage}% | {value}/{total} persons | {duration_formatted} elapsed, ETA {eta_formatted}',
        hideCursor: true,
      })
    : null;
  bar?.start(config.persons, 0);
  const started = performance.now();
  try {
    const summary = await generate(config, {
      outDir: args.out,
      force: args.force,
      workers,
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    const lines = [
      `synth: ${config.persons} persons, seed ${config.seed}, ${config.from}..${config.to} → ${args.out} in ${seconds.toFixed(1)} s`,
      ...Object.values(summary.files).map(
        (f) =>
          `  ${f.path.padEnd(28)} ${String(f.bytes).padStart(13)} bytes${f.rows > 0 ? `  ${f.rows} rows` : ''}`,
      ),
      '',
      formatErrorReport(summary.errorReport),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    bar?.stop();
  }
}

export const synthCommand = defineCommand({
  meta: {
    name: 'synth',
    description:
      'Generate a synthetic population: PE, DSN and CNAF raw extracts with identification errors, mapping files and ground truth.',
  },
  args: {
    persons: { type: 'string', default: '100000', description: 'number of true persons' },
    seed: { type: 'string', default: '1', description: 'random seed (same seed → byte-identical output)' },
    out: { type: 'string', default: 'out/synth', description: 'output directory' },
    from: { type: 'string', default: '2019-01', description: 'first month of the period (YYYY-MM)' },
    to: { type: 'string', default: '2025-12', description: 'last month of the period (YYYY-MM)' },
    force: { type: 'boolean', default: false, description: 'write into a non-empty output directory' },
    config: { type: 'string', description: 'JSON file overriding rates (see synthetic-data/README.md)' },
    workers: {
      type: 'string',
      description: 'worker threads (default: one per core, max 4; 0 = main thread)',
    },
  },
  run: guarded(runSynth),
});
