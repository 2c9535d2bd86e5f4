/**
 * The persisted metric state: a round trip adds up exactly; the unversioned state of before
 * versions is read as it was written; another version, shape or bucket set is refused.
 */
import { readFileSync } from 'node:fs';
import type { RequestMetric } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';
import { MetricsAccumulator } from './accumulator.js';
import { renderMetrics } from './render.js';
import { METRICS_STATE_VERSION, parseMetricsState } from './state.js';

const records = fixtureRecords(300, 6);

function stateJsonOf(part: typeof records): string {
  const accumulator = new MetricsAccumulator();
  for (const record of part) accumulator.add(record);
  return JSON.stringify(accumulator.state());
}

describe('MetricsAccumulator state', () => {
  it('carries its version and named families', () => {
    const state = JSON.parse(stateJsonOf(records)) as Record<string, Record<string, unknown>>;
    expect(state.version).toBe(METRICS_STATE_VERSION);
    expect(Object.keys(state.histograms ?? {})).toContain('gen_ai_client_operation_duration_seconds');
    expect(Object.keys(state.counters ?? {})).toContain('ollama_requests_total');
  });

  it('merges stored states into what every record gives', () => {
    const merged = new MetricsAccumulator();
    for (const half of [records.slice(0, 150), records.slice(150)]) {
      const state = parseMetricsState(stateJsonOf(half));
      expect(state).not.toBeNull();
      expect(merged.addState(state as NonNullable<typeof state>)).toBe(true);
    }
    const lines = (text: string) => text.split('\n').filter((line) => !line.includes('_sum'));
    expect(lines(renderMetrics(merged))).toEqual(lines(renderMetrics(records)));
  });

  it.each([
    ['a newer version', (json: string) => json.replace(`"version":${METRICS_STATE_VERSION}`, '"version":2')],
    ['version 0', (json: string) => json.replace(`"version":${METRICS_STATE_VERSION}`, '"version":0')],
    ['positional, but not the families of before versions', () => JSON.stringify({ histograms: [[]], counters: [[]] })],
    ['not JSON', () => '{"version":1,'],
    [
      'the version, but bounds that are not numbers',
      () => '{"version":1,"histograms":{"h":{"bounds":["1"],"series":[]}},"counters":{}}',
    ],
    ['the version, but a series without its sum', (json: string) => json.replace(/"sum":[^,]+,/, '')],
    ['the version, but a label that is not text', (json: string) => json.replace(/"project":"[^"]*"/, '"project":7')],
    ['null', () => 'null'],
  ])('reads %s as no state', (_, rewrite) => {
    expect(parseMetricsState(rewrite(stateJsonOf(records)))).toBeNull();
  });

  it('adds nothing from a state of other buckets or other families', () => {
    const state = parseMetricsState(stateJsonOf(records));
    if (state === null) throw new Error('unreadable state');
    const otherBuckets = structuredClone(state);
    otherBuckets.histograms.ollama_load_duration_seconds?.bounds.push(640);
    const otherFamilies = structuredClone(state);
    otherFamilies.counters.ollama_new_total = [];
    const empty = renderMetrics(new MetricsAccumulator());
    for (const other of [otherBuckets, otherFamilies]) {
      const into = new MetricsAccumulator();
      expect(into.addState(other)).toBe(false);
      expect(renderMetrics(into)).toBe(empty);
    }
  });

  it('reads the unversioned state written before versions as what it counted', () => {
    const fixture = new URL('../../test/fixtures/metrics-state-unversioned.json', import.meta.url);
    const { records, state: stored } = JSON.parse(readFileSync(fixture, 'utf8')) as {
      records: RequestMetric[];
      state: string;
    };
    const state = parseMetricsState(stored);
    if (state === null) throw new Error('unversioned state not read');
    const into = new MetricsAccumulator();
    expect(into.addState(state)).toBe(true);
    expect(renderMetrics(into)).toBe(renderMetrics(records));
  });
});
