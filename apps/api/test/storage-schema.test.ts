/**
 * The migrations build the same `request_metrics` table on every Node backend (D1:
 * test/workers/storage-schema.d1.test.ts): same columns, in order, same logical types
 * and nullability, same indexes. This is what ties each backend's literal DDL to the Kysely types.
 */
import { REQUEST_METRIC_FIELDS } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, openStore } from '../src/storage/open-node.js';
import { REQUEST_METRIC_COLUMNS } from '../src/storage/schema.js';
import { logicalType } from './suites/columns.js';
import { TEST_DATABASES, type TestStore, testStores } from './support/test-databases.js';

const openTestStore = testStores();

describe('request_metrics schema', () => {
  it('has one column per record field, in the schema order', () => {
    expect(REQUEST_METRIC_COLUMNS.map((c) => c.name)).toEqual(REQUEST_METRIC_FIELDS);
  });

  it('is tested on every backend the Node opener knows', () => {
    expect(TEST_DATABASES.map((d) => d.name)).toEqual(NODE_BACKENDS.map((n) => n.backend.name));
  });

  describe.each(TEST_DATABASES)('on $label', (target) => {
    let opened: TestStore;
    beforeAll(async () => {
      opened = await openTestStore(target);
    });

    it('opens as its own backend', () => {
      expect(opened.store.backend.name).toBe(target.name);
    });

    it('is built as specified', async () => {
      const tables = await opened.store.db.introspection.getTables();
      const table = tables.find((t) => t.name === 'request_metrics');
      const columns = table?.columns.map((c) => ({
        name: c.name,
        type: logicalType(c.dataType),
        nullable: c.isNullable,
      }));
      expect(columns).toEqual(REQUEST_METRIC_COLUMNS);
    });

    it('declares each column with the type its backend names for it', () => {
      const { backend } = opened.store;
      const ddl = backend.migrations.flatMap((m) => m.up).join('\n');
      for (const column of REQUEST_METRIC_COLUMNS)
        expect(ddl).toContain(`"${column.name}" ${backend.columnTypes[column.type]}`);
    });

    // Were 0003 run again, its insert would collide with the periods the first record marked.
    it('runs the migrations once: opening the database again changes nothing', async () => {
      await opened.store.insert(fixtureRecords(1));
      const again = await openStore(opened.url);
      expect(await again.count()).toBe(1);
      await again.close();
    });
  });
});
