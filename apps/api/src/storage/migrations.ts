/**
 * Schema migrations, frozen in time and run in order by Kysely's Migrator on SQLite and
 * PostgreSQL. D1 runs the same DDL from `migrations/0001_request_metrics.sql` through
 * wrangler; a test checks all three against {@link REQUEST_METRIC_COLUMNS}.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { type LogicalType, MODEL_RESIDENCY_COLUMNS, REQUEST_METRIC_COLUMNS, REQUEST_METRIC_INDEXES } from './schema.js';

/** The SQL family a database speaks. */
export type Flavor = 'sqlite' | 'postgres';

// Each backend's column type for a logical type. SQLite declares `boolean` too (numeric
// affinity, 0/1) so that its introspection reads back what the column means.
const COLUMN_TYPES: Record<Flavor, Record<LogicalType, string>> = {
  sqlite: { text: 'text', integer: 'integer', real: 'real', boolean: 'boolean' },
  postgres: { text: 'text', integer: 'bigint', real: 'double precision', boolean: 'boolean' },
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
      await db.schema.createIndex('model_residency_model_ts').ifNotExists().on('model_residency').columns(['model', 'ts']).execute();
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

/** All migrations for a flavor, keyed so that they sort in the order they must run. */
export function migrationsFor(flavor: Flavor): Record<string, Migration> {
  return {
    '0001_request_metrics': createRequestMetrics(flavor),
    '0002_model_residency': createModelResidency(flavor),
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
