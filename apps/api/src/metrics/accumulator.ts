/**
 * What `/metrics` counts from records: the histograms and counters fed record by record, or
 * merged from stored states (an hour's, a day's…). Bucket counts and totals add up exactly,
 * so a scrape can merge a few rollup states instead of reading every record.
 */
import { interTokenLatencyMs, NO_PROJECT, type RequestMetric } from '@ollama-perf/core';
import {
  Counter,
  GEN_AI_OPERATION_NAMES,
  GEN_AI_PROVIDER_NAME,
  Histogram,
  type HistogramValue,
  type Labels,
  LOAD_DURATION_BUCKETS,
  OPERATION_DURATION_BUCKETS,
  TIME_PER_OUTPUT_TOKEN_BUCKETS,
  TIME_TO_FIRST_TOKEN_BUCKETS,
  TOKEN_USAGE_BUCKETS,
} from './families.js';
import { METRICS_STATE_VERSION, type MetricsState } from './state.js';

/** OTel's `error.type` for a failure with no more specific class. */
const OTHER_ERROR = '_OTHER';

const positive = (value: number | null): value is number => value !== null && value > 0;

const sameNumbers = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const sameKeys = (record: object, names: readonly string[]) => {
  const keys = Object.keys(record);
  return keys.length === names.length && names.every((name) => Object.hasOwn(record, name));
};

/**
 * A record's time per output token, ms: Ollama's own figure (eval_duration / eval_count) when it
 * sent one — the server's measure, free of network and chunking — else the mean gap between the
 * stream's content chunks (`itl_ms`), so /v1 streams count too (OTel: "where the server gives nothing").
 */
function timePerOutputTokenMs(r: RequestMetric): number | null {
  if (positive(r.eval_duration_ms) && positive(r.eval_count)) return r.eval_duration_ms / r.eval_count;
  return interTokenLatencyMs(r);
}

/** The label sets a record's series are named by. */
interface RecordLabels {
  base: Labels;
  /** `base`, plus `error_type` on failures. */
  outcome: Labels;
  input: Labels;
  output: Labels;
  load: Labels;
  status: Labels;
}

/** A record's label sets, and the series they name once looked up. */
interface RecordContext {
  labels: RecordLabels;
  series: {
    duration?: HistogramValue;
    inputTokens?: HistogramValue;
    outputTokens?: HistogramValue;
    timeToFirstToken?: HistogramValue;
    timePerOutputToken?: HistogramValue;
    loadDuration?: HistogramValue;
    counters?: { coldStarts: { n: number }; requests: { n: number }; switches: { n: number } };
  };
}

function labelsOf(r: RequestMetric): RecordLabels {
  const base: Labels = [
    ['gen_ai_operation_name', GEN_AI_OPERATION_NAMES[r.operation]],
    ['gen_ai_provider_name', GEN_AI_PROVIDER_NAME],
    ['gen_ai_request_model', r.model],
    ['project', r.project ?? NO_PROJECT],
  ];
  // OTel sets error.type only on failures, and then always (`_OTHER` when nothing more is known).
  const errorType = r.error_type ?? OTHER_ERROR;
  return {
    base,
    outcome: r.success ? base : [...base, ['error_type', errorType]],
    input: [...base, ['gen_ai_token_type', 'input']],
    output: [...base, ['gen_ai_token_type', 'output']],
    load: r.cold_start === null ? base : [...base, ['cold_start', String(r.cold_start)]],
    status: r.success ? [...base, ['status', 'success']] : [...base, ['status', 'error'], ['error_type', errorType]],
  };
}

/**
 * The record-derived families, and their persisted state.
 *
 * @example
 * const hour = new MetricsAccumulator();
 * for (const record of records) hour.add(record);
 * const stored = JSON.stringify(hour.state());
 * const state = parseMetricsState(stored); // null: another version, rebuild the period
 * if (state !== null) new MetricsAccumulator().addState(state); // true: same families, same buckets
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
    "Time per output token: Ollama's eval_duration divided by eval_count; where Ollama reports neither (/v1 streams), the mean gap between the stream's content chunks as the gateway saw them.",
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

  private readonly contexts = new Map<string, RecordContext>();

  /** The histograms, in render order. */
  get histograms(): readonly Histogram[] {
    return [this.duration, this.tokenUsage, this.timeToFirstToken, this.timePerOutputToken, this.loadDuration];
  }

  /** The counters, in render order. */
  get counters(): readonly Counter[] {
    return [this.coldStarts, this.requests, this.switches];
  }

  /** Adds one record to every family. */
  add(r: RequestMetric): void {
    const { labels, series } = this.contextOf(r);
    if (series.duration === undefined) series.duration = this.duration.series(labels.outcome);
    this.duration.observeIn(series.duration, r.latency_ms / 1000);
    if (r.prompt_eval_count !== null) {
      if (series.inputTokens === undefined) series.inputTokens = this.tokenUsage.series(labels.input);
      this.tokenUsage.observeIn(series.inputTokens, r.prompt_eval_count);
    }
    if (r.eval_count !== null) {
      if (series.outputTokens === undefined) series.outputTokens = this.tokenUsage.series(labels.output);
      this.tokenUsage.observeIn(series.outputTokens, r.eval_count);
    }
    if (r.ttft_ms !== null) {
      if (series.timeToFirstToken === undefined) series.timeToFirstToken = this.timeToFirstToken.series(labels.outcome);
      this.timeToFirstToken.observeIn(series.timeToFirstToken, r.ttft_ms / 1000);
    }
    const perToken = timePerOutputTokenMs(r);
    if (perToken !== null) {
      if (series.timePerOutputToken === undefined)
        series.timePerOutputToken = this.timePerOutputToken.series(labels.outcome);
      this.timePerOutputToken.observeIn(series.timePerOutputToken, perToken / 1000);
    }
    if (r.load_duration_ms !== null) {
      if (series.loadDuration === undefined) series.loadDuration = this.loadDuration.series(labels.load);
      this.loadDuration.observeIn(series.loadDuration, r.load_duration_ms / 1000);
    }
    // Zero-valued series too, so that increase() sees a model's first cold start.
    if (series.counters === undefined)
      series.counters = {
        coldStarts: this.coldStarts.series(labels.base),
        requests: this.requests.series(labels.status),
        switches: this.switches.series(labels.base),
      };
    series.counters.coldStarts.n += r.cold_start === true ? 1 : 0;
    series.counters.requests.n += 1;
    series.counters.switches.n += r.switched_from === null ? 0 : 1;
  }

  /**
   * The label sets of a record of this model, operation, project and outcome, and the series
   * they name (each looked up when first counted in: a family lists a series only once it
   * counted something). Records come in runs of few such combinations, and building nine
   * label sets per record was most of what adding one cost.
   */
  private contextOf(r: RequestMetric): RecordContext {
    const key = `${r.operation}\u0000${r.model}\u0000${r.project === null ? '' : `=${r.project}`}\u0000${r.success ? '' : `=${r.error_type ?? ''}`}\u0000${r.cold_start}`;
    let context = this.contexts.get(key);
    if (context === undefined) {
      context = { labels: labelsOf(r), series: {} };
      this.contexts.set(key, context);
    }
    return context;
  }

  /** The families as a persisted state (JSON-safe, versioned). */
  state(): MetricsState {
    return {
      version: METRICS_STATE_VERSION,
      histograms: Object.fromEntries(
        this.histograms.map((h) => [
          h.name,
          {
            bounds: [...h.bounds],
            series: h.entries().map(({ labels, value }) => ({ labels: Object.fromEntries(labels), ...value })),
          },
        ]),
      ),
      counters: Object.fromEntries(
        this.counters.map((c) => [
          c.name,
          c.entries().map(({ labels, value }) => ({ labels: Object.fromEntries(labels), value })),
        ]),
      ),
    };
  }

  /**
   * Adds a state made by {@link state} (of other records). Adds nothing and returns `false`
   * when the state counts other families or other buckets than these.
   */
  addState(state: MetricsState): boolean {
    const histograms = this.histograms;
    const counters = this.counters;
    if (
      !sameKeys(
        state.histograms,
        histograms.map((h) => h.name),
      ) ||
      !sameKeys(
        state.counters,
        counters.map((c) => c.name),
      ) ||
      !histograms.every((h) => {
        const stored = state.histograms[h.name];
        return (
          stored !== undefined &&
          sameNumbers(stored.bounds, h.bounds) &&
          stored.series.every((series) => series.counts.length === h.bounds.length)
        );
      })
    )
      return false;
    for (const h of histograms)
      for (const { labels, counts, sum, count } of state.histograms[h.name]?.series ?? [])
        h.merge(Object.entries(labels), { counts, sum, count });
    for (const c of counters)
      for (const { labels, value } of state.counters[c.name] ?? []) c.add(Object.entries(labels), value);
    return true;
  }
}
