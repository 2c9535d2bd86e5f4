/**
 * The isolation section's table: per phase, the proxied requests the probe timed, the proxy
 * thread's event-loop delay the gateway reported, and the gateway's peak RSS.
 */
import { count, mb, ms, type Table } from './format.js';
import { ISOLATION_PHASES, type IsolationResult } from './isolation.js';

/** The isolation section's tables. */
export function isolationTables(result: IsolationResult): Table[] {
  const { sizes, import: imported, fresh } = result;
  const notes = [
    'Each phase runs on a freshly started `ollama-perf serve` (SQLite file, storage on its own thread, default rollup interval); the probe, in a process of its own, sends non-streamed POST /api/generate one after another to a stand-in Ollama through it (20 unmeasured first). Event-loop delay: /healthz `proxy.event_loop_delay_ms`, a window of 60 s from the gateway’s start, read every second; the largest p99 of the windows the phase covered. Cores: CPU time of the gateway’s main (proxy) thread and of the whole gateway over the phase, divided by its wall time (/proc).',
    `(a): ${count(sizes.importPast)} records over the 3 days before the current hour and ${count(sizes.importHour)} in it, interleaved, batches of ${count(sizes.batchSize)}, ${sizes.inFlight} in flight; then /stats and /stats/:model in turn for ${(sizes.statsLoopMs / 1000).toFixed(0)} s.`,
  ];
  if (imported !== null)
    notes.push(
      `(a) took ${imported.seconds.toFixed(1)} s for the import (${count(imported.sent / imported.seconds)} records/s, ${count(imported.lost)} lost${imported.firstError === null ? '' : `, first error: ${imported.firstError}`}); in the loop: /stats p50 ${ms(imported.stats.summary.p50)} ms, max ${ms(imported.stats.summary.max)} ms; /stats/:model p50 ${ms(imported.stats.model.p50)} ms, max ${ms(imported.stats.model.max)} ms; ${count(imported.stats.errors)} errors.`,
    );
  notes.push(
    `(b): a spool of ${count(sizes.spoolRecords)} records (JSON lines, the last day) found at start-up; the phase ends when /healthz reports it written. (c): ${count(sizes.rebuildRecords)} records filled directly, every hour and day marked dirty (Rollups.markAll), rebuilt by the gateway's timer; the phase ends when no closed period is dirty.`,
  );
  if (fresh !== null)
    notes.push(
      `Large import: ${count(fresh.import.sent)} records (${count(sizes.freshPast)} past, ${count(sizes.freshHour)} this hour) in ${fresh.import.seconds.toFixed(1)} s; first /stats ${ms(fresh.firstStatsMs)} ms, then ${sizes.statsRuns} calls each: /stats p50 ${ms(fresh.summary.medianMs)} ms, /stats/:model p50 ${ms(fresh.model.medianMs)} ms; counted ${count(fresh.counted.total ?? Number.NaN)} of ${count(fresh.expected.total)} sent (model: ${count(fresh.counted.model ?? Number.NaN)} of ${count(fresh.expected.model)}).`,
    );
  return [
    {
      title: 'Isolation — proxied requests while storage works',
      columns: [
        'phase',
        'seconds',
        'requests',
        'p50 ms',
        'p99 ms',
        'max ms',
        'errors',
        'loop delay p99 ms',
        'loop delay max ms',
        'proxy thread cores',
        'gateway cores',
        'peak RSS',
      ],
      rows: ISOLATION_PHASES.map(({ name, label }) => {
        const phase = result.phases.find((p) => p.name === name);
        const failure = result.failures[name];
        if (phase === undefined) return [label, failure === undefined ? 'n/a' : `failed: ${failure}`];
        const p = phase.proxied;
        return [
          label,
          phase.seconds.toFixed(0),
          count(p.requests),
          ms(p.p50),
          ms(p.p99),
          ms(p.max),
          count(p.errors),
          ms(phase.eventLoop.p99),
          ms(phase.eventLoop.max),
          phase.proxyThreadCores.toFixed(2),
          phase.gatewayCores.toFixed(2),
          mb(phase.peakRss),
        ];
      }),
      notes,
    },
  ];
}
