/**
 * The hub's DuckDB file: opening it (with a clear error when another process holds it), applying
 * migrations, and a write queue. DuckDB lets one process write a file; inside the process every write
 * goes through `write()` on one connection, one at a time, so that an ingest transaction and audit
 * appends never interleave. Reads get their own short-lived connection and see committed data only.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { LdhError } from '../core/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Params = Record<string, DuckDBValue>;

/** A write transaction: its connection, and callbacks to run once it has committed. */
export interface Tx {
  readonly c: DuckDBConnection;
  readonly store: Store;
  afterCommit(fn: () => void): void;
}

export class Store {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
  ) {}

  static async open(path: string, opts: { memoryLimit?: string; threads?: number } = {}): Promise<Store> {
    mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        memory_limit: opts.memoryLimit ?? '1GB',
        threads: String(opts.threads ?? 2),
      });
    } catch (cause) {
      const msg = String((cause as Error).message ?? '');
      if (/lock/i.test(msg)) {
        throw new LdhError(
          'HUB_DB_LOCKED',
          `the hub database ${path} is in use by another process — stop the service (or use the HTTP API) first`,
          { cause },
        );
      }
      throw new LdhError('INTERNAL', `cannot open the hub database ${path}`, { cause });
    }
    // the file holds pseudonyms and encodings: owner only (DuckDB creates it with the process umask)
    for (const f of [path, `${path}.wal`]) if (existsSync(f)) chmodSync(f, 0o600);
    const writer = await instance.connect();
    const store = new Store(path, instance, writer);
    await store.migrate();
    return store;
  }

  private async migrate(): Promise<void> {
    await this.writer.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)',
    );
    const r = await this.writer.runAndReadAll('SELECT coalesce(max(version), 0) FROM schema_migrations');
    const current = Number(r.getRows()[0]?.[0] ?? 0);
    if (current > SCHEMA_VERSION) {
      throw new LdhError(
        'CONFIG_INVALID',
        `the hub database has schema version ${current}, newer than this tool's ${SCHEMA_VERSION}`,
      );
    }
    for (const m of MIGRATIONS.filter((x) => x.version > current)) {
      await this.transaction(async ({ c }) => {
        for (const sql of m.sql) await c.run(sql);
        await c.run('INSERT INTO schema_migrations VALUES ($v, $n, now())', { v: m.version, n: m.name });
      });
    }
  }

  async schemaVersion(): Promise<number> {
    const rows = await this.read('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    return Number(rows[0]?.v ?? 0);
  }

  /** Runs `fn` alone on the write connection inside BEGIN … COMMIT (ROLLBACK on any error). */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.transaction(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const after: (() => void)[] = [];
    await this.writer.run('BEGIN TRANSACTION');
    try {
      const out = await fn({ c: this.writer, store: this, afterCommit: (f) => after.push(f) });
      await this.writer.run('COMMIT');
      for (const f of after) f();
      return out;
    } catch (e) {
      await this.writer.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /** Runs `fn` on a fresh read connection (committed data only). */
  async withReader<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.instance.connect();
    try {
      return await fn(c);
    } finally {
      c.closeSync();
    }
  }

  /** A connection of its own (long work with scratch tables); the caller closes it. */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** A read on a fresh connection; rows as objects with JSON-friendly values. */
  async read(sql: string, params?: Params): Promise<Record<string, unknown>[]> {
    const c = await this.instance.connect();
    try {
      const r = await c.runAndReadAll(sql, params);
      return r.getRowObjectsJS() as Record<string, unknown>[];
    } finally {
      c.closeSync();
    }
  }

  /** Waits for queued writes, then closes (a checkpoint folds the WAL into the file). */
  async close(): Promise<void> {
    await this.queue;
    try {
      await this.writer.run('CHECKPOINT');
    } finally {
      this.writer.closeSync();
      this.instance.closeSync();
    }
  }
}
