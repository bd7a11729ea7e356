/**
 * The generator's entry point: streams N persons in fixed-size ranges (chunk.ts) into the three raw
 * extracts, their mapping files, and the ground truth under `truth/` (record → person, true persons,
 * reference statistics, error report, generation parameters). Memory stays flat in N: only one range of
 * persons, fixed-size tallies and the lookup tables are held at a time. Ranges can be produced by worker
 * threads (workers.ts); output is written strictly in range order, so it is byte-identical either way.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LdhError } from '../core/errors.js';
import { SOURCES } from '../core/fields.js';
import { monthIndex } from './calendar.js';
import {
  buildTables,
  CHUNK_FILES,
  type ChunkFile,
  ChunkGenerator,
  type EncodedChunk,
  readTablesData,
  type Tables,
} from './chunk.js';
import type { SynthConfig } from './config.js';
import { buildErrorReport, type ErrorReport, emptyTallies, mergeTallies } from './error-report.js';
import { FORMATS, header } from './extracts.js';
import { PERSONS_HEADER, RECORDS_HEADER } from './ground-truth.js';
import { allMappings, mappingFileName } from './mappings.js';
import { assertNirUniqueness, createPopulationContext } from './population.js';
import { ReferenceStats, type ReferenceStatsDocument } from './reference-stats.js';
import { FileSink } from './sink.js';

export const TRUTH_DIR = 'truth';
/**
 * Persons per range: large enough for big sequential writes, small enough to keep memory low. Records
 * are ordered by id within a range, so the range size is part of the output format (fixed, not an option).
 */
export const CHUNK_PERSONS = 4096;

export interface GenerateOptions {
  readonly outDir: string;
  /** Overwrite into a non-empty directory. */
  readonly force?: boolean;
  /** Worker threads producing ranges (0 = generate on the main thread). */
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface FileStat {
  readonly path: string;
  readonly bytes: number;
  /** Data rows (header excluded). */
  readonly rows: number;
}

export interface GenerationSummary {
  readonly persons: number;
  readonly seed: number;
  readonly files: Record<string, FileStat>;
  readonly errorReport: ErrorReport;
  readonly referenceStats: ReferenceStatsDocument;
}

/** A source of chunk outputs in range order (inline or from workers). */
export interface ChunkProducer {
  produce(
    ranges: ReadonlyArray<readonly [number, number]>,
    consume: (c: EncodedChunk) => void,
  ): Promise<void>;
  close(): Promise<void>;
}

function inlineProducer(config: SynthConfig, tables: Tables): ChunkProducer {
  const gen = new ChunkGenerator(config, tables);
  return {
    async produce(ranges, consume) {
      for (const [start, count] of ranges) consume(gen.run(start, count));
    },
    async close() {},
  };
}

function prepareOutDir(outDir: string, force: boolean): void {
  mkdirSync(outDir, { recursive: true });
  if (!force && readdirSync(outDir).length > 0) {
    throw new LdhError('OUTPUT_EXISTS', `output directory ${outDir} is not empty (use --force to overwrite)`);
  }
  mkdirSync(join(outDir, TRUTH_DIR), { recursive: true });
}

function writeJson(path: string, value: unknown): number {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

/** Generate the whole synthetic data set into `opts.outDir`. */
export async function generate(config: SynthConfig, opts: GenerateOptions): Promise<GenerationSummary> {
  const { outDir } = opts;
  const workers = opts.workers ?? 0;
  const data = readTablesData(config);
  const tables = buildTables(data);
  // Fail before writing anything when N is beyond the collision-free NIR bound.
  assertNirUniqueness(createPopulationContext(config, tables.names, tables.places), config.persons);
  prepareOutDir(outDir, opts.force ?? false);
  const sinks: Record<ChunkFile, FileSink> = {
    pe: new FileSink(join(outDir, FORMATS.pe.file), FORMATS.pe.encoding),
    dsn: new FileSink(join(outDir, FORMATS.dsn.file), FORMATS.dsn.encoding),
    cnaf: new FileSink(join(outDir, FORMATS.cnaf.file), FORMATS.cnaf.encoding),
    records: new FileSink(join(outDir, TRUTH_DIR, 'records.csv')),
    persons: new FileSink(join(outDir, TRUTH_DIR, 'persons.csv')),
  };
  for (const s of SOURCES) sinks[s].write(header(FORMATS[s]));
  sinks.records.write(RECORDS_HEADER);
  sinks.persons.write(PERSONS_HEADER);

  const tallies = emptyTallies();
  const stats = new ReferenceStats(monthIndex(config.from), monthIndex(config.to));
  const ranges: Array<readonly [number, number]> = [];
  for (let start = 0; start < config.persons; start += CHUNK_PERSONS) {
    ranges.push([start, Math.min(CHUNK_PERSONS, config.persons - start)]);
  }
  let done = 0;
  const producer =
    workers > 0
      ? await (await import('./workers.js')).workerProducer(config, data, workers)
      : inlineProducer(config, tables);
  try {
    await producer.produce(ranges, (c) => {
      for (const f of CHUNK_FILES) sinks[f].writeBuffer(c.files[f].bytes, c.files[f].lines);
      mergeTallies(tallies, c.tallies);
      stats.merge(c.stats);
      done += c.count;
      opts.onProgress?.(done, config.persons);
    });
  } finally {
    await producer.close();
    for (const f of CHUNK_FILES) sinks[f].close();
  }

  const files: Record<string, FileStat> = {};
  for (const s of SOURCES)
    files[s] = { path: FORMATS[s].file, bytes: sinks[s].bytes, rows: sinks[s].lines - 1 };
  const truthFile = (f: 'records' | 'persons'): FileStat => ({
    path: `${TRUTH_DIR}/${f}.csv`,
    bytes: sinks[f].bytes,
    rows: sinks[f].lines - 1,
  });
  files.records = truthFile('records');
  files.persons = truthFile('persons');
  const mappings = allMappings();
  for (const s of SOURCES) {
    const path = mappingFileName(s);
    files[`${s}_mapping`] = { path, bytes: writeJson(join(outDir, path), mappings[s]), rows: 0 };
  }
  const errorReport = buildErrorReport(tallies, config);
  const referenceStats = stats.toJSON();
  files.reference_stats = {
    path: `${TRUTH_DIR}/reference-stats.json`,
    bytes: writeJson(join(outDir, TRUTH_DIR, 'reference-stats.json'), referenceStats),
    rows: 0,
  };
  files.error_report = {
    path: `${TRUTH_DIR}/error-report.json`,
    bytes: writeJson(join(outDir, TRUTH_DIR, 'error-report.json'), errorReport),
    rows: 0,
  };
  writeJson(join(outDir, TRUTH_DIR, 'generation.json'), {
    generator: 'ldh-link synth',
    format_version: 1,
    config,
    files,
  });
  return { persons: config.persons, seed: config.seed, files, errorReport, referenceStats };
}
