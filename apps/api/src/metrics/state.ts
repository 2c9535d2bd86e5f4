/**
 * The persisted form of the record-derived families (stored per rollup period in
 * `metric_rollups.json`): JSON with a version and named fields. A stored state is an API —
 * bump {@link METRICS_STATE_VERSION} when its shape, a family's name or its bucket
 * boundaries change; a reader meeting any other version gets `null` and rebuilds the period
 * (the one exception: the unversioned state written before versions, read as version 1).
 */
import { z } from 'zod';
import {
  LOAD_DURATION_BUCKETS,
  OPERATION_DURATION_BUCKETS,
  TIME_PER_OUTPUT_TOKEN_BUCKETS,
  TIME_TO_FIRST_TOKEN_BUCKETS,
  TOKEN_USAGE_BUCKETS,
} from './families.js';

/** The version written into every state; a state of any other version is not read. */
export const METRICS_STATE_VERSION = 1;

const labelsSchema = z.record(z.string(), z.string());
const stateSchema = z.object({
  version: z.literal(METRICS_STATE_VERSION),
  histograms: z.record(
    z.string(),
    z.object({
      bounds: z.array(z.number()),
      series: z.array(
        z.object({ labels: labelsSchema, counts: z.array(z.number()), sum: z.number(), count: z.number() }),
      ),
    }),
  ),
  counters: z.record(z.string(), z.array(z.object({ labels: labelsSchema, value: z.number() }))),
});

/**
 * The families of some records as plain data, keyed by family name; labels are objects in
 * render order (label names are never integer-like, so JSON keeps their order).
 *
 * @example
 * { version: 1,
 *   histograms: {
 *     ollama_load_duration_seconds: {
 *       bounds: [0.001, …],
 *       series: [{ labels: { gen_ai_operation_name: 'chat', … }, counts: [0, 1, …], sum: 1.2, count: 3 }],
 *     }, … },
 *   counters: { ollama_requests_total: [{ labels: { gen_ai_operation_name: 'chat', … }, value: 3 }], … } }
 */
export type MetricsState = z.infer<typeof stateSchema>;

// Written before states had a version: the families by position, in the order below, with
// labels as [name, value] pairs and the buckets of version 1. Read as version 1, so that a
// database built then is not rebuilt whole on upgrade; drop this reader when the version moves.
const pairsSchema = z.array(z.tuple([z.string(), z.string()]));
const unversionedSchema = z.object({
  histograms: z.array(z.array(z.tuple([pairsSchema, z.array(z.number()), z.number(), z.number()]))),
  counters: z.array(z.array(z.tuple([pairsSchema, z.number()]))),
});
const UNVERSIONED_HISTOGRAMS = [
  ['gen_ai_client_operation_duration_seconds', OPERATION_DURATION_BUCKETS],
  ['gen_ai_client_token_usage', TOKEN_USAGE_BUCKETS],
  ['gen_ai_server_time_to_first_token_seconds', TIME_TO_FIRST_TOKEN_BUCKETS],
  ['gen_ai_server_time_per_output_token_seconds', TIME_PER_OUTPUT_TOKEN_BUCKETS],
  ['ollama_load_duration_seconds', LOAD_DURATION_BUCKETS],
] as const;
const UNVERSIONED_COUNTERS = ['ollama_cold_starts_total', 'ollama_requests_total', 'ollama_model_switches_total'];

function fromUnversioned(state: z.infer<typeof unversionedSchema>): MetricsState | null {
  if (
    state.histograms.length !== UNVERSIONED_HISTOGRAMS.length ||
    state.counters.length !== UNVERSIONED_COUNTERS.length
  )
    return null;
  return {
    version: METRICS_STATE_VERSION,
    histograms: Object.fromEntries(
      UNVERSIONED_HISTOGRAMS.map(([name, bounds], i) => [
        name,
        {
          bounds: [...bounds],
          series: (state.histograms[i] ?? []).map(([labels, counts, sum, count]) => ({
            labels: Object.fromEntries(labels),
            counts,
            sum,
            count,
          })),
        },
      ]),
    ),
    counters: Object.fromEntries(
      UNVERSIONED_COUNTERS.map((name, i) => [
        name,
        (state.counters[i] ?? []).map(([labels, value]) => ({ labels: Object.fromEntries(labels), value })),
      ]),
    ),
  };
}

/**
 * The state stored as `json`, or `null` when it is not a state of this version (an older or
 * newer format, or not JSON at all): the caller then treats its period as not built.
 */
export function parseMetricsState(json: string | null): MetricsState | null {
  if (json === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = stateSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const unversioned = unversionedSchema.safeParse(value);
  return unversioned.success ? fromUnversioned(unversioned.data) : null;
}
