/**
 * What the Node opener (./open-node.ts) needs from a backend that runs on Node: which
 * `DATABASE_URL`s it takes, how to name one in a log line, and how to open it.
 */
import type { StorageBackend } from './backend.js';
import type { MetricStore } from './store.js';

/** A backend's Node opener (`backends/<name>/open.ts`). */
export interface NodeBackend {
  /** The runtime-free backend it opens. */
  readonly backend: StorageBackend;
  /** The URL forms it takes, for help and errors, e.g. `['postgres://…']`. */
  readonly urlForms: readonly string[];
  /** Whether `url` (trimmed, not empty) names a database of this backend. */
  accepts(url: string): boolean;
  /** `url` for a log line, any password masked. */
  describe(url: string): string;
  /** The local file the database lives in, or `null` (a server, or memory). */
  fileOf(url: string): string | null;
  /** Opens the database and brings its schema up to date. */
  open(url: string): Promise<MetricStore>;
}
