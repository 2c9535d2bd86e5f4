// The breakdowns of the window: where the time goes per model (load / prompt eval /
// generation / the rest), and latency by prompt length, by concurrency and requests by hour.

import { barChart, stackedBars } from './bar-chart.js';
import { fmtMs, fmtNumber } from './format.js';

const PARTS = [
  { part: 'load_ms', label: 'load', colour: '#8e44ad' },
  { part: 'prompt_eval_ms', label: 'prompt eval', colour: '#e08e0b' },
  { part: 'generation_ms', label: 'generation', colour: '#2f6fdb' },
  { part: 'other_ms', label: 'other', colour: '#9aa5b1' },
];

const $ = (id) => document.getElementById(id);

// "0–255", "16384+": a bucket's range of prompt tokens or requests in flight.
function rangeLabel(bucket) {
  if (bucket.max === null) return `${bucket.min}+`;
  return bucket.min === bucket.max ? String(bucket.min) : `${bucket.min}–${bucket.max}`;
}

function latencyRows(buckets) {
  return (buckets ?? []).map((b) => ({
    key: b.bucket,
    label: rangeLabel(b),
    value: b.latency_ms?.p50 ?? null,
    text: `${fmtMs(b.latency_ms?.p50)} · ${fmtNumber(b.requests, 0)} req · ${fmtNumber(b.tokens_per_second?.p50, 1)} tok/s`,
  }));
}

/** Draws the four breakdown charts of `stats` (a Summary). */
export function renderBreakdowns(stats) {
  const models = Object.entries(stats.by_model).sort((a, b) => b[1].requests - a[1].requests);
  stackedBars(
    $('chart-breakdown'),
    models
      .filter(([, group]) => (group.time_breakdown?.timed_requests ?? 0) > 0)
      .map(([model, group]) => ({ key: model, label: model, parts: group.time_breakdown })),
    PARTS,
    { format: fmtMs, emptyText: 'No requests with Ollama timings in this range.' },
  );
  barChart($('chart-prompt'), latencyRows(stats.by_prompt_tokens), {
    emptyText: 'No prompt sizes in this range.',
  });
  barChart($('chart-concurrency'), latencyRows(stats.by_concurrency), {
    emptyText: 'No concurrency recorded in this range.',
  });
  barChart(
    $('chart-hours'),
    (stats.by_hour_of_day ?? []).map((h) => ({
      key: String(h.hour),
      label: String(h.hour).padStart(2, '0'),
      value: h.requests,
      text: `${fmtNumber(h.requests, 0)} req · latency p50 ${fmtMs(h.latency_ms?.p50)}`,
    })),
    { columns: true, emptyText: 'No requests in this range.' },
  );
}
