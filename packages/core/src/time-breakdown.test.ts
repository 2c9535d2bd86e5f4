import { describe, expect, it } from 'vitest';
import { summarize } from './summarize.js';
import { record } from './test-support/records.js';

describe('time_breakdown', () => {
  it('splits the mean request of those Ollama timed into load, prompt eval, generation and the rest', () => {
    const summary = summarize([
      record({
        id: 'a',
        total_duration_ms: 1000,
        load_duration_ms: 400,
        prompt_eval_duration_ms: 100,
        eval_duration_ms: 300,
      }),
      // Ollama omits a zero load: absent counts as 0 ms for a timed request.
      record({
        id: 'b',
        total_duration_ms: 600,
        load_duration_ms: null,
        prompt_eval_duration_ms: 50,
        eval_duration_ms: 500,
      }),
      // Not timed (a /v1 route): left out of every mean.
      record({
        id: 'c',
        total_duration_ms: null,
        load_duration_ms: null,
        prompt_eval_duration_ms: null,
        eval_duration_ms: null,
        tokens_per_second: null,
        prompt_tokens_per_second: null,
        cold_start: null,
      }),
    ]);
    expect(summary.time_breakdown).toEqual({
      timed_requests: 2,
      load_ms: 200,
      prompt_eval_ms: 75,
      generation_ms: 400,
      other_ms: 125,
    });
  });

  it('is all nulls without timed requests, in every group', () => {
    const empty = { timed_requests: 0, load_ms: null, prompt_eval_ms: null, generation_ms: null, other_ms: null };
    expect(summarize([]).time_breakdown).toEqual(empty);
    const summary = summarize([record({ id: 'a', model: 'x' })]);
    expect(summary.by_model.x?.time_breakdown.timed_requests).toBe(1);
    expect(summary.by_hour_of_day[0]?.time_breakdown).toEqual(empty);
  });
});
