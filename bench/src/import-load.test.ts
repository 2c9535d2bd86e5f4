import { describe, expect, it } from 'vitest';
import { nextSource } from './import-load.js';

describe('nextSource', () => {
  it('interleaves sources in proportion to their sizes, so they finish together', () => {
    const totals = [5, 2];
    const sent = [0, 0];
    const order: number[] = [];
    for (let source = nextSource(sent, totals); source !== -1; source = nextSource(sent, totals)) {
      order.push(source);
      sent[source] = (sent[source] as number) + 1;
    }
    expect(order).toEqual([0, 1, 0, 0, 1, 0, 0]);
  });

  it('skips finished and empty sources', () => {
    expect(nextSource([3, 0], [3, 4])).toBe(1);
    expect(nextSource([0, 0], [0, 4])).toBe(1);
    expect(nextSource([3, 4], [3, 4])).toBe(-1);
  });
});
