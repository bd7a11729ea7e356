/**
 * `ldh-link pseudonymise`: producer input → signed pseudonymised extract (protocol v2). The shell around
 * the pure core: DuckDB reads the input and hands rows to worker threads running the RowProcessor; their
 * identity and event lines go to intermediate files that DuckDB writes out as Parquet in rid order (a
 * random permutation of the input order, core/rid.ts); the manifest is signed last.
 *
 * Atomicity: everything is written under DIR/.ldh-tmp-<run>/ and moved into DIR at the end, manifest.json
 * last; an interrupted run leaves no manifest, so nothing that looks complete is half-written. Stale
 * temporary folders are removed by the next run.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { LdhError } from '../core/errors.js';
import { ATTRIBUTES, REQUIRED_ATTRIBUTES, type Source } from '../core/fields.js';
import { keyFingerprint } from '../core/keys.js';
import { type Manifest, manifestClk, signManifest, type UnsignedManifest } from '../core/manifest.js';
import { extraFieldNames, Mapping } from '../core/mapping.js';
import {
  BLOCKING_KEY_BYTES,
  BLOCKING_V1,
  clkParamsWithExtras,
  NORMALISATION_VERSION,
  PROTOCOL_VERSION,
} from '../core/params.js';
import { secretKeyBytes } from '../core/signing-keys.js';
import { packBundle } from '../extract/bundle-pack.js';
import { createSealStream } from '../extract/seal-stream.js';
import { sha256File } from '../extract/sha256-file.js';
import { sqlString } from '../extract/sql.js';
import { readLinkageKey, readSealPublicKey, readSigningKey } from '../shared/key-files.js';
import { TOOL_VERSION } from '../version.js';
import { identityFieldOrder } from './batch.js';
import { type BatchReply, bucketFile, type PartKind, RID_BUCKETS, recordMapPart } from './batch-worker.js';
import { countReject, emptyCoverage, mergeCoverage } from './coverage.js';
import { concatenate, LineWriter } from './files.js';
import { csvRejects, type InputEncoding, openInput, sqlIdent } from './input.js';
import { BatchPool } from './pool.js';
import { eventIntermediate, IDENTITY_INTERMEDIATE } from './row-processor.js';

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
  /** count the rows first so that progress has a total (one extra fast pass) */
  readonly countFirst?: boolean;
  /** worker threads for encoding (default: one per core, at most 4; 0 = in the main thread) */
  readonly workers?: number;
  /** the hub's sealing public key file: also write DIR/extract.sealed (hub protocol §3) */
  readonly sealTo?: string;
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

function defaultWorkers(): number {
  return Math.min(4, Math.max(1, availableParallelism()));
}

/** LDH_TIMINGS=1 prints phase durations and RSS on stderr (no data), for benchmarking. */
function phase(name: string, t0: number): void {
  if (process.env.LDH_TIMINGS !== '1') return;
  const rss = Math.round(process.memoryUsage.rss() / 2 ** 20);
  const cpu = process.cpuUsage(); // all threads of the process, DuckDB's included
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  process.stderr.write(`phase ${name} ${Math.round(performance.now() - t0)}ms cpu=${cpuMs}ms rss=${rss}MB\n`);
}

export async function pseudonymise(opts: PseudonymiseOptions): Promise<PseudonymiseResult> {
  const t0 = performance.now();
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

  // beyond the memory limit DuckDB spills to the temporary folder (the rid-ordered tables included)
  const db = await DuckDBInstance.create(':memory:', {
    temp_directory: join(tmp, 'spill'),
    memory_limit: '256MB',
    threads: '2',
  });
  const conn = await db.connect();
  try {
    const input = await openInput(
      conn,
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

    let total: number | null = null;
    if (opts.countFirst) {
      const r = await conn.runAndReadAll(`SELECT count(*) FROM (${input.select})`);
      total = Number(r.getRows()[0]?.[0] ?? 0);
    }

    const rejects = new LineWriter(join(tmp, 'rejects.csv'));
    rejects.line('line,row,record_id,reason,field');
    const coverage = emptyCoverage();
    const take = async (replies: readonly BatchReply[]) => {
      for (const r of replies) {
        if (r.rejects !== '') rejects.line(r.rejects);
        mergeCoverage(coverage, r.coverage);
      }
      await rejects.flushIfFull();
    };

    // DuckDB hands each row over as one string (mapped columns joined by U+001F, identity fields first):
    // one crossing into JavaScript per row instead of one per column.
    const fields = identityFieldOrder(Object.keys(mapping.columns));
    const concat = fields.map((f) => `coalesce(${sqlIdent(mapping.columns[f] ?? '')}, '')`).join(', ');
    const ridKey = new Uint32Array(randomBytes(16).buffer);
    const pool = new BatchPool(key, ridKey, mapping, fields, tmp, opts.workers ?? defaultWorkers());
    let inputRows = 0;
    try {
      const result = await conn.stream(`SELECT concat_ws(chr(31), ${concat}) FROM (${input.select})`);
      let next = result.fetchChunk();
      for (;;) {
        const chunk = await next;
        if (chunk === null || chunk.rowCount === 0) break;
        next = result.fetchChunk(); // DuckDB reads the next chunk while this one is processed
        next.catch(() => {}); // awaited at the next turn; if a batch fails first, no unhandled rejection
        const col = chunk.getColumnVector(0);
        const batch: string[] = new Array(chunk.rowCount);
        for (let i = 0; i < chunk.rowCount; i++) batch[i] = String(col.getItem(i) ?? '');
        await take(await pool.submit(batch, inputRows + 1));
        inputRows += chunk.rowCount;
        opts.onProgress?.(inputRows, total);
      }
      await take(await pool.drain());
      await pool.close();
    } catch (e) {
      await pool.abort();
      throw e;
    }
    phase('rows', t0);

    const malformed = await csvRejects(conn, input);
    if (malformed.some((m) => m.type === 'INVALID ENCODING')) {
      const enc = opts.encoding ?? 'utf-8';
      throw new LdhError(
        'INPUT_ENCODING',
        `the input is not valid ${enc}${enc === 'utf-8' ? ' (is it a Latin-1 export? try --encoding latin1)' : ''}`,
      );
    }
    for (const m of malformed) {
      countReject(coverage, 'CSV_MALFORMED');
      rejects.line(`${m.line},,,CSV_MALFORMED,${m.column ?? m.type.replace(/[^A-Z ]/g, '')}`);
    }
    await rejects.close();
    const rejected = Object.values(coverage.rejects).reduce((a, b) => a + b, 0);
    if (inputRows + malformed.length === 0) throw new LdhError('INPUT_EMPTY', 'the input holds no data rows');
    if (coverage.kept === 0) {
      await rename(join(tmp, 'rejects.csv'), join(opts.out, 'rejects.csv'));
      throw new LdhError(
        'INPUT_MALFORMED',
        `every row was rejected (${rejected}); see ${join(opts.out, 'rejects.csv')}`,
      );
    }

    await writeParquet(conn, opts.source, tmp, pool.parts);
    await concatenate(
      [...Array(pool.parts).keys()].map((i) => recordMapPart(tmp, i)),
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
        blocking: { passes: BLOCKING_V1.map((p) => p.name), key_bytes: BLOCKING_KEY_BYTES },
        event_date_precision: 'month',
      },
      files: {
        identities: {
          path: 'extract.parquet',
          ...(await sha256File(join(tmp, 'extract.parquet'))),
          rows: coverage.identities,
        },
        events: {
          path: 'events.parquet',
          ...(await sha256File(join(tmp, 'events.parquet'))),
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
    conn.closeSync();
    db.closeSync();
    await rm(tmp, { recursive: true, force: true });
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

/**
 * DuckDB: the workers' bucket files → extract.parquet and events.parquet in rid order. Each rid bucket is
 * sorted on its own and appended to a table (insertion order is kept; beyond the memory limit the table
 * spills to the temporary folder), which is then copied to Parquet as is: the sorts need memory for one
 * bucket, not for the extract.
 */
async function writeParquet(
  conn: DuckDBConnection,
  source: Source,
  tmp: string,
  parts: number,
): Promise<void> {
  const read = (kind: PartKind, bucket: number, cols: readonly string[]) => {
    const files = [...Array(parts).keys()].map((p) => sqlString(join(tmp, bucketFile(kind, bucket, p))));
    return (
      `read_csv([${files.join(', ')}], header=false, auto_detect=false, delim=',', quote='"', escape='"', ` +
      `columns={${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}})`
    );
  };
  const identities =
    'CAST(rid AS INTEGER) AS rid, nir_class, unhex(nir_p1) AS nir_p1, unhex(idkey) AS idkey, from_base64(clk) AS clk, ' +
    "CASE WHEN coalesce(block_keys, '') = '' THEN []::VARCHAR[] ELSE string_split(block_keys, ' ') END AS block_keys, " +
    'CAST(birth_year AS SMALLINT) AS birth_year, sex';
  const events = [
    'CAST(rid AS INTEGER) AS rid',
    ...ATTRIBUTES[source].map((a) =>
      a.type.kind === 'int' || a.type.kind === 'band' ? `CAST(${a.name} AS INTEGER) AS ${a.name}` : a.name,
    ),
  ].join(', ');
  const tables = [
    {
      table: 'ids',
      kind: 'identities' as const,
      select: identities,
      cols: IDENTITY_INTERMEDIATE,
      file: 'extract.parquet',
    },
    {
      table: 'evs',
      kind: 'events' as const,
      select: events,
      cols: eventIntermediate(source),
      file: 'events.parquet',
    },
  ];
  const t0 = performance.now();
  for (const t of tables) {
    for (let b = 0; b < RID_BUCKETS; b++) {
      const body = `SELECT ${t.select} FROM ${read(t.kind, b, t.cols)} ORDER BY rid`;
      await conn.run(b === 0 ? `CREATE TABLE ${t.table} AS ${body}` : `INSERT INTO ${t.table} ${body}`);
    }
    phase(`parquet:${t.table}:sorted`, t0);
    await conn.run(`COPY ${t.table} TO ${sqlString(join(tmp, t.file))} (FORMAT parquet, COMPRESSION zstd)`);
    phase(`parquet:${t.table}:written`, t0);
    await conn.run(`DROP TABLE ${t.table}`);
  }
}
