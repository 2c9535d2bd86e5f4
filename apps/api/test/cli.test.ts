/**
 * The `ollama-perf` command line end to end: the built CLI (`bin/ollama-perf.js` →
 * dist/cli.js; run `pnpm --filter @ollama-perf/api build` first) run as a user runs it,
 * against real SQLite files and a real gateway on a real port. Covers `import` (Ollama
 * server logs, Python performance.jsonl, our own JSONL), `export` (CSV, JSONL), `report`
 * (text, --json, --url) and `--help` of every command.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUEST_METRIC_FIELDS, type RequestMetric, type StatsFilter, summarize } from '@ollama-perf/core';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { formatCount, formatNumber, formatPercent } from '../src/cli/render-report.js';
import { storeSink } from '../src/sink/store-sink.js';
import { openStore } from '../src/storage/open-node.js';
import { REQUEST_METRIC_COLUMNS } from '../src/storage/schema.js';
import { readCsv } from './support/csv-reader.js';
import { runCli } from './support/gateway-process.js';
import { servedGateway } from './support/served-gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'ollama-perf-cli-'));
const GIN_LOG = fileURLToPath(new URL('./fixtures/ollama-server-log.txt', import.meta.url));
const PYTHON_LOG = fileURLToPath(new URL('./fixtures/python-performance.jsonl', import.meta.url));
// The gateway's variables would leak in from the environment (turbo passes them through).
const ENV = { DATABASE_URL: '', API_TOKEN: '', COLD_START_MS: '', NO_COLOR: '', OLLAMA_MODELS: '' };
let databases = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freshDatabase(): string {
  return `sqlite:${join(dir, `db-${++databases}.sqlite`)}`;
}

async function storedRecords(db: string, filter: StatsFilter = {}): Promise<RequestMetric[]> {
  const store = await openStore(db);
  try {
    return await store.records(filter);
  } finally {
    await store.close();
  }
}

async function seededDatabase(records: RequestMetric[]): Promise<string> {
  const db = freshDatabase();
  const store = await openStore(db);
  await store.insert(records);
  await store.close();
  return db;
}

// The last line of an import that skipped lines which should have been records (exit code 1).
const SKIPPED = (n: number) => `${n} line(s) that should be records were skipped (reasons above)\n`;

async function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { ...ENV, ...env });
}

describe('--help', () => {
  it.each([
    ['serve', ['--port', '--database-url']],
    ['report', ['--model', '--project', '--since', '--until', '--json', '--db', '--url', '--token']],
    ['import', ['--tz', '--format', '--cold-start-ms', '--ollama-models', '--db']],
    ['export', ['--format', '--out', '--from', '--to', '--model', '--project', '--db']],
  ])('explains %s', async (command, flags) => {
    const { code, output } = await cli([command, '--help']);
    expect(code).toBe(0);
    expect(output).toMatch(new RegExp(`^Usage: ollama-perf ${command}`));
    for (const flag of flags) expect(output).toContain(flag);
  });

  it('lists the commands, and refuses unknown commands and flags with exit code 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'report', 'import', 'export', 'bench'])
      expect(help.output).toContain(`  ${command} `);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const bad = await cli(['report', '--colour']);
    expect(bad.code).toBe(2);
    expect(bad.output).toBe(
      `ollama-perf report: Unknown option '--colour'\nRun "ollama-perf report --help" for its options.\n`,
    );
  });
});

// What the GIN fixture holds, read in Europe/Berlin (CEST +02:00 in October, CET +01:00 in
// November): arrival = the stamp (end of the response) minus the latency.
const GIN_EXPECTED = [
  {
    ts: '2025-10-24T07:11:59.954Z',
    operation: 'generate',
    endpoint: '/api/generate',
    status: 200,
    error_type: null,
    latency_ms: 3046.181042,
  },
  {
    ts: '2025-11-05T15:14:21.349Z',
    operation: 'chat',
    endpoint: '/api/chat',
    status: 200,
    error_type: null,
    latency_ms: 12650.958875,
  },
  {
    ts: '2025-11-05T15:15:01.952Z',
    operation: 'embed',
    endpoint: '/api/embed',
    status: 200,
    error_type: null,
    latency_ms: 48.129584,
  },
  {
    ts: '2025-11-05T15:15:01.999Z',
    operation: 'chat',
    endpoint: '/api/chat',
    status: 404,
    error_type: 'not_found', // a GIN line says nothing of a missing model
    latency_ms: 0.5123,
  },
  {
    ts: '2025-11-05T15:15:02.000Z',
    operation: 'chat',
    endpoint: '/v1/chat/completions',
    status: 200,
    error_type: null,
    latency_ms: 125_000,
  },
  {
    ts: '2025-11-05T15:17:37.000Z',
    operation: 'generate',
    endpoint: '/api/generate',
    status: 500,
    error_type: 'upstream_error',
    latency_ms: 3_723_000,
  },
  {
    ts: '2025-11-05T15:20:11.000Z',
    operation: 'generate',
    endpoint: '/api/generate',
    status: 503,
    error_type: 'upstream_busy',
    latency_ms: 0.000845,
  },
  {
    ts: '2025-11-05T15:20:12.000Z',
    operation: 'embed',
    endpoint: '/api/embeddings',
    status: 400,
    error_type: 'bad_request',
    latency_ms: 0.0352,
  },
  {
    ts: '2025-11-05T15:20:12.999Z',
    operation: 'embed',
    endpoint: '/v1/embeddings',
    status: 200,
    error_type: null,
    latency_ms: 1.234,
  },
  {
    ts: '2025-11-05T15:20:14.149Z',
    operation: 'generate',
    endpoint: '/v1/completions',
    status: 200,
    error_type: null,
    latency_ms: 850.75,
  },
];

describe('import of an Ollama server log', () => {
  const db = freshDatabase();
  let first: { code: number | null; output: string };

  beforeAll(async () => {
    first = await cli(['import', '--tz', 'Europe/Berlin', '--db', db, GIN_LOG]);
  });

  it('reports what it imported and skipped, and why; the two unreadable request lines make it exit 1', () => {
    expect(first.code).toBe(1);
    expect(first.output).toBe(
      `${GIN_LOG} (Ollama server log, times without offset in Europe/Berlin): imported 10, duplicates 0, skipped 15: 8 other log output, 5 not an inference route, 2 unparseable (lines 18, 27)\n${SKIPPED(2)}`,
    );
  });

  it('stores one record per inference request line: route, status, latency, arrival in the given zone', async () => {
    const records = await storedRecords(db);
    expect(
      records.map((r) => ({
        ts: new Date(r.ts).toISOString(),
        operation: r.operation,
        endpoint: r.endpoint,
        status: r.status,
        error_type: r.error_type,
        latency_ms: r.latency_ms,
      })),
    ).toEqual(GIN_EXPECTED);
    for (const record of records) {
      expect(record).toMatchObject({
        model: 'unknown',
        project: null,
        stream: false,
        success: record.status < 400,
        ttft_ms: null,
        total_duration_ms: null,
        load_duration_ms: null,
        eval_count: null,
        tokens_per_second: null,
        cold_start: null,
        concurrency: null,
      });
    }
  });

  it('imports nothing new the second time', async () => {
    const second = await cli(['import', '--tz', 'Europe/Berlin', '--db', db, GIN_LOG]);
    expect(second.code).toBe(1);
    expect(second.output).toContain(': imported 0, duplicates 10, skipped 15: ');
    expect(await storedRecords(db)).toHaveLength(10);
  });

  it('reads the stamps as UTC without --tz', async () => {
    const utc = freshDatabase();
    expect((await cli(['import', '--db', utc, GIN_LOG])).output).toContain(
      'times without offset in UTC): imported 10,',
    );
    const shifted = (await storedRecords(utc)).map((r) => r.ts);
    const hour = 3_600_000;
    expect(shifted).toEqual(GIN_EXPECTED.map((e, i) => Date.parse(e.ts) + (i === 0 ? 2 * hour : hour)));
  });

  it('refuses a time zone it does not know', async () => {
    const { code, output } = await cli(['import', '--tz', 'Mars/Olympus_Mons', '--db', freshDatabase(), GIN_LOG]);
    expect(code).toBe(2);
    expect(output).toContain('--tz "Mars/Olympus_Mons" is not a time zone');
  });
});

describe("import of an Ollama server log's own lines: loads and errors", () => {
  // journalctl -u ollama output (Ollama 0.12): GIN lines in local time, Ollama's with an offset.
  const prefix = 'Nov 05 16:14:29 gpu-box ollama[1234]: ';
  const blob = 'sha256-dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff';
  const log = join(dir, 'ollama-journal.log');
  const db = freshDatabase();
  let first: { code: number | null; output: string };

  beforeAll(async () => {
    const lines = [
      `time=2025-11-05T16:14:29.733+01:00 level=INFO source=server.go:400 msg="starting runner" cmd="/usr/local/bin/ollama runner --ollama-engine --model /root/.ollama/models/blobs/${blob} --port 39677"`,
      'time=2025-11-05T16:14:29.801+01:00 level=INFO source=server.go:545 msg="loading model" "model layers"=29 requested=-1',
      'time=2025-11-05T16:14:34.102+01:00 level=INFO source=server.go:1332 msg="llama runner started in 4.37 seconds"',
      '[GIN] 2025/11/05 - 16:14:36 |\x1b[97;42m 200 \x1b[0m|  6.650958875s |       127.0.0.1 |\x1b[97;46m POST    \x1b[0m "/api/chat"',
      '[GIN] 2025/11/05 - 16:14:40 | 200 |  1.204s |       127.0.0.1 | POST     "/api/chat"',
      'time=2025-11-05T16:17:00.000+01:00 level=ERROR source=routes.go:660 msg="embedding generation failed" error="do embedding request: EOF"',
      '[GIN] 2025/11/05 - 16:17:00 | 500 |  300ms |       127.0.0.1 | POST     "/api/embed"',
      'time=2025-11-05T16:18:10.000+01:00 level=ERROR source=server.go:432 msg="llama runner terminated" error="signal: killed"',
      'time=2025-11-05T16:19:00.000+01:00 level=INFO source=server.go:1332 msg="llama runner started in 12.03 seconds"',
    ];
    writeFileSync(log, `${lines.map((line) => prefix + line).join('\n')}\n`);
    first = await cli(['import', '--tz', 'Europe/Berlin', '--cold-start-ms', '1000', '--db', db, log]);
  });

  it('says what it made of the loads and errors', () => {
    expect(first.code).toBe(0);
    expect(first.output).toBe(
      `${log} (Ollama server log, times without offset in Europe/Berlin): imported 4, duplicates 0, skipped 1: 1 other log output; model loads 2: 1 attached to the request they delayed, 1 followed by no request line (not recorded: the log may be cut); model named from the load lines for 1 request(s); 1 of them by weights file (sha256-…): --ollama-models DIR (Ollama's models folder) names them as pulled; server errors 2: 1 attached to their 5xx request line, 1 recorded alone\n`,
    );
  });

  it('stores the load on the request it delayed, and each error once with its message', async () => {
    const records = (await storedRecords(db)).sort((a, b) => a.ts - b.ts);
    expect(
      records.map((r) => [r.endpoint, r.model, r.status, r.load_duration_ms, r.cold_start, r.error_message]),
    ).toEqual([
      ['/api/chat', 'sha256-dde5aa3fc5ff', 200, 4370, true, null],
      ['/api/chat', 'unknown', 200, null, null, null],
      ['/api/embed', 'unknown', 500, null, null, 'embedding generation failed: do embedding request: EOF'],
      ['(server log)', 'unknown', 500, null, null, 'llama runner terminated: signal: killed'],
    ]);
    const { output } = await cli(['report', '--json', '--db', db]);
    expect(JSON.parse(output)).toMatchObject({ requests: 4, failed: 2, cold_starts: 1 });
  });

  it("names the loaded model as pulled with --ollama-models (Ollama's models folder)", async () => {
    const models = join(dir, 'ollama-models');
    const manifest = join(models, 'manifests', 'registry.ollama.ai', 'library', 'qwen2.5');
    mkdirSync(manifest, { recursive: true });
    const layers = [{ mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${blob.slice(7)}`, size: 1 }];
    writeFileSync(join(manifest, '7b'), JSON.stringify({ schemaVersion: 2, layers }));
    const named = freshDatabase();
    const { code, output } = await cli([
      'import',
      '--tz',
      'Europe/Berlin',
      '--ollama-models',
      models,
      '--db',
      named,
      log,
    ]);
    expect(code).toBe(0);
    expect(output).not.toContain('by weights file');
    expect((await storedRecords(named)).map((r) => r.model).sort()).toEqual([
      'qwen2.5:7b',
      'unknown',
      'unknown',
      'unknown',
    ]);
    const wrong = await cli(['import', '--ollama-models', dir, '--db', named, log]);
    expect(wrong.code).toBe(2);
    expect(wrong.output).toContain(`--ollama-models: ${dir} has no manifests folder`);
  });
});

describe('import of a Python performance.jsonl', () => {
  it('maps each line onto a record; failures get their type from the message', async () => {
    const db = freshDatabase();
    const { code, output } = await cli(['import', '--tz', 'Europe/Berlin', '--db', db, PYTHON_LOG]);
    expect(code).toBe(1);
    expect(output).toBe(
      `${PYTHON_LOG} (Python performance.jsonl, times without offset in Europe/Berlin): imported 6, duplicates 0, skipped 2: 1 unknown operation (line 9: "pull"), 1 unparseable (line 8)\n${SKIPPED(2)}`,
    );
    const common = {
      project: null,
      ttft_ms: null,
      total_duration_ms: null,
      done_reason: null,
      concurrency: null,
      switched_from: null,
      output_chunks: null,
      decode_ms: null,
      stream: false,
    };
    const ok = { ...common, status: 200, success: true, error_type: null, error_message: null };
    const failed = {
      ...common,
      load_duration_ms: null,
      prompt_eval_duration_ms: null,
      eval_duration_ms: null,
      prompt_eval_count: null,
      eval_count: null,
      tokens_per_second: null,
      prompt_tokens_per_second: null,
      cold_start: null,
    };
    const records = (await storedRecords(db)).map(({ id, ...rest }) => {
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      return rest;
    });
    expect(records).toEqual([
      {
        ...ok,
        ts: Date.parse('2025-11-05T15:14:34.123Z'),
        model: 'llama3.2:3b',
        operation: 'generate',
        endpoint: '/api/generate',
        latency_ms: 2345.678,
        load_duration_ms: 1834.2,
        prompt_eval_duration_ms: 120.5,
        eval_duration_ms: 380.25,
        prompt_eval_count: 26,
        eval_count: 95,
        tokens_per_second: 249.83,
        prompt_tokens_per_second: 215.77,
        cold_start: true,
      },
      {
        ...ok,
        ts: Date.parse('2025-11-05T15:15:00.500Z'),
        model: 'llama3.2:3b',
        operation: 'chat',
        endpoint: '/api/chat',
        latency_ms: 612.4,
        load_duration_ms: 12.3,
        prompt_eval_duration_ms: 45.1,
        eval_duration_ms: 540,
        prompt_eval_count: 31,
        eval_count: 27,
        tokens_per_second: 50,
        prompt_tokens_per_second: 687.36,
        cold_start: false,
      },
      {
        ...ok,
        ts: 1_762_355_730_250,
        model: 'nomic-embed-text:latest',
        operation: 'embed',
        endpoint: '/api/embed',
        latency_ms: 35.9,
        load_duration_ms: null,
        prompt_eval_duration_ms: 21.5,
        eval_duration_ms: null,
        prompt_eval_count: 8,
        eval_count: null,
        tokens_per_second: null,
        prompt_tokens_per_second: 372.09,
        cold_start: false,
      },
      {
        ...failed,
        ts: Date.parse('2025-11-05T15:16:00Z'),
        model: 'mistral:7b',
        operation: 'chat',
        endpoint: '/api/chat',
        latency_ms: 3.2,
        status: 404,
        success: false,
        error_type: 'model_not_found',
        error_message: 'model "mistral:7b" not found, try pulling it first',
      },
      {
        ...ok,
        ts: 1_762_355_800_000,
        model: 'qwen2.5:14b',
        operation: 'chat',
        endpoint: '/api/chat',
        latency_ms: 4521,
        load_duration_ms: 3120.5,
        prompt_eval_duration_ms: 210,
        eval_duration_ms: 1180,
        prompt_eval_count: 420,
        eval_count: 59,
        tokens_per_second: 59 / (1180 / 1000),
        prompt_tokens_per_second: 420 / (210 / 1000),
        cold_start: true,
      },
      {
        ...failed,
        ts: Date.parse('2025-11-05T15:18:00Z'),
        model: 'qwen2.5:14b',
        operation: 'generate',
        endpoint: '/api/generate',
        latency_ms: 120_000,
        status: 504,
        success: false,
        error_type: 'upstream_timeout',
        error_message: "HTTPConnectionPool(host='localhost', port=11434): Read timed out. (read timeout=120)",
      },
    ]);
    expect((await cli(['import', '--tz', 'Europe/Berlin', '--db', db, PYTHON_LOG])).output).toContain(
      ': imported 0, duplicates 6, skipped 2: ',
    );
  });

  it('takes the cold start threshold from COLD_START_MS or --cold-start-ms', async () => {
    const viaEnv = freshDatabase();
    await cli(['import', '--tz', 'Europe/Berlin', '--db', viaEnv, PYTHON_LOG], { COLD_START_MS: '2000' });
    expect((await storedRecords(viaEnv)).map((r) => r.cold_start)).toEqual([false, false, false, null, true, null]);
    const viaFlag = freshDatabase();
    await cli(['import', '--tz', 'Europe/Berlin', '--db', viaFlag, '--cold-start-ms', '5000', PYTHON_LOG], {
      COLD_START_MS: '2000',
    });
    expect((await storedRecords(viaFlag)).map((r) => r.cold_start)).toEqual([false, false, false, null, false, null]);
  });
});

describe("import of the Python snippet's performance.jsonl (no timestamp, no operation)", () => {
  // Written as the snippet's json.dumps writes it: ", " and ": " separators, no timestamp.
  const dumps = (fields: Record<string, unknown>) =>
    `{${Object.entries(fields)
      .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(', ')}}`;
  const cold = {
    model: 'qwen2.5vl:7b',
    load_duration_ms: 4151.2,
    prompt_eval_duration_ms: 210.5,
    eval_duration_ms: 3021.7,
    tokens_per_second: 41.3,
    prompt_tokens: 812,
    generated_tokens: 125,
  };
  const warm = {
    ...cold,
    load_duration_ms: 12.5,
    prompt_eval_duration_ms: 40,
    eval_duration_ms: 2000,
    generated_tokens: 80,
  };
  const MODIFIED = Date.parse('2026-11-30T08:00:00.000Z');
  const file = join(dir, 'performance.jsonl');
  writeFileSync(file, `${[dumps(cold), dumps(warm), dumps({ ...warm, request_id: 'r-17' })].join('\n')}\n`);
  utimesSync(file, MODIFIED / 1000, MODIFIED / 1000);
  const summary = (imported: number, duplicates: number) =>
    `${file} (performance.jsonl without timestamps): imported ${imported}, duplicates ${duplicates}, skipped 0; keys not used: request_id; 3 line(s) had no timestamp: stamped with the file's modification time 2026-11-30T08:00:00.000Z (+1 ms per line, in file order); latency = load + prompt eval + eval\n`;

  it('is recognized without --format, maps every key, and imports once', async () => {
    const db = freshDatabase();
    const first = await cli(['import', '--db', db, file]);
    expect(first).toEqual({ code: 0, output: summary(3, 0) });
    const records = await storedRecords(db);
    expect(records.map((r) => r.ts)).toEqual([MODIFIED, MODIFIED + 1, MODIFIED + 2]);
    expect(records[0]).toMatchObject({
      model: 'qwen2.5vl:7b',
      operation: 'generate',
      success: true,
      latency_ms: 4151.2 + 210.5 + 3021.7,
      load_duration_ms: 4151.2,
      prompt_eval_duration_ms: 210.5,
      eval_duration_ms: 3021.7,
      prompt_eval_count: 812,
      eval_count: 125,
      tokens_per_second: 41.3,
      cold_start: true,
    });
    expect(records.map((r) => r.cold_start)).toEqual([true, false, false]);

    const again = await cli(['import', '--db', db, file]);
    expect(again).toEqual({ code: 0, output: summary(0, 3) });
    expect(await storedRecords(db)).toHaveLength(3);
  });

  it('can be chosen with --format perf-jsonl, and --cold-start-ms applies', async () => {
    const db = freshDatabase();
    const { code, output } = await cli([
      'import',
      '--db',
      db,
      '--format',
      'perf-jsonl',
      '--cold-start-ms',
      '5000',
      file,
    ]);
    expect({ code, output }).toEqual({ code: 0, output: summary(3, 0) });
    expect((await storedRecords(db)).map((r) => r.cold_start)).toEqual([false, false, false]);
  });
});

describe('import of our own JSONL', () => {
  it('skips and counts malformed lines, never stopping, and imports the rest', async () => {
    const records = fixtureRecords(5);
    const file = join(dir, 'mixed.jsonl');
    const lines = records.map((r) => JSON.stringify(r));
    lines.splice(2, 0, '{"id": "broken", "ts": ');
    lines.splice(4, 0, JSON.stringify({ ...records[0], id: 'bad-ts', ts: 'yesterday' }));
    writeFileSync(file, `${lines.join('\r\n')}\r\n\r\n`);
    const db = freshDatabase();
    const { code, output } = await cli(['import', '--db', db, file]);
    expect(code).toBe(1);
    expect(output).toBe(
      `${file} (ollama-perf JSONL): imported 5, duplicates 0, skipped 2: 1 invalid record (line 5: ts: Invalid input: expected number, received string), 1 unparseable (line 3)\n${SKIPPED(2)}`,
    );
    expect(await storedRecords(db)).toEqual(records);
  });

  it('imports an export of the first release (no concurrency, switched_from) and exits 0', async () => {
    const records = fixtureRecords(10);
    const file = join(dir, 'first-release.jsonl');
    const older = records.map(({ concurrency: _c, switched_from: _s, output_chunks: _o, decode_ms: _d, ...rest }) =>
      JSON.stringify(rest),
    );
    writeFileSync(file, `${older.join('\n')}\n`);
    const db = freshDatabase();
    expect(await cli(['import', '--db', db, file])).toEqual({
      code: 0,
      output: `${file} (ollama-perf JSONL): imported 10, duplicates 0, skipped 0\n`,
    });
    expect(await storedRecords(db)).toEqual(
      records.map((r) => ({ ...r, concurrency: null, switched_from: null, output_chunks: null, decode_ms: null })),
    );
  });

  it("imports a newer version's export, naming the fields it dropped", async () => {
    const records = fixtureRecords(3);
    const file = join(dir, 'newer.jsonl');
    writeFileSync(file, records.map((r) => `${JSON.stringify({ ...r, gpu_name: 'x', gpu_clock_mhz: 3 })}\n`).join(''));
    const db = freshDatabase();
    expect(await cli(['import', '--db', db, file])).toEqual({
      code: 0,
      output: `${file} (ollama-perf JSONL): imported 3, duplicates 0, skipped 0; ignored fields of a newer version: gpu_name, gpu_clock_mhz\n`,
    });
    expect(await storedRecords(db)).toEqual(records);
  });

  it('goes on with the other files when one cannot be read, and says so in the exit code', async () => {
    const csv = join(dir, 'table.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    const db = freshDatabase();
    const { code, output } = await cli(['import', '--db', db, csv, join(dir, 'missing.log'), GIN_LOG]);
    expect(code).toBe(1);
    expect(output).toContain(
      `${csv}: cannot tell the format from the first 2 lines (pass --format gin|jsonl|python|perf-jsonl)\n`,
    );
    expect(output).toContain(`${join(dir, 'missing.log')}: no such file\n`);
    expect(output).toContain(
      'total: imported 10, duplicates 0, skipped 15: 8 other log output, 5 not an inference route, 2 unparseable, 2 file(s) not read\n',
    );
  });

  it('reads a file as the format --format names', async () => {
    const { output } = await cli(['import', '--db', freshDatabase(), '--format', 'jsonl', GIN_LOG]);
    expect(output).toContain(
      '(ollama-perf JSONL): imported 0, duplicates 0, skipped 25: 25 unparseable (lines 1, 2, 3, 4, 5, …)',
    );
  });
});

describe('export', () => {
  const records = fixtureRecords(240);
  let db: string;
  beforeAll(async () => {
    db = await seededDatabase(records);
  });

  it('writes JSONL that imports into a fresh database with equal /stats', async () => {
    const file = join(dir, 'export.jsonl');
    const exported = await cli(['export', '--format', 'jsonl', '--db', db, '--out', file]);
    expect(exported).toEqual({ code: 0, output: `exported 240 records to ${file}\n` });
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(241);

    const copy = freshDatabase();
    expect((await cli(['import', '--db', copy, file])).output).toBe(
      `${file} (ollama-perf JSONL): imported 240, duplicates 0, skipped 0\n`,
    );
    expect((await cli(['import', '--db', copy, file])).output).toBe(
      `${file} (ollama-perf JSONL): imported 0, duplicates 240, skipped 0\n`,
    );

    const statsOf = async (url: string, query: string) => {
      const store = await openStore(url);
      try {
        const app = createApp({ store, sink: storeSink(store), ollamaUrl: 'http://127.0.0.1:1' });
        return await (await app.request(`/stats${query}`)).json();
      } finally {
        await store.close();
      }
    };
    for (const query of ['', '?project=alpha&operation=chat'])
      expect(await statsOf(copy, query)).toEqual(await statsOf(db, query));
    expect(await storedRecords(copy)).toEqual(await storedRecords(db));
  });

  it('writes the same JSONL to stdout', async () => {
    const stdout = await cli(['export', '--format', 'jsonl', '--db', db]);
    expect(stdout.code).toBe(0);
    expect(
      stdout.output
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(await storedRecords(db));
  });

  it('writes RFC 4180 CSV with a header of the record fields that reads back to the same records', async () => {
    const file = join(dir, 'export.csv');
    expect((await cli(['export', '--format', 'csv', '--db', db, '--out', file])).code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(`${REQUEST_METRIC_FIELDS.join(',')}\r\n`)).toBe(true);
    expect(text).toContain(`"we""ird'; drop table request_metrics;--"`);
    const [header, ...rows] = readCsv(text);
    expect(header).toEqual(REQUEST_METRIC_FIELDS);
    const typed = rows.map((row) =>
      Object.fromEntries(
        REQUEST_METRIC_COLUMNS.map((column, i) => {
          const cell = row[i] ?? null;
          if (cell === null) return [column.name, null];
          if (column.type === 'boolean') return [column.name, cell === 'true'];
          return [column.name, column.type === 'text' ? cell : Number(cell)];
        }),
      ),
    );
    expect(typed).toEqual(await storedRecords(db));
  });

  it('keeps quotes, commas and newlines inside fields', async () => {
    const odd = {
      ...(records[0] as RequestMetric),
      id: 'odd',
      success: false,
      error_type: 'stream_error' as const,
      error_message: 'line one,\r\nline "two"\n',
      project: 'a,b',
    };
    const oddDb = await seededDatabase([odd]);
    const { output } = await cli(['export', '--format', 'csv', '--db', oddDb]);
    const [, row] = readCsv(output);
    expect(row?.[REQUEST_METRIC_FIELDS.indexOf('error_message')]).toBe('line one,\r\nline "two"\n');
    expect(row?.[REQUEST_METRIC_FIELDS.indexOf('project')]).toBe('a,b');
  });

  it('exports only what the filters select', async () => {
    const filter = {
      model: 'qwen2.5vl:7b',
      project: 'beta',
      from: Date.parse('2026-11-27T09:00:00Z'),
      to: Date.parse('2026-11-27T11:00:00Z'),
    };
    const { output } = await cli([
      'export',
      '--format',
      'jsonl',
      '--db',
      db,
      '--model',
      filter.model,
      '--project',
      filter.project,
      '--from',
      '2026-11-27T09:00:00Z',
      '--to',
      String(filter.to),
    ]);
    const expected = await storedRecords(db, filter);
    expect(expected.length).toBeGreaterThan(0);
    expect(
      output
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(expected);
  });

  it('refuses a missing format or database, with the reason', async () => {
    expect(await cli(['export', '--db', db])).toMatchObject({
      code: 2,
      output: expect.stringContaining('--format csv|jsonl is required'),
    });
    expect(await cli(['export', '--format', 'xml', '--db', db])).toMatchObject({
      code: 2,
      output: expect.stringContaining('--format "xml" is not csv or jsonl'),
    });
    const missing = join(dir, 'nothing-here.sqlite');
    expect(await cli(['export', '--format', 'csv', '--db', `sqlite:${missing}`])).toEqual({
      code: 1,
      output: `ollama-perf: no database at ${missing} (pass --db or set DATABASE_URL)\n`,
    });
  });
});

describe('report', () => {
  const records = fixtureRecords(240);
  let db: string;
  beforeAll(async () => {
    db = await seededDatabase(records);
  });

  it('--json prints what summarize() computes, with the same filter', async () => {
    const all = await cli(['report', '--json', '--db', db]);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.output)).toEqual(summarize(records));
    const filtered = await cli([
      'report',
      '--json',
      '--db',
      db,
      '--model',
      'qwen2.5vl:7b',
      '--project',
      'alpha',
      '--since',
      '2026-11-27T09:00:00Z',
      '--until',
      '2026-11-27T11:30:00Z',
    ]);
    const filter = {
      model: 'qwen2.5vl:7b',
      project: 'alpha',
      from: Date.parse('2026-11-27T09:00:00Z'),
      to: Date.parse('2026-11-27T11:30:00Z'),
    };
    expect(JSON.parse(filtered.output)).toEqual(summarize(records, filter));
  });

  it('prints the figures operators look for, in plain text when not on a terminal', async () => {
    const { code, output } = await cli(['report', '--db', db]);
    const summary = summarize(records);
    expect(code).toBe(0);
    expect(output).not.toContain('\x1b[');
    expect(output).toContain(`  Requests          ${formatCount(summary.requests)}\n`);
    expect(output).toContain(`  Success rate      ${formatPercent(summary.success_rate)}\n`);
    const generation = output
      .split('\n')
      .find((line) => line.startsWith('  generation ') && output.indexOf(line) < output.indexOf('TIMING (ms)'));
    const tps = summary.tokens_per_second;
    expect(generation?.trim().split(/ +/)).toEqual([
      'generation',
      formatCount(tps.count),
      ...[tps.avg, tps.p50, tps.p95, tps.min, tps.max].map(formatNumber),
    ]);
    const cold = output.split('\n').find((line) => line.startsWith('    cold '));
    expect(cold?.trim().split(/ +/).slice(1, 3)).toEqual([
      formatCount(summary.cold_load_ms.count),
      formatNumber(summary.cold_load_ms.avg),
    ]);
    const perModel = output.slice(output.indexOf('\nPER MODEL\n')).split('\n');
    for (const [model, group] of Object.entries(summary.by_model)) {
      // Long names are shortened in the middle: the row starts as the name does.
      const row = perModel.find((line) => line.startsWith(`  ${model.slice(0, 8)}`));
      expect(row?.trim().split(/ {2,}/).slice(1, 5)).toEqual([
        formatCount(group.requests),
        formatPercent(group.success_rate),
        formatNumber(group.tokens_per_second.p50),
        formatNumber(group.tokens_per_second.p95),
      ]);
    }
    for (const [type, n] of Object.entries(summary.errors_by_type))
      expect(output).toMatch(new RegExp(`\\n  ${type} +${n} `));
  });

  it('says when nothing matches, and refuses unreadable times', async () => {
    const none = await cli(['report', '--db', db, '--model', 'missing:1b']);
    expect(none.code).toBe(0);
    expect(none.output).toContain('No records match.');
    const bad = await cli(['report', '--db', db, '--since', 'last tuesday']);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--since "last tuesday" is not a time');
  });

  describe('--url, against a running gateway', () => {
    let url: string;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ url, close } = await servedGateway(await openStore(db)));
    });
    afterAll(() => close());

    it('reports what the gateway reports, with --token or API_TOKEN', async () => {
      const json = await cli(['report', '--json', '--url', url, '--token', 'tok']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.output)).toEqual(summarize(records));
      const model = await cli(
        ['report', '--json', '--url', url, '--model', 'hf.co/org/repo:Q4_K_M', '--operation', 'chat'],
        { API_TOKEN: 'tok' },
      );
      // The breakdowns of /stats/:model come through as they are.
      expect(JSON.parse(model.output)).toEqual({
        ...summarize(records, { model: 'hf.co/org/repo:Q4_K_M', operation: 'chat' }),
        by_prompt_tokens: expect.arrayContaining([expect.objectContaining({ bucket: expect.any(String) })]),
      });
      const text = await cli(['report', '--url', url], { API_TOKEN: 'tok' });
      expect(text.output).toContain(`  source    gateway ${url}\n`);
      expect(text.output).toContain(`  Requests          ${records.length}\n`);
    });

    it('fails in one line when the token is wrong', async () => {
      const { code, output } = await cli(['report', '--url', url, '--token', 'nope']);
      expect(code).toBe(1);
      expect(output.trim().split('\n')).toHaveLength(1);
      expect(output).toMatch(/^ollama-perf: /);
    });
  });
});
