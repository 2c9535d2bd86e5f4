/** The D1 table built by migrations/*.sql matches REQUEST_METRIC_COLUMNS, as SQLite and PostgreSQL do. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { REQUEST_METRIC_COLUMNS, REQUEST_METRIC_INDEXES } from '../../src/storage/schema.ts';
import { logicalType } from '../suites/columns.ts';

describe('request_metrics schema on D1', () => {
  it('has the specified columns, types and nullability', async () => {
    const { results } = await env.DB.prepare('PRAGMA table_info(request_metrics)').all<{
      name: string;
      type: string;
      notnull: number;
    }>();
    expect(results.map((c) => ({ name: c.name, type: logicalType(c.type), nullable: c.notnull === 0 }))).toEqual(
      REQUEST_METRIC_COLUMNS,
    );
  });

  it('has the specified indexes', async () => {
    const { results } = await env.DB.prepare('PRAGMA index_list(request_metrics)').all<{ name: string }>();
    const names = results.map((r) => r.name).filter((n) => !n.startsWith('sqlite_autoindex'));
    expect(names.sort()).toEqual(REQUEST_METRIC_INDEXES.map((i) => i.name).sort());
  });
});
