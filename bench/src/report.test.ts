import { describe, expect, it } from 'vitest';
import { ms, renderMarkdown, renderText, signedMs } from './format.js';
import { renderConsole, renderResultsMarkdown } from './report.js';
import { newResults } from './sections.js';
import { checkTargets } from './targets.js';

describe('report', () => {
  it('renders a table as text and as Markdown', () => {
    const table = {
      title: 'T',
      columns: ['name', 'ms'],
      rows: [
        ['a|b', '1.000'],
        ['c', '12.00'],
      ],
      notes: ['n'],
    };
    expect(renderText(table)).toBe('T\nname     ms\n----  -----\na|b   1.000\nc     12.00\n  n');
    expect(renderMarkdown(table)).toBe('### T\n\n| name | ms |\n|---|---:|\n| a\\|b | 1.000 |\n| c | 12.00 |\n\n- n');
  });

  it.each([
    [0.4123, '0.412'],
    [12.345, '12.35'],
    [130.24, '130.2'],
    [7112.4, '7,112'],
    [Number.NaN, 'n/a'],
  ])('ms(%d) is %s', (value, text) => {
    expect(ms(value)).toBe(text);
  });

  it('signs differences', () => {
    expect([signedMs(0.5), signedMs(-0.05)]).toEqual(['+0.500', '-0.050']);
  });

  it('marks every target not measured when no section ran, and still writes a report', () => {
    const results = newResults('quick');
    const checks = checkTargets(results);
    expect(checks.length).toBeGreaterThanOrEqual(11);
    expect(new Set(checks.map((c) => c.status))).toEqual(new Set(['not measured']));
    const markdown = renderResultsMarkdown(results);
    expect(markdown).toContain('## Machine');
    expect(markdown).toContain('## Targets');
    expect(renderConsole(results)).toContain('Targets');
  });
});
