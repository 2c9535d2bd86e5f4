// The charts over time: requests and errors, and per model latency p50 and tokens/s p50 (from
// `series_by_model`), load times; one point per hour or day of the chosen window.

import { colour, lineChart } from './line-chart.js';
import { periodStarts } from './time-window.js';

// One value per period start; periods without data stay null (a gap).
function onGrid(starts, points, pick) {
  const byStart = new Map(points.map((p) => [p.start, p]));
  return starts.map((start) => {
    const point = byStart.get(start);
    return point === undefined ? null : (pick(point) ?? null);
  });
}

/**
 * Draws the four series charts of `stats` (which carries `hourly` or `daily` as `kind` asks);
 * `modelIndex` gives each model its colour.
 */
export function renderSeriesCharts(stats, window, kind, modelIndex) {
  const starts = periodStarts(window, kind);
  const totals = stats[kind] ?? [];
  const grid = (pick) => onGrid(starts, totals, pick);
  lineChart(
    'chart-requests',
    starts,
    [
      { label: 'requests', values: grid((p) => p.requests) },
      { label: 'errors', values: grid((p) => p.failed), colour: '#c0392b' },
    ],
    window,
  );
  // Per model when the gateway sends series_by_model; otherwise one line over all models.
  const perModel = stats.series_by_model
    ? Object.entries(stats.series_by_model).sort(([a], [b]) => a.localeCompare(b))
    : [
        [
          'all models',
          totals.map((p) => ({
            ...p,
            latency_ms_p50: p.latency_ms?.p50,
            tokens_per_second_p50: p.tokens_per_second?.p50,
          })),
        ],
      ];
  const lines = (field) =>
    perModel.map(([model, points]) => ({
      label: model,
      values: onGrid(starts, points, (p) => p[field]),
      colour: colour(modelIndex(model)),
    }));
  lineChart('chart-latency', starts, lines('latency_ms_p50'), window);
  lineChart('chart-tps', starts, lines('tokens_per_second_p50'), window);
  lineChart(
    'chart-load',
    starts,
    [
      { label: 'warm p50', values: grid((p) => p.warm_load_ms?.p50) },
      { label: 'cold avg', values: grid((p) => p.cold_load_ms?.avg), colour: '#8e44ad' },
    ],
    window,
  );
}
