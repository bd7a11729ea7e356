import { describe, expect, it } from 'vitest';
import { linkageKey } from '../core/keys.js';
import { Mapping } from '../core/mapping.js';
import { RidPermutation } from '../core/rid.js';
import { BatchReader, identityFieldOrder } from './batch.js';
import { NotPlainCsv } from './row-lines.js';
import { RowProcessor } from './row-processor.js';
import { PE_MAPPING } from './test-fixtures.js';

const mapping = Mapping.parse(PE_MAPPING);
const columns = ['id', 'nom', 'prenoms', 'naissance', 'debut', 'cat'];

function run(text: string) {
  const processor = new RowProcessor(
    linkageKey(new Uint8Array(32).fill(2)),
    mapping,
    new RidPermutation(new Uint32Array([1, 2, 3, 4])),
  );
  const rows: number[] = [];
  const reader = new BatchReader(
    processor,
    identityFieldOrder(Object.keys(mapping.columns)),
    mapping,
    { kind: 'csv', delimiter: ',', encoding: 'utf8', columns },
    (row) => rows.push(row.rowIndex),
  );
  const result = reader.read({ seq: 0, firstRow: 1, lines: new TextEncoder().encode(text) });
  return { rows, result };
}

describe('BatchReader on the lines of a plain CSV', () => {
  const good = 'A1,MARTIN,Jean,1980-02-03,2024-01-15,A\nA2,DURAND,Marie,1975-12-01,2024-03-01,B\n';

  it('processes the lines of a plain file', () => {
    const { rows, result } = run(good);
    expect(rows).toEqual([0, 1]);
    expect(result.coverage.kept).toBe(2);
  });

  it('finds what makes a file not plain past the part its start was checked on (input.ts)', () => {
    for (const bad of [
      `${good}A3,"DUPONT",Paul,1990-01-01,2024-02-01,A\n`, // a quote, even with the right field count
      `${good.replace('\n', '\r\n')}`, // a carriage return
      `${good}\nA3,DUPONT,Paul,1990-01-01,2024-02-01,A\n`, // an empty line
      `${good}A3,DUPONT,Paul\n`, // the wrong number of fields
    ]) {
      expect(() => run(bad), JSON.stringify(bad)).toThrow(NotPlainCsv);
    }
  });
});
