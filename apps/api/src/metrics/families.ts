/**
 * The Prometheus metric families as data: counters, gauges and histograms keyed by label set,
 * the OpenTelemetry GenAI bucket boundaries and names. No text here (see ./render.ts) and no
 * records (see ./accumulator.ts).
 * OTel GenAI metrics: https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/
 */
import type { Operation } from '@ollama-perf/core';

/** `gen_ai.client.operation.duration` boundaries (seconds), as OTel specifies them. */
export const OPERATION_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
] as const;
/** `gen_ai.client.token.usage` boundaries (tokens), as OTel specifies them. */
export const TOKEN_USAGE_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;
/** `gen_ai.server.time_to_first_token` boundaries (seconds), as OTel specifies them. */
export const TIME_TO_FIRST_TOKEN_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;
/** `gen_ai.server.time_per_output_token` boundaries (seconds), as OTel specifies them. */
export const TIME_PER_OUTPUT_TOKEN_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5,
] as const;
/**
 * `ollama_load_duration_seconds` boundaries: warm loads take milliseconds, a cold load of a
 * large model from a slow disk takes minutes, so they run from 1 ms to past 300 s.
 */
export const LOAD_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320,
] as const;

/**
 * Our operation → OTel's well-known `gen_ai.operation.name` value. `/api/generate` and
 * `/v1/completions` are text completions, not chats.
 */
export const GEN_AI_OPERATION_NAMES: Readonly<Record<Operation, string>> = {
  chat: 'chat',
  generate: 'text_completion',
  embed: 'embeddings',
};

/** The `gen_ai_provider_name` on every series. */
export const GEN_AI_PROVIDER_NAME = 'ollama';

/** A series' labels, in the order they are rendered. */
export type Labels = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * The key of a label set. Not JSON.stringify: it ran nine times per record and was a fifth of an
 * insert's cost. U+0000 separates, and no label holds it (names are fixed, the record schema
 * refuses it in values).
 */
function keyOf(labels: Labels): string {
  let key = '';
  for (const [name, value] of labels) key += `${name}\u0000${value}\u0000`;
  return key;
}

/** Series of one family, keyed by their label set. */
class SeriesMap<T> {
  private readonly series = new Map<string, { labels: Labels; value: T }>();

  constructor(private readonly create: () => T) {}

  get(labels: Labels): T {
    const key = keyOf(labels);
    let entry = this.series.get(key);
    if (entry === undefined) {
      entry = { labels, value: this.create() };
      this.series.set(key, entry);
    }
    return entry.value;
  }

  /** Every series in a stable order (sorted by label set as JSON text), as the exposition lists them. */
  sorted(): Array<{ labels: Labels; value: T }> {
    return [...this.series.values()]
      .map((entry) => ({ order: JSON.stringify(entry.labels), entry }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
      .map(({ entry }) => entry);
  }

  /** Every series, in insertion order. */
  entries(): Array<{ labels: Labels; value: T }> {
    return [...this.series.values()];
  }
}

/** What every family has. */
export interface FamilyBase {
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly name: string;
  readonly help: string;
}

/** A counter: a total per series that only grows. */
export class Counter implements FamilyBase {
  readonly type: 'counter' | 'gauge' = 'counter';
  private readonly values = new SeriesMap(() => ({ n: 0 }));

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** Adds `amount` to the series of `labels` (created at 0 first: a zero-valued series is listed too). */
  add(labels: Labels, amount: number): void {
    this.values.get(labels).n += amount;
  }

  /** The series of `labels`, created at 0 (add to its `n`): a caller counting many values into it looks it up once. */
  series(labels: Labels): { n: number } {
    return this.values.get(labels);
  }

  /** Every series with its value, sorted by label set. */
  sorted(): Array<{ labels: Labels; value: number }> {
    return this.values.sorted().map(({ labels, value }) => ({ labels, value: value.n }));
  }

  /** Every series with its value, in insertion order. */
  entries(): Array<{ labels: Labels; value: number }> {
    return this.values.entries().map(({ labels, value }) => ({ labels, value: value.n }));
  }
}

/** A gauge: a value that goes up and down (set, not added, per series). */
export class Gauge extends Counter {
  override readonly type = 'gauge' as const;
}

/** One histogram series: the count per bucket (not cumulative), the sum and the count of the values. */
export interface HistogramValue {
  counts: number[];
  sum: number;
  count: number;
}

/** A histogram over fixed bucket boundaries (`le`, inclusive). */
export class Histogram implements FamilyBase {
  readonly type = 'histogram' as const;
  private readonly values: SeriesMap<HistogramValue>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {
    this.values = new SeriesMap(() => ({ counts: new Array<number>(bounds.length).fill(0), sum: 0, count: 0 }));
  }

  /** Counts one value in the series of `labels`. */
  observe(labels: Labels, value: number): void {
    this.observeIn(this.values.get(labels), value);
  }

  /** The series of `labels`, created empty: a caller counting many values into it looks it up once. */
  series(labels: Labels): HistogramValue {
    return this.values.get(labels);
  }

  /** Counts one value in `series` (one of this histogram's, from {@link Histogram.series}). */
  observeIn(series: HistogramValue, value: number): void {
    // `le` is inclusive: a value equal to a boundary belongs to that bucket.
    const bounds = this.bounds;
    let at = 0;
    while (at < bounds.length && value > (bounds[at] as number)) at++;
    if (at < bounds.length) series.counts[at] = (series.counts[at] as number) + 1;
    series.sum += value;
    series.count++;
  }

  /** Adds counted values (of other records) to the series of `labels`; `counts` has one entry per bound. */
  merge(labels: Labels, value: HistogramValue): void {
    const series = this.values.get(labels);
    value.counts.forEach((n, i) => {
      series.counts[i] = (series.counts[i] as number) + n;
    });
    series.sum += value.sum;
    series.count += value.count;
  }

  /** Every series, sorted by label set. */
  sorted(): Array<{ labels: Labels; value: HistogramValue }> {
    return this.values.sorted();
  }

  /** Every series, in insertion order. */
  entries(): Array<{ labels: Labels; value: HistogramValue }> {
    return this.values.entries();
  }
}

/** Any family. */
export type Family = Counter | Histogram;
