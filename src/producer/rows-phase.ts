/**
 * The rows phase of `pseudonymise`: the lines of the input (row-lines.ts), cut into batches by the main
 * thread, go through the worker threads (pool.ts), which write the part files; reject lines and coverage
 * counts come back, in input order.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchReply, BatchSetup } from './batch-worker.js';
import { type Coverage, emptyCoverage, mergeCoverage } from './coverage.js';
import { LineWriter } from './files.js';
import type { BatchPool } from './pool.js';
import { NotPlainCsv, RowLineReader } from './row-lines.js';

/** Rows per batch handed to a worker. */
const BATCH_ROWS = 4096;

export interface RowsRun {
  /** rejects.csv, open: the caller appends DuckDB's unparsable lines and closes it */
  readonly rejects: LineWriter;
  readonly coverage: Coverage;
  readonly inputRows: number;
  /** number of part files of each kind and bucket */
  readonly parts: number;
  readonly buckets: number;
}

/**
 * The lines of `file` from byte `from` on. When a plain CSV turns out not to be (NotPlainCsv), the files
 * written so far (rejects.csv, the part files: the folder's .csv and .bin files) are removed before the
 * error is passed on, so that the run can start again with DuckDB reading the input.
 */
export async function processRows(run: {
  /** a pool not started yet; it is closed (or stopped) when this returns */
  pool: BatchPool;
  setup: BatchSetup;
  file: string;
  from: number;
  /** the number of rows, for progress; null when unknown */
  total: number | null;
  onProgress?: (rows: number, total: number | null) => void;
}): Promise<RowsRun> {
  const { setup } = run;
  const rejects = new LineWriter(join(setup.dir, 'rejects.csv'));
  rejects.line('line,row,record_id,reason,field');
  const coverage = emptyCoverage();
  const take = (replies: readonly BatchReply[]) => {
    for (const r of replies) {
      if (r.rejects !== '') rejects.line(r.rejects);
      mergeCoverage(coverage, r.coverage);
    }
  };
  const { pool } = run;
  pool.start(setup);
  const reader = await RowLineReader.open(run.file, BATCH_ROWS, run.from);
  let inputRows = 0;
  try {
    for (let batch = await reader.next(); batch !== null; batch = await reader.next()) {
      take(await pool.submit(batch.lines, inputRows + 1));
      inputRows += batch.rows;
      run.onProgress?.(inputRows, run.total);
    }
    take(await pool.drain());
    await pool.close();
  } catch (e) {
    await pool.abort();
    if (e instanceof NotPlainCsv) {
      rejects.close();
      const written = (await readdir(setup.dir)).filter((f) => f.endsWith('.csv') || f.endsWith('.bin'));
      await Promise.all(written.map((f) => rm(join(setup.dir, f), { force: true })));
    }
    throw e;
  } finally {
    await reader.close();
  }
  return { rejects, coverage, inputRows, parts: pool.parts, buckets: setup.buckets };
}
