import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPlainCsv } from './input.js';
import { RowLineReader } from './row-lines.js';
import { fixture } from './test-fixtures.js';

describe('scanPlainCsv', () => {
  it('finds the data rows of a file that splits on delimiters and line feeds alone', async () => {
    const f = await fixture();
    const p = await f.file('a.csv', 'a,b\n1,2\n3,4\n');
    expect(await scanPlainCsv(p)).toEqual({ dataStart: 4, rows: 2, exact: true });
    expect(await scanPlainCsv(await f.file('b.csv', '\ufeffa,b\n1,2\n3,4'))).toEqual({
      dataStart: 7,
      rows: 2,
      exact: true,
    });
    expect(await scanPlainCsv(await f.file('c.csv', 'a,b\n'))).toEqual({
      dataStart: 4,
      rows: 0,
      exact: true,
    });
    // a file within one block is counted even when asked for an estimate
    expect(await scanPlainCsv(p, false)).toEqual({ dataStart: 4, rows: 2, exact: true });
  });

  it('estimates the rows of a large file from its first block without reading the rest', async () => {
    const f = await fixture();
    const rows = 600_000; // lines of 8 to 10 bytes: about 5.6 MB, more than one 4 MiB block
    const text = `id,value\n${Array.from({ length: rows }, (_, i) => `${i % 1000},x${i % 7}yz${i % 10}\n`).join('')}`;
    const p = await f.file('big.csv', text);
    const exact = await scanPlainCsv(p);
    expect(exact).toEqual({ dataStart: 9, rows, exact: true });
    const estimate = await scanPlainCsv(p, false);
    expect(estimate?.exact).toBe(false);
    expect(estimate?.dataStart).toBe(9);
    expect(Math.abs((estimate?.rows ?? 0) - rows) / rows).toBeLessThan(0.02);
    // a quote after the first block goes unseen here: the workers find it (batch.ts)
    const late = await f.file('late.csv', `${text}1,"2"\n`);
    expect(await scanPlainCsv(late)).toBeNull();
    expect(await scanPlainCsv(late, false)).not.toBeNull();
  });

  it('leaves to DuckDB any file with quotes, carriage returns or empty lines', async () => {
    const f = await fixture();
    for (const text of ['a,b\n"1",2\n', 'a,b\r\n1,2\r\n', 'a,b\n1,2\n\n3,4\n', 'a,b\n1,2\n\n', 'a,b']) {
      expect(await scanPlainCsv(await f.file('x.csv', text)), JSON.stringify(text)).toBeNull();
      expect(await scanPlainCsv(await f.file('x.csv', text), false), JSON.stringify(text)).toBeNull();
    }
  });
});

describe('RowLineReader', () => {
  it('cuts a file into batches of whole lines from an offset, across its read blocks', async () => {
    const f = await fixture();
    // lines longer than a block (256 bytes) now and then: the reader's buffer grows
    const lines = Array.from(
      { length: 1000 },
      (_, i) => `row ${i} ${'x'.repeat(i % 101 === 7 ? 700 : i % 37)}`,
    );
    const p = join(f.dir, 'lines.txt');
    await writeFile(p, `header\n${lines.join('\n')}`); // the last line without its line feed
    const reader = await RowLineReader.open(p, 64, 'header\n'.length, 256);
    const batches: { lines: Uint8Array; rows: number }[] = [];
    for (let b = await reader.next(); b !== null; b = await reader.next()) batches.push(b);
    await reader.close();
    // read once they are all out: a batch keeps its bytes while the reader reuses its buffer
    const got: string[] = [];
    for (const b of batches) {
      const text = Buffer.from(b.lines).toString('utf8');
      const batch = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
      expect(batch).toHaveLength(b.rows);
      expect(b.rows).toBeLessThanOrEqual(64);
      got.push(...batch);
    }
    expect(got).toEqual(lines);
  });
});
