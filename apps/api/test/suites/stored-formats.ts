/**
 * Stored rollups rewritten as another format version would have left them (older, newer,
 * garbage), for the rollup suite on every backend; and the check that a database's rollups
 * are all of the current versions again.
 */
import { isCurrentRollup, ROLLUP_FORMAT_VERSION } from '@ollama-perf/core/rollup';
import type { Kysely } from 'kysely';
import { parseMetricsState } from '../../src/metrics/state.js';
import { bytesOf, summaryJsonOf } from '../../src/storage/rollups/stored-formats.js';
import type { Database, MetricRollupTable } from '../../src/storage/schema.js';

const HOUR = 3_600_000;
// Every versioned JSON format here starts with its version.
const VERSION_FIELD = /^\{"version":\d+/;
const DAY = 24 * HOUR;

type Grain = MetricRollupTable['grain'];
type Change = (row: { data: Uint8Array; json: string | null }) => { data?: Uint8Array; json?: string };

async function rewrite(db: Kysely<Database>, grain: Grain, start: number, model: string, change: Change) {
  const rows = await db
    .selectFrom('metric_rollups')
    .select(['operation', 'project', 'data', 'json'])
    .where('grain', '=', grain)
    .where('start', '=', start)
    .where('model', '=', model)
    .execute();
  if (rows.length === 0) throw new Error(`no ${grain} row at ${new Date(start).toISOString()} for '${model}'`);
  for (const row of rows) {
    const changed = change({ data: bytesOf(row.data), json: row.json });
    await db
      .updateTable('metric_rollups')
      .set(changed)
      .where('grain', '=', grain)
      .where('start', '=', start)
      .where('model', '=', model)
      .where('operation', '=', row.operation)
      .where('project', row.project === null ? 'is' : '=', row.project)
      .execute();
  }
}

const withVersionByte =
  (version: number): Change =>
  ({ data }) => ({ data: Uint8Array.from([version, ...data.subarray(1)]) });
const withJson =
  (json: (stored: string) => string): Change =>
  ({ json: stored }) => ({ json: json(stored ?? '') });

/**
 * Rewrites rows of the built rollups of records from `first` (the fixture's first hour) as
 * other format versions: a month blob newer, a day blob older, hour blobs garbage and cut short, hour
 * summaries older and newer, Prometheus states newer, older and not JSON. Resolves with the ids of the periods they belong to.
 */
export async function formatCorruptions(db: Kysely<Database>, first: number, model: string): Promise<Set<string>> {
  const month = Date.UTC(new Date(first).getUTCFullYear(), new Date(first).getUTCMonth(), 1);
  const day2 = Math.floor(first / DAY) * DAY + DAY;
  const day3 = day2 + DAY;
  const newer = (json: string) => json.replace(VERSION_FIELD, '{"version":999');
  await rewrite(db, 'month', month, 'llama3.2', withVersionByte(ROLLUP_FORMAT_VERSION + 1));
  await rewrite(db, 'day', day2, 'qwen2.5vl:7b', withVersionByte(ROLLUP_FORMAT_VERSION - 1));
  await rewrite(db, 'hour', day2 + 5 * HOUR, 'llama3.2', withVersionByte(0xff));
  await rewrite(db, 'hour', day2 + 7 * HOUR, 'qwen2.5vl:7b', ({ data }) => ({ data: data.slice(0, -1) }));
  await rewrite(
    db,
    'hour_all',
    day2 + 10 * HOUR,
    '',
    withJson((json) => json.replace(VERSION_FIELD, '{"version":0')),
  );
  await rewrite(db, 'hour_model', day3 + 2 * HOUR, model, withJson(newer));
  await rewrite(db, 'month_metrics', month, '', withJson(newer));
  await rewrite(
    db,
    'day_metrics',
    day3,
    '',
    withJson((json) => json.replace(VERSION_FIELD, '{"version":0')),
  );
  await rewrite(
    db,
    'hour_metrics',
    day2 + 20 * HOUR,
    '',
    withJson(() => '{"version":'),
  );
  return new Set([
    `month:${month}`,
    `day:${day2}`,
    `day:${day3}`,
    `hour:${day2 + 5 * HOUR}`,
    `hour:${day2 + 7 * HOUR}`,
    `hour:${day2 + 10 * HOUR}`,
    `hour:${day3 + 2 * HOUR}`,
    `hour:${day2 + 20 * HOUR}`,
  ]);
}

/** Whether every stored rollup row is of the current format versions. */
export async function storedRowsAreCurrent(db: Kysely<Database>): Promise<boolean> {
  const rows = await db.selectFrom('metric_rollups').select(['grain', 'data', 'json']).execute();
  return rows.every((row) => {
    if (row.grain.endsWith('_metrics')) return parseMetricsState(row.json) !== null;
    const blobCurrent = isCurrentRollup(bytesOf(row.data));
    return row.grain.startsWith('hour_') ? blobCurrent && summaryJsonOf(row.json) !== null : blobCurrent;
  });
}
