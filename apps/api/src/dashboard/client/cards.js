// The totals of the window as cards, each with its change against the previous period of the
// same length; a figure that got worse beyond noise (per /stats/compare) is marked in colour
// and in words, with the models it got worse for.

import { absent, dataValue, el, fmtChange, fmtMs, fmtNumber, fmtRate } from './format.js';

// label, the Summary figure, its format, the /stats/compare figure that judges it (if any).
const CARDS = [
  ['Requests', (s) => s.requests, (v) => fmtNumber(v, 0)],
  ['Success rate', (s) => s.success_rate, fmtRate, 'error_rate'],
  ['Latency p50', (s) => s.latency_ms?.p50, fmtMs, 'latency_ms_p50'],
  ['Latency p95', (s) => s.latency_ms?.p95, fmtMs, 'latency_ms_p95'],
  ['TTFT p50', (s) => s.ttft_ms?.p50, fmtMs, 'ttft_ms_p50'],
  ['Tokens/s p50', (s) => s.tokens_per_second?.p50, (v) => fmtNumber(v, 1), 'tokens_per_second_p50'],
  ['Prompt tok/s p50', (s) => s.prompt_tokens_per_second?.p50, (v) => fmtNumber(v, 1), 'prompt_tokens_per_second_p50'],
  // Seen by the data path from chunk timing: the speed figure of /v1 traffic, where Ollama sends none.
  [
    'Observed tok/s p50',
    (s) => s.observed_tokens_per_second?.p50,
    (v) => fmtNumber(v, 1),
    'observed_tokens_per_second_p50',
  ],
  ['Cold load p50', (s) => s.cold_load_ms?.p50, fmtMs, 'cold_load_ms_p50'],
  ['Cold starts', (s) => s.cold_starts, (v) => fmtNumber(v, 0)],
  ['Switches', (s) => s.switches, (v) => fmtNumber(v, 0)],
  ['Errors', (s) => s.failed, (v) => fmtNumber(v, 0)],
];

/** The models whose `figure` got worse beyond noise in a /stats/compare answer. */
export function worseModels(compare, figure) {
  if (!compare?.models || figure === undefined) return [];
  return Object.entries(compare.models)
    .filter(([, entry]) => entry.figures?.[figure]?.worse === true)
    .map(([model]) => model)
    .sort();
}

function card(label, value, format, previous, worse) {
  const div = el('div', 'card');
  div.dataset.card = label;
  const shown = el('div', 'value', format(value));
  shown.dataset.value = dataValue(value);
  const change = absent(value) || absent(previous) || previous === 0 ? null : (value - previous) / previous;
  const versus = el('div', 'change', `${fmtChange(change)} vs previous period`);
  versus.dataset.change = dataValue(change);
  div.append(el('div', 'label', label), shown, versus);
  if (worse.length > 0) {
    div.classList.add('worse');
    div.dataset.worse = worse.join('\n');
    const mark = el('div', 'worse-mark', `▼ worse: ${worse.join(', ')}`);
    div.append(mark);
  }
  return div;
}

/**
 * Renders the cards of `stats`, against `baseline` (the Summary of the previous period, or null)
 * and `compare` (the /stats/compare answer, or null when the gateway has none).
 */
export function renderCards(stats, baseline, compare) {
  const cards = CARDS.map(([label, pick, format, figure]) =>
    card(label, pick(stats), format, baseline ? pick(baseline) : null, worseModels(compare, figure)),
  );
  const regressed = compare?.models
    ? Object.entries(compare.models)
        .filter(([, entry]) => entry.regressed)
        .map(([model]) => model)
        .sort()
    : null;
  if (regressed !== null) {
    const div = el('div', 'card');
    div.dataset.card = 'Regressions';
    const value = el('div', 'value', String(regressed.length));
    value.dataset.value = String(regressed.length);
    div.append(el('div', 'label', 'Regressed models'), value);
    div.append(el('div', 'change', regressed.length > 0 ? regressed.join(', ') : 'none vs previous period'));
    if (regressed.length > 0) div.classList.add('worse');
    cards.push(div);
  }
  document.getElementById('cards').replaceChildren(...cards);
}
