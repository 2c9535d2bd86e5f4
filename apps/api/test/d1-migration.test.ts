/**
 * wrangler applies migrations/*.sql to D1; Node runs the Kysely migrations. The SQL file
 * must be exactly the DDL the SQLite migration issues, so the two can never drift.
 */
import { readFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrationsFor } from '../src/storage/migrations.js';

async function sqliteDdl(): Promise<string[]> {
  const statements: string[] = [];
  const db = new Kysely<unknown>({
    dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql);
    },
  });
  for (const migration of Object.values(migrationsFor('sqlite'))) await migration.up(db);
  await db.destroy();
  return statements;
}

function statementsOf(file: string): string[] {
  return readFileSync(new URL(`../migrations/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

describe('D1 migrations', () => {
  it('0001 is the DDL of the Kysely SQLite migration', async () => {
    expect(statementsOf('0001_request_metrics.sql')).toEqual(await sqliteDdl());
  });
});
