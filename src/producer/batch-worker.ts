/**
 * The unit that processes batches and writes their output — one per worker thread (or one in the main
 * thread with `--workers 0`). Each writes its own part files, so that no row crosses back to the main
 * thread; only reject lines and coverage counts are returned. Identity and event lines are spread over
 * RID_BUCKETS files by the top bits of their rid, so that the extract can later be written in rid order
 * one bucket at a time, with memory bounded by a bucket rather than by the extract (pseudonymise.ts).
 * Batches are handled one after the other (a promise chain), so writes never interleave.
 */
import { join } from 'node:path';
import type { LinkageKey } from '../core/keys.js';
import type { Mapping } from '../core/mapping.js';
import { RID_BITS, RidPermutation } from '../core/rid.js';
import { type Batch, processBatch } from './batch.js';
import type { Coverage } from './coverage.js';
import { LineWriter } from './files.js';
import { RowProcessor } from './row-processor.js';

export interface BatchReply {
  readonly seq: number;
  readonly rejects: string;
  readonly coverage: Coverage;
}

/** Number of rid buckets (a power of two). */
export const RID_BUCKETS = 32;
const BUCKET_SHIFT = RID_BITS - Math.log2(RID_BUCKETS);
const BUCKET_BUFFER = 1 << 16;

export type PartKind = 'identities' | 'events';

export const bucketFile = (kind: PartKind, bucket: number, part: number): string =>
  `${kind}-b${String(bucket).padStart(2, '0')}-${part}.csv`;

export const recordMapPart = (dir: string, part: number): string => join(dir, `record-map-${part}.csv`);

export class BatchWorker {
  private readonly processor: RowProcessor;
  private readonly buckets: Record<PartKind, LineWriter[]>;
  private readonly recordMap: LineWriter;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    key: LinkageKey,
    ridKey: Uint32Array,
    private readonly mapping: Mapping,
    private readonly fields: readonly string[],
    dir: string,
    part: number,
  ) {
    this.processor = new RowProcessor(key, mapping, new RidPermutation(ridKey));
    const open = (kind: PartKind) =>
      Array.from(
        { length: RID_BUCKETS },
        (_, b) => new LineWriter(join(dir, bucketFile(kind, b, part)), BUCKET_BUFFER),
      );
    this.buckets = { identities: open('identities'), events: open('events') };
    this.recordMap = new LineWriter(recordMapPart(dir, part));
  }

  private all(): LineWriter[] {
    return [...this.buckets.identities, ...this.buckets.events, this.recordMap];
  }

  handle(batch: Batch): Promise<BatchReply> {
    const run = async (): Promise<BatchReply> => {
      const r = processBatch(
        this.processor,
        this.fields,
        this.mapping.values,
        batch,
        (rid, event, identity, map) => {
          const b = rid >>> BUCKET_SHIFT;
          this.buckets.events[b]?.line(event);
          if (identity !== null) this.buckets.identities[b]?.line(identity);
          if (map !== null) this.recordMap.line(map);
        },
      );
      for (const w of this.all()) await w.flushIfFull();
      return r;
    };
    const p = this.chain.then(run);
    this.chain = p.catch(() => {});
    return p;
  }

  async close(): Promise<void> {
    await this.chain;
    for (const w of this.all()) await w.close();
  }
}
