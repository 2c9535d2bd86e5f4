/** renderReport(): the terminal report shows the Summary's figures, lined up, coloured only on request. */
import { type RequestMetric, summarize } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { describe, expect, it } from 'vitest';
import { formatCount, formatNumber, formatPercent, renderReport } from './render-report.js';

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

  it('prints one row per model, busiest first', () => {
    for (const [model, group] of Object.entries(summary.by_model)) {
      const cells = [
        formatCount(group.requests),
        formatPercent(group.success_rate),
        formatNumber(group.tokens_per_second.p50),
        formatNumber(group.tokens_per_second.p95),
      ];
      expect(text).toMatch(new RegExp(`\\n {2}${escapeRegExp(model)} +${cells.map(escapeRegExp).join(' +')} `));
    }
  });

  it('prints loading per model: cold starts, switches, cold / after-switch / warm load p50', () => {
    const loading = text.slice(text.indexOf('LOADING (ms, per model)'));
    for (const [model, group] of Object.entries(summary.by_model)) {
      const cells = [group.cold_starts, group.switches]
        .map(formatCount)
        .concat([group.cold_load_ms.p50, group.switch_load_ms.p50, group.warm_load_ms.p50].map(formatNumber));
      expect(loading).toMatch(new RegExp(`\\n {2}${escapeRegExp(model)} +${cells.map(escapeRegExp).join(' +')}\\n`));
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

describe('number formats', () => {
  it.each([
    [null, '-'],
    [0, '0.0'],
    [56.25, '56.3'],
    [12650.958875, '12,651.0'],
  ])('formatNumber(%j) = %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('formats counts and shares', () => {
    expect(formatCount(170189)).toBe('170,189');
    expect(formatPercent(0.91666)).toBe('91.7%');
    expect(formatPercent(null)).toBe('-');
  });
});
