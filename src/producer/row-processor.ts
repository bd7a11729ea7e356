/**
 * Turns one input row (text values by canonical field) into what the extract is built from: its rid and
 * minimised attributes (an event) always, the identity's encodings when the row's identity is new
 * (intermediate.ts writes both out), or a coded reject. Identities are deduplicated on (record id, raw identity values) within a
 * bounded window, so a person's monthly or per-contract rows are normalised and encoded once; an identity
 * seen again after the window gets a second identity row with identical encodings, which the hub folds.
 */
import { type AttributeValues, attributeMinimiser, RowReject } from '../core/attributes.js';
import { type EncodedBytes, IdentityEncoder } from '../core/encoder.js';
import { IDENTITY_FIELDS } from '../core/fields.js';
import { type Identity, normaliseIdentity, type RawIdentity } from '../core/identity.js';
import type { LinkageKey } from '../core/keys.js';
import type { Mapping } from '../core/mapping.js';
import { dateFormatOf, extraFieldNames } from '../core/mapping-read.js';
import { clkParamsWithExtras, EXTRA_FIELD_PREFIX } from '../core/params.js';
import type { RidPermutation } from '../core/rid.js';
import { normaliseExtra } from '../core/text.js';

/**
 * What one kept row gives (intermediate.ts writes it out). The object, its attribute array and the
 * encodings' buffers are reused by the processor's next call.
 */
export interface ProcessedRow {
  rid: number;
  /** 0-based input row */
  rowIndex: number;
  /** set when this row introduced a new identity */
  identity: Identity | null;
  /** the new identity's encodings, with `identity` */
  encoded: EncodedBytes | null;
  /** the producer's record id (for the local record map) */
  recordId: string;
  /** minimised attribute values, in `ATTRIBUTES[source]` order */
  readonly attributes: AttributeValues;
}

/** Identity fields read from a row (everything but the record id). */
export const RAW_IDENTITY_FIELDS = IDENTITY_FIELDS.filter((f) => f !== 'record_id');

/** Distinct identities each thread recognises at most (protocol v3 §6, "Identities"). */
export const DEDUP_WINDOW = 10_000;

export class RowProcessor {
  private readonly encoder: IdentityEncoder;
  private readonly birthDateFormat;
  private readonly minimise;
  private seen = new Map<string, number>();
  /** the last identity seen: a person's rows usually follow one another, and this skips the map */
  private lastKey: string | null = null;
  private lastRid = 0;
  private readonly extras: readonly string[];
  private readonly row: ProcessedRow = {
    rid: 0,
    rowIndex: 0,
    identity: null,
    encoded: null,
    recordId: '',
    attributes: [],
  };
  constructor(
    key: LinkageKey,
    mapping: Mapping,
    private readonly rids: RidPermutation,
  ) {
    this.extras = extraFieldNames(mapping);
    this.encoder = new IdentityEncoder(key, clkParamsWithExtras(this.extras));
    this.birthDateFormat = dateFormatOf(mapping, 'birth_date');
    this.minimise = attributeMinimiser(mapping.source, mapping);
  }

  /** The length of the CLKs, in bytes. */
  get clkBytes(): number {
    return this.encoder.clkBytes;
  }

  /**
   * @param get raw value of a canonical field, already translated by the mapping's value tables
   * @param rowIndex 0-based index of the row in the input (unique per run)
   * @param identityKey the row's raw identity values (record id included) as one string: rows with equal
   *   keys share an identity
   * @returns the row's output, valid until the next call; throws RowReject
   */
  process(get: (field: string) => string | null, rowIndex: number, identityKey: string): ProcessedRow {
    const recordId = get('record_id')?.trim() ?? `row-${rowIndex + 1}`;
    if (recordId === '') throw new RowReject('REQUIRED_MISSING', 'record_id');
    const out = this.row;
    this.minimise(get, out.attributes);
    let rid = identityKey === this.lastKey ? this.lastRid : this.seen.get(identityKey);
    let identity: Identity | null = null;
    let encoded: EncodedBytes | null = null;
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
      let extras: Record<string, string> | undefined;
      if (this.extras.length > 0) {
        extras = Object.create(null) as Record<string, string>;
        for (const n of this.extras) extras[n] = normaliseExtra(get(`${EXTRA_FIELD_PREFIX}${n}`));
      }
      encoded = this.encoder.encodeBytes(identity, extras);
      if (this.seen.size >= DEDUP_WINDOW) this.seen = new Map();
      this.seen.set(identityKey, rid);
    }
    this.lastKey = identityKey;
    this.lastRid = rid;
    out.rid = rid;
    out.rowIndex = rowIndex;
    out.identity = identity;
    out.encoded = encoded;
    out.recordId = recordId;
    return out;
  }
}
