/**
 * The formats of what a rollup row stores, each with a version: the figures blob (core's
 * rollup codec, checked from its first byte), the hour summaries of the series rows (JSON
 * text spliced into answers as it is), and the Prometheus state (see ../../metrics/state.ts).
 * A reader meeting any other version — older, newer or garbage — gets `null`/`false` and
 * leaves the period to its records until it is rebuilt.
 */
import type { GroupSummary } from '@ollama-perf/core';
import { isCurrentRollup } from '@ollama-perf/core/rollup';

/**
 * The version of the stored hour summaries; bump it when the summary's shape changes
 * (2: `time_breakdown` in every group; hours of version 1 are rebuilt on upgrade).
 */
export const SERIES_SUMMARY_VERSION = 2;

// The summary is the last field, so the reader cuts it out without parsing it.
const SUMMARY_PREFIX = `{"version":${SERIES_SUMMARY_VERSION},"summary":`;

/**
 * The stored form of an hour's summary.
 *
 * @example
 * storedSummaryOf(summary) // '{"version":2,"summary":{"requests":3,…}}'
 */
export function storedSummaryOf(summary: GroupSummary): string {
  return `${SUMMARY_PREFIX}${JSON.stringify(summary)}}`;
}

/** The summary JSON text in a stored hour summary of this version, or `null` for any other content. */
export function summaryJsonOf(stored: string | null): string | null {
  if (stored === null || !stored.endsWith('}')) return null;
  return stored.startsWith(SUMMARY_PREFIX) ? stored.slice(SUMMARY_PREFIX.length, -1) : null;
}

// SQLite/PostgreSQL return a Buffer (a Uint8Array), D1 an ArrayBuffer or an array of bytes.
/** The bytes of a stored blob, however the database returns them. */
export function bytesOf(data: Uint8Array | ArrayBuffer | number[]): Uint8Array {
  if (data instanceof Uint8Array) return data;
  return data instanceof ArrayBuffer ? new Uint8Array(data) : Uint8Array.from(data);
}

/** The figures blob of a stored row, or `null` when it is of another format version. */
export function currentBlobOf(data: Uint8Array | ArrayBuffer | number[]): Uint8Array | null {
  const bytes = bytesOf(data);
  return isCurrentRollup(bytes) ? bytes : null;
}
