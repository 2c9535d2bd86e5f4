/** shortenMiddle() and formatKnownCount(): names cut in the middle, counts "unknown" when nothing could count. */
import { describe, expect, it } from 'vitest';
import { formatKnownCount, shortenMiddle } from './report-format.js';

describe('shortenMiddle', () => {
  it.each([
    ['llama3.2', 20, 'llama3.2'],
    ['llama3.2', 8, 'llama3.2'],
    ['hf.co/bartowski/Qwen2.5-Coder-32B-Instruct-GGUF:Q4_K_M', 24, 'hf.co/bartow…GGUF:Q4_K_M'],
    ['qwen2.5vl:7b', 7, 'qwe…:7b'],
    ['ab', 1, '…'],
    ['模型名称很长很长', 5, '模型…很长'],
  ])('shortenMiddle(%j, %i) = %j', (text, width, shortened) => {
    expect(shortenMiddle(text, width)).toBe(shortened);
    expect([...shortenMiddle(text, width)].length).toBeLessThanOrEqual(width);
  });
});

describe('formatKnownCount', () => {
  it('prints unknown only for a zero nothing could have counted', () => {
    expect(formatKnownCount(0, false)).toBe('unknown');
    expect(formatKnownCount(0, true)).toBe('0');
    expect(formatKnownCount(1234, false)).toBe('1,234');
  });
});
