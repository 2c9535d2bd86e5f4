/**
 * The record's schema version and the version each later field arrived in: what lets a
 * reader of version N accept records written by version N−k (missing fields read as null)
 * and by version N+k (fields it does not know are ignored). See docs/compatibility.md.
 */
import type { RequestMetric } from './schema.js';

/**
 * The version of the record this build writes. Version 1 is the first release; a version
 * goes up with each release that adds a field (fields are added, never renamed or removed).
 */
export const RECORD_SCHEMA_VERSION = 3;

/**
 * The version that brought each field added after the first release. Such a field is
 * optional on input — a record from an older producer lacks it — and reads as null.
 * A new field goes here with the version it arrives in, and must be nullable.
 */
export const FIELDS_SINCE: Readonly<Partial<Record<keyof RequestMetric, number>>> = {
  // Per the issue that reported exports of the first release without them (#15): the first
  // commit of this repository already had both, the release before it did not.
  concurrency: 2,
  switched_from: 2,
  // Stream timing as the data path saw it (#16 item 4).
  output_chunks: 3,
  decode_ms: 3,
};
