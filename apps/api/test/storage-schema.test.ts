/**
 * The migrations build the same `request_metrics` table on SQLite and PostgreSQL (D1:
 * test/workers/storage-schema.d1.test.ts): same columns, in order, same logical types
 * and nullability, same indexes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUEST_METRIC_FIELDS } from '@ollama-perf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/open-node.js';
import { REQUEST_METRIC_COLUMNS } from '../src/storage/schema.js';
import type { MetricStore } from '../src/storage/store.js';
import { logicalType } from './suites/columns.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-schema-'));
let postgres: TestPostgres;
const stores: Record<string, MetricStore> = {};

beforeAll(async () => {
  postgres = await startTestPostgres();
  stores.sqlite = await openStore(`sqlite:${join(dir, 'schema.sqlite')}`);
  stores.postgres = await openStore(postgres.url);
});
afterAll(async () => {
  for (const store of Object.values(stores)) await store.close();
  await postgres.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('request_metrics schema', () => {
  it('has one column per record field, in the schema order', () => {
    expect(REQUEST_METRIC_COLUMNS.map((c) => c.name)).toEqual(REQUEST_METRIC_FIELDS);
  });

  it.each(['sqlite', 'postgres'])('is built as specified on %s', async (backend) => {
    const store = stores[backend] as MetricStore;
    const tables = await store.db.introspection.getTables();
    const table = tables.find((t) => t.name === 'request_metrics');
    const columns = table?.columns.map((c) => ({
      name: c.name,
      type: logicalType(c.dataType),
      nullable: c.isNullable,
    }));
    expect(columns).toEqual(REQUEST_METRIC_COLUMNS);
  });

  it('runs the migrations once: opening an existing database again changes nothing', async () => {
    const again = await openStore(`sqlite:${join(dir, 'schema.sqlite')}`);
    expect(await again.count()).toBe(0);
    await again.close();
  });
});
