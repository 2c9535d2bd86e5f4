// ollama-perf dashboard (entry module). Reads /stats (or /stats/:model when a model is chosen),
// /stats/compare and /models from this same origin and renders the cards, the model table, the
// charts over time, the breakdowns and the residency; refreshes every 15 s. With API_TOKEN set
// on the gateway, it asks for the token once and keeps it in localStorage.

import { api, saveToken, Unauthorized } from './api.js';
import { renderBreakdowns } from './breakdown-charts.js';
import { renderCards } from './cards.js';
import { resizeCharts } from './line-chart.js';
import { renderTable } from './model-table.js';
import { renderResidency } from './residency.js';
import { renderSeriesCharts } from './series-charts.js';
import { baselineOf, chosenWindow, seriesKind } from './time-window.js';

const REFRESH_MS = 15_000;
// Hours of the day are read in the viewer's zone.
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const $ = (id) => document.getElementById(id);
const projects = new Set();
let refreshTimer;

function showLogin(message) {
  clearTimeout(refreshTimer);
  $('content').hidden = true;
  $('login').hidden = false;
  $('status').textContent = message;
  $('token').focus();
}

// Keeps the options of `select` to `names` (plus "all"), and its choice.
function fillSelect(select, names, allLabel) {
  const chosen = select.value;
  const all = document.createElement('option');
  all.value = '';
  all.textContent = allLabel;
  const options = [...names].sort().map((name) => {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = name;
    return option;
  });
  select.replaceChildren(all, ...options);
  select.value = chosen;
}

function query(window, extra = {}) {
  const params = new URLSearchParams(extra);
  params.set('from', String(Math.floor(window.from)));
  params.set('to', String(Math.floor(window.to)));
  if ($('project').value !== '') params.set('project', $('project').value);
  return params;
}

const EMPTY = { requests: 0, succeeded: 0, failed: 0, by_model: {}, by_project: {}, by_concurrency: [] };

async function refresh() {
  clearTimeout(refreshTimer);
  const window = chosenWindow($('range').value, $('from').value, $('to').value);
  if (window === null) {
    $('status').textContent = 'Choose a start before the end.';
    return;
  }
  const model = $('model').value;
  const kind = seriesKind(window);
  const baseline = baselineOf(window);
  const compareParams = query(window, {
    baseline_from: String(Math.floor(baseline.from)),
    baseline_to: String(Math.floor(baseline.to)),
  });
  if (model !== '') compareParams.set('model', model);
  try {
    // The previous period comes from /stats over all models (a model's group is in by_model):
    // /stats/:model would answer 404 for a model without requests then.
    const [all, previous, compare, residency] = await Promise.all([
      api(`/stats?${query(window, model === '' ? { series: kind, tz: TIME_ZONE } : {})}`),
      api(`/stats?${query(baseline)}`),
      // Without the comparison (an older gateway, or it failed) the page still shows the window.
      api(`/stats/compare?${compareParams}`, { optional: true }).catch((error) => {
        if (error instanceof Unauthorized) throw error;
        return null;
      }),
      api(`/models?${query(window)}`),
    ]);
    let shown = all;
    if (model !== '')
      shown =
        model in all.by_model
          ? await api(`/stats/${encodeURIComponent(model)}?${query(window, { series: kind, tz: TIME_ZONE })}`)
          : EMPTY;
    $('login').hidden = true;
    $('content').hidden = false;
    const models = new Set(Object.keys(all.by_model));
    if (model !== '') models.add(model);
    for (const name of Object.keys(all.by_project)) projects.add(name);
    fillSelect($('model'), models, 'All models');
    fillSelect($('project'), projects, 'All projects');
    const modelIndex = (name) => [...models].sort((a, b) => a.localeCompare(b)).indexOf(name);
    renderCards(shown, model === '' ? previous : (previous.by_model[model] ?? null), compare);
    renderTable(shown, compare);
    $('series-caption').textContent = kind === 'hourly' ? 'per hour' : 'per day';
    $('hours-caption').textContent = TIME_ZONE;
    renderSeriesCharts(shown, window, kind, modelIndex);
    renderBreakdowns(shown);
    renderResidency(residency, window);
    $('status').className = '';
    $('status').textContent = `Updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.loaded = 'true';
    // Counts renders, so that a test (or a curious user) can tell a new answer has been drawn.
    document.body.dataset.renders = String(Number(document.body.dataset.renders ?? 0) + 1);
  } catch (error) {
    if (error instanceof Unauthorized) {
      showLogin(error.hadToken ? 'That token was refused.' : '');
      return;
    }
    $('status').className = 'error';
    $('status').textContent = `Could not load stats: ${error.message}`;
  }
  refreshTimer = setTimeout(refresh, REFRESH_MS);
}

$('range').addEventListener('change', () => {
  for (const label of document.querySelectorAll('label.custom')) label.hidden = $('range').value !== 'custom';
  if ($('range').value !== 'custom') void refresh();
});
for (const id of ['from', 'to', 'project', 'model']) $(id).addEventListener('change', () => void refresh());
$('controls').addEventListener('submit', (event) => event.preventDefault());
$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  saveToken($('token').value.trim());
  $('token').value = '';
  void refresh();
});
addEventListener('resize', resizeCharts);

void refresh();
