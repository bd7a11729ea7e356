/** The human summary printed on stderr after `pseudonymise`: counts only, never values. */
import { join } from 'node:path';
import type { Manifest } from '../core/manifest.js';

export function formatSummary(m: Manifest, dir: string, sealed = false): string {
  const c = m.counts;
  const kept = c.input_rows - c.rejected_rows;
  // coverage is counted per identity row of the extract
  const pct = (x: number) => (c.identities === 0 ? '0.0' : ((x / c.identities) * 100).toFixed(1));
  const classes = Object.entries(m.coverage.nir_classes)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v} (${pct(v)}%)`)
    .join(', ');
  const rejects = Object.entries(m.coverage.rejects)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `pseudonymised ${m.source}: ${c.input_rows} rows read, ${kept} kept, ${c.rejected_rows} rejected${rejects ? ` (${rejects})` : ''}`,
    `  identities ${c.identities}, events ${c.events}`,
    `  NIR classes of identities: ${classes}`,
    `  secondary identity key on ${pct(m.coverage.with_idkey)}% of identities; CLK ${m.parameters.clk.l} bits`,
    `  key fingerprint ${m.key_fingerprint}`,
    sealed
      ? `  to upload (ldh-link upload ${dir}): ${join(dir, 'extract.sealed')}, sealed to the hub's key`
      : `  to upload (ldh-link upload ${dir}): ${join(dir, 'manifest.json')}, ${join(dir, 'extract.parquet')}, ${join(dir, 'events.parquet')}`,
    `  stays here: ${join(dir, 'rejects.csv')}, ${join(dir, 'record-map.csv')}`,
    '',
  ].join('\n');
}
