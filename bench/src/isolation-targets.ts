/**
 * The isolation targets of issue #14, checked against the isolation section's results:
 * proxied requests during storage work against the idle baseline of the same run, the proxy
 * thread's event-loop delay, `/stats` right after a large import, and the gateway's peak RSS.
 */
import { count, mb, ms } from './format.js';
import type { IsolationPhase, IsolationPhaseName, IsolationResult, IsolationSizes } from './isolation.js';
import { notMeasured, type TargetCheck, verdict } from './target-check.js';

const PROXIED_GOAL = 'p99 ≤ max(3× idle p99, idle p99 + 50 ms), max ≤ 1 s, 0 errors';
const DELAY_GOAL_MS = 10;
const FIRST_STATS_GOAL_MS = 2_000;
const STATS_P50_GOAL_MS = 200;
const RSS_GOAL = 300e6;

const LOADED: Array<{ name: IsolationPhaseName; label: string; full: (s: IsolationSizes) => boolean }> = [
  {
    name: 'import',
    label: '(a) an import through /ingest, then /stats in a loop',
    full: (s) => s.importPast >= 250_000 && s.importHour >= 100_000 && s.statsLoopMs >= 20_000,
  },
  { name: 'replay', label: '(b) a spool replay', full: (s) => s.spoolRecords >= 300_000 },
  { name: 'rebuild', label: '(c) a full rollup rebuild', full: (s) => s.rebuildRecords >= 10_000_000 },
];

/** The proxied p99 a loaded phase may reach, from the idle p99 of the same run, ms. */
export function proxiedP99Limit(idleP99: number): number {
  return Math.max(3 * idleP99, idleP99 + 50);
}

/** Whether the phase's delays came from work on the proxy thread or from waiting for a core. */
function whatLimits(phase: IsolationPhase, idle: IsolationPhase): string {
  const { proxied, eventLoop } = phase;
  const cores = `the proxy thread used ${phase.proxyThreadCores.toFixed(2)} of a core (idle: ${idle.proxyThreadCores.toFixed(2)}), the whole gateway ${phase.gatewayCores.toFixed(2)} (idle: ${idle.gatewayCores.toFixed(2)})`;
  const stalled = eventLoop.max >= proxied.max / 2;
  const busier = phase.proxyThreadCores > idle.proxyThreadCores * 1.5 + 0.05;
  if (busier)
    return `The proxy thread worked more than when idle — ${cores}: work of this phase ran on it${phase.name.includes('import') ? ' (the /ingest bodies are parsed and validated there, by design)' : ''}${stalled ? `, and stalled it for up to ${ms(eventLoop.max)} ms` : ''}.`;
  return `The proxy thread did no more work than when idle — ${cores}: its delays${stalled ? ` (up to ${ms(eventLoop.max)} ms)` : ''} are time spent waiting for a core, which the storage thread, the stand-in, the probe, the bench's load generator and any other work on the machine share (2 cores; see the load average under Machine).`;
}

function phaseDetail(result: IsolationResult, name: IsolationPhaseName): string {
  const { import: imported, rebuild, fresh } = result;
  if (name === 'import' && imported !== null)
    return `${count(imported.sent)} records through /ingest in ${imported.seconds.toFixed(1)} s (${count(imported.sent / imported.seconds)}/s, ${count(imported.lost)} lost), then /stats p50 ${ms(imported.stats.summary.p50)} ms (max ${ms(imported.stats.summary.max)}) and /stats/:model p50 ${ms(imported.stats.model.p50)} ms (max ${ms(imported.stats.model.max)}), ${imported.stats.summary.count + imported.stats.model.count} calls in ${(result.sizes.statsLoopMs / 1000).toFixed(0)} s${imported.hourRolledOver ? '; the hour changed during the phase, so part of "the current hour" was a closed hour by the end' : ''}.`;
  if (name === 'replay') return `${count(result.sizes.spoolRecords)} spooled records replayed at start-up.`;
  if (name === 'rebuild' && rebuild !== null)
    return `${count(rebuild.records)} records, every hour and day marked dirty, rebuilt by the gateway's rollup timer.`;
  if (name === 'fresh-import' && fresh !== null)
    return `${count(fresh.import.sent)} records through /ingest in ${fresh.import.seconds.toFixed(1)} s.`;
  return '';
}

function loadedChecks(result: IsolationResult, idle: IsolationPhase): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const limit = proxiedP99Limit(idle.proxied.p99);
  for (const { name, label, full } of LOADED) {
    const phase = result.phases.find((p) => p.name === name);
    const proxiedName = `Proxied requests during ${label}`;
    const delayName = `Proxy event-loop delay p99 during ${label}`;
    if (phase === undefined) {
      const why = result.failures[name] === undefined ? 'phase not run' : `phase failed: ${result.failures[name]}`;
      checks.push(notMeasured(proxiedName, PROXIED_GOAL, why));
      checks.push(notMeasured(delayName, `≤ ${DELAY_GOAL_MS} ms`, why));
      continue;
    }
    const sized = full(result.sizes);
    const smaller = sized ? '' : 'Smaller than the target’s sizes in this mode. ';
    const p = phase.proxied;
    const ok = p.p99 <= limit && p.max <= 1000 && p.errors === 0;
    checks.push({
      target: proxiedName,
      goal: PROXIED_GOAL,
      measured: `p99 ${ms(p.p99)} ms, max ${ms(p.max)} ms, ${count(p.errors)} errors`,
      baseline: `idle p99 ${ms(idle.proxied.p99)} ms (limit ${ms(limit)} ms)`,
      status: sized ? verdict(ok) : 'not measured',
      note: `${smaller}${count(p.requests)} sequential requests in ${phase.seconds.toFixed(0)} s, p50 ${ms(p.p50)} ms (idle ${ms(idle.proxied.p50)} ms). ${phaseDetail(result, name)}${ok ? '' : ` ${whatLimits(phase, idle)}`}${p.firstError === null ? '' : ` First error: ${p.firstError}.`}`,
    });
    const delay = phase.eventLoop;
    checks.push({
      target: delayName,
      goal: `≤ ${DELAY_GOAL_MS} ms`,
      measured: `${ms(delay.p99)} ms (max ${ms(delay.max)} ms)`,
      baseline: `idle ${ms(idle.eventLoop.p99)} ms (max ${ms(idle.eventLoop.max)} ms)`,
      status: sized ? verdict(delay.p99 <= DELAY_GOAL_MS) : 'not measured',
      note: `${smaller}From /healthz proxy.event_loop_delay_ms, a window of 60 s from the gateway's start: each phase runs on a freshly started gateway and /healthz is read every second; the figure is the largest p99 of the ${delay.windows} window(s) the phase covered (each window's last reading), the gateway's start-up included.${delay.p99 > DELAY_GOAL_MS ? ` ${whatLimits(phase, idle)}` : ''}`,
    });
  }
  return checks;
}

function freshChecks(result: IsolationResult | null, why = 'phase not run'): TargetCheck[] {
  const fresh = result?.fresh ?? null;
  const names = {
    first: 'First /stats right after a 1M-record import',
    summary: '/stats right after a 1M-record import, p50',
    model: '/stats/:model right after a 1M-record import, p50',
  };
  if (result === null || fresh === null)
    return [
      notMeasured(names.first, `≤ ${count(FIRST_STATS_GOAL_MS)} ms, counts exact`, why),
      notMeasured(names.summary, `≤ ${STATS_P50_GOAL_MS} ms`, why),
      notMeasured(names.model, `≤ ${STATS_P50_GOAL_MS} ms`, why),
    ];
  const { sizes } = result;
  const sized = sizes.freshPast + sizes.freshHour >= 1_000_000;
  const smaller = sized ? '' : `Only ${count(sizes.freshPast + sizes.freshHour)} records in this mode. `;
  const exact =
    fresh.counted.total === fresh.expected.total &&
    fresh.counted.model === fresh.expected.model &&
    fresh.import.lost === 0;
  const split = `${count(sizes.freshPast)} over the 3 days before the current hour and ${count(sizes.freshHour)} in it, batches of ${count(sizes.batchSize)}, ${sizes.inFlight} in flight`;
  const timing = (t: { medianMs: number; failure: string | null }) =>
    t.failure === null ? `${ms(t.medianMs)} ms` : `failed: ${t.failure}`;
  const okTiming = (t: { medianMs: number; failure: string | null }) =>
    t.failure === null && t.medianMs <= STATS_P50_GOAL_MS;
  return [
    {
      target: names.first,
      goal: `≤ ${count(FIRST_STATS_GOAL_MS)} ms, counts exact`,
      measured: `${ms(fresh.firstStatsMs)} ms; counted ${count(fresh.counted.total ?? Number.NaN)} of ${count(fresh.expected.total)} sent`,
      baseline: `/ingest took ${fresh.import.seconds.toFixed(1)} s`,
      status: sized ? verdict(fresh.firstStatsMs <= FIRST_STATS_GOAL_MS && exact) : 'not measured',
      note: `${smaller}${split}; /stats asked as soon as the last batch was answered. /stats/:model counted ${count(fresh.counted.model ?? Number.NaN)} of ${count(fresh.expected.model)}; ${count(fresh.import.lost)} records lost.`,
    },
    {
      target: names.summary,
      goal: `≤ ${STATS_P50_GOAL_MS} ms`,
      measured: timing(fresh.summary),
      baseline: `first call ${ms(fresh.firstStatsMs)} ms`,
      status: sized ? verdict(okTiming(fresh.summary)) : 'not measured',
      note: `${smaller}${fresh.summary.runsMs.length} calls one after the other, after the first.`,
    },
    {
      target: names.model,
      goal: `≤ ${STATS_P50_GOAL_MS} ms`,
      measured: timing(fresh.model),
      baseline: `/stats ${timing(fresh.summary)}`,
      status: sized ? verdict(okTiming(fresh.model)) : 'not measured',
      note: `${smaller}${fresh.model.runsMs.length} calls one after the other, after those of /stats.`,
    },
  ];
}

/**
 * Checks the isolation targets; every one is "not measured" when the section did not run.
 *
 * @example
 * checks.push(...isolationChecks(results.sections.isolation));
 */
export function isolationChecks(result: IsolationResult | undefined): TargetCheck[] {
  const idle = result?.phases.find((p) => p.name === 'idle');
  if (result === undefined || idle === undefined) {
    const idleFailure = result?.failures.idle;
    const why =
      result === undefined
        ? 'isolation section not run'
        : `no idle baseline${idleFailure === undefined ? '' : ` (failed: ${idleFailure})`}`;
    return [
      ...LOADED.flatMap(({ label }) => [
        notMeasured(`Proxied requests during ${label}`, PROXIED_GOAL, why),
        notMeasured(`Proxy event-loop delay p99 during ${label}`, `≤ ${DELAY_GOAL_MS} ms`, why),
      ]),
      ...freshChecks(null, why),
      notMeasured('Peak RSS of the gateway through the isolation phases', `≤ ${mb(RSS_GOAL)}`, why),
    ];
  }
  const peak = Math.max(...result.phases.map((p) => p.peakRss));
  const worst = result.phases.find((p) => p.peakRss === peak);
  const allSized =
    LOADED.every(({ full }) => full(result.sizes)) &&
    Object.keys(result.failures).length === 0 &&
    result.fresh !== null;
  const freshFailure = result.failures['fresh-import'];
  return [
    ...loadedChecks(result, idle),
    ...freshChecks(result, freshFailure === undefined ? 'phase not run' : `phase failed: ${freshFailure}`),
    {
      target: 'Peak RSS of the gateway through the isolation phases',
      goal: `≤ ${mb(RSS_GOAL)}`,
      measured: `${mb(peak)} (${worst?.name ?? '—'})`,
      baseline: `idle ${mb(idle.peakRss)}`,
      status: allSized ? verdict(peak <= RSS_GOAL) : 'not measured',
      note: `VmHWM of the gateway process (all its threads, the storage thread included), read every 200 ms and at the end of each phase; one gateway per phase: ${result.phases.map((p) => `${p.name} ${mb(p.peakRss)} (anonymous memory at most ${mb(p.peakAnon)} in the samples)`).join(', ')}.`,
    },
  ];
}
