/**
 * `ollama-perf export`: recorded requests as CSV (RFC 4180, a header row of the record's
 * fields) or JSONL (one record per line, the same JSON `/ingest` and `import` take), to
 * stdout or a file. Pages through the store (`MetricStore.stream`), so memory stays flat.
 */

import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { REQUEST_METRIC_FIELDS, type RequestMetric } from '@ollama-perf/core';
import { jsonlLine } from '../sink/jsonl-line.js';
import { type CliIo, type OutputStream, UsageError, usageErrors, writeAll } from './command.js';
import { csvRow } from './csv.js';
import { DB_HELP, databaseUrlOf, openDatabase } from './database.js';
import { filterFromFlags, filterHelp } from './filter-flags.js';

/** Help of `export`. */
export const EXPORT_USAGE = `Usage: ollama-perf export --format csv|jsonl [options]

Writes recorded requests, oldest first: CSV with a header row of the record's fields
(RFC 4180; empty field = null), or JSONL with one record per line (re-importable with
"ollama-perf import" or POST /ingest).

Options:
  --format F         csv or jsonl (required)
  --out FILE         write to FILE (replaced only once the export is complete) instead of stdout
${filterHelp('from', 'to')}
${DB_HELP}
  --help             show this help
`;

const OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  model: { type: 'string' },
  project: { type: 'string' },
  operation: { type: 'string' },
  db: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** One record as a CSV row, fields in schema order. */
export function csvLine(record: RequestMetric): string {
  return csvRow(REQUEST_METRIC_FIELDS.map((field) => record[field]));
}

async function closeFile(stream: ReturnType<typeof createWriteStream>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/** Runs `export`. */
export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = usageErrors(() => parseArgs({ args, options: OPTIONS, strict: true }));
  if (values.help === true) {
    io.stdout.write(EXPORT_USAGE);
    return 0;
  }
  const format = values.format;
  if (format !== 'csv' && format !== 'jsonl') {
    throw new UsageError(
      format === undefined ? '--format csv|jsonl is required' : `--format "${format}" is not csv or jsonl`,
    );
  }
  const filter = filterFromFlags(values, io.now());
  const store = await openDatabase(databaseUrlOf(values.db, io.env), { mustExist: true });
  // A file is written beside its target and renamed when complete: never a half export under its name.
  const partial = values.out === undefined ? undefined : `${values.out}.partial-${process.pid}`;
  const file = partial === undefined ? undefined : createWriteStream(partial);
  const out: OutputStream = file ?? io.stdout;
  let exported = 0;
  try {
    if (format === 'csv') await writeAll(out, csvRow(REQUEST_METRIC_FIELDS));
    const line = format === 'csv' ? csvLine : jsonlLine;
    for await (const page of store.stream(filter)) {
      let chunk = '';
      for (const record of page) chunk += line(record);
      await writeAll(out, chunk);
      exported += page.length;
    }
    if (file !== undefined && partial !== undefined && values.out !== undefined) {
      await closeFile(file);
      await rename(partial, values.out);
      io.stderr.write(`exported ${exported} records to ${values.out}\n`);
    }
    return 0;
  } catch (error) {
    if (file !== undefined && partial !== undefined) {
      file.destroy();
      await rm(partial, { force: true });
    }
    throw error;
  } finally {
    await store.close();
  }
}
