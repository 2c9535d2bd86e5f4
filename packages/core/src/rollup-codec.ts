/**
 * The bytes of a rollup row: a {@link RollupAggregate} as a compact binary blob that every
 * database stores as-is (SQLite BLOB, PostgreSQL BYTEA, D1 BLOB). Integers are LEB128
 * varints, sums and extremes float64, buckets as (index delta, count) pairs — a few bytes per
 * non-empty bucket, so a row costs what its distinct values cost, not its record count.
 */
import { ERROR_TYPES, GroupAggregate, RollupAggregate } from './aggregate.js';
import { CONCURRENCY_BUCKETS, PROMPT_TOKEN_BUCKETS } from './buckets.js';
import type { LogSketch, PackedTotals } from './sketch.js';
import { STAT_FIELDS } from './summary-schema.js';

// 1: sections back to back. 2: each section prefixed with its length, so a reader skips what it does not need.
// 3: `not_found` joined the error types (one more count per group).
// 4: `observed_tokens_per_second` and `itl_ms` joined the stat fields (two more sketches per group).
// Below 128, so the varint that starts every blob is this one byte.
const FORMAT_VERSION = 4;

/**
 * The format version every blob {@link encodeRollup} writes starts with. A stored blob of
 * any other version is not read: its period is rebuilt from records (the store's rollups).
 */
export const ROLLUP_FORMAT_VERSION: number = FORMAT_VERSION;

// The sections every blob holds: all records, by concurrency, by prompt size.
const SECTIONS = 3;

/**
 * Whether `blob` is of this format version and framed as such (its sections' lengths add up to
 * its own). Only the version and the section lengths are read, so a store checks every row it
 * merges at next to no cost, and the merge itself ({@link RollupBlobReader}) meets neither
 * another version nor a cut-off blob.
 *
 * @example
 * if (!isCurrentRollup(row.data)) stale.add(row.start); // rebuild it, read its records meanwhile
 */
export function isCurrentRollup(blob: Uint8Array): boolean {
  if (blob[0] !== FORMAT_VERSION) return false;
  const input = new ByteReader(blob);
  try {
    input.uint();
    for (let i = 0; i < SECTIONS; i++) input.skip(input.uint());
  } catch {
    return false;
  }
  return input.done;
}

class ByteWriter {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /** A non-negative integer up to 2^53. */
  uint(value: number): void {
    this.reserve(8);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buffer[this.length++] = value;
  }

  /** A signed integer (zigzag). */
  int(value: number): void {
    this.uint(value < 0 ? -2 * value - 1 : 2 * value);
  }

  float(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** Bytes as they are. */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.bytes.length) throw new RangeError('rollup blob ends inside a number');
      const byte = this.bytes[this.offset++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }

  int(): number {
    const zigzag = this.uint();
    return zigzag % 2 === 1 ? -(zigzag + 1) / 2 : zigzag / 2;
  }

  float(): number {
    if (this.offset + 8 > this.bytes.length) throw new RangeError('rollup blob ends inside a number');
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  get done(): boolean {
    return this.offset === this.bytes.length;
  }

  /** Where the next read starts. */
  get position(): number {
    return this.offset;
  }

  /** Skips `length` bytes. */
  skip(length: number): void {
    if (this.offset + length > this.bytes.length) throw new RangeError('rollup blob ends inside a section');
    this.offset += length;
  }
}

function writeSketch(out: ByteWriter, sketch: LogSketch): void {
  out.uint(sketch.count);
  if (sketch.count === 0) return;
  out.float(sketch.sum);
  out.float(sketch.min);
  out.float(sketch.max);
  out.uint(sketch.zeros);
  const buckets = sketch.buckets();
  out.uint(buckets.length / 2);
  let previous = 0;
  for (let i = 0; i < buckets.length; i += 2) {
    const index = buckets[i] as number;
    // The first index is absolute (signed), the rest are gaps from the previous one.
    if (i === 0) out.int(index);
    else out.uint(index - previous);
    out.uint(buckets[i + 1] as number);
    previous = index;
  }
}

function writeGroup(out: ByteWriter, group: GroupAggregate): void {
  out.uint(group.requests);
  out.uint(group.succeeded);
  out.uint(group.promptTokens);
  out.uint(group.generatedTokens);
  out.uint(group.coldStarts);
  out.uint(group.switches);
  for (const count of group.errors) out.uint(count);
  for (const sketch of group.sketches) writeSketch(out, sketch);
}

function writeBuckets(out: ByteWriter, buckets: ReadonlyArray<GroupAggregate | null>): void {
  let present = 0;
  buckets.forEach((bucket, i) => {
    if (bucket !== null) present |= 1 << i;
  });
  out.uint(present);
  for (const bucket of buckets) if (bucket !== null) writeGroup(out, bucket);
}

function section(out: ByteWriter, write: (into: ByteWriter) => void): void {
  const inner = new ByteWriter();
  write(inner);
  out.uint(inner.length);
  out.raw(inner.bytes());
}

/** The blob of a rollup aggregate. */
export function encodeRollup(aggregate: RollupAggregate): Uint8Array {
  const out = new ByteWriter();
  out.uint(FORMAT_VERSION);
  section(out, (into) => writeGroup(into, aggregate.all));
  section(out, (into) => writeBuckets(into, aggregate.byConcurrency));
  section(out, (into) => writeBuckets(into, aggregate.byPromptTokens));
  return out.bytes();
}

/** Which parts of a blob a reader reads (the others are skipped). */
export interface RollupSections {
  all?: boolean;
  concurrency?: boolean;
  promptTokens?: boolean;
}

const EVERY_SECTION: RollupSections = { all: true, concurrency: true, promptTokens: true };

/** One sketch as read from a blob, in buffers reused from blob to blob. */
class ScratchSketch implements PackedTotals {
  count = 0;
  sum = 0;
  min = 0;
  max = 0;
  zeros = 0;
  n = 0;
  indices = new Int32Array(64);
  counts = new Float64Array(64);

  read(input: ByteReader): void {
    this.count = input.uint();
    this.n = 0;
    if (this.count === 0) return;
    this.sum = input.float();
    this.min = input.float();
    this.max = input.float();
    this.zeros = input.uint();
    const n = input.uint();
    if (n > this.indices.length) {
      this.indices = new Int32Array(n);
      this.counts = new Float64Array(n);
    }
    let index = 0;
    for (let i = 0; i < n; i++) {
      index = i === 0 ? input.int() : index + input.uint();
      this.indices[i] = index;
      this.counts[i] = input.uint();
    }
    this.n = n;
  }
}

/** One group as read from a blob. */
class ScratchGroup {
  present = false;
  readonly totals = new Float64Array(6);
  readonly errors = new Float64Array(ERROR_TYPES.length);
  readonly sketches = STAT_FIELDS.map(() => new ScratchSketch());

  read(input: ByteReader): void {
    this.present = true;
    for (let i = 0; i < this.totals.length; i++) this.totals[i] = input.uint();
    for (let i = 0; i < this.errors.length; i++) this.errors[i] = input.uint();
    for (const sketch of this.sketches) sketch.read(input);
  }

  mergeInto(group: GroupAggregate): void {
    const t = this.totals;
    group.requests += t[0] as number;
    group.succeeded += t[1] as number;
    group.promptTokens += t[2] as number;
    group.generatedTokens += t[3] as number;
    group.coldStarts += t[4] as number;
    group.switches += t[5] as number;
    for (let i = 0; i < this.errors.length; i++)
      group.errors[i] = (group.errors[i] as number) + (this.errors[i] as number);
    for (const [i, s] of this.sketches.entries()) {
      (group.sketches[i] as LogSketch).mergePacked(s, s.indices, s.counts, s.n);
    }
  }
}

function readBuckets(input: ByteReader, buckets: ScratchGroup[]): void {
  const present = input.uint();
  buckets.forEach((bucket, i) => {
    bucket.present = (present & (1 << i)) !== 0;
    if (bucket.present) bucket.read(input);
  });
}

function clearBuckets(buckets: ScratchGroup[]): void {
  for (const bucket of buckets) bucket.present = false;
}

function mergeScratchBuckets(from: ScratchGroup[], into: Array<GroupAggregate | null>): void {
  for (const [i, bucket] of from.entries()) {
    if (!bucket.present) continue;
    const target = into[i] ?? new GroupAggregate();
    into[i] = target;
    bucket.mergeInto(target);
  }
}

/**
 * Reads rollup blobs one after the other into buffers it reuses, and merges what it read
 * into aggregates: merging thousands of stored rows allocates nothing per row.
 *
 * @example
 * const reader = new RollupBlobReader();
 * for (const row of rows) reader.load(row.data).mergeAllInto(total);
 */
export class RollupBlobReader {
  private readonly all = new ScratchGroup();
  private readonly byConcurrency = CONCURRENCY_BUCKETS.map(() => new ScratchGroup());
  private readonly byPromptTokens = PROMPT_TOKEN_BUCKETS.map(() => new ScratchGroup());

  /**
   * Reads the `sections` of `blob` (all by default); merging a section not read adds
   * nothing. Throws a RangeError on a blob that is not a rollup.
   */
  load(blob: Uint8Array, sections: RollupSections = EVERY_SECTION): this {
    const input = new ByteReader(blob);
    const version = input.uint();
    if (version !== FORMAT_VERSION) throw new RangeError(`unknown rollup format ${version}`);
    const read = (wanted: boolean | undefined, reader: (from: ByteReader) => void, clear: () => void) => {
      const length = input.uint();
      const end = input.position + length;
      if (wanted === true) {
        reader(input);
        if (input.position !== end) throw new RangeError('rollup section has the wrong length');
      } else {
        clear();
        input.skip(length);
      }
    };
    read(
      sections.all,
      (from) => this.all.read(from),
      () => (this.all.present = false),
    );
    read(
      sections.concurrency,
      (from) => readBuckets(from, this.byConcurrency),
      () => clearBuckets(this.byConcurrency),
    );
    read(
      sections.promptTokens,
      (from) => readBuckets(from, this.byPromptTokens),
      () => clearBuckets(this.byPromptTokens),
    );
    if (!input.done) throw new RangeError('rollup blob has trailing bytes');
    return this;
  }

  /** Adds the loaded blob's records to `group`. */
  mergeAllInto(group: GroupAggregate): void {
    if (this.all.present) this.all.mergeInto(group);
  }

  /** Adds the loaded blob's concurrency buckets to `buckets`. */
  mergeConcurrencyInto(buckets: Array<GroupAggregate | null>): void {
    mergeScratchBuckets(this.byConcurrency, buckets);
  }

  /** Adds the loaded blob's prompt-size buckets to `buckets`. */
  mergePromptTokensInto(buckets: Array<GroupAggregate | null>): void {
    mergeScratchBuckets(this.byPromptTokens, buckets);
  }
}

/**
 * Adds the figures stored in `blob` to `into` (a fresh aggregate by default). Throws a
 * RangeError on a blob that is not a rollup.
 */
export function decodeRollupInto(blob: Uint8Array, into: RollupAggregate = new RollupAggregate()): RollupAggregate {
  const reader = new RollupBlobReader().load(blob);
  reader.mergeAllInto(into.all);
  reader.mergeConcurrencyInto(into.byConcurrency);
  reader.mergePromptTokensInto(into.byPromptTokens);
  return into;
}
