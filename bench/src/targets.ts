/**
 * The performance targets from the benchmark issue, checked against a run's results: each
 * with the figure measured, the baseline it is compared with (measured in the same run),
 * met / not met, and — when not met — what the figures say limits it.
 */
import { count, mb, ms, ratio, signedMs } from './format.js';
import { isolationChecks } from './isolation-targets.js';
import { cellOf, type ScenarioName } from './overhead.js';
import type { BenchResults } from './sections.js';
import { type AccuracyCheck, STATS_MODEL, type StatsMeasurement } from './stats.js';
import { notMeasured, type TargetCheck, verdict } from './target-check.js';

export type { TargetCheck, TargetStatus } from './target-check.js';

function ingestNote(
  results: BenchResults,
  backend: 'sqlite' | 'postgres',
  goal: number,
  rate: { seq: number; c4: number; sink: number; base: number },
): string {
  const best = Math.max(rate.seq, rate.c4);
  const parts = [
    `Sequential ${count(rate.seq)}/s, 4 in flight ${count(rate.c4)}/s; the middleware's sink path ${count(rate.sink)}/s; MetricStore.insert, one batch at a time, ${count(rate.base)}/s.`,
  ];
  if (best >= goal) return parts.join(' ');
  if (rate.base < goal)
    parts.push('Even the database path alone, one batch at a time, stays under the target on this machine.');
  if (rate.c4 > rate.base) {
    parts.push(
      'With 4 requests in flight the pool works on several batches at once and /ingest passes the one-at-a-time baseline, but not the target.',
    );
  } else {
    parts.push(
      `HTTP, JSON parsing and validation of every record come on top: sequential /ingest runs at ${ratio(rate.seq / rate.base)} of the store's own rate.`,
    );
  }
  // The stats fill writes the same rows with raw prepared multi-row INSERTs: a ceiling for SQLite.
  const fill =
    backend === 'sqlite' ? results.sections.stats?.measurements.find((m) => m.backend === 'sqlite') : undefined;
  if (fill !== undefined && fill.fillRate > rate.base * 1.5) {
    parts.push(
      `For scale: the stats section fills SQLite with raw better-sqlite3 prepared multi-row INSERTs at ${count(fill.fillRate)} records/s (record generation included; synchronous = OFF there), so the store's own path — rows bound one by one, the rollup periods marked in the same transaction, WAL with synchronous = NORMAL — costs more than the fill's.`,
    );
  }
  parts.push('Where the time goes, from CPU profiles: bench/README.md.');
  return parts.join(' ');
}

/** Targets met, not met and not measured, for a one-line summary. */
export function targetTally(checks: TargetCheck[]): Record<'met' | 'notMet' | 'notMeasured', number> {
  return {
    met: checks.filter((c) => c.status === 'met').length,
    notMet: checks.filter((c) => c.status.startsWith('not met')).length,
    notMeasured: checks.filter((c) => c.status === 'not measured').length,
  };
}

/**
 * Checks every target the run has figures for.
 *
 * @example
 * for (const t of checkTargets(results)) console.log(t.target, t.status);
 */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { overhead, ttfb, memory, ingest, stats } = results.sections;

  // The Node gateway runs the node:http data path, so its measurement's own cost is what it
  // adds over the node:http floor (e), the same forwarding without capture.
  const middlewareGoal = '≤ +0.1 ms median';
  const middlewareName = "Middleware's own cost (c − e), non-streamed";
  if (overhead === undefined) checks.push(notMeasured(middlewareName, middlewareGoal, 'overhead section not run'));
  else {
    const c = cellOf(overhead, 'gateway-sqlite', 'json', 1);
    const e = cellOf(overhead, 'node-proxy', 'json', 1);
    const paired = c?.vs['node-proxy'];
    if (c === undefined || e === undefined)
      checks.push(notMeasured(middlewareName, middlewareGoal, 'no sequential run'));
    else if (paired === undefined)
      checks.push(notMeasured(middlewareName, middlewareGoal, 'results saved before (c) was paired with (e)'));
    else {
      // The issue states the target as (c) over (b), the bare Hono proxy; (c) runs a leaner
      // data path than (b), so that comparison is met by the plumbing. Both are reported.
      const overBare = c.vs['bare-hono'];
      if (overBare !== undefined) {
        checks.push({
          target: "Middleware's own cost as the issue states it (c − b), non-streamed, sequential",
          goal: middlewareGoal,
          measured: `${signedMs(overBare.p50DiffMs)} ms`,
          baseline: `(b) p50 ${ms(cellOf(overhead, 'bare-hono', 'json', 1)?.p50 ?? Number.NaN)} ms`,
          status: verdict(overBare.p50DiffMs <= 0.1),
          note: 'The gateway (c) forwards on node:http while the bare Hono proxy (b) goes through @hono/node-server and fetch, so (c) is faster than (b) despite measuring: this is met by the plumbing, not by the capture being free. The next row measures the capture alone, against the node:http floor.',
        });
      }
      checks.push({
        target: `${middlewareName}, sequential`,
        goal: middlewareGoal,
        measured: `${signedMs(paired.p50DiffMs)} ms`,
        baseline: `(e) p50 ${ms(e.p50)} ms`,
        status: verdict(paired.p50DiffMs <= 0.1),
        note: `CPU per request in the front process: (c) ${ms(c.frontCpuMs)} ms vs (e) ${ms(e.frontCpuMs)} ms (paired Δ ${signedMs(paired.cpuDiffMs)} ms) — the capture: JSON-parsing the answer for its usage and timings, the request body's model, building the record with a UUIDv7, the sink. CPU time does not count time spent waiting for a core, so it is less disturbed than latency by other work on a shared machine.`,
      });
    }
  }

  for (const [variant, letter, goal] of [
    ['gateway-sqlite', 'c', 0.9],
    ['gateway-noop', 'd', 0.95],
  ] as const) {
    for (const scenario of ['json', 'stream'] as ScenarioName[]) {
      const name = `Throughput ${letter}/b at 64 concurrent, ${scenario === 'json' ? 'non-streamed' : '1,000-line stream'}`;
      const cell = overhead === undefined ? undefined : cellOf(overhead, variant, scenario, 64);
      const bare = overhead === undefined ? undefined : cellOf(overhead, 'bare-hono', scenario, 64);
      if (cell === undefined || bare === undefined) {
        checks.push(notMeasured(name, `≥ ${goal.toFixed(2)}`, 'no 64-concurrent run'));
        continue;
      }
      const r = cell.vs['bare-hono'].rpsRatio;
      const direct = overhead === undefined ? undefined : cellOf(overhead, 'direct', scenario, 64);
      const bottleneck =
        direct !== undefined && cell.rps < 0.8 * direct.rps
          ? `With 64 in flight the front process is the bottleneck (directly, the stand-in serves ${count(direct.rps)} req/s)`
          : `With 64 in flight the stand-in and the client take a large share of the 2 cores too (directly: ${count(direct?.rps ?? Number.NaN)} req/s)`;
      checks.push({
        target: name,
        goal: `≥ ${goal.toFixed(2)}`,
        measured: ratio(r),
        baseline: `(b) ${count(bare.rps)} req/s`,
        status: verdict(r >= goal),
        note:
          r >= goal
            ? `(${letter}) ${count(cell.rps)} req/s.`
            : `(${letter}) ${count(cell.rps)} req/s. ${bottleneck}; the gateway spends ${ms(cell.frontCpuMs)} ms CPU per request against ${ms(bare.frontCpuMs)} ms for the bare proxy` +
              (scenario === 'stream'
                ? ' — the capture reads every line of the stream (line splitting, a regex test per line, JSON.parse of the final line).'
                : ' — per request the capture decodes and JSON-parses the answer (for its usage and timings), builds the record with a UUIDv7 and hands it to the sink.'),
      });
    }
  }

  const wholeGoal = '≤ +0.5 ms median';
  const cA = overhead === undefined ? undefined : cellOf(overhead, 'gateway-sqlite', 'json', 1);
  const a = overhead === undefined ? undefined : cellOf(overhead, 'direct', 'json', 1);
  const b1 = overhead === undefined ? undefined : cellOf(overhead, 'bare-hono', 'json', 1);
  const e1 = overhead === undefined ? undefined : cellOf(overhead, 'node-proxy', 'json', 1);
  if (cA === undefined || a === undefined || b1 === undefined || e1 === undefined)
    checks.push(notMeasured("Gateway's whole cost (c − a), non-streamed", wholeGoal, 'overhead section not run'));
  else {
    const diff = cA.vs.direct.p50DiffMs;
    checks.push({
      target: "Gateway's whole cost (c − a), non-streamed, sequential",
      goal: wholeGoal,
      measured: `${signedMs(diff)} ms`,
      baseline: `(a) p50 ${ms(a.p50)} ms`,
      status: verdict(diff <= 0.5),
      note:
        diff <= 0.5
          ? ''
          : `The node:http floor (e − a) alone adds ${signedMs(e1.vs.direct.p50DiffMs)} ms here (two more loopback hops and their wake-ups on a shared 2-core machine), the bare Hono proxy (b − a) ${signedMs(b1.vs.direct.p50DiffMs)} ms. CPU per request: (c) ${ms(cA.frontCpuMs)} ms, (e) ${ms(e1.frontCpuMs)} ms, (b) ${ms(b1.frontCpuMs)} ms.`,
    });
  }

  const ttfbGoal = '≤ +1 ms';
  const tc = ttfb?.measurements.find((m) => m.variant === 'gateway-sqlite');
  const ta = ttfb?.measurements.find((m) => m.variant === 'direct');
  const tb = ttfb?.measurements.find((m) => m.variant === 'bare-hono');
  const te = ttfb?.measurements.find((m) => m.variant === 'node-proxy');
  if (tc === undefined || ta === undefined || tb === undefined || te === undefined)
    checks.push(notMeasured('TTFB of a stream, gateway − direct', ttfbGoal, 'ttfb section not run'));
  else {
    checks.push({
      target: 'TTFB of a stream, gateway − direct (median)',
      goal: ttfbGoal,
      measured: `${signedMs(tc.vsDirectMs)} ms`,
      baseline: `(a) ${ms(ta.medianMs)} ms`,
      status: verdict(tc.vsDirectMs <= 1),
      note:
        tc.vsDirectMs <= 1
          ? ''
          : `The node:http floor alone adds ${signedMs(te.vsDirectMs)} ms (the gateway − floor: ${signedMs(tc.vsDirectMs - te.vsDirectMs)} ms), the bare Hono proxy ${signedMs(tb.vsDirectMs)} ms.`,
    });
  }

  const rssGoal = '≤ 20 MB';
  const gw = memory?.measurements.find((m) => m.subject === 'gateway');
  const bareMem = memory?.measurements.find((m) => m.subject === 'bare-hono');
  if (memory === undefined || gw === undefined || bareMem === undefined)
    checks.push(notMeasured('RSS growth, 200 MB stream through the gateway', rssGoal, 'memory section not run'));
  else {
    const full = gw.bytesStreamed >= 190e6;
    checks.push({
      target: `RSS growth, ${mb(gw.bytesStreamed)} stream through the gateway`,
      goal: rssGoal,
      measured: mb(gw.growth),
      baseline: `bare Hono proxy ${mb(bareMem.growth)}`,
      status: full ? verdict(gw.growth <= 20e6) : 'not measured',
      note:
        (full ? '' : `Only ${mb(gw.bytesStreamed)} streamed in this mode; the target is for 200 MB. `) +
        `Peak − before (VmHWM reset before the stream). The same stream through the bare proxy grows its RSS by ${mb(bareMem.growth)}` +
        (gw.growth < bareMem.growth / 1.5
          ? ': the gateway forwards on node:http, which holds less than fetch and Web streams; what it grows by is V8 heap headroom between collections (the capture parses only the lines it needs), not the body'
          : gw.growth <= bareMem.growth * 1.5
            ? ', about as much: the growth is the runtime (V8 heap headroom, undici and Web-stream buffers), not the middleware holding the body'
            : `: the middleware's share is about ${mb(gw.growth - bareMem.growth)}`) +
        '. One stream per run: the peak moves by several MB from run to run with when the collector runs' +
        `. After the stream the gateway's RSS stays ${mb(gw.rssAfter - gw.rssBefore)} above where it started, ${mb(gw.bytesStreamed)} having passed.`,
    });
  }

  for (const [backend, goal] of [
    ['sqlite', 50_000],
    ['postgres', 20_000],
  ] as const) {
    const name = `Ingest into ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, POST /ingest (batches of 1,000)`;
    const goalText = `≥ ${count(goal)} records/s`;
    const of = (path: string) => ingest?.measurements.find((m) => m.backend === backend && m.path === path);
    const seq = of('ingest-seq');
    const c4 = of('ingest-c4');
    const sink = of('sink');
    const base = of('store-insert');
    if (seq === undefined || c4 === undefined || sink === undefined || base === undefined) {
      checks.push(notMeasured(name, goalText, 'ingest section not run'));
      continue;
    }
    const best = Math.max(seq.rate, c4.rate);
    const fullBatches = (ingest?.sizes.batchSize ?? 0) >= 1000;
    checks.push({
      target: name,
      goal: goalText,
      measured: `${count(best)}/s (${best === c4.rate ? '4 in flight' : 'sequential'})`,
      baseline: `store.insert ${count(base.rate)}/s`,
      status: fullBatches ? verdict(best >= goal) : 'not measured',
      note: ingestNote(results, backend, goal, { seq: seq.rate, c4: c4.rate, sink: sink.rate, base: base.rate }),
    });
  }

  checks.push(...statsChecks(stats?.measurements ?? []));
  checks.push(...isolationChecks(results.sections.isolation));

  return checks;
}

const STATS_GOAL_MS = 50;

/**
 * The /stats targets: both routes ≤ 50 ms median at 10M SQLite records, at most 2× the cost
 * at 1M, and every percentile within 1% of exact at every size measured.
 */
function statsChecks(measurements: StatsMeasurement[]): TargetCheck[] {
  const sqlite = measurements.filter((m) => m.backend === 'sqlite').sort((x, y) => x.records - y.records);
  const tenM = sqlite.find((m) => m.records >= 10_000_000);
  const oneM = sqlite.find((m) => m.records === 1_000_000);
  const largest = sqlite.at(-1);
  const how =
    'Served from rollups (hour/day/month per model × operation × project, log-bucket sketches merged at query time; the hourly series from per-hour summaries stored when each hour is built), with records read only for the edges of the window and periods not yet built';
  const checks: TargetCheck[] = [];
  for (const [route, pick] of [
    ['/stats', (m: StatsMeasurement) => m.summary],
    [`/stats/${STATS_MODEL}`, (m: StatsMeasurement) => m.model],
  ] as const) {
    const target = `${route} with 10M records, SQLite`;
    if (tenM === undefined) {
      checks.push(
        notMeasured(
          target,
          `≤ ${STATS_GOAL_MS} ms median`,
          largest === undefined
            ? 'stats section not run'
            : `10M only with --full; ${count(largest.records)} records: ${ms(pick(largest).medianMs)} ms`,
        ),
      );
      continue;
    }
    const timing = pick(tenM);
    checks.push({
      target,
      goal: `≤ ${STATS_GOAL_MS} ms median`,
      measured: timing.failure !== null ? `failed: ${timing.failure}` : `${ms(timing.medianMs)} ms`,
      baseline: oneM === undefined ? '—' : `1M records: ${ms(pick(oneM).medianMs)} ms`,
      status: timing.failure !== null ? 'not met' : verdict(timing.medianMs <= STATS_GOAL_MS),
      note: `${how}.`,
    });
    if (oneM !== undefined && timing.failure === null) {
      const growth = timing.medianMs / pick(oneM).medianMs;
      checks.push({
        target: `${route} cost, 1M → 10M records`,
        goal: '≤ 2×',
        measured: `${growth.toFixed(2)}×`,
        baseline: `1M: ${ms(pick(oneM).medianMs)} ms`,
        status: verdict(growth <= 2),
        note: 'Rollup rows grow with periods and distinct values, not with records.',
      });
    }
  }
  const checked = measurements.filter((m) => m.accuracy !== null);
  if (checked.length > 0) {
    const worst = Math.max(...checked.map((m) => (m.accuracy as AccuracyCheck).maxRelativeError));
    const mismatches = checked.reduce((sum, m) => sum + (m.accuracy as AccuracyCheck).countMismatches, 0);
    checks.push({
      target: 'Every percentile within 1% of exact',
      goal: '≤ 1%, counts exact',
      measured: `max ${(worst * 100).toFixed(2)}%, ${mismatches} count mismatches`,
      baseline: checked.map((m) => `${m.backend} ${count(m.records)}`).join(', '),
      status: verdict(worst <= 0.01 && mismatches === 0),
      note: 'Sketch buckets of ±0.9% relative width; R-7 interpolation between the two ranks read from them.',
    });
  }
  return checks;
}
