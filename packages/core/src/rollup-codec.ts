/**
 * The bytes of a rollup row: a {@link RollupAggregate} as a compact binary blob that every
 * database stores as-is (SQLite BLOB, PostgreSQL BYTEA, D1 BLOB). Integers are LEB128
 * varints, sums and extremes float64, buckets as (index delta, count) pairs — a few bytes per
 * non-empty bucket, so a row costs what its distinct values cost, not its record count.
 */
import { GroupAggregate, RollupAggregate } from './aggregate.js';
import type { LogSketch } from './sketch.js';

const FORMAT_VERSION = 1;

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
}

function writeSketch(out: ByteWriter, sketch: LogSketch): void {
  out.uint(sketch.count);
  if (sketch.count === 0) return;
  out.float(sketch.sum);
  out.float(sketch.min);
  out.float(sketch.max);
  out.uint(sketch.zeros);
  const buckets: number[] = [];
  sketch.forEachBucket((index, count) => buckets.push(index, count));
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

function readSketchInto(input: ByteReader, sketch: LogSketch): void {
  const count = input.uint();
  if (count === 0) return;
  const sum = input.float();
  const min = input.float();
  const max = input.float();
  sketch.addTotals(count, sum, min, max, input.uint());
  const buckets = input.uint();
  let index = 0;
  for (let i = 0; i < buckets; i++) {
    index = i === 0 ? input.int() : index + input.uint();
    sketch.addToBucket(index, input.uint());
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

function readGroupInto(input: ByteReader, group: GroupAggregate): void {
  group.requests += input.uint();
  group.succeeded += input.uint();
  group.promptTokens += input.uint();
  group.generatedTokens += input.uint();
  group.coldStarts += input.uint();
  group.switches += input.uint();
  for (let i = 0; i < group.errors.length; i++) group.errors[i] = (group.errors[i] as number) + input.uint();
  for (const sketch of group.sketches) readSketchInto(input, sketch);
}

function writeBuckets(out: ByteWriter, buckets: ReadonlyArray<GroupAggregate | null>): void {
  let present = 0;
  buckets.forEach((bucket, i) => {
    if (bucket !== null) present |= 1 << i;
  });
  out.uint(present);
  for (const bucket of buckets) if (bucket !== null) writeGroup(out, bucket);
}

function readBucketsInto(input: ByteReader, buckets: Array<GroupAggregate | null>): void {
  const present = input.uint();
  for (let i = 0; i < buckets.length; i++) if ((present & (1 << i)) !== 0) readGroupInto(input, (buckets[i] ??= new GroupAggregate()));
}

/** The blob of a rollup aggregate. */
export function encodeRollup(aggregate: RollupAggregate): Uint8Array {
  const out = new ByteWriter();
  out.uint(FORMAT_VERSION);
  writeGroup(out, aggregate.all);
  writeBuckets(out, aggregate.byConcurrency);
  writeBuckets(out, aggregate.byPromptTokens);
  return out.bytes();
}

/**
 * Adds the figures stored in `blob` to `into` (a fresh aggregate by default) — decoding
 * and merging in one pass. Throws a RangeError on a blob that is not a rollup.
 */
export function decodeRollupInto(blob: Uint8Array, into: RollupAggregate = new RollupAggregate()): RollupAggregate {
  const input = new ByteReader(blob);
  const version = input.uint();
  if (version !== FORMAT_VERSION) throw new RangeError(`unknown rollup format ${version}`);
  readGroupInto(input, into.all);
  readBucketsInto(input, into.byConcurrency);
  readBucketsInto(input, into.byPromptTokens);
  if (!input.done) throw new RangeError('rollup blob has trailing bytes');
  return into;
}
