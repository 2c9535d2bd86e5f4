/**
 * `ollama-perf import FILE…`: loads Ollama server logs (GIN request lines), JSONL of
 * ollama-perf records and the `performance.jsonl` files of Python tools into the database.
 * Each file is read line by line and inserted in batches, so memory stays flat for any
 * size; ids derive from the source lines, so importing a file again adds nothing; a line
 * that cannot be read is counted and reported, never fatal.
 */

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULT_COLD_START_MS, type RequestMetric } from '@ollama-perf/core';
import type { MetricStore } from '../storage/store.js';
import { type CliIo, UsageError, usageErrors } from './command.js';
import { DB_HELP, databaseUrlOf, openDatabase } from './database.js';
import { DETECTION_LINES, detectFormat, IMPORT_FORMATS, type ImportFormat } from './detect-format.js';
import { type LineReader, type NumberedOutcome, readerOf } from './line-reader.js';
import { modelNamesFromStore, NotAModelStoreError } from './ollama-manifests.js';
import { parseMetricJsonlLine } from './parse-metric-jsonl.js';
import { perfJsonlParser } from './parse-perf-jsonl.js';
import { pythonJsonlParser } from './parse-python-jsonl.js';
import { serverLogReader } from './parse-server-log.js';
import { SkipTally } from './parsed-line.js';
import { createProgressBar, NO_PROGRESS } from './progress.js';
import { parseTimeZone, type TimeZone } from './time-zone.js';

/** Help of `import`. */
export const IMPORT_USAGE = `Usage: ollama-perf import FILE… [options]

Loads request records into the database from:
  - Ollama server logs: one record per [GIN] request line (route, status, latency). A
    runner start ("llama runner started in 4.37 seconds") becomes the load time (cold
    start) of the request it delayed, named after the model the load lines name (else
    "unknown"); level=ERROR lines are server errors, attached to the 5xx line that
    follows or recorded alone. Plain files and journald output alike.
  - JSONL of ollama-perf records (export --format jsonl, the middleware's jsonlFileSink)
  - logs/performance.jsonl of Python tools (total_latency_ms, load_time_ms, …)
  - logs/performance.jsonl of the Python snippet (model, load_duration_ms, …, no timestamp):
    lines without a timestamp get the file's modification time
The format is detected per file from its first lines. Importing a file again adds nothing.
Records written by older versions of ollama-perf are read (fields added since are left
empty); fields of newer versions are dropped and named, as are keys a format does not use.

Exit code: 0 when every line that should be a record was imported (or was there already);
1 when such a line was skipped (counted per reason) or a file could not be read.

Options:
  --tz ZONE          zone of times written without an offset (GIN lines, naive Python
                     timestamps): an IANA name such as Europe/Berlin, or +02:00 (default UTC)
  --format F         gin, jsonl, python or perf-jsonl: skip detection
  --ollama-models DIR
                     server logs: Ollama's models folder (default OLLAMA_MODELS), to name a
                     model loaded from its weights file (sha256-…) as pulled (qwen2.5:7b)
  --cold-start-ms N  a load at least this long is a cold start (default COLD_START_MS, else ${DEFAULT_COLD_START_MS})
${DB_HELP}
  --help             show this help
`;

const OPTIONS = {
  tz: { type: 'string' },
  format: { type: 'string' },
  'cold-start-ms': { type: 'string' },
  'ollama-models': { type: 'string' },
  db: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Records per insert: large enough to be fast, small enough to keep memory flat. */
export const IMPORT_BATCH_SIZE = 1000;
// Files smaller than this finish before a progress bar would be worth drawing.
const PROGRESS_MIN_BYTES = 1_048_576;

const FORMAT_NAMES: Readonly<Record<ImportFormat, string>> = {
  gin: 'Ollama server log',
  jsonl: 'ollama-perf JSONL',
  python: 'Python performance.jsonl',
  'perf-jsonl': 'performance.jsonl without timestamps',
};

/** How `import` reads files (from its flags). */
export interface ImportSettings {
  /** Zone of times written without an offset. */
  timeZone: TimeZone;
  /** Python logs: a load at least this long (ms) is a cold start. */
  coldStartMs: number;
  /** Forced format; `undefined`: detect per file. */
  format: ImportFormat | undefined;
  /** Server logs: weights file → name as pulled, from Ollama's model store (`--ollama-models`). */
  modelNames: ReadonlyMap<string, string>;
}

/** A file that could not be read or recognised; the other files are still imported. */
export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/** What importing one file did. */
export interface FileOutcome {
  format: ImportFormat | null;
  imported: number;
  duplicates: number;
  skipped: SkipTally;
  /** Fields of a newer version dropped from its records, each named once. */
  ignored: Set<string>;
  /** Source keys the format does not use, each named once. */
  unused: Set<string>;
  /** Records stamped with the file's modification time, their lines having no timestamp. */
  undated: number;
  /** The file's modification time (epoch ms). */
  modifiedMs: number;
  /** What the file's reader used besides records (server logs: loads and errors). */
  notes: string[];
}

// What a parser may need to know of the file besides its lines.
interface FileFacts {
  path: string;
  modifiedMs: number;
}

function readerFor(format: ImportFormat, settings: ImportSettings, file: FileFacts): LineReader {
  switch (format) {
    case 'gin':
      return serverLogReader({
        timeZone: settings.timeZone,
        coldStartMs: settings.coldStartMs,
        modelNames: settings.modelNames,
      });
    case 'python':
      return readerOf(pythonJsonlParser({ timeZone: settings.timeZone, coldStartMs: settings.coldStartMs }));
    case 'perf-jsonl':
      return readerOf(perfJsonlParser({ timeZone: settings.timeZone, coldStartMs: settings.coldStartMs, ...file }));
    case 'jsonl':
      return readerOf(parseMetricJsonlLine);
  }
}

/**
 * Imports one file into `store`. Throws an {@link UnreadableFileError} when the file cannot
 * be read or its format cannot be told (database errors are thrown as they are); lines that
 * cannot be read are skipped and tallied.
 */
export async function importFile(
  path: string,
  store: MetricStore,
  settings: ImportSettings,
  io: CliIo,
): Promise<FileOutcome> {
  const { size, mtimeMs } = await stat(path).catch((error: unknown) => {
    throw new UnreadableFileError(messageOf(error));
  });
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const bar =
    size >= PROGRESS_MIN_BYTES
      ? createProgressBar({ stream: io.stderr, total: size, label: basename(path) })
      : NO_PROGRESS;
  const outcome: FileOutcome = {
    format: settings.format ?? null,
    imported: 0,
    duplicates: 0,
    skipped: new SkipTally(),
    ignored: new Set(),
    unused: new Set(),
    undated: 0,
    modifiedMs: mtimeMs,
    notes: [],
  };
  const file: FileFacts = { path: resolve(path), modifiedMs: mtimeMs };
  let reader = settings.format === undefined ? null : readerFor(settings.format, settings, file);
  let batch: RequestMetric[] = [];
  // Lines read before the format is known; at most DETECTION_LINES.
  const pending: Array<[number, string]> = [];

  // Set when the database fails: that is not the file's fault, and stops the whole import.
  let storeError: unknown;
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await store.insert(batch).catch((error: unknown) => {
      storeError = error;
      throw error;
    });
    outcome.imported += result.inserted;
    outcome.duplicates += result.duplicates;
    batch = [];
  };
  const take = async (outcomes: NumberedOutcome[]) => {
    for (const { lineNumber, parsed } of outcomes) {
      if ('record' in parsed) {
        batch.push(parsed.record);
        for (const field of parsed.ignored ?? []) outcome.ignored.add(field);
        for (const key of parsed.unused ?? []) outcome.unused.add(key);
        if (parsed.undated === true) outcome.undated++;
        if (batch.length >= IMPORT_BATCH_SIZE) await flush();
      } else outcome.skipped.add(parsed, lineNumber);
    }
  };
  const handle = async (into: LineReader, lineNumber: number, line: string) => {
    if (line.trim() !== '') await take(into.read(line, lineNumber));
  };

  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber++;
      // A byte-order mark (Windows editors) is not part of the first line.
      const line = lineNumber === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
      if (lineNumber % 1000 === 0) bar.update(input.bytesRead, lineNumber);
      if (reader !== null) {
        await handle(reader, lineNumber, line);
        continue;
      }
      if (line.trim() === '') continue;
      pending.push([lineNumber, line]);
      const format = detectFormat([line]);
      if (format === null) {
        if (pending.length >= DETECTION_LINES) break;
        continue;
      }
      outcome.format = format;
      reader = readerFor(format, settings, file);
      for (const [n, text] of pending.splice(0)) await handle(reader, n, text);
    }
    if (reader === null && pending.length > 0) {
      throw new UnreadableFileError(
        `cannot tell the format from the first ${pending.length} lines (pass --format ${IMPORT_FORMATS.join('|')})`,
      );
    }
    if (reader !== null) {
      await take(reader.end());
      outcome.notes = reader.notes();
    }
    await flush();
  } catch (error) {
    if (error === storeError || error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(messageOf(error));
  } finally {
    bar.done();
    lines.close();
    input.destroy();
  }
  return outcome;
}

function describeOutcome(path: string, outcome: FileOutcome, settings: ImportSettings): string {
  const format = outcome.format;
  const kind = format === null ? 'empty' : FORMAT_NAMES[format];
  const zone = format === 'gin' || format === 'python' ? `, times without offset in ${settings.timeZone.name}` : '';
  const ignored =
    outcome.ignored.size === 0 ? '' : `; ignored fields of a newer version: ${[...outcome.ignored].join(', ')}`;
  const unused = outcome.unused.size === 0 ? '' : `; keys not used: ${[...outcome.unused].join(', ')}`;
  const undated =
    outcome.undated === 0
      ? ''
      : `; ${outcome.undated} line(s) had no timestamp: stamped with the file's modification time ${new Date(outcome.modifiedMs).toISOString()} (+1 ms per line, in file order)`;
  const latency = format === 'perf-jsonl' ? '; latency = load + prompt eval + eval' : '';
  const notes = outcome.notes.map((note) => `; ${note}`).join('');
  return `${path} (${kind}${zone}): imported ${outcome.imported}, duplicates ${outcome.duplicates}, ${outcome.skipped.describe()}${ignored}${unused}${undated}${latency}${notes}`;
}

function settingsOf(
  values: { tz?: string | undefined; format?: string | undefined; 'cold-start-ms'?: string | undefined },
  env: CliIo['env'],
): ImportSettings {
  const timeZone = parseTimeZone(values.tz ?? 'UTC');
  if (timeZone === null)
    throw new UsageError(
      `--tz "${values.tz}" is not a time zone: use an IANA name (Europe/Berlin) or an offset (+02:00)`,
    );
  const format = values.format;
  if (format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format "${format}" is not ${IMPORT_FORMATS.join(', ')}`);
  }
  const coldText = values['cold-start-ms'] ?? (env.COLD_START_MS || undefined);
  const coldStartMs = coldText === undefined ? DEFAULT_COLD_START_MS : Number(coldText);
  if (!Number.isFinite(coldStartMs) || coldStartMs < 0)
    throw new UsageError(`cold start threshold "${coldText}" is not a number of milliseconds`);
  return { timeZone, coldStartMs, format: format as ImportFormat | undefined, modelNames: new Map() };
}

/** Runs `import`. */
export async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true }),
  );
  if (values.help === true) {
    io.stdout.write(IMPORT_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('name at least one FILE to import');
  const settings = settingsOf(values, io.env);
  settings.modelNames = await modelNamesOf(values['ollama-models'], io.env.OLLAMA_MODELS || undefined);
  const store = await openDatabase(databaseUrlOf(values.db, io.env), { mustExist: false });
  const total = { imported: 0, duplicates: 0, skipped: new SkipTally(), failed: 0 };
  try {
    for (const path of positionals) {
      let outcome: FileOutcome;
      try {
        outcome = await importFile(path, store, settings, io);
      } catch (error) {
        // A file we cannot read does not stop the others; the exit code says it happened.
        if (!(error instanceof UnreadableFileError)) throw error;
        total.failed++;
        io.stderr.write(`${path}: ${error.message}\n`);
        continue;
      }
      io.stdout.write(`${describeOutcome(path, outcome, settings)}\n`);
      total.imported += outcome.imported;
      total.duplicates += outcome.duplicates;
      total.skipped.merge(outcome.skipped);
    }
  } finally {
    await store.close();
  }
  if (positionals.length > 1) {
    io.stdout.write(
      `total: imported ${total.imported}, duplicates ${total.duplicates}, ${total.skipped.describe()}${total.failed > 0 ? `, ${total.failed} file(s) not read` : ''}\n`,
    );
  }
  if (total.skipped.malformed > 0)
    io.stderr.write(`${total.skipped.malformed} line(s) that should be records were skipped (reasons above)\n`);
  return total.failed > 0 || total.skipped.malformed > 0 ? 1 : 0;
}

// The flag must name Ollama's model store; OLLAMA_MODELS is Ollama's own setting, used when it does.
async function modelNamesOf(flag: string | undefined, env: string | undefined): Promise<Map<string, string>> {
  if (flag !== undefined)
    return modelNamesFromStore(flag).catch((error: unknown) => {
      throw error instanceof NotAModelStoreError ? new UsageError(`--ollama-models: ${error.message}`) : error;
    });
  return env === undefined ? new Map() : modelNamesFromStore(env).catch(() => new Map());
}

function messageOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
