/**
 * The report's sections: "unknown" where the data holds no figure, loads split into cold,
 * after a switch and warm, and the breakdowns (operation, prompt length, concurrency, hour
 * of day, time breakdown) shown when the Summary has them and left out cleanly when not.
 */
import { EMPTY_TIMINGS, type GroupSummary, type RequestMetric, type Summary, summarize } from '@ollama-perf/core';
import { fixtureRecords, record } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';
import { formatCount, formatNumber, REPORT_SECTIONS, type ReportSection, renderReport } from './render-report.js';

const plain = (summary: Summary) => renderReport(summary, { color: false });

// The lines of the section under `heading`, up to the blank line that ends it.
function section(text: string, heading: string): string[] {
  const start = text.indexOf(`\n${heading}\n`);
  if (start === -1) return [];
  const lines = text.slice(start + 1).split('\n');
  return lines.slice(0, lines.indexOf(''));
}

// A record as an Ollama server log gives it: route, status and latency, nothing else.
function ginRecord(i: number): RequestMetric {
  return record({
    ...EMPTY_TIMINGS,
    concurrency: null,
    id: `gin-${i}`,
    ts: Date.UTC(2026, 10, 27, 9, i),
    model: 'unknown',
    latency_ms: 1000 + i,
  });
}

describe('report sections', () => {
  it('says "unknown" for figures GIN-only data does not have, never 0', () => {
    const text = plain(summarize([1, 2, 3].map(ginRecord)));
    for (const label of ['Prompt tokens', 'Generated tokens', 'Cold starts', 'Model switches'])
      expect(text).toContain(`\n  ${label.padEnd(18)}unknown\n`);
    const generation = section(text, 'GENERATION PERFORMANCE (tokens/s)');
    expect(generation[3]?.trim().split(/ {2,}/)).toEqual(['generation', '0', ...Array(5).fill('unknown')]);
    expect(section(text, 'PER MODEL')[3]?.trim().split(/ {2,}/)).toEqual([
      'unknown',
      '3',
      '100.0%',
      'unknown',
      'unknown',
      '1,002.0',
      '1,002.9',
      'unknown',
    ]);
    expect(section(text, 'LOADING (per model, ms)')[3]?.trim().split(/ {2,}/)).toEqual([
      'unknown',
      ...Array(6).fill('unknown'),
    ]);
    expect(text).not.toMatch(/ 0\.0( |$)/m);
  });

  it('gives cold loads and loads after a switch their own columns', () => {
    const base = ginRecord(0);
    const loaded = (i: number, load: number, cold: boolean, from: string | null): RequestMetric => ({
      ...base,
      id: `load-${i}`,
      model: 'llama3.2',
      load_duration_ms: load,
      cold_start: cold,
      switched_from: from,
    });
    const text = plain(
      summarize([
        loaded(1, 4000, true, null),
        loaded(2, 6000, true, null),
        loaded(3, 9000, true, 'qwen2.5:7b'),
        loaded(4, 2, false, null),
      ]),
    );
    expect(section(text, 'LOADING (per model, ms)')[3]?.trim().split(/ {2,}/)).toEqual([
      'llama3.2',
      '2',
      '5,000.0',
      '1',
      '9,000.0',
      '1',
      '2.0',
    ]);
    expect(text).toContain('\n  Cold starts       3\n  Model switches    1\n');
  });

  it('shows per operation and by concurrency from any Summary', () => {
    const summary = summarize(fixtureRecords(120));
    const text = plain(summary);
    const operations = section(text, 'PER OPERATION').slice(3);
    expect(operations.map((line) => line.trim().split(/ {2,}/)[0])).toEqual(
      Object.entries(summary.by_operation)
        .sort(([a, x], [b, y]) => y.requests - x.requests || a.localeCompare(b))
        .map(([operation]) => operation),
    );
    const chat = summary.by_operation.chat as GroupSummary;
    expect(
      operations
        .find((line) => line.startsWith('  chat '))
        ?.trim()
        .split(/ {2,}/),
    ).toEqual([
      'chat',
      formatCount(chat.requests),
      expect.stringMatching(/%$/),
      formatNumber(chat.tokens_per_second.p50),
      formatNumber(chat.prompt_tokens_per_second.p50),
      formatNumber(chat.ttft_ms.p50),
      formatNumber(chat.latency_ms.p50),
      formatNumber(chat.latency_ms.p95),
    ]);
    expect(
      section(text, 'BY CONCURRENCY')
        .slice(3, -1)
        .map((line) => line.trim().split(/ {2,}/)[0]),
    ).toEqual(summary.by_concurrency.filter((b) => b.requests > 0).map((b) => b.bucket));
  });

  it('shows prompt length, hour of day and the time breakdown when the Summary has them', () => {
    const summary = summarize(fixtureRecords(120));
    const group = summary.by_model['llama3.2'] as GroupSummary;
    const breakdown = { timed_requests: 40, load_ms: 812.25, prompt_eval_ms: 95.5, generation_ms: 4100, other_ms: 12 };
    const extended = {
      ...summary,
      time_breakdown: breakdown,
      by_model: { ...summary.by_model, 'llama3.2': { ...group, time_breakdown: { ...breakdown, load_ms: null } } },
      by_prompt_tokens: [
        { bucket: '0-255', min: 0, max: 255, ...group },
        { bucket: '256-1023', min: 256, max: 1023, ...summarize([]) },
        { bucket: '4096+', min: 4096, max: null, ...group },
      ],
      by_hour_of_day: Array.from({ length: 24 }, (_, hour) => ({
        hour,
        ...(hour === 7 || hour === 19 ? group : summarize([])),
      })),
    };
    const text = plain(extended as Summary);
    expect(
      section(text, 'BY PROMPT LENGTH')
        .slice(1)
        .map((line) => line.trim().split(/ {2,}/)[0]),
    ).toEqual(['prompt tokens', expect.stringMatching(/^-+$/), '0-255', '4096+']);
    const hours = section(text, 'BY HOUR OF DAY (UTC)');
    expect(hours.slice(3).map((line) => line.trim().split(/ {2,}/).slice(0, 2))).toEqual([
      ['07:00', formatCount(group.requests)],
      ['19:00', formatCount(group.requests)],
      ['(22 hours without requests left out)'],
    ]);
    const times = section(text, 'TIME BREAKDOWN (mean ms per request)').slice(3);
    expect(times[0]?.trim().split(/ {2,}/)).toEqual(['all', '40', '812.3', '95.5', '4,100.0', '12.0']);
    const llama = times.find((line) => line.trim().startsWith('llama3.2 '));
    expect(llama?.trim().split(/ {2,}/)).toEqual(['llama3.2', '40', 'unknown', '95.5', '4,100.0', '12.0']);

    // Without them (an older gateway), the sections are left out and the rest is unchanged.
    const { by_prompt_tokens, by_hour_of_day, time_breakdown, ...older } = summary;
    const olderModels = Object.fromEntries(
      Object.entries(summary.by_model).map(([name, { time_breakdown: _, ...rest }]) => [name, rest]),
    );
    const without = plain({ ...older, by_model: olderModels } as unknown as Summary);
    for (const heading of ['BY PROMPT LENGTH', 'BY HOUR OF DAY (UTC)', 'TIME BREAKDOWN (mean ms per request)'])
      expect(without).not.toContain(heading);
    expect(without).toContain('\nPER OPERATION\n');
  });

  it('shows per project when requests named one, and not otherwise', () => {
    const summary = summarize(fixtureRecords(120));
    const projects = section(plain(summary), 'PER PROJECT').slice(3);
    expect(projects.map((line) => line.trim().split(/ {2,}/).slice(0, 2))).toEqual(
      Object.entries(summary.by_project)
        .sort(([a, x], [b, y]) => y.requests - x.requests || a.localeCompare(b))
        .map(([project, group]) => [project, formatCount(group.requests)]),
    );
    expect(plain(summarize([1, 2].map(ginRecord)))).not.toContain('PER PROJECT');
  });

  it('takes more sections by adding to the list', () => {
    const outages: ReportSection = () => ['OUTAGES', '  none', ''];
    const text = renderReport(summarize(fixtureRecords(12)), { color: false, sections: [...REPORT_SECTIONS, outages] });
    expect(text.endsWith('\nOUTAGES\n  none\n')).toBe(true);
  });
});
