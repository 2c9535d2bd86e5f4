/** renderReport(): the terminal report shows the Summary's figures, lined up, coloured only on request. */
import { type RequestMetric, summarize } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';
import { stripAnsi } from './parse-gin-log.js';
import { formatCount, formatNumber, formatPercent, REPORT_WIDTH, renderReport } from './render-report.js';

const records = fixtureRecords(60);
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what it matches
const ANSI = /\x1b\[/;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('renderReport', () => {
  const summary = summarize(records);
  const text = renderReport(summary, { color: false });

  it('prints the overall statistics', () => {
    expect(text).toMatch(/^Ollama performance report\n {2}window {4}all records\n/);
    expect(text).toMatch(
      new RegExp(
        `\\n {2}Requests {10}${summary.requests}\\n {2}Succeeded {9}${summary.succeeded}\\n {2}Failed {12}${summary.failed}\\n`,
      ),
    );
    expect(text).toContain(`  Success rate      ${formatPercent(summary.success_rate)}\n`);
    expect(text).toContain(`  Prompt tokens     ${formatCount(summary.prompt_tokens)}\n`);
    expect(text).toContain(`  Cold starts       ${summary.cold_starts}\n`);
  });

  it('prints tokens/s and every timing as count, avg, p50, p95, min, max', () => {
    const row = (label: string, stat: (typeof summary)['latency_ms']) =>
      new RegExp(
        `\\n {2}${escapeRegExp(label)} +${[formatCount(stat.count), ...[stat.avg, stat.p50, stat.p95, stat.min, stat.max].map(formatNumber)].map(escapeRegExp).join(' +')}\\n`,
      );
    expect(text).toMatch(row('generation', summary.tokens_per_second));
    expect(text).toMatch(row('prompt processing', summary.prompt_tokens_per_second));
    expect(text).toMatch(row('load', summary.load_duration_ms));
    expect(text).toMatch(row('  cold', summary.cold_load_ms));
    expect(text).toMatch(row('  warm', summary.warm_load_ms));
    expect(text).toMatch(row('prompt eval', summary.prompt_eval_duration_ms));
    expect(text).toMatch(row('generation', summary.eval_duration_ms));
    expect(text).toMatch(row('time to first token', summary.ttft_ms));
    expect(text).toMatch(row('end-to-end latency', summary.latency_ms));
  });

  it('prints errors by type, most frequent first', () => {
    const errors = text.slice(text.indexOf('ERRORS BY TYPE'), text.indexOf('PER MODEL'));
    expect(errors).toMatch(/model_not_found +2 +3\.3%\n {2}client_aborted +1 +1\.7%\n/);
  });

  // The rows of the table under `heading`, split into cells (labels hold no double spaces).
  const tableRows = (heading: string) => {
    const lines = text.slice(text.indexOf(heading)).split('\n').slice(3);
    return lines
      .slice(
        0,
        lines.findIndex((line) => !/^ {2}\S/.test(line) || line.startsWith('  (')),
      )
      .map((line) => line.trim().split(/ {2,}/));
  };
  const rowOf = (rows: string[][], model: string) =>
    rows.find((row) => row[0]?.startsWith([...model].slice(0, 8).join('')));

  it('prints one row per model, busiest first, long names shortened in the middle', () => {
    const rows = tableRows('PER MODEL');
    expect(rows).toHaveLength(Object.keys(summary.by_model).length);
    for (const [model, group] of Object.entries(summary.by_model)) {
      const row = rowOf(rows, model);
      expect(row?.slice(1, 5)).toEqual([
        formatCount(group.requests),
        formatPercent(group.success_rate),
        formatNumber(group.tokens_per_second.p50),
        formatNumber(group.tokens_per_second.p95),
      ]);
      const label = row?.[0] as string;
      if (label !== model)
        expect(label).toMatch(new RegExp(`^${escapeRegExp(model.slice(0, 4))}.+….+${escapeRegExp(model.slice(-4))}$`));
    }
  });

  it('prints loading per model: cold loads and loads after a switch each with their own count and p50, then warm', () => {
    const rows = tableRows('LOADING (per model, ms)');
    for (const [model, group] of Object.entries(summary.by_model)) {
      expect(rowOf(rows, model)?.slice(1)).toEqual(
        [group.cold_load_ms, group.switch_load_ms, group.warm_load_ms].flatMap((stat) => [
          formatCount(stat.count),
          formatNumber(stat.p50),
        ]),
      );
    }
  });

  it('lines the per-model table up in fixed-width columns', () => {
    const table = text.slice(text.indexOf('PER MODEL')).split('\n').slice(1, 7);
    const rule = table[1] as string;
    for (const line of table.slice(2)) expect(line.length).toBe(rule.length);
  });

  it('colours only when asked to', () => {
    expect(text).not.toMatch(ANSI);
    const coloured = renderReport(summary, { color: true });
    expect(coloured).toMatch(ANSI);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing colour codes
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(text);
  });

  it('shows the filter and source, and says when nothing matches', () => {
    const empty = renderReport(summarize([], { from: Date.UTC(2026, 10, 27) }), {
      color: false,
      filter: { model: 'llama3.2', project: 'alpha' },
      source: 'SQLite x.sqlite',
    });
    expect(empty).toBe(
      'Ollama performance report\n  source    SQLite x.sqlite\n  window    2026-11-27T00:00:00.000Z → now\n  filter    model llama3.2, project alpha\n\nNo records match.\n',
    );
  });

  it('never writes control characters from model names to the terminal', () => {
    const hostile: RequestMetric = { ...(records[0] as RequestMetric), model: 'evil\x1b[2J\nmodel' };
    expect(renderReport(summarize([hostile]), { color: false })).toContain('evil?[2J?model');
  });
});

describe('report width', () => {
  it('keeps every line within 100 columns, with long names, many models and huge figures', () => {
    const longNames = Array.from(
      { length: 30 },
      (_, i) =>
        `hf.co/some-organisation-with-a-long-name/Model-${i}-Instruct-GGUF-imatrix-experimental:Q4_K_M-${'x'.repeat(i * 3)}`,
    );
    const huge = fixtureRecords(300).map((record, i) => ({
      ...record,
      model: longNames[i % longNames.length] as string,
      project: `project-${'p'.repeat(150)}`,
      latency_ms: record.latency_ms * 1e6,
      tokens_per_second: record.tokens_per_second === null ? null : record.tokens_per_second * 1e9,
      prompt_eval_count: 2_000_000_000,
    }));
    const summary = summarize(huge);
    expect(REPORT_WIDTH).toBe(100);
    for (const color of [false, true]) {
      const text = renderReport(summary, {
        color,
        filter: { model: longNames[29] as string, project: `project-${'p'.repeat(150)}`, operation: 'chat' },
        source: `SQLite /home/someone/${'deep/'.repeat(40)}ollama-perf.sqlite`,
      });
      const lines = text.split('\n');
      expect(lines.length).toBeGreaterThan(60);
      const widest = Math.max(...lines.map((line) => stripAnsi(line).length));
      expect(widest).toBeLessThanOrEqual(100);
    }
  });
});

describe('number formats', () => {
  it.each([
    [null, 'unknown'],
    [0, '0.0'],
    [56.25, '56.3'],
    [9999.94, '9,999.9'],
    [12650.958875, '12,651'],
    [999_999.4, '999,999'],
    [3_723_000, '3.7M'],
    [1.5e12, '1.5T'],
  ])('formatNumber(%j) = %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('formats counts and shares', () => {
    expect(formatCount(170189)).toBe('170,189');
    expect(formatCount(9_999_999)).toBe('9,999,999');
    expect(formatCount(12_345_678)).toBe('12.3M');
    expect(formatPercent(0.91666)).toBe('91.7%');
    expect(formatPercent(null)).toBe('unknown');
  });
});
