/** The progress bar of import and bench: frame layout, TTY-only drawing, throttling. */
import { describe, expect, it } from 'vitest';
import { createProgressBar, progressLine } from './progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 80, write: (text: string) => writes.push(text) > 0 } };
}

describe('progressLine', () => {
  it('draws the share done, sizes and lines within the width', () => {
    const line = progressLine('server.log', 5 * 1_048_576, 10 * 1_048_576, 120_000, 80);
    expect(line).toMatch(/^server\.log \[#+-+\] {2}50% {2}5\.0\/10\.0 MB {2}120,000 lines$/);
    expect(line.length).toBeLessThan(80);
    const [, done = '', todo = ''] = /\[(#*)(-*)\]/.exec(line) ?? [];
    expect(done.length).toBe(Math.round((done.length + todo.length) / 2));
  });

  it('shortens a long label instead of overflowing', () => {
    const line = progressLine(`${'very-long-directory/'.repeat(5)}server.log`, 1, 2, 1, 60);
    expect(line.length).toBeLessThan(60);
    expect(line).toMatch(/^…[^ ]*\.log \[#+-+\] {2}50% /);
  });
});

describe('createProgressBar', () => {
  it('draws nothing when the stream is not a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const bar = createProgressBar({ stream, total: 100, label: 'x' });
    bar.update(50, 1);
    bar.done();
    expect(writes).toEqual([]);
  });

  it('redraws in place at most every 100 ms and clears itself', () => {
    const { writes, stream } = fakeStream(true);
    let now = 0;
    const bar = createProgressBar({ stream, total: 100, label: 'x', now: () => now });
    bar.update(10, 1);
    bar.update(20, 2); // same instant: throttled
    now = 150;
    bar.update(30, 3);
    bar.done();
    expect(writes).toHaveLength(3);
    expect(writes[0]).toMatch(/^\r.* 10% /);
    expect(writes[1]).toMatch(/^\r.* 30% /);
    expect(writes[2]).toBe('\r\x1b[K');
  });

  it('shows the caller’s figures after the bar (bench: steps and what runs now)', () => {
    const { writes, stream } = fakeStream(true);
    const describe = (done: number, total: number) => `${done}/${total}  llama3.2: 512 tokens × 4, run 2/5`;
    createProgressBar({ stream, total: 40, label: 'bench', describe }).update(10, 0);
    expect(writes[0]).toMatch(/^\rbench \[#+-+\] {2}25% {2}10\/40 {2}llama3\.2: 512 tokens × 4, run 2\/5/);
    expect(writes[0]?.endsWith('\x1b[K')).toBe(true);
  });
});
