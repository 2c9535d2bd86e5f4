/**
 * A store opener for the storage thread that kills its thread on demand: when the file named
 * by `CRASH_MARKER` exists at an insert, the file is removed and the thread dies the way its
 * content says — `exit` (`process.exit` inside the thread) or `throw` (an uncaught error).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { openStore as openRealStore } from '../../src/storage/open-node.js';
import type { MetricStore } from '../../src/storage/store.js';

function crashIfAsked(): void {
  const marker = process.env.CRASH_MARKER;
  if (marker === undefined || !existsSync(marker)) return;
  const how = readFileSync(marker, 'utf8').trim();
  rmSync(marker);
  if (how === 'exit') process.exit(7);
  setImmediate(() => {
    throw new Error('storage thread crash on demand');
  });
}

/** Opens the real store; each insert first checks whether the test asks for a crash. */
export async function openStore(url: string | undefined): Promise<MetricStore> {
  const store = await openRealStore(url);
  const insert = store.insert.bind(store);
  return Object.assign(store, {
    insert: (records: Parameters<MetricStore['insert']>[0]) => {
      crashIfAsked();
      return insert(records);
    },
  });
}
