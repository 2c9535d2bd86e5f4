/**
 * The persisted form of the record-derived families (stored per rollup period in
 * `metric_rollups.json`): JSON with a version and named fields. A stored state is an API —
 * bump {@link METRICS_STATE_VERSION} when its shape, a family's name or its bucket
 * boundaries change; a reader meeting any other version gets `null` and rebuilds the period.
 */
import { z } from 'zod';

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
 *   histograms: { ollama_load_duration_seconds: { bounds: [0.001, …], series: [{ labels: {…}, counts: […], sum: 1.2, count: 3 }] } },
 *   counters: { ollama_requests_total: [{ labels: { gen_ai_operation_name: 'chat', … }, value: 3 }] } }
 */
export type MetricsState = z.infer<typeof stateSchema>;

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
  return parsed.success ? parsed.data : null;
}
