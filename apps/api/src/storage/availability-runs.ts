/**
 * The `ollama_availability` table's queries (every backend): save the current run of polls
 * (an upsert, so each poll rewrites its run whole and a failed write heals on the next poll)
 * and read the runs a window needs.
 */
import type { AvailabilityRun } from '@ollama-perf/core';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Inserts `run`, or brings the stored run with its id up to date. */
export async function saveAvailabilityRun(db: Kysely<Database>, run: AvailabilityRun): Promise<void> {
  // SQLite and D1 keep booleans as 0/1 (better-sqlite3 binds no booleans); PostgreSQL reads '1' as true.
  const row = { ...run, up: run.up ? 1 : 0 };
  await db
    .insertInto('ollama_availability')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ last: run.last, polls: run.polls, error: run.error }))
    .execute();
}

/** Runs whose last poll is at or after `since` (all when undefined), oldest first. */
export async function availabilityRuns(db: Kysely<Database>, since?: number): Promise<AvailabilityRun[]> {
  let query = db.selectFrom('ollama_availability').selectAll();
  if (since !== undefined) query = query.where('last', '>=', since);
  return (await query.orderBy('start').execute()).map(runOfRow);
}

/** The latest run, if any poll was ever stored. */
export async function lastAvailabilityRun(db: Kysely<Database>): Promise<AvailabilityRun | null> {
  const row = await db
    .selectFrom('ollama_availability')
    .selectAll()
    .orderBy('start', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? null : runOfRow(row);
}

function runOfRow(row: {
  id: string;
  start: number | string;
  last: number | string;
  up: boolean | number;
  polls: number | string;
  error: string | null;
}): AvailabilityRun {
  return {
    id: row.id,
    start: Number(row.start),
    last: Number(row.last),
    up: row.up === true || row.up === 1,
    polls: Number(row.polls),
    error: row.error,
  };
}
