/** SkipTally and validated(): how skipped lines are counted and described. */
import { describe, expect, it } from 'vitest';
import { expectedSkip, malformed, SkipTally, validated } from './parsed-line.js';

describe('SkipTally', () => {
  it('says nothing was skipped', () => {
    expect(new SkipTally().describe()).toBe('skipped 0');
  });

  it('counts by reason, most frequent first, with the line numbers of malformed lines', () => {
    const tally = new SkipTally();
    tally.add(expectedSkip('not an inference route'), 3);
    tally.add(malformed('unparseable'), 17);
    tally.add(expectedSkip('not an inference route'), 9);
    expect(tally.describe()).toBe('skipped 3: 2 not an inference route, 1 unparseable (line 17)');
    expect(tally.counts()).toEqual({ 'not an inference route': 2, unparseable: 1 });
  });

  it('shows the first five line numbers and the first detail', () => {
    const tally = new SkipTally();
    for (const line of [4, 8, 15, 16, 23, 42]) tally.add(malformed('invalid record', `ts at line ${line}`), line);
    expect(tally.describe()).toBe('skipped 6: 6 invalid record (lines 4, 8, 15, 16, 23, …; line 4: ts at line 4)');
  });

  it('merges the counts of several files', () => {
    const a = new SkipTally();
    a.add(malformed('unparseable'), 2);
    const b = new SkipTally();
    b.add(malformed('unparseable'), 5);
    b.add(expectedSkip('other log output'), 1);
    const total = new SkipTally();
    total.merge(a);
    total.merge(b);
    expect(total.count).toBe(3);
    expect(total.describe()).toBe('skipped 3: 2 unparseable, 1 other log output');
    expect(a.describe()).toBe('skipped 1: 1 unparseable (line 2)');
  });
});

describe('validated', () => {
  it('names the first field the schema refuses', () => {
    expect(validated({ id: 'x' })).toMatchObject({
      skip: 'invalid record',
      malformed: true,
      detail: expect.stringMatching(/^ts: /),
    });
  });
});
