/**
 * wrangler applies migrations/*.sql to D1; Node runs the Kysely migrations. The SQL file
 * must be exactly the DDL the SQLite migration issues, so the two can never drift.
 */
import { readdirSync, readFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrationsFor } from '../src/storage/migrations.js';

// The statements migration `name` issues, run after the migrations before it (as wrangler runs them).
async function sqliteDdl(name: string): Promise<string[]> {
  const statements: string[] = [];
  let logging = false;
  const db = new Kysely<unknown>({
    dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
    log: (event) => {
      if (logging && event.level === 'query') statements.push(event.query.sql);
    },
  });
  for (const [migration, { up }] of Object.entries(migrationsFor('sqlite'))) {
    logging = migration === name;
    await up(db);
    if (logging) break;
  }
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
  it('has one SQL file per Kysely migration', () => {
    const files = readdirSync(new URL('../migrations/', import.meta.url)).filter((f) => f.endsWith('.sql'));
    expect(files.map((f) => f.replace(/\.sql$/, ''))).toEqual(Object.keys(migrationsFor('sqlite')));
  });

  it.each(Object.keys(migrationsFor('sqlite')))('%s.sql is the DDL of the Kysely SQLite migration', async (name) => {
    const ddl = await sqliteDdl(name);
    expect(ddl.length).toBeGreaterThan(0);
    expect(statementsOf(`${name}.sql`)).toEqual(ddl);
  });
});
