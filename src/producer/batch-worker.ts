/**
 * The unit that processes batches and writes their output — one per worker thread (or one in the main
 * thread with `--workers 0`). Each writes its own part files (identity and event lines, record map), so
 * that no row crosses back to the main thread; only reject lines and coverage counts are returned. Lines
 * are written field by field into the writers' byte buffers (intermediate.ts): no string per line. Identity and event
 * lines are spread over rid buckets (by the top bits of their rid), so that the extract can be put in rid
 * order one bucket at a time, with memory bounded by a bucket rather than by the extract (bucket-sort.ts). A batch is handled synchronously, start to end.
 */
import { join } from 'node:path';
import type { LinkageKey } from '../core/keys.js';
import type { Mapping } from '../core/mapping.js';
import { RID_BITS, RidPermutation } from '../core/rid.js';
import { type Batch, BatchReader } from './batch.js';
import {
  type PlacedRowGroup,
  type SharedParquet,
  writeEventBucket,
  writeIdentityBucket,
} from './bucket-parquet.js';
import type { Coverage } from './coverage.js';
import { LineWriter } from './files.js';
import { EventRecords, identityRecordBytes, writeIdentityRecord, writeMapLine } from './intermediate.js';
import type { LineFormat } from './row-lines.js';
import { RowProcessor } from './row-processor.js';

/** What every BatchWorker of a run shares. */
export interface BatchSetup {
  readonly key: LinkageKey;
  readonly ridKey: Uint32Array;
  readonly mapping: Mapping;
  /** canonical fields in row-line order (`identityFieldOrder`) */
  readonly fields: readonly string[];
  /** the folder of the part files */
  readonly dir: string;
  /** number of rid buckets, a power of two */
  readonly buckets: number;
  /** how the batches' lines are to be read */
  readonly format: LineFormat;
}

export interface BatchReply {
  readonly seq: number;
  readonly rejects: string;
  readonly coverage: Coverage;
}

export type BucketKind = 'identities' | 'events';

/** A bucket to sort: message to a worker. */
export interface SortTask {
  readonly kind: BucketKind;
  readonly bucket: number;
  readonly parts: number;
  /** the Parquet file its row groups go to */
  readonly target: SharedParquet;
}

/** The part file of one worker (`part`) for one rid bucket: binary records (intermediate.ts). */
export const bucketFile = (dir: string, kind: BucketKind, bucket: number, part: number): string =>
  join(dir, `${kind}-b${String(bucket).padStart(3, '0')}-${part}.bin`);

export const recordMapPart = (dir: string, part: number): string => join(dir, `record-map-${part}.csv`);

/**
 * Input rows per rid bucket, about (rids are spread evenly over the buckets). A worker sorts a bucket in
 * memory (bucket-sort.ts): a bucket must stay small even when every row is a new identity (about 450
 * bytes of part file each, so about 30 MB).
 */
const ROWS_PER_BUCKET = 1 << 16;

/** The number of rid buckets for an input of `rows` rows: a power of two, at most 2^10. */
export function ridBuckets(rows: number): number {
  let b = 1;
  while (b < 1024 && b * ROWS_PER_BUCKET < rows) b *= 2;
  return b;
}

/** Buffer of each bucket writer: many are open at once. */
const BUCKET_BUFFER = 1 << 16;

export class BatchWorker {
  private readonly processor: RowProcessor;
  private readonly identities: LineWriter[];
  private readonly events: LineWriter[];
  private readonly recordMap: LineWriter;
  private readonly bucketShift: number;
  /** an identity record being written */
  private readonly record: Uint8Array;
  private readonly eventRecords: EventRecords;
  private readonly reader: BatchReader;

  constructor(
    private readonly setup: BatchSetup,
    part: number,
  ) {
    const { key, ridKey, mapping, dir, buckets } = setup;
    this.processor = new RowProcessor(key, mapping, new RidPermutation(ridKey));
    const open = (kind: BucketKind) =>
      Array.from(
        { length: buckets },
        (_, b) => new LineWriter(bucketFile(dir, kind, b, part), BUCKET_BUFFER),
      );
    this.identities = open('identities');
    this.events = open('events');
    this.recordMap = new LineWriter(recordMapPart(dir, part));
    this.bucketShift = RID_BITS - Math.log2(buckets);
    this.record = new Uint8Array(identityRecordBytes(this.processor.clkBytes));
    this.eventRecords = new EventRecords(mapping.source);
    this.reader = new BatchReader(this.processor, setup.fields, mapping, setup.format, (row) => {
      const b = row.rid >>> this.bucketShift; // rids have RID_BITS bits: 0 when there is one bucket
      this.eventRecords.write(this.events[b] as LineWriter, row);
      if (row.encoded !== null) {
        writeIdentityRecord(this.identities[b] as LineWriter, row, this.record);
        writeMapLine(this.recordMap, row);
      }
    });
  }

  handle(batch: Batch): BatchReply {
    return this.reader.read(batch);
  }

  close(): void {
    for (const w of [...this.events, ...this.identities, this.recordMap]) w.close();
  }

  /**
   * Sorts one rid bucket of the run's part files of one kind (after every worker's `close`) into Parquet
   * row groups written into the task's file, whose metadata and places it returns (bucket-parquet.ts).
   */
  sort(task: SortTask): PlacedRowGroup[] {
    const { dir, mapping } = this.setup;
    const { bucket, parts, target } = task;
    return task.kind === 'events'
      ? writeEventBucket(dir, mapping.source, bucket, parts, target)
      : writeIdentityBucket(dir, bucket, parts, this.record.length, target);
  }
}
