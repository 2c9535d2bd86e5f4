/** Median and spread over runs. */
import { describe, expect, it } from 'vitest';
import { spreadOf } from './spread.js';

describe('spreadOf', () => {
  it.each([
    [[], { n: 0, median: null, p25: null, p75: null, min: null, max: null, sd: null }],
    [[42], { n: 1, median: 42, p25: 42, p75: 42, min: 42, max: 42, sd: 0 }],
    [[40, 44, null, 42], { n: 3, median: 42, p25: 41, p75: 43, min: 40, max: 44, sd: 2 }],
    [[1, 2, 3, 4], { n: 4, median: 2.5, p25: 1.75, p75: 3.25, min: 1, max: 4 }],
  ])('%j → %j', (values, expected) => {
    expect(spreadOf(values)).toMatchObject(expected);
  });
});
