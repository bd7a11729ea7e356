import { describe, expect, it } from 'vitest';
import { linkageKey } from '../core/keys.js';
import { Mapping } from '../core/mapping.js';
import { RidPermutation } from '../core/rid.js';
import { DEDUP_WINDOW, RowProcessor } from './row-processor.js';
import { PE_MAPPING } from './test-fixtures.js';

const mapping = Mapping.parse(PE_MAPPING);

/** A row of person `p`: the values a row line would give. */
function row(p: number): (field: string) => string | null {
  const values: Record<string, string> = {
    record_id: `P${p}`,
    birth_name: 'MARTIN',
    first_names: 'JEAN',
    birth_date: '1980-02-03',
    reg_start: '2024-01-15',
    reg_category: 'A',
  };
  return (f) => values[f] ?? null;
}

describe('RowProcessor deduplication (protocol v3 §6, Identities)', () => {
  it('recognises a repeat within the window, the row just before always, and nothing older once the window is full', () => {
    const p = new RowProcessor(
      linkageKey(new Uint8Array(32).fill(5)),
      mapping,
      new RidPermutation(new Uint32Array([1, 2, 3, 4])),
    );
    let rowIndex = 0;
    const process = (person: number) => {
      const out = p.process(row(person), rowIndex++, `P${person}|MARTIN|JEAN|1980-02-03`);
      return { rid: out.rid, isNew: out.encoded !== null };
    };
    const first = process(0);
    expect(first.isNew).toBe(true);
    expect(process(0)).toEqual({ rid: first.rid, isNew: false }); // the row just before
    process(1);
    expect(process(0)).toEqual({ rid: first.rid, isNew: false }); // within the window
    // fill the window: DEDUP_WINDOW distinct identities in all, then one more starts it again
    for (let person = 2; person <= DEDUP_WINDOW; person++) expect(process(person).isNew).toBe(true);
    const last = process(DEDUP_WINDOW);
    expect(last.isNew).toBe(false); // the row just before, after the window started again
    const again = process(0);
    expect(again.isNew).toBe(true); // seen before the window started again: a second identity row
    expect(again.rid).not.toBe(first.rid);
  });
});
