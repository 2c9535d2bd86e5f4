/**
 * wrangler applies migrations/*.sql to D1; Node runs the released SQLite migrations through
 * Kysely. Each SQL file must hold exactly the statements of its released migration, so the
 * two can never drift.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { d1Backend } from '../src/storage/backends/d1/index.js';
import { sqliteBackend } from '../src/storage/backends/sqlite/index.js';

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
  it('are the SQLite migrations', () => {
    expect(d1Backend.migrations).toEqual(sqliteBackend.migrations);
  });

  it('has one SQL file per released migration', () => {
    const files = readdirSync(new URL('../migrations/', import.meta.url)).filter((f) => f.endsWith('.sql'));
    expect(files.map((f) => f.replace(/\.sql$/, ''))).toEqual(d1Backend.migrations.map((m) => m.name));
  });

  it.each(d1Backend.migrations)('$name.sql holds the statements of the released migration', ({ name, up }) => {
    expect(up.length).toBeGreaterThan(0);
    expect(statementsOf(`${name}.sql`)).toEqual(up);
  });
});
