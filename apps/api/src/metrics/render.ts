/**
 * `renderMetrics()`: the metric families as Prometheus text exposition format 0.0.4, with the
 * OpenTelemetry GenAI metric names and bucket boundaries where OTel has them and `ollama_*`
 * families for what it has no name for (model loads, cold starts, request outcomes).
 *
 * Pure: the values come from the records (or the accumulator) passed in — all of them, so
 * every family is cumulative since the first record and agrees with `/stats` by construction.
 * Text format: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
import type { AvailabilityRun, RequestMetric } from '@ollama-perf/core';
import { MetricsAccumulator } from './accumulator.js';
import { availabilityFamilies } from './availability-families.js';
import { type Family, Gauge, GEN_AI_PROVIDER_NAME, type Labels } from './families.js';

/** The Content-Type of {@link renderMetrics}' output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

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

function renderFamily(family: Family, lines: string[]): void {
  lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
  if (family.type !== 'histogram') {
    for (const { labels, value } of family.sorted())
      lines.push(`${family.name}${formatLabels(labels)} ${formatNumber(value)}`);
    return;
  }
  for (const { labels, value } of family.sorted()) {
    let cumulative = 0;
    family.bounds.forEach((bound, i) => {
      cumulative += value.counts[i] as number;
      lines.push(`${family.name}_bucket${formatLabels([...labels, ['le', formatNumber(bound)]])} ${cumulative}`);
    });
    lines.push(`${family.name}_bucket${formatLabels([...labels, ['le', '+Inf']])} ${value.count}`);
    lines.push(`${family.name}_sum${formatLabels(labels)} ${formatNumber(value.sum)}`);
    lines.push(`${family.name}_count${formatLabels(labels)} ${value.count}`);
  }
}

/** What Ollama has loaded (from `/api/ps` samples), for the residency gauges. */
export interface ResidencyGauges {
  /** Loaded now, with their sizes. */
  loaded: Array<{ model: string; size: number | null; size_vram: number | null }>;
}

// Only models loaded at the last sample have series: a model that left /api/ps has its series
// dropped (Prometheus marks them stale), so `count(ollama_model_loaded)` is the loaded models.
function residencyFamilies(residency: ResidencyGauges): Family[] {
  const loaded = new Gauge(
    'ollama_model_loaded',
    'Models Ollama has loaded at the last /api/ps sample (1 each; a model that left has no series).',
  );
  const vram = new Gauge('ollama_model_vram_bytes', 'VRAM the loaded model occupies (size_vram in /api/ps), bytes.');
  const size = new Gauge(
    'ollama_model_size_bytes',
    'Memory the loaded model occupies in all (size in /api/ps), bytes.',
  );
  for (const m of residency.loaded) {
    const labels: Labels = [
      ['gen_ai_provider_name', GEN_AI_PROVIDER_NAME],
      ['gen_ai_request_model', m.model],
    ];
    loaded.add(labels, 1);
    if (m.size_vram !== null) vram.add(labels, m.size_vram);
    if (m.size !== null) size.add(labels, m.size);
  }
  return [loaded, vram, size];
}

/** The gateway's own health on Node: what a stall of the gateway itself would show. */
export interface GatewayGauges {
  /** The proxy thread's event-loop delay over the last minute or so, ms. */
  eventLoopDelayMs?: { p99: number; max: number } | undefined;
  /** Calls waiting on the storage thread. */
  storageQueueDepth?: number | undefined;
}

function gatewayFamilies(gauges: GatewayGauges): Family[] {
  const families: Family[] = [];
  if (gauges.eventLoopDelayMs !== undefined) {
    const delay = new Gauge(
      'ollama_perf_event_loop_delay_seconds',
      "How long ready work waited for the gateway's proxy thread over the last minute: p99 and max.",
    );
    delay.add([['stat', 'p99']], gauges.eventLoopDelayMs.p99 / 1000);
    delay.add([['stat', 'max']], gauges.eventLoopDelayMs.max / 1000);
    families.push(delay);
  }
  if (gauges.storageQueueDepth !== undefined) {
    const queue = new Gauge('ollama_perf_storage_queue_depth', 'Calls waiting on the storage thread.');
    queue.add([], gauges.storageQueueDepth);
    families.push(queue);
  }
  return families;
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
  residency: ResidencyGauges = { loaded: [] },
  gateway: GatewayGauges = {},
  availability: readonly AvailabilityRun[] = [],
): string {
  let accumulator: MetricsAccumulator;
  if (records instanceof MetricsAccumulator) accumulator = records;
  else {
    accumulator = new MetricsAccumulator();
    for (const record of records) accumulator.add(record);
  }
  const lines: string[] = [];
  const families = [
    ...accumulator.histograms,
    ...accumulator.counters,
    ...residencyFamilies(residency),
    ...gatewayFamilies(gateway),
    ...availabilityFamilies(availability),
  ];
  for (const family of families) renderFamily(family, lines);
  return `${lines.join('\n')}\n`;
}
