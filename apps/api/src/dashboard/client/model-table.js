// The per-model table: one row per model with its key figures; a model that regressed
// against the previous period carries a "regressed" mark naming the figures that got worse.

import { dataValue, el, fmtMs, fmtNumber, fmtRate } from './format.js';

const COLUMNS = [
  ['requests', (g) => g.requests, (v) => fmtNumber(v, 0)],
  ['success_rate', (g) => g.success_rate, fmtRate],
  ['latency_p50', (g) => g.latency_ms.p50, fmtMs],
  ['latency_p95', (g) => g.latency_ms.p95, fmtMs],
  ['latency_p99', (g) => g.latency_ms.p99, fmtMs],
  ['ttft_p50', (g) => g.ttft_ms.p50, fmtMs],
  ['tokens_per_second_p50', (g) => g.tokens_per_second.p50, (v) => fmtNumber(v, 1)],
  ['observed_tokens_per_second_p50', (g) => g.observed_tokens_per_second?.p50, (v) => fmtNumber(v, 1)],
  ['prompt_tokens_per_second_p50', (g) => g.prompt_tokens_per_second.p50, (v) => fmtNumber(v, 1)],
  ['warm_load_p50', (g) => g.warm_load_ms.p50, fmtMs],
  ['cold_load_p50', (g) => g.cold_load_ms.p50, fmtMs],
  ['switch_load_p50', (g) => g.switch_load_ms?.p50, fmtMs],
  ['cold_starts', (g) => g.cold_starts, (v) => fmtNumber(v, 0)],
  ['switches', (g) => g.switches, (v) => fmtNumber(v, 0)],
];

function nameCell(model, comparison) {
  const td = el('td', 'model-name');
  const name = el('span', 'model-label', model);
  name.title = model;
  td.append(name);
  if (comparison?.regressed) {
    const worse = Object.entries(comparison.figures ?? {})
      .filter(([, f]) => f.worse)
      .map(([figure]) => figure);
    const mark = el('span', 'flag worse', '▼ regressed');
    mark.title = `Worse than the previous period: ${worse.join(', ')}`;
    td.append(' ', mark);
  }
  return td;
}

/** Renders the table of `stats.by_model`; `compare` is the /stats/compare answer or null. */
export function renderTable(stats, compare) {
  const rows = Object.entries(stats.by_model)
    .sort((a, b) => b[1].requests - a[1].requests)
    .map(([model, group]) => {
      const tr = document.createElement('tr');
      tr.dataset.model = model;
      const comparison = compare?.models?.[model];
      tr.dataset.regressed = String(comparison?.regressed === true);
      tr.append(nameCell(model, comparison));
      for (const [key, pick, format] of COLUMNS) {
        const value = pick(group);
        const td = el('td', key === 'success_rate' && value !== null && value < 0.99 ? 'bad' : '', format(value));
        td.dataset.col = key;
        td.dataset.value = dataValue(value);
        tr.append(td);
      }
      return tr;
    });
  const body = document.querySelector('#models tbody');
  if (rows.length > 0) {
    body.replaceChildren(...rows);
    return;
  }
  const td = el('td', 'empty', 'No requests in this range.');
  td.colSpan = COLUMNS.length + 1;
  const tr = document.createElement('tr');
  tr.append(td);
  body.replaceChildren(tr);
}
