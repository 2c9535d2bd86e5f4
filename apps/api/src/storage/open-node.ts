/**
 * Opens a store from a `DATABASE_URL` on Node: the first backend of {@link NODE_BACKENDS} that
 * takes the URL opens it (and runs its migrations). Unset means the default SQLite file,
 * created on first run.
 */
import { postgresNode } from './backends/postgres/open.js';
import { sqliteNode } from './backends/sqlite/open.js';
import type { NodeBackend } from './node-backend.js';
import type { MetricStore } from './store.js';

/** The database used when `DATABASE_URL` is unset. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/ollama-perf.sqlite';

/** The backends the Node gateway and CLI can open; a new backend is one more line here. */
export const NODE_BACKENDS: readonly NodeBackend[] = [sqliteNode, postgresNode];

/** A `DATABASE_URL` as given, or the default when unset or blank. */
function urlOrDefault(url: string | undefined): string {
  const value = url?.trim() ?? '';
  return value === '' ? DEFAULT_DATABASE_URL : value;
}

/** The backend that takes a `DATABASE_URL`, and the URL it takes (the default when unset). */
function nodeBackendFor(url: string | undefined): { node: NodeBackend; url: string } {
  const value = urlOrDefault(url);
  const node = NODE_BACKENDS.find((candidate) => candidate.accepts(value));
  if (node !== undefined) return { node, url: value };
  const forms = NODE_BACKENDS.flatMap((candidate) => candidate.urlForms);
  throw new Error(`DATABASE_URL "${value}" is not ${forms.slice(0, -1).join(', ')} or ${forms.at(-1)}`);
}

/** Describes where records go, for the start-up line (passwords masked). */
export function describeDatabase(url: string | undefined): string {
  const { node, url: value } = nodeBackendFor(url);
  return node.describe(value);
}

/** The local file a `DATABASE_URL` names, or `null` (a server, or memory). */
export function databaseFileOf(url: string | undefined): string | null {
  const { node, url: value } = nodeBackendFor(url);
  return node.fileOf(value);
}

/** The spool file used when none is configured: beside a database file, or under ./data. */
export function defaultSpoolPath(url: string | undefined): string {
  const file = databaseFileOf(url);
  return file === null ? './data/ollama-perf.spool.jsonl' : `${file}.spool.jsonl`;
}

/** Opens (and migrates) the store a `DATABASE_URL` names. */
export async function openStore(url: string | undefined): Promise<MetricStore> {
  const { node, url: value } = nodeBackendFor(url);
  return node.open(value);
}
