/**
 * Row processing in one thread, without I/O: `npm run bench:rows -- [--input synth|distinct] [--rows N]`.
 * Takes the input files that `npm run bench:producer` made under .bench-data/producer/ (run it first),
 * hands the rows to the producer's batch processor exactly as DuckDB would (mapped columns joined by
 * U+001F, batches of 2,048), discards the output, and prints the median of 5 passes:
 *   rows input=<kind> rows=<n> identities=<k> rows_per_s=<x>
 * The gap between this figure (per core) and bench:producer's shows what the pipeline around it costs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { linkageKey } from '../src/core/keys.js';
import { Mapping } from '../src/core/mapping.js';
import { RidPermutation } from '../src/core/rid.js';
import { identityFieldOrder, processBatch } from '../src/producer/batch.js';
import { RowProcessor } from '../src/producer/row-processor.js';

const { values } = parseArgs({
  options: { input: { type: 'string', default: 'synth' }, rows: { type: 'string', default: '300000' } },
});
const dir = join(new URL('..', import.meta.url).pathname, '.bench-data', 'producer');
let csv: string;
let mappingPath: string;
if (values.input === 'synth') {
  const synth = readdirSync(dir).find((d) => d.startsWith('synth-'));
  if (!synth)
    throw new Error('no synthetic input under .bench-data/producer: run `npm run bench:producer` first');
  csv = join(dir, synth, 'dsn.csv');
  mappingPath = join(dir, synth, 'dsn.mapping.json');
} else {
  const f = readdirSync(dir).find((d) => d.startsWith('distinct-') && d.endsWith('.csv'));
  if (!f) throw new Error('no distinct input: run `npm run bench:producer -- --input distinct` first');
  csv = join(dir, f);
  mappingPath = join(dir, 'distinct.mapping.json');
}
const n = Number(values.rows);
const mapping = Mapping.parse(JSON.parse(readFileSync(mappingPath, 'utf8')));
// the bench inputs have no quoted fields, so splitting on commas is exact here
const lines = readFileSync(csv, 'utf8')
  .split('\n', n + 1)
  .filter((l) => l !== '');
const header = (lines.shift() ?? '').split(',');
const fields = identityFieldOrder(Object.keys(mapping.columns));
const cols = fields.map((f) => header.indexOf(mapping.columns[f] ?? ''));
const rows = lines.map((l) => {
  const r = l.split(',');
  return cols.map((i) => r[i] ?? '').join('\u001f');
});
const rates: number[] = [];
let identities = 0;
for (let pass = 0; pass < 5; pass++) {
  const p = new RowProcessor(
    linkageKey(new Uint8Array(32).fill(3)),
    mapping,
    new RidPermutation(new Uint32Array([1, 2, 3, 4])),
  );
  identities = 0;
  const t = performance.now();
  for (let i = 0; i < rows.length; i += 2048) {
    processBatch(
      p,
      fields,
      mapping.values,
      { seq: 0, firstRow: i + 1, rows: rows.slice(i, i + 2048) },
      (_r, _e, id) => {
        if (id !== null) identities++;
      },
    );
  }
  rates.push(rows.length / ((performance.now() - t) / 1000));
}
rates.sort((a, b) => a - b);
process.stdout.write(
  `rows input=${values.input} rows=${rows.length} identities=${identities} rows_per_s=${Math.round(rates[2] ?? 0)}\n`,
);
