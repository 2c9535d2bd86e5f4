/**
 * Runs a backend's released migrations in order with Kysely's Migrator. Each migration is
 * literal DDL as it was released (see `backends/<name>/migrations.ts`), never generated from
 * today's column lists: a new column comes as a new migration, so existing databases get it
 * and new ones are built the same way. D1 runs the SQLite text from `migrations/*.sql`
 * through wrangler; test/d1-migration.test.ts keeps the two equal.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

/** One released migration: the statements it runs, in order, up and down. */
export interface ReleasedMigration {
  /** Kysely's key for it (also the D1 file name): sorts in the order migrations run. */
  readonly name: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
}

function runAll(statements: readonly string[]) {
  return async (db: Kysely<unknown>) => {
    for (const statement of statements) await sql.raw(statement).execute(db);
  };
}

/** Released migrations as Kysely migrations, keyed by name. */
export function kyselyMigrations(released: readonly ReleasedMigration[]): Record<string, Migration> {
  return Object.fromEntries(released.map((m) => [m.name, { up: runAll(m.up), down: runAll(m.down) }]));
}

/**
 * Brings the schema up to date. Kysely's Migrator returns its error instead of throwing;
 * this throws it, with the failing migration's name.
 */
export async function migrateToLatest(db: Kysely<unknown>, released: readonly ReleasedMigration[]): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => kyselyMigrations(released) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
