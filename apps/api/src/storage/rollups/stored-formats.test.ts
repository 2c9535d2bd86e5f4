/** The stored hour summary: versioned, cut out without parsing; other versions and garbage read as nothing. */
import { GroupAggregate } from '@ollama-perf/core/rollup';
import { describe, expect, it } from 'vitest';
import { SERIES_SUMMARY_VERSION, storedSummaryOf, summaryJsonOf } from './stored-formats.js';

const summary = new GroupAggregate().summary();
const stored = storedSummaryOf(summary);

describe('stored hour summary', () => {
  it('carries its version, and gives back the summary JSON as written', () => {
    expect(JSON.parse(stored)).toEqual({ version: SERIES_SUMMARY_VERSION, summary });
    expect(summaryJsonOf(stored)).toBe(JSON.stringify(summary));
  });

  it.each([
    ['an older version', stored.replace(`"version":${SERIES_SUMMARY_VERSION}`, '"version":0')],
    [
      'a newer version',
      stored.replace(`"version":${SERIES_SUMMARY_VERSION}`, `"version":${SERIES_SUMMARY_VERSION + 1}`),
    ],
    ['version 1 (no time_breakdown)', `{"version":1,"summary":${JSON.stringify(summary)}}`],
    // Written before versions: version 1's shape, without time_breakdown.
    ['the unversioned summary of version 1', JSON.stringify(summary)],
    ['no object', '[]'],
    ['garbage', 'not json'],
    ['nothing', null],
  ])('reads %s as nothing', (_, text) => {
    expect(summaryJsonOf(text)).toBeNull();
  });
});
