/**
 * Linkage runs at the hub: one at a time, asynchronous, cancellable. A run snapshots the identities of
 * the current extracts into a scratch table, runs the engine (src/link/engine.ts) on its own connection,
 * writes persons and links to scratch tables, then — in one transaction on the write queue — copies them
 * into `run_persons` / `run_links`, marks the run succeeded and audits it. Until that commit the previous
 * successful run stays the one in use; a failed or cancelled run leaves it untouched. Scratch tables and
 * runs left `running` by a crash are cleaned up at start-up.
 */
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { canonicalJson } from '../core/canonical-json.js';
import type { Manifest } from '../core/manifest.js';
import {
  DEFAULT_LINK_CONFIG,
  LINK_TYPES,
  type LinkConfig,
  type LinkResult,
  type LinkStage,
  linkRecords,
} from '../link/engine.js';
import { appendAudit, audit } from './audit.js';
import { buildFacts } from './facts.js';
import type { Logger } from './log.js';
import { ProblemError } from './problems.js';
import type { Store } from './store.js';

export type RunStatusName = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunStatus {
  readonly id: string;
  readonly status: RunStatusName;
  readonly created_at: string;
  readonly finished_at: string | null;
  readonly stage: string | null;
  readonly progress: Record<string, number> | null;
  readonly error: string | null;
  readonly current: boolean;
  readonly counts: {
    readonly records: number;
    readonly persons: number;
    readonly links: Record<string, number>;
    readonly threshold: number;
  } | null;
}

interface Active {
  readonly id: string;
  readonly controller: AbortController;
  stage: LinkStage | 'snapshot' | 'save' | 'facts';
  progress: Record<string, number>;
  readonly done: Promise<void>;
}

const scratch = (id: string) => {
  const suffix = id.replace(/[^a-z0-9]/g, '_');
  return {
    records: `link_scratch_records_${suffix}`,
    persons: `link_scratch_persons_${suffix}`,
    links: `link_scratch_links_${suffix}`,
  };
};

export class LinkageRuns {
  private active: Active | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** Start-up: runs interrupted by a crash are marked failed; their scratch tables dropped. */
  async recover(): Promise<void> {
    const tables = await this.store.read(
      "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'link_scratch_%'",
    );
    const stale = await this.store.read("SELECT id FROM linkage_runs WHERE status = 'running'");
    if (tables.length === 0 && stale.length === 0) return;
    await this.store.write(async (tx) => {
      for (const t of tables) await tx.c.run(`DROP TABLE IF EXISTS ${String(t.table_name)}`);
      for (const r of stale) {
        await tx.c.run(
          "UPDATE linkage_runs SET status = 'failed', error = 'interrupted', finished_at = $t WHERE id = $id",
          {
            id: String(r.id),
            t: new Date().toISOString(),
          },
        );
        await appendAudit(tx, {
          actor: 'system',
          action: 'linkage.failed',
          target: String(r.id),
          outcome: 'error',
          detail: { reason: 'interrupted' },
        });
      }
    });
  }

  async start(actor: string, overrides: Partial<LinkConfig> = {}): Promise<RunStatus> {
    if (this.active) throw new ProblemError('run-in-progress', `run ${this.active.id} is still running`);
    const config: LinkConfig = { ...DEFAULT_LINK_CONFIG, ...overrides };
    const id = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
    const extracts = await this.store.read(
      "SELECT id, producer, manifest FROM extracts WHERE status = 'current' ORDER BY producer",
    );
    // CLKs are comparable only when made with the same parameters (protocol v3 §4.1)
    const clkParams = new Set(
      extracts.map((e) => canonicalJson((JSON.parse(String(e.manifest)) as Manifest).parameters.clk)),
    );
    if (clkParams.size > 1) {
      throw new ProblemError(
        'clk-parameters-differ',
        'the current extracts were encoded with different CLK fields',
      );
    }
    for (const e of extracts) delete e.manifest;
    await this.store.write(async (tx) => {
      await tx.c.run(
        "INSERT INTO linkage_runs VALUES ($id, 'running', $by, $t, NULL, $config, $extracts, NULL, NULL)",
        {
          id,
          by: actor,
          t: new Date().toISOString(),
          config: JSON.stringify(config),
          extracts: JSON.stringify(extracts),
        },
      );
      await appendAudit(tx, {
        actor,
        action: 'linkage.started',
        target: id,
        outcome: 'ok',
        detail: { extracts: extracts.length, threshold: config.threshold },
      });
    });
    const controller = new AbortController();
    const active: Active = {
      id,
      controller,
      stage: 'snapshot',
      progress: {},
      done: Promise.resolve(),
    };
    (active as { done: Promise<void> }).done = this.execute(active, config, actor).finally(() => {
      this.active = undefined;
    });
    this.active = active;
    return (await this.status(id)) as RunStatus;
  }

  async cancel(id: string, actor: string): Promise<RunStatus> {
    const s = await this.status(id);
    if (!s) throw new ProblemError('not-found');
    if (!this.active || this.active.id !== id) {
      throw new ProblemError('run-not-running', `run ${id} is ${s.status}`);
    }
    this.active.controller.abort(new CancelledError(actor));
    await this.active.done;
    return (await this.status(id)) as RunStatus;
  }

  /** At shutdown: cancels the run in progress, if any, and waits for it to end. */
  async cancelActive(actor: string): Promise<void> {
    if (!this.active) return;
    this.active.controller.abort(new CancelledError(actor));
    await this.active.done;
  }

  /** Resolves when the run in progress (if any) has ended. */
  async idle(): Promise<void> {
    await this.active?.done;
  }

  async status(id: string): Promise<RunStatus | undefined> {
    const rows = await this.store.read('SELECT * FROM linkage_runs WHERE id = $id', { id });
    const r = rows[0];
    if (!r) return undefined;
    const current = await this.currentRun();
    return this.toStatus(r, current);
  }

  async list(): Promise<RunStatus[]> {
    const rows = await this.store.read('SELECT * FROM linkage_runs ORDER BY created_at DESC, id');
    const current = await this.currentRun();
    return rows.map((r) => this.toStatus(r, current));
  }

  /** The run whose persons are in use: the latest that succeeded. */
  async currentRun(): Promise<string | null> {
    const rows = await this.store.read(
      "SELECT id FROM linkage_runs WHERE status = 'succeeded' ORDER BY finished_at DESC, id DESC LIMIT 1",
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  async summary(id: string): Promise<unknown | undefined> {
    const rows = await this.store.read('SELECT summary FROM linkage_runs WHERE id = $id', { id });
    const s = rows[0]?.summary;
    return typeof s === 'string' ? JSON.parse(s) : undefined;
  }

  private toStatus(r: Record<string, unknown>, current: string | null): RunStatus {
    const id = String(r.id);
    const live = this.active?.id === id ? this.active : undefined;
    const summary = typeof r.summary === 'string' ? (JSON.parse(r.summary) as LinkResult['summary']) : null;
    return {
      id,
      status: String(r.status) as RunStatusName,
      created_at: String(r.created_at),
      finished_at: r.finished_at === null ? null : String(r.finished_at),
      stage: live ? live.stage : null,
      progress: live ? { ...live.progress } : null,
      error: r.error === null ? null : String(r.error),
      current: id === current,
      counts: summary
        ? {
            records: summary.records,
            persons: summary.persons,
            links: summary.links,
            threshold: summary.threshold,
          }
        : null,
    };
  }

  private async execute(run: Active, config: LinkConfig, actor: string): Promise<void> {
    const t = scratch(run.id);
    const conn = await this.store.connect();
    try {
      await conn.run(
        `CREATE TABLE ${t.records} AS
         SELECT (row_number() OVER (ORDER BY i.source, i.extract_id, i.rid) - 1)::INTEGER AS rec,
                i.source, i.extract_id, i.rid, i.nir_class, i.nir_p2, i.idkey_p2, i.clk, i.birth_year, i.sex
         FROM identities i JOIN extracts e ON e.id = i.extract_id WHERE e.status = 'current'`,
      );
      const result = await linkRecords(conn, t.records, config, {
        signal: run.controller.signal,
        onStage: (stage, detail) => {
          run.stage = stage;
          run.progress = { ...detail };
        },
      });
      if (run.controller.signal.aborted) throw run.controller.signal.reason;
      run.stage = 'save';
      await saveScratch(conn, t, result);
      await this.store.write(async (tx) => {
        await tx.c.run(
          `INSERT INTO run_persons SELECT $id, p.person, r.source, r.extract_id, r.rid
           FROM ${t.persons} p JOIN ${t.records} r USING (rec)`,
          { id: run.id },
        );
        await tx.c.run(
          `INSERT INTO run_links SELECT $id, ra.source, ra.rid, rb.source, rb.rid, l.type, l.score
           FROM ${t.links} l JOIN ${t.records} ra ON ra.rec = l.a JOIN ${t.records} rb ON rb.rec = l.b`,
          { id: run.id },
        );
        run.stage = 'facts';
        await buildFacts(tx.c, run.id);
        await tx.c.run(
          "UPDATE linkage_runs SET status = 'succeeded', finished_at = $t, summary = $s WHERE id = $id",
          { id: run.id, t: new Date().toISOString(), s: JSON.stringify(result.summary) },
        );
        await appendAudit(tx, {
          actor,
          action: 'linkage.succeeded',
          target: run.id,
          outcome: 'ok',
          detail: {
            records: result.summary.records,
            persons: result.summary.persons,
            nir_links: result.summary.links.nir,
            idkey_links: result.summary.links.idkey,
            fuzzy_links: result.summary.links.fuzzy,
            threshold: result.summary.threshold,
          },
        });
      });
      this.log.info('linkage run succeeded', { stage: 'done', rows: result.summary.records });
    } catch (err) {
      const cancelled = err instanceof CancelledError;
      const status: RunStatusName = cancelled ? 'cancelled' : 'failed';
      const error = cancelled ? 'cancelled' : err instanceof Error ? err.name : 'error';
      if (!cancelled) this.log.error('linkage run failed', { error_class: error });
      if (process.env.LDH_DEBUG === '1') console.error(err);
      await audit(this.store, {
        actor: cancelled ? (err as CancelledError).actor : 'system',
        action: cancelled ? 'linkage.cancelled' : 'linkage.failed',
        target: run.id,
        outcome: cancelled ? 'ok' : 'error',
        detail: { stage: run.stage },
      }).catch(() => undefined);
      await this.store
        .write((tx) =>
          tx.c.run('UPDATE linkage_runs SET status = $s, finished_at = $t, error = $e WHERE id = $id', {
            id: run.id,
            s: status,
            t: new Date().toISOString(),
            e: error,
          }),
        )
        .catch(() => undefined);
    } finally {
      for (const name of Object.values(t))
        await conn.run(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
      conn.closeSync();
    }
  }
}

export class CancelledError extends Error {
  constructor(readonly actor: string) {
    super('linkage run cancelled');
    this.name = 'CancelledError';
  }
}

async function saveScratch(
  conn: DuckDBConnection,
  t: ReturnType<typeof scratch>,
  r: LinkResult,
): Promise<void> {
  await conn.run(`CREATE TABLE ${t.persons} (rec INTEGER, person INTEGER)`);
  await conn.run(`CREATE TABLE ${t.links} (a INTEGER, b INTEGER, type VARCHAR, score FLOAT)`);
  const p = await conn.createAppender(t.persons);
  for (let i = 0; i < r.n; i++) {
    p.appendInteger(i);
    p.appendInteger(r.person[i] as number);
    p.endRow();
  }
  p.closeSync();
  const l = await conn.createAppender(t.links);
  for (let i = 0; i < r.links.count; i++) {
    l.appendInteger(r.links.a[i] as number);
    l.appendInteger(r.links.b[i] as number);
    l.appendVarchar(LINK_TYPES[r.links.type[i] as number] as string);
    l.appendFloat(r.links.score[i] as number);
    l.endRow();
  }
  l.closeSync();
}
