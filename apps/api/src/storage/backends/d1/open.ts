/**
 * Opens D1 on Workers from its binding. D1 has no transactions: statements that must land
 * together run as one `batch`, which D1 applies atomically. Compiled against Workers types
 * only (test/workers/tsconfig.json), like the Worker entry that imports it.
 */
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';
import type { Database } from '../../schema.js';
import { MetricStore } from '../../store.js';
import { d1Backend } from './index.js';

/** A store over a D1 binding; multi-statement writes run as one atomic `batch`. */
export function openD1Store(database: D1Database): MetricStore {
  const db = new Kysely<Database>({ dialect: new D1Dialect({ database }) });
  return new MetricStore(db, {
    backend: d1Backend,
    async batch(queries) {
      const results = await database.batch(queries.map((q) => database.prepare(q.sql).bind(...q.parameters)));
      return results.map((r) => r.meta.changes ?? 0);
    },
  });
}
