/**
 * Row processing in one thread, without I/O: `npm run bench:rows -- [--input synth|distinct] [--rows N]`.
 * Takes the input files that `npm run bench:producer` made under .bench-data/producer/ (run it first),
 * hands the rows to the producer's batch processor as the workers receive them (the lines of a plain CSV,
 * UTF-8 bytes, batches of 4,096), writes their intermediate lines into a buffer that is dropped (no file)
 * and prints the median of 5 passes:
 *   rows input=<kind> rows=<n> identities=<k> rows_per_s=<x>
 * The gap between this figure (per core) and bench:producer's shows what the pipeline around it costs.
 * PASSES=1 also prints each pass's rate on stderr (the first pass shows the compiler's warm-up).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { linkageKey } from '../src/core/keys.js';
import { Mapping } from '../src/core/mapping.js';
import { RidPermutation } from '../src/core/rid.js';
import { BatchReader, identityFieldOrder } from '../src/producer/batch.js';
import { LineWriter } from '../src/producer/files.js';
import {
  EventRecords,
  identityRecordBytes,
  writeIdentityRecord,
  writeMapLine,
} from '../src/producer/intermediate.js';
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
// the bench inputs are plain CSV (no quotes, no CR): the workers split their lines themselves
const lines = readFileSync(csv, 'utf8')
  .split('\n', n + 1)
  .filter((l) => l !== '');
const header = (lines.shift() ?? '').split(',');
const fields = identityFieldOrder(Object.keys(mapping.columns));
const format = { kind: 'csv', delimiter: ',', encoding: 'utf8', columns: header } as const;
// the lines as the workers receive them: UTF-8 bytes, batches of 4,096 rows
const BATCH = 4096;
const batches: Uint8Array[] = [];
for (let i = 0; i < lines.length; i += BATCH) {
  batches.push(new TextEncoder().encode(`${lines.slice(i, i + BATCH).join('\n')}\n`));
}
// the workers' records and lines, written into a buffer whose content is dropped at each flush
const sink = new LineWriter(() => {}, 1 << 16);
const rates: number[] = [];
let identities = 0;
for (let pass = 0; pass < 5; pass++) {
  const p = new RowProcessor(
    linkageKey(new Uint8Array(32).fill(3)),
    mapping,
    new RidPermutation(new Uint32Array([1, 2, 3, 4])),
  );
  identities = 0;
  const record = new Uint8Array(identityRecordBytes(p.clkBytes));
  const events = new EventRecords(mapping.source);
  const reader = new BatchReader(p, fields, mapping, format, (row) => {
    events.write(sink, row);
    if (row.encoded !== null) {
      identities++;
      writeIdentityRecord(sink, row, record);
      writeMapLine(sink, row);
    }
  });
  const t = performance.now();
  for (let b = 0; b < batches.length; b++) {
    reader.read({ seq: 0, firstRow: b * BATCH + 1, lines: batches[b] ?? new Uint8Array(0) });
  }
  rates.push(lines.length / ((performance.now() - t) / 1000));
  if (process.env.PASSES) console.error(Math.round(rates[rates.length - 1] ?? 0));
}
rates.sort((a, b) => a - b);
process.stdout.write(
  `rows input=${values.input} rows=${lines.length} identities=${identities} rows_per_s=${Math.round(rates[2] ?? 0)}\n`,
);
