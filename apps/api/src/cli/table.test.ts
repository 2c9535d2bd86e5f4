/** renderTable(): fixed-width columns, alignment, colour-aware widths. */
import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('sizes columns to the widest cell, text left and numbers right', () => {
    const lines = renderTable(
      [{ header: 'model', align: 'left' }, { header: 'requests' }],
      [
        ['llama3.2', '40'],
        ['hf.co/org/repo:Q4_K_M', '1,234'],
      ],
    );
    expect(lines).toEqual([
      '  model                  requests',
      '  ---------------------  --------',
      '  llama3.2                     40',
      '  hf.co/org/repo:Q4_K_M     1,234',
    ]);
  });

  it('ignores colour codes when measuring', () => {
    const lines = renderTable(
      [{ header: 'n' }, { header: 'rate' }],
      [
        ['1', '\x1b[32m99.0%\x1b[39m'],
        ['2', '50.0%'],
      ],
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing colour codes
    expect(lines[2]?.replace(/\x1b\[\d+m/g, '')).toBe('  1  99.0%');
    expect(lines[3]).toBe('  2  50.0%');
  });
});

describe('renderTable with maxWidth', () => {
  it('narrows the shrinkable column, shortening long cells in the middle, never below its header', () => {
    const columns = [{ header: 'model', align: 'left' as const, shrink: true }, { header: 'requests' }];
    const rows = [
      ['hf.co/some-org/Qwen2.5-Coder-32B-Instruct-GGUF:Q4_K_M', '1,234'],
      ['llama3.2', '40'],
    ];
    const lines = renderTable(columns, rows, { maxWidth: 30 });
    expect(lines).toEqual([
      '  model               requests',
      '  ------------------  --------',
      '  hf.co/som…F:Q4_K_M     1,234',
      '  llama3.2                  40',
    ]);
    expect(renderTable(columns, rows, { maxWidth: 5 })[2]).toBe('  hf…_M     1,234');
    expect(renderTable(columns, rows)[2]).toBe(`  ${rows[0]?.[0]}     1,234`);
  });
});
