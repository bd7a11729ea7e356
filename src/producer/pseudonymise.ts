/**
 * `ldh-link pseudonymise`: producer input → signed pseudonymised extract (protocol v1). The shell around
 * the pure core: reads the input through DuckDB, runs every row through the RowProcessor, builds the
 * identities and events tables in DuckDB, writes Parquet, signs the manifest.
 *
 * Atomicity: everything is written under DIR/.ldh-tmp-<run>/ and moved into DIR at the end, manifest.json
 * last; an interrupted run leaves no manifest, so nothing that looks complete is half-written. Stale
 * temporary folders are removed by the next run.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { RowReject } from '../core/attributes.js';
import { LdhError } from '../core/errors.js';
import { ATTRIBUTES, REQUIRED_ATTRIBUTES, type Source } from '../core/fields.js';
import { keyFingerprint } from '../core/keys.js';
import { type Manifest, signManifest, type UnsignedManifest } from '../core/manifest.js';
import { Mapping } from '../core/mapping.js';
import { NIR_CLASSES, type NirClass } from '../core/nir.js';
import {
  BLOCKING_KEY_BYTES,
  BLOCKING_V1,
  CLK_V1,
  NORMALISATION_VERSION,
  PROTOCOL_VERSION,
} from '../core/params.js';
import { secretKeyBytes } from '../core/signing-keys.js';
import { TOOL_VERSION } from '../version.js';
import { LineWriter, sha256File } from './files.js';
import { csvRejects, type InputEncoding, openInput, sqlString } from './input.js';
import { readLinkageKey, readSigningKey } from './key-files.js';
import { intermediateColumns, RowProcessor } from './row-processor.js';

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
}

export interface PseudonymiseResult {
  readonly manifest: Manifest;
  readonly dir: string;
  readonly rejectsPath: string;
}

export const EXTRACT_FILES = ['manifest.json', 'extract.parquet', 'events.parquet'] as const;
export const LOCAL_FILES = ['rejects.csv', 'record-map.parquet'] as const;

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

function counter<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export async function pseudonymise(opts: PseudonymiseOptions): Promise<PseudonymiseResult> {
  const mapping = await loadMapping(opts.mapping);
  if (mapping.source !== opts.source) {
    throw new LdhError('MAPPING_INVALID', `the mapping is for source ${mapping.source}, not ${opts.source}`);
  }
  for (const f of REQUIRED_ATTRIBUTES[opts.source]) {
    if (mapping.columns[f] === undefined) throw new LdhError('MAPPING_INVALID', `the mapping must map ${f}`);
  }
  const key = await readLinkageKey(opts.linkageKey);
  const signing = await readSigningKey(opts.signingKey);
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

  const db = await DuckDBInstance.create(':memory:', {
    temp_directory: join(tmp, 'spill'),
    memory_limit: '512MB',
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
    const colIndex = new Map<string, number>();
    for (const [field, col] of Object.entries(mapping.columns))
      colIndex.set(field, input.columns.indexOf(col));

    let total: number | null = null;
    if (opts.countFirst) {
      const r = await conn.runAndReadAll(`SELECT count(*) FROM (${input.select})`);
      total = Number(r.getRows()[0]?.[0] ?? 0);
    }

    const rowsPath = join(tmp, 'rows.csv');
    const rejectsPath = join(tmp, 'rejects.csv');
    const rows = new LineWriter(rowsPath);
    const rejects = new LineWriter(rejectsPath);
    rejects.line('line,row,record_id,reason,field');
    const nirClasses = counter<NirClass>(NIR_CLASSES);
    const missingCount = counter([
      'nir',
      'birth_name',
      'usage_name',
      'first_names',
      'birth_date',
      'sex',
      'birth_place',
    ]);
    const invalidCount: Record<string, number> = {};
    const rejectCount: Record<string, number> = {};
    let withIdkey = 0;
    let inputRows = 0;
    let kept = 0;

    const processor = new RowProcessor(key, mapping);
    const result = await conn.stream(input.select);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const cols = chunk.getColumns();
      const n = chunk.rowCount;
      for (let r = 0; r < n; r++) {
        inputRows++;
        const get = (field: string): string | null => {
          const idx = colIndex.get(field);
          if (idx === undefined) return null;
          const v = cols[idx]?.[r];
          if (v == null) return null;
          const s = String(v);
          const t = mapping.values[field]?.[s.trim()];
          return t ?? s;
        };
        try {
          const p = processor.process(get, `row-${inputRows}`);
          rows.line(p.line);
          kept++;
          const id = p.identity;
          nirClasses[id.nir.class]++;
          if (id.nir.class === 'missing') missingCount.nir++;
          if (id.birthName === '') missingCount.birth_name++;
          if (id.usageName === '') missingCount.usage_name++;
          if (id.firstNames.length === 0) missingCount.first_names++;
          if (id.birthDate === null) missingCount.birth_date++;
          if (id.sex === null) missingCount.sex++;
          if (id.birthPlace === null) missingCount.birth_place++;
          for (const f of id.invalid) invalidCount[f] = (invalidCount[f] ?? 0) + 1;
          if (p.hasIdkey) withIdkey++;
        } catch (e) {
          if (!(e instanceof RowReject)) throw e;
          rejectCount[e.reason] = (rejectCount[e.reason] ?? 0) + 1;
          const rid = get('record_id')?.replace(/"/g, '""') ?? '';
          rejects.line(`,${inputRows},"${rid}",${e.reason},${e.field}`);
        }
      }
      await rows.flushIfFull();
      await rejects.flushIfFull();
      opts.onProgress?.(inputRows, total);
    }

    const malformed = await csvRejects(conn, input);
    if (malformed.some((m) => m.type === 'INVALID ENCODING')) {
      const enc = opts.encoding ?? 'utf-8';
      throw new LdhError(
        'INPUT_ENCODING',
        `the input is not valid ${enc}${enc === 'utf-8' ? ' (is it a Latin-1 export? try --encoding latin1)' : ''}`,
      );
    }
    for (const m of malformed) {
      rejectCount.CSV_MALFORMED = (rejectCount.CSV_MALFORMED ?? 0) + 1;
      rejects.line(`${m.line},,,CSV_MALFORMED,${m.column ?? m.type.replace(/[^A-Z ]/g, '')}`);
    }
    await rows.close();
    await rejects.close();
    const rejected = Object.values(rejectCount).reduce((a, b) => a + b, 0);
    if (inputRows + malformed.length === 0) throw new LdhError('INPUT_EMPTY', 'the input holds no data rows');
    if (kept === 0) {
      await rename(rejectsPath, join(opts.out, 'rejects.csv'));
      throw new LdhError(
        'INPUT_MALFORMED',
        `every row was rejected (${rejected}); see ${join(opts.out, 'rejects.csv')}`,
      );
    }

    const built = await buildExtract(conn, opts.source, rowsPath, tmp);
    const now = (opts.now ?? (() => new Date()))();
    const unsigned: UnsignedManifest = {
      format: 'ldh-link/extract',
      protocol_version: PROTOCOL_VERSION,
      normalisation_version: NORMALISATION_VERSION,
      tool_version: TOOL_VERSION,
      producer: opts.source,
      source: opts.source,
      created_at: now.toISOString(),
      key_fingerprint: keyFingerprint(key),
      signing_key_id: signing.key_id,
      parameters: {
        clk: {
          l: CLK_V1.l,
          pad: CLK_V1.pad,
          fields: CLK_V1.fields.map(({ name, tokenizer, k }) => ({ name, tokenizer, k })),
        },
        blocking: { passes: BLOCKING_V1.map((p) => p.name), key_bytes: BLOCKING_KEY_BYTES },
        event_date_precision: 'month',
      },
      files: {
        identities: {
          path: 'extract.parquet',
          ...(await sha256File(join(tmp, 'extract.parquet'))),
          rows: built.identities,
        },
        events: {
          path: 'events.parquet',
          ...(await sha256File(join(tmp, 'events.parquet'))),
          rows: built.events,
        },
      },
      counts: {
        input_rows: inputRows + malformed.length,
        rejected_rows: rejected,
        identities: built.identities,
        events: built.events,
      },
      coverage: {
        nir_classes: nirClasses,
        missing: missingCount,
        invalid: invalidCount,
        with_idkey: withIdkey,
        rejects: rejectCount,
      },
    };
    const manifest = signManifest(unsigned, secretKeyBytes(signing));
    await publish(opts.out, tmp, manifest);
    return { manifest, dir: opts.out, rejectsPath: join(opts.out, 'rejects.csv') };
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(tmp, { recursive: true, force: true });
  }
}

async function publish(out: string, tmp: string, manifest: Manifest): Promise<void> {
  await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // An old manifest must go first: a crash between the renames must not pair it with new data.
  await rm(join(out, 'manifest.json'), { force: true });
  for (const f of ['extract.parquet', 'events.parquet', ...LOCAL_FILES])
    await rename(join(tmp, f), join(out, f));
  await rename(join(tmp, 'manifest.json'), join(out, 'manifest.json'));
}

/** DuckDB: intermediate rows → identities (one per record id and identity variant) and events. */
async function buildExtract(
  conn: Awaited<ReturnType<DuckDBInstance['connect']>>,
  source: Source,
  rowsPath: string,
  tmp: string,
): Promise<{ identities: number; events: number }> {
  const cols = intermediateColumns(source);
  const attrs = ATTRIBUTES[source];
  const colSpec = `{${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  const attrSql = attrs
    .map((a) =>
      a.type.kind === 'int' || a.type.kind === 'band'
        ? `CAST(r.${a.name} AS INTEGER) AS ${a.name}`
        : `r.${a.name}`,
    )
    .join(', ');
  const idCols = ['record_id', 'nir_class', 'nir_p1', 'idkey', 'clk', 'block_keys', 'birth_year', 'sex'];
  await conn.run(
    `CREATE TABLE rows AS SELECT *, md5(concat_ws('|', ${idCols.map((c) => `coalesce(${c}, '')`).join(', ')})) AS ik ` +
      `FROM read_csv(${sqlString(rowsPath)}, header=false, auto_detect=false, delim=',', quote='"', escape='"', columns=${colSpec})`,
  );
  await conn.run(
    `CREATE TABLE ident AS SELECT row_number() OVER (ORDER BY ik) AS rid, * FROM (SELECT DISTINCT ON (ik) ik, ${idCols.join(', ')} FROM rows)`,
  );
  const parquet = '(FORMAT parquet, COMPRESSION zstd)';
  await conn.run(
    `COPY (SELECT CAST(rid AS INTEGER) AS rid, nir_class, unhex(nir_p1) AS nir_p1, unhex(idkey) AS idkey, from_base64(clk) AS clk, ` +
      `CASE WHEN coalesce(block_keys, '') = '' THEN []::VARCHAR[] ELSE string_split(block_keys, ' ') END AS block_keys, ` +
      `CAST(birth_year AS SMALLINT) AS birth_year, sex FROM ident ORDER BY rid) TO ${sqlString(join(tmp, 'extract.parquet'))} ${parquet}`,
  );
  await conn.run(
    `COPY (SELECT CAST(i.rid AS INTEGER) AS rid, ${attrSql} FROM rows r JOIN ident i USING (ik) ORDER BY ALL) ` +
      `TO ${sqlString(join(tmp, 'events.parquet'))} ${parquet}`,
  );
  await conn.run(
    `COPY (SELECT CAST(rid AS INTEGER) AS rid, record_id FROM ident ORDER BY rid) TO ${sqlString(join(tmp, 'record-map.parquet'))} ${parquet}`,
  );
  const counts = await conn.runAndReadAll('SELECT (SELECT count(*) FROM ident), (SELECT count(*) FROM rows)');
  const row = counts.getRows()[0] ?? [0, 0];
  return { identities: Number(row[0]), events: Number(row[1]) };
}
