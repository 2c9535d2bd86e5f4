import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollupAggregate } from './aggregate.js';
import { byPromptTokens } from './buckets.js';
import { decodeRollupInto, encodeRollup } from './rollup-codec.js';
import {
  type HourPart,
  hourlyJsonOfParts,
  hourOfDayAggregates,
  modelSummaryJsonOfParts,
  partsOfRecords,
  type RollupPart,
  summaryOfParts,
} from './rollup-summary.js';
import { hourly } from './series.js';
import { SKETCH_RELATIVE_ACCURACY } from './sketch.js';
import { summarize } from './summarize.js';
import { summaryDifferences } from './summary-diff.js';
import { modelSummarySchema, summarySchema } from './summary-schema.js';
import { arbitraryRecord, record } from './test-support/records.js';

// A value exactly on a bucket edge is off by the accuracy itself, plus floating-point rounding (seen: 0.009000000000000008).
const BOUND = SKETCH_RELATIVE_ACCURACY + 1e-12;

const records = fc.uniqueArray(arbitraryRecord, { selector: (r) => r.id, minLength: 1, maxLength: 120 });

describe('summaries from rollup parts', () => {
  it('equal the exact summary: counts, sums, extremes to the digit, percentiles within the sketch accuracy', () => {
    fc.assert(
      fc.property(records, (sample) => {
        const fromParts = summaryOfParts(partsOfRecords(sample));
        expect(summarySchema.parse(fromParts)).toEqual(fromParts);
        const { differences } = summaryDifferences(fromParts, summarize(sample), BOUND);
        expect(differences).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('give one model its hourly series and prompt-size buckets', () => {
    fc.assert(
      fc.property(records, (sample) => {
        const model = sample[0]?.model as string;
        const own = sample.filter((r) => r.model === model);
        const parts = partsOfRecords(own);
        const fromParts = JSON.parse(
          modelSummaryJsonOfParts(
            partsOfRecords(own, () => 0),
            parts,
            model,
            {},
            { hourParts: parts },
          ),
        ) as unknown;
        expect(modelSummarySchema.parse(fromParts)).toEqual(fromParts);
        const exact = {
          ...summarize(own, { model }),
          model,
          hourly: hourly(own),
          by_prompt_tokens: byPromptTokens(own),
        };
        expect(summaryDifferences(fromParts, exact, BOUND).differences).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('survive the blob: decoding gives back the same figures, and decoding into an aggregate merges', () => {
    fc.assert(
      fc.property(records, (sample) => {
        const aggregate = new RollupAggregate();
        for (const r of sample) aggregate.add(r);
        const blob = encodeRollup(aggregate);
        expect(decodeRollupInto(blob).all.summary()).toEqual(aggregate.all.summary());
        const twice = decodeRollupInto(blob, decodeRollupInto(blob));
        expect(twice.all.requests).toBe(2 * sample.length);
        expect(twice.byConcurrency.map((b) => b?.requests ?? 0)).toEqual(
          aggregate.byConcurrency.map((b) => 2 * (b?.requests ?? 0)),
        );
      }),
    );
  });

  it('answer the same from stored blobs as from aggregates in memory', () => {
    fc.assert(
      fc.property(records, (sample) => {
        const parts = partsOfRecords(sample);
        const stored = parts.map((p) => ({ ...p, figures: encodeRollup(p.figures as RollupAggregate) }));
        const model = sample[0]?.model as string;
        expect(summaryOfParts(stored)).toEqual(summaryOfParts(parts));
        const own = (list: RollupPart[]) => list.filter((p) => p.model === model);
        expect(modelSummaryJsonOfParts(own(stored), own(stored), model)).toBe(
          modelSummaryJsonOfParts(own(parts), own(parts), model),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('answer by_hour_of_day to the digit from a merged base plus the hours after it, leaving the base as it was', () => {
    const tz = fc.constantFrom(undefined, 'Europe/Paris', 'Asia/Kolkata');
    fc.assert(
      fc.property(records, tz, fc.nat(), (sample, zone, at) => {
        const parts = partsOfRecords(sample).map((p) => ({
          ...p,
          figures: encodeRollup(p.figures as RollupAggregate),
        }));
        const split = at % (parts.length + 1);
        const base = hourOfDayAggregates(parts.slice(0, split), zone);
        const before = JSON.stringify(base.map((group) => group?.summary() ?? null));
        const whole = JSON.stringify(summaryOfParts(parts, {}, { tz: zone, hourParts: parts }));
        const options = { tz: zone, hourOfDayBase: base, hourParts: parts.slice(split) };
        expect(JSON.stringify(summaryOfParts(parts, {}, options))).toBe(whole);
        expect(JSON.stringify(summaryOfParts(parts, {}, options))).toBe(whole);
        expect(JSON.stringify(base.map((group) => group?.summary() ?? null))).toBe(before);
      }),
      { numRuns: 100 },
    );
  });

  it('splice stored hour summaries into the series as the summaries their figures give', () => {
    fc.assert(
      fc.property(records, fc.integer({ min: 0, max: 1000 }), (sample, seed) => {
        const parts = partsOfRecords(sample);
        const starts = [...new Set(parts.map((p) => p.start))];
        // Some hours come as the stored text of their summary (what a built hour holds), the rest as figures.
        const storedHours = new Set(starts.filter((_, i) => (i + seed) % 2 === 0));
        const mixed: HourPart[] = parts.filter((p) => !storedHours.has(p.start));
        for (const start of storedHours) {
          const series = JSON.parse(hourlyJsonOfParts(parts.filter((p) => p.start === start))) as Array<
            Record<string, unknown>
          >;
          const { hour: _hour, start: _start, ...summary } = series[0] as Record<string, unknown>;
          mixed.push({ start, summaryJson: JSON.stringify(summary) });
        }
        expect(JSON.parse(hourlyJsonOfParts(mixed))).toEqual(JSON.parse(hourlyJsonOfParts(parts)));
        const exact = hourly(sample);
        expect(
          summaryDifferences({ hourly: JSON.parse(hourlyJsonOfParts(mixed)) }, { hourly: exact }, BOUND).differences,
        ).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses an hour given both as a stored summary and as figures', () => {
    const parts = partsOfRecords([record()]);
    const start = (parts[0] as RollupPart).start;
    expect(() => hourlyJsonOfParts([...parts, { start, summaryJson: '{}' }])).toThrow(/stored summary and other parts/);
    expect(() => hourlyJsonOfParts([{ start, summaryJson: '{}' }, ...parts])).toThrow(/stored summary and other parts/);
    expect(hourlyJsonOfParts([])).toBe('[]');
  });

  it('refuses a blob that is not a rollup, rather than answering wrong figures', () => {
    const aggregate = new RollupAggregate();
    aggregate.add(record());
    const blob = encodeRollup(aggregate);
    expect(() => decodeRollupInto(blob.subarray(0, blob.length - 3))).toThrow(RangeError);
    expect(() => decodeRollupInto(new Uint8Array([9, 0]))).toThrow(/unknown rollup format 9/);
    expect(() => decodeRollupInto(new Uint8Array([2, 200, 1]))).toThrow(RangeError);
    expect(() => decodeRollupInto(new Uint8Array([...blob, 0]))).toThrow(/trailing/);
  });

  it('splits records by hour, model, operation and project', () => {
    const t = Date.UTC(2026, 10, 27, 10);
    const parts = partsOfRecords([
      record({ id: 'a', ts: t }),
      record({ id: 'b', ts: t + 59 * 60_000 }),
      record({ id: 'c', ts: t + 60 * 60_000 }),
      record({ id: 'd', ts: t, project: 'alpha' }),
    ]);
    expect(parts.map((p) => [p.start - t, p.project, (p.figures as RollupAggregate).all.requests])).toEqual([
      [0, null, 2],
      [3_600_000, null, 1],
      [0, 'alpha', 1],
    ]);
  });
});
