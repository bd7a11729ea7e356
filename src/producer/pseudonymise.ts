/**
 * `ldh-link pseudonymise`: producer input → signed pseudonymised extract (protocol v3). The shell around
 * the pure core, in phases: the input's rows reach worker threads running the RowProcessor as lines of
 * text — the lines of a plain CSV file as they are, any other input as row lines written by DuckDB
 * (row-lines.ts) —, the main thread only cutting the file into batches (rows-phase.ts); the workers write
 * identity and event records to part files per rid bucket, then sort each bucket and write it as Parquet
 * row groups straight into the extract's two files (bucket-parquet.ts), in rid order (a random
 * permutation of the input order, core/rid.ts); the main thread ends each file with its footer
 * (parquet.ts) and signs the manifest last.
 *
 * Atomicity: everything is written under DIR/.ldh-tmp-<run>/ and moved into DIR at the end, manifest.json
 * last; an interrupted run leaves no manifest, so nothing that looks complete is half-written. Stale
 * temporary folders are removed by the next run.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { LdhError } from '../core/errors.js';
import { REQUIRED_ATTRIBUTES, type Source } from '../core/fields.js';
import { keyFingerprint } from '../core/keys.js';
import { type Manifest, manifestClk, signManifest, type UnsignedManifest } from '../core/manifest.js';
import { Mapping } from '../core/mapping.js';
import { extraFieldNames } from '../core/mapping-read.js';
import { clkParamsWithExtras, NORMALISATION_VERSION, PROTOCOL_VERSION } from '../core/params.js';
import { secretKeyBytes } from '../core/signing-keys.js';
import { packBundle } from '../extract/bundle-pack.js';
import { createSealStream } from '../extract/seal-stream.js';
import { readLinkageKey, readSealPublicKey, readSigningKey } from '../shared/key-files.js';
import { TOOL_VERSION } from '../version.js';
import { identityFieldOrder } from './batch.js';
import { recordMapPart, ridBuckets } from './batch-worker.js';
import { countReject } from './coverage.js';
import { concatenate } from './files.js';
import { type CsvRejectLine, csvRejects, type InputEncoding, openInput, scanPlainCsv } from './input.js';
import { createExtractFiles, writeParquet } from './parquet.js';
import { BatchPool } from './pool.js';
import { type LineFormat, NotPlainCsv, writeRowLines } from './row-lines.js';
import { processRows, type RowsRun } from './rows-phase.js';
import { defaultWorkers } from './worker-start.js';

export interface PseudonymiseOptions {
  readonly source: Source;
  readonly input: string;
  readonly mapping: string;
  readonly linkageKey: string;
  readonly signingKey: string;
  readonly out: string;
  readonly encoding?: InputEncoding;
  readonly delimiter?: string;
  readonly force?: boolean;
  readonly now?: () => Date;
  /** called after each batch; `total` is null when unknown */
  readonly onProgress?: (rows: number, total: number | null) => void;
  /**
   * count a plain CSV's rows before processing them, for `onProgress`'s total (a progress bar); without
   * it the total is null and the rows are only estimated, from the first 4 MiB (input.ts scanPlainCsv)
   */
  readonly countFirst?: boolean;
  /** worker threads for encoding (default: one per core, at most 4; 0 = in the main thread) */
  readonly workers?: number;
  /** the hub's sealing public key file: also write DIR/extract.sealed (hub protocol §3) */
  readonly sealTo?: string;
  /** the rid permutation key (tests only: by default a random key, discarded after the run) */
  readonly ridKey?: Uint32Array;
}

export interface PseudonymiseResult {
  readonly manifest: Manifest;
  readonly dir: string;
}

/** The sealed bundle written with --seal-to (sent instead of the three files). */
export const SEALED_FILE = 'extract.sealed';

/** Files sent to the hub. */
export const EXTRACT_FILES = ['manifest.json', 'extract.parquet', 'events.parquet'] as const;
/** Files that stay at the producer. */
export const LOCAL_FILES = ['rejects.csv', 'record-map.csv'] as const;

export async function loadMapping(path: string): Promise<Mapping> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new LdhError('MAPPING_INVALID', `cannot read the mapping file ${path} as JSON`, { cause });
  }
  const r = Mapping.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new LdhError('MAPPING_INVALID', `the mapping file ${path} is not valid: ${issues}`);
  }
  return r.data;
}

/**
 * LDH_TIMINGS=1 prints phase durations and RSS on stderr (no data), for benchmarking: milliseconds since
 * the run started, CPU time (user + system) and page faults (first touches of memory, which are slow on
 * the machines measured) of the process so far, then the time since the process started (`at`).
 */
function phase(name: string, t0: number): void {
  if (process.env.LDH_TIMINGS !== '1') return;
  const rss = Math.round(process.memoryUsage.rss() / 2 ** 20);
  const cpu = process.cpuUsage(); // all threads of the process, DuckDB's included
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  const sysMs = Math.round(cpu.system / 1000);
  const faults = process.resourceUsage().minorPageFault;
  const now = performance.now();
  process.stderr.write(
    `phase ${name} ${Math.round(now - t0)}ms cpu=${cpuMs}ms sys=${sysMs}ms faults=${faults} rss=${rss}MB at=${Math.round(now)}ms\n`,
  );
}

export async function pseudonymise(opts: PseudonymiseOptions): Promise<PseudonymiseResult> {
  const t0 = performance.now();
  phase('start', t0);
  const mapping = await loadMapping(opts.mapping);
  const clk = clkParamsWithExtras(extraFieldNames(mapping));
  if (mapping.source !== opts.source) {
    throw new LdhError('MAPPING_INVALID', `the mapping is for source ${mapping.source}, not ${opts.source}`);
  }
  for (const f of REQUIRED_ATTRIBUTES[opts.source]) {
    if (mapping.columns[f] === undefined) throw new LdhError('MAPPING_INVALID', `the mapping must map ${f}`);
  }
  const key = await readLinkageKey(opts.linkageKey);
  const signing = await readSigningKey(opts.signingKey);
  const sealTo = opts.sealTo === undefined ? undefined : await readSealPublicKey(opts.sealTo);
  if (signing.producer !== opts.source) {
    throw new LdhError(
      'KEY_INVALID',
      `the signing key belongs to producer ${signing.producer}, not ${opts.source}`,
    );
  }

  await mkdir(opts.out, { recursive: true });
  const existing = await readdir(opts.out);
  if (!opts.force && EXTRACT_FILES.some((f) => existing.includes(f))) {
    throw new LdhError('OUTPUT_EXISTS', `${opts.out} already holds an extract; use --force to replace it`);
  }
  for (const f of existing)
    if (f.startsWith('.ldh-tmp-')) await rm(join(opts.out, f), { recursive: true, force: true });
  const runId = randomBytes(6).toString('hex');
  const tmp = join(opts.out, `.ldh-tmp-${runId}`);
  await mkdir(tmp, { mode: 0o700 });

  // the worker threads load their code while the input is opened; DuckDB is loaded only for an input the
  // workers cannot split themselves (Parquet, or a CSV file that is not plain)
  const workers = opts.workers ?? defaultWorkers();
  let pool = new BatchPool(workers);
  const duck = new LazyDuckDb(tmp);
  try {
    const input = await openInput(
      duck.connection,
      { path: opts.input, encoding: opts.encoding ?? 'utf-8', delimiter: opts.delimiter ?? ',' },
      runId,
    );
    const missing = Object.entries(mapping.columns)
      .filter(([, col]) => !input.columns.includes(col))
      .map(([field, col]) => `${col} (${field})`);
    if (missing.length > 0) {
      const hint = input.columns.length === 1 ? ' — the header has a single column: check --delimiter' : '';
      throw new LdhError(
        'INPUT_COLUMNS',
        `mapped columns missing from the input: ${missing.join(', ')}${hint}`,
      );
    }

    const fields = identityFieldOrder(Object.keys(mapping.columns));
    const encoding = opts.encoding ?? 'utf-8';
    /** `total`: the number of rows, exactly (progress) or about (`estimated`: the rid buckets only) */
    const rowsRun = (
      pool: BatchPool,
      format: LineFormat,
      file: string,
      from: number,
      total: number,
      estimated = false,
    ) =>
      processRows({
        pool,
        setup: {
          key,
          ridKey: opts.ridKey ?? new Uint32Array(randomBytes(16).buffer),
          mapping,
          fields,
          dir: tmp,
          buckets: ridBuckets(total),
          format,
        },
        file,
        from,
        total: estimated ? null : total,
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
    // A plain CSV file is split by the workers themselves; any other input (or a file that turns out not
    // to be plain) is parsed by DuckDB first, into row lines.
    // rows counted first only for a progress bar; otherwise estimated (the rid buckets need an order of size)
    const plain = input.kind === 'csv' ? await scanPlainCsv(opts.input, opts.countFirst === true) : null;
    let run: RowsRun | null = null;
    let malformed: CsvRejectLine[] = [];
    if (plain !== null) {
      phase('input', t0);
      const format = {
        kind: 'csv',
        delimiter: opts.delimiter ?? ',',
        encoding: encoding === 'latin1' ? 'latin1' : 'utf8',
        columns: input.columns,
      } as const;
      const rows = rowsRun(pool, format, opts.input, plain.dataStart, plain.rows, !plain.exact);
      run = await rows.catch((e: unknown) => {
        if (e instanceof NotPlainCsv) return null;
        throw e;
      });
    }
    if (run === null) {
      const conn = await duck.connection();
      const rowLines = join(tmp, 'rows.txt');
      const rows = await writeRowLines(
        conn,
        input,
        fields.map((f) => mapping.columns[f] ?? ''),
        rowLines,
      );
      malformed = await csvRejects(conn, input);
      if (malformed.some((m) => m.type === 'INVALID ENCODING')) {
        throw new LdhError(
          'INPUT_ENCODING',
          `the input is not valid ${encoding}${encoding === 'utf-8' ? ' (is it a Latin-1 export? try --encoding latin1)' : ''}`,
        );
      }
      phase('input', t0);
      if (plain !== null) pool = new BatchPool(workers); // the first one stopped
      run = await rowsRun(pool, { kind: 'row-lines' }, rowLines, 0, rows);
      await rm(rowLines);
    }
    const { rejects, coverage, inputRows, parts } = run;
    phase('rows', t0);
    // the threads sort the rid buckets into Parquet row groups, identities first, while the main thread
    // puts extract.parquet together
    const threads = pool;
    const targets = await createExtractFiles(tmp);
    const identities = threads.sort('identities', targets.identities);
    // the threads stop once the events are sorted: their memory is not kept while the files are written
    const events = threads.sort('events', targets.events).then(async (groups) => {
      await threads.abort();
      return groups;
    });
    // awaited by writeParquet; a failure before then stops the run
    identities.then(() => phase('sorted:ids', t0)).catch(() => {});
    events.then(() => phase('sorted:evs', t0)).catch(() => {});

    for (const m of malformed) {
      countReject(coverage, 'CSV_MALFORMED');
      rejects.line(`${m.line},,,CSV_MALFORMED,${m.column ?? m.type.replace(/[^A-Z ]/g, '')}`);
    }
    rejects.close();
    const rejected = Object.values(coverage.rejects).reduce((a, b) => a + b, 0);
    if (inputRows + malformed.length === 0) throw new LdhError('INPUT_EMPTY', 'the input holds no data rows');
    if (coverage.kept === 0) {
      await rename(join(tmp, 'rejects.csv'), join(opts.out, 'rejects.csv'));
      throw new LdhError(
        'INPUT_MALFORMED',
        `every row was rejected (${rejected}); see ${join(opts.out, 'rejects.csv')}`,
      );
    }

    const digests = await writeParquet({
      source: opts.source,
      dir: tmp,
      targets,
      identities,
      events,
      createdBy: `ldh-link ${TOOL_VERSION}`,
      step: (name) => phase(`parquet:${name}`, t0),
    });
    await concatenate(
      [...Array(parts).keys()].map((i) => recordMapPart(tmp, i)),
      join(tmp, 'record-map.csv'),
      'rid,record_id\n',
    );
    phase('parquet', t0);
    const unsigned: UnsignedManifest = {
      format: 'ldh-link/extract',
      protocol_version: PROTOCOL_VERSION,
      normalisation_version: NORMALISATION_VERSION,
      tool_version: TOOL_VERSION,
      producer: opts.source,
      source: opts.source,
      created_at: (opts.now ?? (() => new Date()))().toISOString(),
      key_fingerprint: keyFingerprint(key),
      signing_key_id: signing.key_id,
      parameters: {
        clk: manifestClk(clk),
        event_date_precision: 'month',
      },
      files: {
        identities: {
          path: 'extract.parquet',
          ...digests.identities,
          rows: coverage.identities,
        },
        events: {
          path: 'events.parquet',
          ...digests.events,
          rows: coverage.kept,
        },
      },
      counts: {
        input_rows: inputRows + malformed.length,
        rejected_rows: rejected,
        identities: coverage.identities,
        events: coverage.kept,
      },
      coverage: {
        nir_classes: coverage.nirClasses,
        missing: coverage.missing,
        invalid: coverage.invalid,
        with_idkey: coverage.withIdkey,
        rejects: coverage.rejects,
      },
    };
    const manifest = signManifest(unsigned, secretKeyBytes(signing));
    await publish(opts.out, tmp, manifest, sealTo?.publicKey);
    phase('publish', t0);
    return { manifest, dir: opts.out };
  } finally {
    await pool.abort(); // after an error before or during the rows phase
    await duck.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The run's DuckDB instance, loaded and opened on first use: in memory, spilling beyond its memory limit
 * to the run's temporary folder.
 */
class LazyDuckDb {
  private opened: Promise<{ db: DuckDBInstance; conn: DuckDBConnection }> | null = null;
  constructor(private readonly tmp: string) {}

  readonly connection = async (): Promise<DuckDBConnection> => {
    this.opened ??= (async () => {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:', {
        temp_directory: join(this.tmp, 'spill'),
        memory_limit: '256MB',
        threads: '2',
      });
      return { db, conn: await db.connect() };
    })();
    return (await this.opened).conn;
  };

  async close(): Promise<void> {
    const opened = await this.opened?.catch(() => null);
    opened?.conn.closeSync();
    opened?.db.closeSync();
  }
}

async function publish(out: string, tmp: string, manifest: Manifest, sealTo?: Uint8Array): Promise<void> {
  await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (sealTo) {
    await pipeline(
      packBundle(tmp),
      createSealStream(sealTo),
      createWriteStream(join(tmp, SEALED_FILE), { mode: 0o600 }),
    );
  }
  // An old manifest must go first: a crash between the renames must not pair it with new data; an old
  // sealed bundle must not survive beside a new extract.
  await rm(join(out, 'manifest.json'), { force: true });
  await rm(join(out, SEALED_FILE), { force: true });
  for (const f of ['extract.parquet', 'events.parquet', ...LOCAL_FILES, ...(sealTo ? [SEALED_FILE] : [])])
    await rename(join(tmp, f), join(out, f));
  await rename(join(tmp, 'manifest.json'), join(out, 'manifest.json'));
}
