/**
 * Turns one input row (text values by canonical field) into what the extract is built from: an
 * identity line (encodings) when the row's identity is new, an event line (rid + minimised attributes)
 * always, or a coded reject. Identities are deduplicated on (record id, raw identity values) within a
 * bounded window, so a person's monthly or per-contract rows are normalised and encoded once; an identity
 * seen again after the window gets a second identity row with identical encodings, which the hub folds.
 */
import { minimiseAttributes, RowReject } from '../core/attributes.js';
import { toBase64 } from '../core/bytes.js';
import { IdentityEncoder } from '../core/encoder.js';
import { ATTRIBUTES, IDENTITY_FIELDS, type Source } from '../core/fields.js';
import { type Identity, normaliseIdentity, type RawIdentity } from '../core/identity.js';
import type { LinkageKey } from '../core/keys.js';
import { dateFormatOf, extraFieldNames, type Mapping } from '../core/mapping.js';
import { clkParamsWithExtras, EXTRA_FIELD_PREFIX } from '../core/params.js';
import type { RidPermutation } from '../core/rid.js';
import { normaliseExtra } from '../core/text.js';

export interface ProcessedRow {
  readonly rid: number;
  /** set when this row introduced a new identity */
  readonly identity: Identity | null;
  readonly identityLine: string | null;
  readonly hasIdkey: boolean;
  readonly eventLine: string;
  /** `rid,"record_id"` for the local record map, with the identity line */
  readonly mapLine: string | null;
}

/** Columns of the intermediate identity file, in order (all text). */
export const IDENTITY_INTERMEDIATE = [
  'rid',
  'nir_class',
  'nir_p1',
  'idkey',
  'clk',
  'birth_year',
  'sex',
] as const;

/** Columns of the intermediate event file, in order (`row`: the 0-based input row, to order events). */
export function eventIntermediate(source: Source): string[] {
  return ['rid', 'row', ...ATTRIBUTES[source].map((a) => a.name)];
}

/** Identity fields read from a row (everything but the record id). */
export const RAW_IDENTITY_FIELDS = IDENTITY_FIELDS.filter((f) => f !== 'record_id');

const DEDUP_WINDOW = 10_000;

const csvQuote = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export class RowProcessor {
  private readonly encoder: IdentityEncoder;
  private readonly birthDateFormat;
  private readonly seen = new Map<string, number>();
  /** the last identity seen: a person's rows usually follow one another, and this skips the map */
  private lastKey: string | null = null;
  private lastRid = 0;
  private readonly extras: readonly string[];
  constructor(
    key: LinkageKey,
    private readonly mapping: Mapping,
    private readonly rids: RidPermutation,
  ) {
    this.extras = extraFieldNames(mapping);
    this.encoder = new IdentityEncoder(key, clkParamsWithExtras(this.extras));
    this.birthDateFormat = dateFormatOf(mapping, 'birth_date');
  }

  /**
   * @param get raw value of a canonical field, already translated by the mapping's value tables
   * @param rowIndex 0-based index of the row in the input (unique per run)
   * @param identityKey the row's raw identity values (record id included) as one string: rows with equal
   *   keys share an identity
   */
  process(get: (field: string) => string | null, rowIndex: number, identityKey: string): ProcessedRow {
    const recordId = get('record_id')?.trim() ?? `row-${rowIndex + 1}`;
    if (recordId === '') throw new RowReject('REQUIRED_MISSING', 'record_id');
    const attrs = minimiseAttributes(this.mapping.source, this.mapping, get);
    let rid = identityKey === this.lastKey ? this.lastRid : this.seen.get(identityKey);
    let identity: Identity | null = null;
    let identityLine: string | null = null;
    let mapLine: string | null = null;
    let hasIdkey = false;
    if (rid === undefined) {
      const raw: Record<string, string | null> = {};
      for (const f of RAW_IDENTITY_FIELDS) raw[f] = get(f);
      identity = normaliseIdentity(raw as RawIdentity, this.birthDateFormat);
      if (
        identity.nir.nir === null &&
        identity.birthName === '' &&
        identity.firstNames.length === 0 &&
        identity.birthDate === null
      ) {
        throw new RowReject('IDENTITY_EMPTY', 'identity');
      }
      rid = this.rids.rid(rowIndex);
      const extras: Record<string, string> = Object.create(null);
      for (const n of this.extras) extras[n] = normaliseExtra(get(`${EXTRA_FIELD_PREFIX}${n}`));
      const enc = this.encoder.encode(identity, extras);
      hasIdkey = enc.idkey !== null;
      identityLine =
        `${rid},${enc.nirClass},${enc.nirPseudonym ?? ''},${enc.idkey ?? ''},${toBase64(enc.clk)},` +
        `${identity.birthDate?.year ?? ''},${identity.sex ?? ''}`;
      mapLine = `${rid},${csvQuote(recordId)}`;
      if (this.seen.size >= DEDUP_WINDOW) this.seen.clear();
      this.seen.set(identityKey, rid);
    }
    this.lastKey = identityKey;
    this.lastRid = rid;
    let eventLine = `${rid},${rowIndex}`;
    for (const a of ATTRIBUTES[this.mapping.source]) {
      const v = attrs[a.name];
      eventLine += `,${v == null ? '' : v}`;
    }
    return { rid, identity, identityLine, hasIdkey, eventLine, mapLine };
  }
}
