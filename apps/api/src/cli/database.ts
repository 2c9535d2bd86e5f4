/**
 * The database a CLI command works on: `--db URL`, else `DATABASE_URL`, else the default
 * SQLite file — the same store the gateway writes. Errors become one readable line.
 */
import { existsSync } from 'node:fs';
import { databaseFileOf, describeDatabase, openStore } from '../storage/open-node.js';
import type { MetricStore } from '../storage/store.js';

/** Help text of `--db`. */
export const DB_HELP =
  '  --db URL           sqlite:PATH, file:PATH, :memory: or postgres://… (default DATABASE_URL, else ./data/ollama-perf.sqlite)';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * Refuse an SQLite file that does not exist yet (reading commands): opening it would
   * create an empty database and report nothing, and the usual cause is a wrong path.
   */
  mustExist: boolean;
}

/** The database URL a command uses: the flag, else `DATABASE_URL`, else the default (undefined). */
export function databaseUrlOf(flag: string | undefined, env: Record<string, string | undefined>): string | undefined {
  const value = flag ?? env.DATABASE_URL;
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Opens (and migrates) the store at `url`.
 *
 * @example
 * const store = await openDatabase(databaseUrlOf(values.db, io.env), { mustExist: true });
 */
export async function openDatabase(url: string | undefined, options: OpenDatabaseOptions): Promise<MetricStore> {
  const file = databaseFileOf(url);
  if (options.mustExist && file !== null && !existsSync(file)) {
    throw new Error(`no database at ${file} (pass --db or set DATABASE_URL)`);
  }
  return openStore(url).catch((error: unknown) => {
    throw new Error(
      `cannot open the database (${describeDatabase(url)}): ${error instanceof Error ? error.message : String(error)}`,
    );
  });
}
