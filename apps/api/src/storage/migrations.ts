/**
 * Schema migrations, frozen in time and run in order by Kysely's Migrator on SQLite and
 * PostgreSQL. D1 runs the same DDL from `migrations/0001_request_metrics.sql` through
 * wrangler; a test checks all three against {@link REQUEST_METRIC_COLUMNS}.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import {
  type LogicalType,
  METRIC_ROLLUP_COLUMNS,
  MODEL_RESIDENCY_COLUMNS,
  REQUEST_METRIC_COLUMNS,
  REQUEST_METRIC_INDEXES,
  ROLLUP_PERIOD_COLUMNS,
} from './schema.js';

/** The SQL family a database speaks. */
export type Flavor = 'sqlite' | 'postgres';

/**
 * Each backend's column type for a logical type. SQLite declares `boolean` too (numeric
 * affinity, 0/1) so that its introspection reads back what the column means.
 */
export const COLUMN_TYPES: Record<Flavor, Record<LogicalType, string>> = {
  sqlite: { text: 'text', integer: 'integer', real: 'real', boolean: 'boolean', blob: 'blob' },
  postgres: { text: 'text', integer: 'bigint', real: 'double precision', boolean: 'boolean', blob: 'bytea' },
};

type ColumnSpec = { name: string; type: LogicalType; nullable: boolean };

function createTable(db: Kysely<unknown>, flavor: Flavor, name: string, columns: ReadonlyArray<ColumnSpec>) {
  let table = db.schema.createTable(name).ifNotExists();
  for (const column of columns) {
    table = table.addColumn(column.name, sql.raw(COLUMN_TYPES[flavor][column.type]), (c) => {
      let built = column.nullable ? c : c.notNull();
      if (column.name === 'id') built = built.primaryKey();
      return built;
    });
  }
  return table;
}

function createModelResidency(flavor: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await createTable(db, flavor, 'model_residency', MODEL_RESIDENCY_COLUMNS).execute();
      await db.schema.createIndex('model_residency_ts').ifNotExists().on('model_residency').columns(['ts']).execute();
      await db.schema
        .createIndex('model_residency_model_ts')
        .ifNotExists()
        .on('model_residency')
        .columns(['model', 'ts'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('model_residency').ifExists().execute();
    },
  };
}

function createRequestMetrics(flavor: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await createTable(db, flavor, 'request_metrics', REQUEST_METRIC_COLUMNS).execute();
      for (const index of REQUEST_METRIC_INDEXES) {
        await db.schema.createIndex(index.name).ifNotExists().on('request_metrics').columns(index.columns).execute();
      }
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('request_metrics').ifExists().execute();
    },
  };
}

// Existing records get rollups too: every hour and day that holds records starts out dirty.
function markPeriodsOf(grain: 'hour' | 'day', ms: number) {
  return sql`insert into rollup_periods (id, grain, start, version, built_version)
select distinct ${sql.lit(grain)} || ':' || ((ts / ${sql.lit(ms)}) * ${sql.lit(ms)}), ${sql.lit(grain)}, (ts / ${sql.lit(ms)}) * ${sql.lit(ms)}, 1, 0 from request_metrics`;
}

function createRollups(flavor: Flavor): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await createTable(db, flavor, 'metric_rollups', METRIC_ROLLUP_COLUMNS).execute();
      await db.schema
        .createIndex('metric_rollups_grain_start')
        .ifNotExists()
        .on('metric_rollups')
        .columns(['grain', 'start'])
        .execute();
      await db.schema
        .createIndex('metric_rollups_grain_model_start')
        .ifNotExists()
        .on('metric_rollups')
        .columns(['grain', 'model', 'start'])
        .execute();
      await createTable(db, flavor, 'rollup_periods', ROLLUP_PERIOD_COLUMNS).execute();
      await db.schema
        .createIndex('rollup_periods_grain_start')
        .ifNotExists()
        .on('rollup_periods')
        .columns(['grain', 'start'])
        .execute();
      await markPeriodsOf('hour', 3_600_000).execute(db);
      await markPeriodsOf('day', 86_400_000).execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('metric_rollups').ifExists().execute();
      await db.schema.dropTable('rollup_periods').ifExists().execute();
    },
  };
}

/** All migrations for a flavor, keyed so that they sort in the order they must run. */
export function migrationsFor(flavor: Flavor): Record<string, Migration> {
  return {
    '0001_request_metrics': createRequestMetrics(flavor),
    '0002_model_residency': createModelResidency(flavor),
    '0003_rollups': createRollups(flavor),
  };
}

/**
 * Brings the schema up to date. Kysely's Migrator returns its error instead of throwing;
 * this throws it, with the failing migration's name.
 */
export async function migrateToLatest(db: Kysely<unknown>, flavor: Flavor): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(flavor) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
