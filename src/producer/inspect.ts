/**
 * `ldh-link inspect`: statistics about an extract that are safe to share (with the hub, a help desk, a
 * reviewer): counts, NIR classes, share of missing fields, and the CLK fill histogram. Nothing row-level;
 * histogram bins under SMALL_CELL people are shown as "<11".
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { popcount } from '../core/clk.js';
import type { Manifest } from '../core/manifest.js';
import { sqlString } from '../extract/sql.js';
import { readManifest } from '../extract/verify.js';

export const SMALL_CELL = 11;
export const POPCOUNT_BIN = 32;

export interface InspectReport {
  readonly producer: string;
  readonly protocol: string;
  readonly created_at: string;
  readonly key_fingerprint: string;
  readonly counts: Manifest['counts'];
  readonly nir_classes: Record<string, number>;
  readonly missing_share: Record<string, number>;
  readonly rejects: Record<string, number>;
  readonly clk_fill: {
    readonly mean: number;
    readonly histogram: readonly { bits: string; count: number | '<11' }[];
  };
}

export async function inspectExtract(dir: string): Promise<InspectReport> {
  const manifest = await readManifest(dir);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const bins = new Map<number, number>();
  let sum = 0;
  let n = 0;
  try {
    const res = await conn.stream(
      `SELECT clk FROM read_parquet(${sqlString(join(dir, manifest.files.identities.path))})`,
    );
    for (;;) {
      const chunk = await res.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      for (const v of chunk.getColumns()[0] ?? []) {
        const bytes = (v as { bytes?: Uint8Array } | null)?.bytes;
        if (!bytes) continue;
        const c = popcount(bytes);
        sum += c;
        n++;
        const b = Math.floor(c / POPCOUNT_BIN) * POPCOUNT_BIN;
        bins.set(b, (bins.get(b) ?? 0) + 1);
      }
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  // coverage is counted per identity row
  const ids = Math.max(1, manifest.counts.identities);
  const share = (x: number) => Math.round((x / ids) * 10000) / 10000;
  return {
    producer: manifest.producer,
    protocol: manifest.protocol_version,
    created_at: manifest.created_at,
    key_fingerprint: manifest.key_fingerprint,
    counts: manifest.counts,
    nir_classes: manifest.coverage.nir_classes,
    missing_share: Object.fromEntries(
      Object.entries(manifest.coverage.missing).map(([k, v]) => [k, share(v)]),
    ),
    rejects: manifest.coverage.rejects,
    clk_fill: {
      mean: n === 0 ? 0 : Math.round((sum / n) * 10) / 10,
      histogram: [...bins.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([b, count]) => ({
          bits: `${b}–${b + POPCOUNT_BIN - 1}`,
          count: count < SMALL_CELL ? '<11' : count,
        })),
    },
  };
}
