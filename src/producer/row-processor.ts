/**
 * Turns one input row (text values by canonical field) into the line the extract is built from:
 * identity encodings + minimised attributes, or a coded reject. Holds the per-run memo tables for name
 * normalisation (surnames and first names repeat across millions of rows). Pure apart from its caches.
 */
import { minimiseAttributes, RowReject } from '../core/attributes.js';
import { toBase64 } from '../core/bytes.js';
import { IdentityEncoder } from '../core/encoder.js';
import { ATTRIBUTES, type Source } from '../core/fields.js';
import { type Identity, normaliseIdentity, type RawIdentity } from '../core/identity.js';
import type { LinkageKey } from '../core/keys.js';
import { dateFormatOf, type Mapping } from '../core/mapping.js';

export interface ProcessedRow {
  readonly recordId: string;
  readonly identity: Identity;
  readonly line: string;
  readonly hasIdkey: boolean;
}

/** Columns of the intermediate file, in order (all text; `record_id` quoted). */
export function intermediateColumns(source: Source): string[] {
  return [
    'record_id',
    'nir_class',
    'nir_p1',
    'idkey',
    'clk',
    'block_keys',
    'birth_year',
    'sex',
    ...ATTRIBUTES[source].map((a) => a.name),
  ];
}

const IDENTITY_RAW_FIELDS = [
  'nir',
  'nir_certified',
  'birth_name',
  'usage_name',
  'first_names',
  'birth_date',
  'sex',
  'birth_place',
] as const;

export class RowProcessor {
  private readonly encoder: IdentityEncoder;
  private readonly birthDateFormat;
  constructor(
    key: LinkageKey,
    private readonly mapping: Mapping,
  ) {
    this.encoder = new IdentityEncoder(key);
    this.birthDateFormat = dateFormatOf(mapping, 'birth_date');
  }

  /** `get` returns the raw value of a canonical field, already translated by the mapping's values. */
  process(get: (field: string) => string | null, fallbackId: string): ProcessedRow {
    const recordId = get('record_id')?.trim() ?? fallbackId;
    if (recordId === '') throw new RowReject('REQUIRED_MISSING', 'record_id');
    const raw: Record<string, string | null> = {};
    for (const f of IDENTITY_RAW_FIELDS) raw[f] = get(f);
    const identity = normaliseIdentity(raw as RawIdentity, this.birthDateFormat);
    if (
      identity.nir.nir === null &&
      identity.birthName === '' &&
      identity.firstNames.length === 0 &&
      identity.birthDate === null
    ) {
      throw new RowReject('IDENTITY_EMPTY', 'identity');
    }
    const attrs = minimiseAttributes(this.mapping.source, this.mapping, get);
    const enc = this.encoder.encode(identity);
    const cells = [
      `"${recordId.replace(/"/g, '""')}"`,
      enc.nirClass,
      enc.nirPseudonym ?? '',
      enc.idkey ?? '',
      toBase64(enc.clk),
      enc.blockKeys.join(' '),
      identity.birthDate === null ? '' : String(identity.birthDate.year),
      identity.sex ?? '',
    ];
    for (const a of ATTRIBUTES[this.mapping.source]) {
      const v = attrs[a.name];
      cells.push(v == null ? '' : String(v));
    }
    return { recordId, identity, line: cells.join(','), hasIdkey: enc.idkey !== null };
  }
}
