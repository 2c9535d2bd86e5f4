/**
 * Ollama's availability as Prometheus families, from the stored runs of `/api/ps` polls:
 * `ollama_up` (the last poll), and totals of polls by outcome and of outages since the first
 * poll — cumulative from the database, like every other counter here.
 */
import { type AvailabilityRun, outagesOf } from '@ollama-perf/core';
import { Counter, type Family, Gauge } from './families.js';

/** The availability families over every stored run (oldest first); `ollama_up` has no sample before the first poll. */
export function availabilityFamilies(runs: readonly AvailabilityRun[]): Family[] {
  const up = new Gauge('ollama_up', 'Whether Ollama answered the last /api/ps poll of the gateway (1) or not (0).');
  const polls = new Counter('ollama_polls_total', "The gateway's /api/ps polls of Ollama, by outcome.");
  const outages = new Counter(
    'ollama_outages_total',
    'Outages of Ollama: runs of unanswered polls, each counted when it starts.',
  );
  const last = runs.at(-1);
  if (last !== undefined) {
    up.add([], last.up ? 1 : 0);
    const answered = polls.series([['outcome', 'answered']]);
    const failed = polls.series([['outcome', 'failed']]);
    for (const run of runs) (run.up ? answered : failed).n += run.polls;
    // `now` only sizes an open outage's duration, which is not counted here.
    outages.add([], outagesOf(runs, last.last).length);
  }
  return [up, polls, outages];
}
