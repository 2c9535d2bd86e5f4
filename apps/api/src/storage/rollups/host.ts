/** What the rollups need from the store that owns them: its database, limits, atomic runs and records. */
import type { RequestMetric, StatsFilter } from '@ollama-perf/core';
import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** How the store runs statements atomically, and reads records. */
export interface RollupHost {
  db: Kysely<Database>;
  /** Rows one statement may insert (bound-parameter limits differ by backend). */
  maxParams: number;
  runAtomically(queries: CompiledQuery[]): Promise<number[]>;
  records(filter: StatsFilter): Promise<RequestMetric[]>;
}

/**
 * Ids of periods (see `periodId`) whose stored rows turned out to be of another format
 * version during a read: the read leaves them to the records, and they are marked not built.
 */
export type StalePeriods = Set<string>;
