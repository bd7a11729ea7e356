/**
 * `ldh-link inspect DIR` — statistics about an extract that are safe to share. The reader (DuckDB) is
 * imported in `run`, so --help answers at once.
 */
import { defineCommand } from 'citty';
import { guarded } from '../guard.js';

export const inspectCommand = defineCommand({
  meta: { name: 'inspect', description: 'Print safe-to-share statistics of an extract (JSON with --json).' },
  args: {
    dir: { type: 'positional', required: true, description: 'extract directory' },
    json: { type: 'boolean', default: false, description: 'print JSON' },
  },
  run: guarded(async (a: { dir: string; json: boolean }) => {
    const { inspectExtract } = await import('../../producer/inspect.js');
    const r = await inspectExtract(a.dir);
    if (a.json) {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return;
    }
    const lines = [
      `extract of ${r.producer} (${r.protocol}), created ${r.created_at}`,
      `key fingerprint ${r.key_fingerprint}`,
      `rows: input ${r.counts.input_rows}, rejected ${r.counts.rejected_rows}, identities ${r.counts.identities}, events ${r.counts.events}`,
      `NIR classes: ${Object.entries(r.nir_classes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      `missing: ${Object.entries(r.missing_share)
        .map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`)
        .join(', ')}`,
      `CLK fill: mean ${r.clk_fill.mean} bits`,
      ...r.clk_fill.histogram.map((h) => `  ${h.bits.padStart(9)} ${String(h.count).padStart(9)}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }),
});
