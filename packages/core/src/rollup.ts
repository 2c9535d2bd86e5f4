/**
 * @ollama-perf/core/rollup — what rollup storage builds on: mergeable figures of a group of
 * records, the quantile sketch inside them, their binary blob, the Summary JSON rebuilt from
 * stored parts, and the helpers of that path (JSON splicing, the ingest fast check, summary
 * comparison). Used by the gateway's storage; most users of core need only the main entry.
 */

// Mergeable figures and the sketch that keeps their percentiles within 0.9%.
export { GroupAggregate, type MergeableFigures, RollupAggregate } from './aggregate.js';
// The Summary JSON from rollup parts instead of records.
// Comparing two windows per model (GET /stats/compare), on records or rollups alike.
export { type CompareWindows, compareModel, compareWindows, quantileInterval } from './compare.js';
// JSON text from pieces that are JSON already (stored per-hour summaries, spliced unparsed).
export { joinJsonObjects, jsonObjectOf } from './json-text.js';
// The stored form of a rollup: a compact binary blob.
export {
  decodeRollupInto,
  encodeRollup,
  isCurrentRollup,
  ROLLUP_FORMAT_VERSION,
  RollupBlobReader,
  type RollupSections,
} from './rollup-codec.js';
export {
  aggregatesByModel,
  type BuiltPart,
  type HourFigures,
  type HourOfDayAggregates,
  type HourPart,
  hourlyJsonOfParts,
  hourOfDayAggregates,
  modelSummaryJsonOfParts,
  type PartsByPeriod,
  type PartsSummaryOptions,
  partsByPeriod,
  partsOfRecords,
  type RollupPart,
  summaryOfParts,
} from './rollup-summary.js';
// A yes/no check compiled from a zod schema, for ingesting thousands of records per request.
export { type SchemaPredicate, schemaPredicate } from './schema-predicate.js';
export { LogSketch, SKETCH_RELATIVE_ACCURACY } from './sketch.js';

// How far one Summary JSON is from another: rollup answers checked against exact ones.
export { relativeDifference, type SummaryComparison, summaryDifferences } from './summary-diff.js';
