/**
 * Generates a contiguous range of persons: true identity, life course, the producer records with their
 * identification errors, the ground-truth lines, and the error and reference-statistics tallies. Pure in
 * (config, range): the same range always gives the same text, whichever thread runs it, so ranges can be
 * generated in parallel and written in order. Within a range, each extract's records are ordered by their
 * opaque record id, so a person's records in different sources do not sit at matching row positions.
 */
import type { Source } from '../core/fields.js';
import { ByteWriter } from './byte-writer.js';
import type { SynthConfig } from './config.js';
import { emptyTallies, type Tallies, tallyPerson, tallyRecord } from './error-report.js';
import { type ErrorContext, emitIdentity } from './errors-model.js';
import {
  CNAF_FORMAT,
  cnafEvent,
  DSN_FORMAT,
  dsnEvent,
  type ExtractFormat,
  identityPrefix,
  inPeriod,
  PE_FORMAT,
  peEvent,
  recordId,
  recordNumber,
} from './extracts.js';
import { personLine, recordLine } from './ground-truth.js';
import { LifeCourseSimulator } from './life-course.js';
import { buildNameTables, type NameData, type NameTables, readNameData } from './names.js';
import { buildPlaceTables, type PlaceData, type PlaceTables, readPlaceData } from './places.js';
import {
  createPopulationContext,
  generatePerson,
  type PopulationContext,
  type TruePerson,
} from './population.js';
import { Rng, STREAM } from './prng.js';
import { ReferenceStats } from './reference-stats.js';

/** A chunk's files, encoded in their charsets (transferable between threads), with their line counts. */
export interface EncodedChunk {
  readonly start: number;
  readonly count: number;
  readonly files: Record<ChunkFile, EncodedText>;
  readonly tallies: Tallies;
  readonly stats: Float64Array;
}

export type ChunkFile = Source | 'records' | 'persons';
export const CHUNK_FILES: readonly ChunkFile[] = ['pe', 'dsn', 'cnaf', 'records', 'persons'];

export interface EncodedText {
  readonly bytes: Uint8Array;
  readonly lines: number;
}

export interface Tables {
  readonly names: NameTables;
  readonly places: PlaceTables;
}

/** The tables' source data: plain arrays, passed to worker threads instead of re-reading the files. */
export interface TablesData {
  readonly names: NameData;
  readonly places: PlaceData;
}

export function readTablesData(config: SynthConfig): TablesData {
  return { names: readNameData(), places: readPlaceData(config.population.abroad_share) };
}

export function buildTables(data: TablesData): Tables {
  return { names: buildNameTables(data.names), places: buildPlaceTables(data.places) };
}

/** A source's records in generation order: byte segments in the writer, sorted by record id at the end. */
interface SourceBuffer {
  readonly out: ByteWriter;
  ids: number[];
  starts: number[];
  ends: number[];
}

const SOURCE_INDEX: Readonly<Record<Source, number>> = { pe: 0, dsn: 1, cnaf: 2 };

/** Typical bytes per person in each file, to size the buffers once (1.5 × the observed averages). */
const BYTES_PER_PERSON: Readonly<Record<ChunkFile, number>> = {
  pe: 130,
  dsn: 380,
  cnaf: 1100,
  records: 50,
  persons: 110,
};

function sourceBuffer(f: ExtractFormat, persons: number): SourceBuffer {
  return {
    out: new ByteWriter(f.encoding, BYTES_PER_PERSON[f.source] * persons),
    ids: [],
    starts: [],
    ends: [],
  };
}

function takeOrdered(b: SourceBuffer): EncodedText {
  const order = b.ids.map((_, i) => i);
  order.sort((x, y) => (b.ids[x] ?? 0) - (b.ids[y] ?? 0));
  return { bytes: b.out.takeOrdered(b.starts, b.ends, order), lines: b.out.lines };
}

export class ChunkGenerator {
  readonly config: SynthConfig;
  readonly population: PopulationContext;
  private readonly sim: LifeCourseSimulator;
  private readonly errors: ErrorContext;
  private readonly idRng = new Rng(1, 2, 3, 4);
  private readonly lifeRng = new Rng(1, 2, 3, 4);
  private readonly errRng = new Rng(1, 2, 3, 4);
  private readonly periodStart: number;
  private readonly periodEnd: number;
  /** Scratch: the events of the current person in one source, and which record holds each. */
  private readonly events: string[] = [];
  private readonly owner: number[] = [];

  constructor(config: SynthConfig, tables: Tables = buildTables(readTablesData(config))) {
    this.config = config;
    this.population = createPopulationContext(config, tables.names, tables.places);
    this.sim = new LifeCourseSimulator(config, tables.places);
    this.errors = { population: this.population, places: tables.places };
    this.periodStart = this.sim.periodStart;
    this.periodEnd = this.sim.periodEnd;
  }

  run(start: number, count: number): EncodedChunk {
    const stats = new ReferenceStats(this.periodStart, this.periodEnd);
    const tallies = emptyTallies();
    const buffers: Record<Source, SourceBuffer> = {
      pe: sourceBuffer(PE_FORMAT, count),
      dsn: sourceBuffer(DSN_FORMAT, count),
      cnaf: sourceBuffer(CNAF_FORMAT, count),
    };
    const records = new ByteWriter('utf8', BYTES_PER_PERSON.records * count);
    const persons = new ByteWriter('utf8', BYTES_PER_PERSON.persons * count);
    const p0 = this.periodStart;
    const p1 = this.periodEnd;
    const events = this.events;
    for (let index = start; index < start + count; index++) {
      const p = generatePerson(this.population, index, this.idRng);
      const lc = this.sim.run(p, this.lifeRng);
      stats.addPerson(p, lc);
      persons.text(personLine(p), 1);
      this.errRng.reseed(this.config.seed, STREAM.errors, index);

      events.length = 0;
      for (const s of lc.spells)
        if (inPeriod(s.startMonth, s.endMonth, p0, p1)) events.push(peEvent(s, p.residenceDept, p1));
      this.emit(PE_FORMAT, p, events, false, buffers.pe, tallies, records);
      events.length = 0;
      for (const c of lc.contracts)
        if (inPeriod(c.startMonth, c.endMonth, p0, p1)) events.push(dsnEvent(c, p1));
      this.emit(DSN_FORMAT, p, events, true, buffers.dsn, tallies, records);
      events.length = 0;
      for (const b of lc.benefits) {
        const last = Math.min(b.endMonth, p1);
        for (let m = Math.max(b.startMonth, p0); m <= last; m++)
          events.push(cnafEvent(b, m, p.residenceDept));
      }
      this.emit(CNAF_FORMAT, p, events, false, buffers.cnaf, tallies, records);
    }
    return {
      start,
      count,
      files: {
        pe: takeOrdered(buffers.pe),
        dsn: takeOrdered(buffers.dsn),
        cnaf: takeOrdered(buffers.cnaf),
        records: { bytes: records.take(), lines: records.lines },
        persons: { bytes: persons.take(), lines: persons.lines },
      },
      tallies,
      stats: stats.counts,
    };
  }

  /**
   * Write a person's events in one source as one record — or two when the person is duplicated there:
   * later spells / months under a new id (PE re-registration, CNAF move), contracts split between
   * employers' declarations (DSN). Returns the ground-truth lines.
   */
  private emit(
    f: ExtractFormat,
    p: TruePerson,
    events: readonly string[],
    scatter: boolean,
    buf: SourceBuffer,
    tallies: Tallies,
    truth: ByteWriter,
  ): void {
    const n = events.length;
    if (n === 0) return;
    const rng = this.errRng;
    const rates = this.config.errors[f.source];
    const owner = this.owner;
    owner.length = n;
    owner.fill(0);
    let recordsCount = 1;
    if (n >= 2 && rng.chance(rates.duplicate)) {
      recordsCount = 2;
      if (scatter) {
        let ones = 0;
        for (let i = 0; i < n; i++) {
          const o = rng.int(2);
          owner[i] = o;
          ones += o;
        }
        if (ones === 0) owner[n - 1] = 1;
        else if (ones === n) owner[0] = 0;
      } else {
        const k = rng.between(1, n - 1);
        for (let i = k; i < n; i++) owner[i] = 1;
      }
    }
    const tally = tallies[f.source];
    const out = buf.out;
    for (let k = 0; k < recordsCount; k++) {
      const number = recordNumber(this.config.seed, f.source, p.index, k);
      const id = recordId(f.source, number);
      const e = emitIdentity(this.errors, p, rates, SOURCE_INDEX[f.source], rng);
      tallyRecord(tally, e, p);
      const ntt =
        f.source === 'dsn' && e.nir === '' ? `NTT${number.toString(36).toUpperCase().padStart(7, '0')}` : '';
      const prefix = identityPrefix(f, id, e, ntt);
      // The identity columns are encoded once per record, then copied byte for byte onto its other rows.
      buf.ids.push(number);
      buf.starts.push(out.length);
      let prefixStart = -1;
      let prefixEnd = -1;
      for (let i = 0; i < n; i++) {
        if (owner[i] !== k) continue;
        if (prefixStart < 0) {
          prefixStart = out.length;
          out.text(prefix);
          prefixEnd = out.length;
        } else out.repeat(prefixStart, prefixEnd);
        out.ascii(events[i] ?? '', 1);
      }
      buf.ends.push(out.length);
      truth.text(recordLine(f.source, id, p.personId), 1);
    }
    tallyPerson(tally, recordsCount, n, n);
  }
}
