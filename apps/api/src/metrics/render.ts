/**
 * `renderMetrics()`: stored records → Prometheus text exposition format 0.0.4, with the
 * OpenTelemetry GenAI metric names and bucket boundaries where OTel has them
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/) and `ollama_*`
 * families for what it has no name for (model loads, cold starts, request outcomes).
 *
 * Pure: the values are computed from the records passed in (all of them, so every family
 * is cumulative since the first record and agrees with `/stats` by construction).
 * Text format: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
import { NO_PROJECT, type Operation, type RequestMetric } from '@ollama-perf/core';

/** The Content-Type of {@link renderMetrics}' output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

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

/** OTel's `error.type` for a failure with no more specific class. */
const OTHER_ERROR = '_OTHER';

type Labels = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * Escapes a label value for the text format: backslash, double quote and line feed are
 * the only characters that must be (and may be) escaped.
 *
 * @example
 * escapeLabelValue('say "hi"\n') // 'say \\"hi\\"\\n'
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'));
}

// HELP text escapes only backslash and line feed (a double quote stays as it is).
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\\' ? '\\\\' : '\\n'));
}

/** A sample value as the text format writes it (Go's ParseFloat reads every form). */
function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** Series of one family, keyed by their label set, rendered in a stable (sorted) order. */
class SeriesMap<T> {
  private readonly series = new Map<string, { labels: Labels; value: T }>();

  constructor(private readonly create: () => T) {}

  get(labels: Labels): T {
    const key = JSON.stringify(labels);
    let entry = this.series.get(key);
    if (entry === undefined) this.series.set(key, (entry = { labels, value: this.create() }));
    return entry.value;
  }

  sorted(): Array<{ labels: Labels; value: T }> {
    return [...this.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
  }

  /** Every series, in insertion order (for the stored state). */
  entries(): Array<{ labels: Labels; value: T }> {
    return [...this.series.values()];
  }
}

type CounterState = Array<[Labels, number]>;
type HistogramState = Array<[Labels, number[], number, number]>;

/** The record-derived families as plain data: what a rollup stores, and what merges. */
export interface MetricsState {
  histograms: HistogramState[];
  counters: CounterState[];
}

interface Family {
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly name: string;
  readonly help: string;
  render(lines: string[]): void;
}

class Counter implements Family {
  readonly type: 'counter' | 'gauge' = 'counter';
  private readonly values = new SeriesMap(() => ({ n: 0 }));

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  add(labels: Labels, amount: number): void {
    this.values.get(labels).n += amount;
  }

  render(lines: string[]): void {
    for (const { labels, value } of this.values.sorted())
      lines.push(`${this.name}${formatLabels(labels)} ${formatNumber(value.n)}`);
  }

  state(): CounterState {
    return this.values.entries().map(({ labels, value }) => [labels, value.n]);
  }

  addState(state: CounterState): void {
    for (const [labels, n] of state) this.add(labels, n);
  }
}

/** A gauge: a value that goes up and down (set, not added, per series). */
class Gauge extends Counter {
  override readonly type = 'gauge' as const;
}

class Histogram implements Family {
  readonly type = 'histogram' as const;
  private readonly values: SeriesMap<{ counts: number[]; sum: number; count: number }>;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {
    this.values = new SeriesMap(() => ({ counts: new Array<number>(bounds.length).fill(0), sum: 0, count: 0 }));
  }

  observe(labels: Labels, value: number): void {
    const series = this.values.get(labels);
    // `le` is inclusive: a value equal to a boundary belongs to that bucket.
    const at = this.bounds.findIndex((bound) => value <= bound);
    if (at !== -1) series.counts[at] = (series.counts[at] as number) + 1;
    series.sum += value;
    series.count++;
  }

  state(): HistogramState {
    return this.values.entries().map(({ labels, value }) => [labels, value.counts, value.sum, value.count]);
  }

  addState(state: HistogramState): void {
    for (const [labels, counts, sum, count] of state) {
      const series = this.values.get(labels);
      counts.forEach((n, i) => (series.counts[i] = (series.counts[i] as number) + n));
      series.sum += sum;
      series.count += count;
    }
  }

  render(lines: string[]): void {
    for (const { labels, value } of this.values.sorted()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += value.counts[i] as number;
        lines.push(`${this.name}_bucket${formatLabels([...labels, ['le', formatNumber(bound)]])} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${formatLabels([...labels, ['le', '+Inf']])} ${value.count}`);
      lines.push(`${this.name}_sum${formatLabels(labels)} ${formatNumber(value.sum)}`);
      lines.push(`${this.name}_count${formatLabels(labels)} ${value.count}`);
    }
  }
}

const positive = (value: number | null): value is number => value !== null && value > 0;

/** What Ollama has loaded (from `/api/ps` samples), for the residency gauges. */
export interface ResidencyGauges {
  /** Loaded now, with their sizes. */
  loaded: Array<{ model: string; size: number | null; size_vram: number | null }>;
  /** Every model seen loaded at some time (those not in `loaded` report 0). */
  known: string[];
}

/**
 * The families computed from records — histograms and counters — fed record by record or
 * merged from stored states (an hour's, a day's…). Bucket counts and totals add up exactly,
 * so a scrape can merge a few rollup states instead of reading every record.
 */
export class MetricsAccumulator {
  private readonly duration = new Histogram(
    'gen_ai_client_operation_duration_seconds',
    'GenAI operation duration: request arrival at the gateway to the last byte sent to the client.',
    OPERATION_DURATION_BUCKETS,
  );
  private readonly tokenUsage = new Histogram(
    'gen_ai_client_token_usage',
    'Number of input and output tokens used per request, as Ollama counted them.',
    TOKEN_USAGE_BUCKETS,
  );
  private readonly timeToFirstToken = new Histogram(
    'gen_ai_server_time_to_first_token_seconds',
    'Time to generate the first token (streamed responses): request arrival to the first chunk carrying content.',
    TIME_TO_FIRST_TOKEN_BUCKETS,
  );
  private readonly timePerOutputToken = new Histogram(
    'gen_ai_server_time_per_output_token_seconds',
    "Time per output token: Ollama's eval_duration divided by eval_count.",
    TIME_PER_OUTPUT_TOKEN_BUCKETS,
  );
  private readonly loadDuration = new Histogram(
    'ollama_load_duration_seconds',
    'Time Ollama spent loading the model for a request (load_duration); cold_start tells cold loads from warm ones.',
    LOAD_DURATION_BUCKETS,
  );
  private readonly coldStarts = new Counter(
    'ollama_cold_starts_total',
    'Requests whose model had to be loaded first (load_duration at or above the cold-start threshold).',
  );
  private readonly requests = new Counter(
    'ollama_requests_total',
    'Inference requests recorded, by outcome: status is "success" or "error" (then error_type says why).',
  );
  private readonly switches = new Counter(
    'ollama_model_switches_total',
    'Cold loads that followed a different model (model switching): the model loaded is gen_ai_request_model.',
  );

  private get histograms(): Histogram[] {
    return [this.duration, this.tokenUsage, this.timeToFirstToken, this.timePerOutputToken, this.loadDuration];
  }

  private get counters(): Counter[] {
    return [this.coldStarts, this.requests, this.switches];
  }

  /** Adds one record to every family. */
  add(r: RequestMetric): void {
    const base: Labels = [
      ['gen_ai_operation_name', GEN_AI_OPERATION_NAMES[r.operation]],
      ['gen_ai_provider_name', GEN_AI_PROVIDER_NAME],
      ['gen_ai_request_model', r.model],
      ['project', r.project ?? NO_PROJECT],
    ];
    // OTel sets error.type only on failures, and then always (`_OTHER` when nothing more is known).
    const outcome: Labels = r.success ? base : [...base, ['error_type', r.error_type ?? OTHER_ERROR]];

    this.duration.observe(outcome, r.latency_ms / 1000);
    if (r.prompt_eval_count !== null)
      this.tokenUsage.observe([...base, ['gen_ai_token_type', 'input']], r.prompt_eval_count);
    if (r.eval_count !== null) this.tokenUsage.observe([...base, ['gen_ai_token_type', 'output']], r.eval_count);
    if (r.ttft_ms !== null) this.timeToFirstToken.observe(outcome, r.ttft_ms / 1000);
    if (positive(r.eval_duration_ms) && positive(r.eval_count))
      this.timePerOutputToken.observe(outcome, r.eval_duration_ms / 1000 / r.eval_count);
    if (r.load_duration_ms !== null) {
      this.loadDuration.observe(
        r.cold_start === null ? base : [...base, ['cold_start', String(r.cold_start)]],
        r.load_duration_ms / 1000,
      );
    }
    // Zero-valued series too, so that increase() sees a model's first cold start.
    this.coldStarts.add(base, r.cold_start === true ? 1 : 0);
    this.requests.add(
      r.success
        ? [...base, ['status', 'success']]
        : [...base, ['status', 'error'], ['error_type', r.error_type ?? OTHER_ERROR]],
      1,
    );
    this.switches.add(base, r.switched_from === null ? 0 : 1);
  }

  /** The families as plain data (JSON-safe). */
  state(): MetricsState {
    return { histograms: this.histograms.map((h) => h.state()), counters: this.counters.map((c) => c.state()) };
  }

  /** Adds a state made by {@link state} (of other records). */
  addState(state: MetricsState): void {
    this.histograms.forEach((h, i) => h.addState(state.histograms[i] ?? []));
    this.counters.forEach((c, i) => c.addState(state.counters[i] ?? []));
  }

  /** The families in render order. */
  families(): Family[] {
    return [...this.histograms, ...this.counters];
  }
}

/**
 * Renders every metric family over `records` (all stored records, so each family is a
 * cumulative total that `rate()` and `increase()` work on) — or over an accumulator that
 * already holds them. Every family has its HELP and TYPE lines even when it has no series yet.
 *
 * Labels on every series: `gen_ai_operation_name` (`chat`, `text_completion`, `embeddings`),
 * `gen_ai_provider_name="ollama"`, `gen_ai_request_model`, `project` (`(none)` when unset,
 * as in `/stats`). Failed requests add `error_type` (OTel's `error.type`) to the duration,
 * time-to-first-token and time-per-output-token histograms and to `ollama_requests_total`.
 *
 * @example
 * const text = renderMetrics(await store.rollups.metrics(), residency);
 * return c.body(text, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
 */
export function renderMetrics(
  records: Iterable<RequestMetric> | MetricsAccumulator,
  residency: ResidencyGauges = { loaded: [], known: [] },
): string {
  let accumulator: MetricsAccumulator;
  if (records instanceof MetricsAccumulator) accumulator = records;
  else {
    accumulator = new MetricsAccumulator();
    for (const record of records) accumulator.add(record);
  }
  const loaded = new Gauge(
    'ollama_model_loaded',
    'Whether Ollama has the model loaded (1) or not (0), at the last /api/ps sample.',
  );
  const vram = new Gauge('ollama_model_vram_bytes', 'VRAM the loaded model occupies (size_vram in /api/ps), bytes.');
  const size = new Gauge(
    'ollama_model_size_bytes',
    'Memory the loaded model occupies in all (size in /api/ps), bytes.',
  );
  const nowLoaded = new Set(residency.loaded.map((m) => m.model));
  for (const model of new Set([...residency.known, ...nowLoaded])) {
    loaded.add(
      [
        ['gen_ai_provider_name', GEN_AI_PROVIDER_NAME],
        ['model', model],
      ],
      nowLoaded.has(model) ? 1 : 0,
    );
  }
  for (const m of residency.loaded) {
    const labels: Labels = [
      ['gen_ai_provider_name', GEN_AI_PROVIDER_NAME],
      ['model', m.model],
    ];
    if (m.size_vram !== null) vram.add(labels, m.size_vram);
    if (m.size !== null) size.add(labels, m.size);
  }

  const families: Family[] = [...accumulator.families(), loaded, vram, size];
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    family.render(lines);
  }
  return `${lines.join('\n')}\n`;
}
