/** Opens PostgreSQL on Node with a pg Pool that survives dropped connections. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../migrations.js';
import type { NodeBackend } from '../../node-backend.js';
import type { Database } from '../../schema.js';
import { MetricStore } from '../../store.js';
import { kyselyScriptRunner } from '../../transaction-script.js';
import { postgresBackend } from './index.js';

const logLost = (error: Error) => console.error(`[ollama-perf] PostgreSQL connection lost: ${error.message}`);

/** PostgreSQL on Node: `postgres://…` or `postgresql://…`. */
export const postgresNode: NodeBackend = {
  backend: postgresBackend,
  urlForms: ['postgres://…'],
  accepts: (url) => /^postgres(ql)?:\/\//i.test(url),
  describe: (url) => `PostgreSQL ${url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}`,
  fileOf: () => null,
  async open(url) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // BIGINT (ts, counts) as JS numbers: epoch ms and token counts stay far below 2^53.
      types: {
        getTypeParser: (oid: number, format?: string) =>
          oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'),
      },
    } as pg.PoolConfig);
    // An idle connection dropped by the server (restart, failover) must not crash the
    // process: the next query reconnects, and a failed write is spooled by the sink.
    pool.on('error', logLost);
    // A connection dropped while checked out (between a transaction's statements, say) emits
    // 'error' on the client, which pg-pool does not listen to then: without this it crashes.
    pool.on('connect', (client) => {
      client.on('error', logLost);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrateToLatest(db as Kysely<unknown>, postgresBackend.migrations);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new MetricStore(db, { backend: postgresBackend, script: kyselyScriptRunner(db as Kysely<unknown>) });
  },
};
