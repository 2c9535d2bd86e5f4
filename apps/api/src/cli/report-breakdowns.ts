/**
 * The parts of a Summary the report shows when they are there: breakdowns and figures added
 * to the Summary after the report was first written (fields may be added, none renamed), so
 * an older gateway or database answers without them. Each is read with its own schema; a
 * part that is absent or of another shape is `null`, and its section is left out.
 */
import {
  bucketSummarySchema,
  type GroupSummary,
  groupSummarySchema,
  type StatJson,
  statSchema,
} from '@ollama-perf/core';
import { z } from 'zod';

/** One bucket of a breakdown: its label and its figures. */
export interface LabelledGroup {
  label: string;
  group: GroupSummary;
}

/** Mean milliseconds per request spent in each stage, over the requests with Ollama's timings. */
export interface TimeBreakdown {
  timed_requests: number;
  load_ms: number | null;
  prompt_eval_ms: number | null;
  generation_ms: number | null;
  other_ms: number | null;
}

const timeBreakdownSchema = z.object({
  timed_requests: z.number().int().nonnegative(),
  load_ms: z.number().nullable(),
  prompt_eval_ms: z.number().nullable(),
  generation_ms: z.number().nullable(),
  other_ms: z.number().nullable(),
});
const bucketsSchema = z.array(bucketSummarySchema);
const hoursSchema = z.array(groupSummarySchema.extend({ hour: z.number().int().min(0).max(23) }));

function field(summary: object, name: string): unknown {
  return (summary as Record<string, unknown>)[name];
}

/** A stat object of the group under `name`, if it has one. */
export function optionalStat(group: object, name: string): StatJson | null {
  const parsed = statSchema.safeParse(field(group, name));
  return parsed.success ? parsed.data : null;
}

/** The group's `time_breakdown`, if it has one. */
export function timeBreakdownOf(group: object): TimeBreakdown | null {
  const parsed = timeBreakdownSchema.safeParse(field(group, 'time_breakdown'));
  return parsed.success ? parsed.data : null;
}

/** A bucket breakdown (`by_prompt_tokens`, `by_concurrency`) labelled by bucket; `null` when absent. */
export function bucketsOf(summary: object, name: 'by_prompt_tokens' | 'by_concurrency'): LabelledGroup[] | null {
  const parsed = bucketsSchema.safeParse(field(summary, name));
  return parsed.success ? parsed.data.map(({ bucket, ...group }) => ({ label: bucket, group })) : null;
}

/** `by_hour_of_day`, hours labelled `07:00`; `null` when absent. */
export function hoursOf(summary: object): LabelledGroup[] | null {
  const parsed = hoursSchema.safeParse(field(summary, 'by_hour_of_day'));
  if (!parsed.success) return null;
  return parsed.data.map(({ hour, ...group }) => ({ label: `${String(hour).padStart(2, '0')}:00`, group }));
}
