/**
 * Column schema of the two Parquet files of an extract — protocol v3 §6–7. `extract.parquet` holds one
 * row per producer-local identity (a record id with one identity variant); `events.parquet` one row per
 * input event, referencing its identity by `rid` (an extract-local number assigned in the order of a
 * hash of the row, so it says nothing about the input order). The producer's own record ids never leave:
 * the map rid ↔ record_id stays in record-map.parquet at the producer. Pure.
 */
import { ATTRIBUTES, type Source } from './fields.js';

export interface ColumnSpec {
  readonly name: string;
  /** DuckDB type name as DESCRIBE reports it */
  readonly type: string;
  readonly description: string;
}

export const IDENTITY_COLUMNS: readonly ColumnSpec[] = [
  { name: 'rid', type: 'INTEGER', description: 'extract-local identity number' },
  {
    name: 'nir_class',
    type: 'VARCHAR',
    description: 'certified | unverified | provisional | invalid | missing',
  },
  {
    name: 'nir_p1',
    type: 'BLOB',
    description: 'NIR pseudonym P1 (32 bytes), null unless the NIR key checks',
  },
  { name: 'idkey', type: 'BLOB', description: 'secondary identity key (32 bytes), null when incomplete' },
  { name: 'clk', type: 'BLOB', description: 'CLK: the diffused Bloom filter (bits/8 bytes)' },
  { name: 'birth_year', type: 'SMALLINT', description: 'year of birth (for age bands), null if unknown' },
  { name: 'sex', type: 'VARCHAR', description: '1 | 2, null if unknown' },
];

export function eventColumns(source: Source): ColumnSpec[] {
  return [
    { name: 'rid', type: 'INTEGER', description: 'identity of the event (extract.parquet)' },
    ...ATTRIBUTES[source].map((a) => ({
      name: a.name,
      type: a.type.kind === 'int' || a.type.kind === 'band' ? 'INTEGER' : 'VARCHAR',
      description: a.description,
    })),
  ];
}
