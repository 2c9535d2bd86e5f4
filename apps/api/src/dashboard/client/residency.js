// Model residency from /models: one lane per model with a bar per loaded interval, and the
// VRAM in use over the window. Before the first sample there is no knowledge: that part of
// the VRAM chart is a gap with a note, never 0 GB.

import { el } from './format.js';
import { lineChart } from './line-chart.js';

function lane(model, intervals, window) {
  const span = Math.max(1, window.to - window.from);
  const row = el('div', 'lane');
  row.dataset.model = model;
  const name = el('div', 'name', model);
  name.title = model;
  const track = el('div', 'track');
  for (const interval of intervals) {
    const start = Math.max(interval.from, window.from);
    const end = Math.min(interval.to ?? window.to, window.to);
    const bar = el('div', interval.to === null ? 'segment open' : 'segment');
    bar.style.left = `${((start - window.from) / span) * 100}%`;
    bar.style.width = `${(Math.max(0, end - start) / span) * 100}%`;
    bar.dataset.from = String(interval.from);
    bar.dataset.to = interval.to === null ? '' : String(interval.to);
    const until = interval.to === null ? 'now' : new Date(interval.to).toLocaleString();
    const vram = interval.size_vram === null ? '' : `, ${(interval.size_vram / 1e9).toFixed(1)} GB VRAM`;
    bar.title = `${model}: ${new Date(interval.from).toLocaleString()} – ${until}${vram}`;
    track.append(bar);
  }
  row.append(name, track);
  return row;
}

// GB in use at `t`; null where unknown (before the first sample, or a model without a VRAM size).
function vramAt(history, knownFrom, t) {
  if (knownFrom === null || t < knownFrom) return null;
  let sum = 0;
  for (const i of history) {
    if (i.from <= t && (i.to === null || i.to > t)) {
      if (i.size_vram === null) return null;
      sum += i.size_vram;
    }
  }
  return sum / 1e9;
}

/** Draws the residency timeline and the VRAM chart of `models` (the /models answer) over `window`. */
export function renderResidency(models, window) {
  const lanes = new Map();
  for (const interval of models.history) {
    if (!lanes.has(interval.model)) lanes.set(interval.model, []);
    lanes.get(interval.model).push(interval);
  }
  const rows = [...lanes.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, intervals]) => lane(model, intervals, window));
  document
    .getElementById('timeline')
    .replaceChildren(...(rows.length > 0 ? rows : [el('p', 'empty', 'No residency samples in this range.')]));

  // The first load seen is the first sample known; intervals are not clipped to the window.
  const knownFrom = models.history.length === 0 ? null : Math.min(...models.history.map((i) => i.from));
  const changes = new Set([window.from, window.to]);
  if (knownFrom !== null) changes.add(knownFrom);
  for (const i of models.history) {
    changes.add(i.from);
    if (i.to !== null) changes.add(i.to);
  }
  const times = [...changes].filter((t) => t >= window.from && t <= window.to).sort((a, b) => a - b);
  lineChart(
    'chart-vram',
    times,
    [
      {
        label: 'VRAM GB',
        values: times.map((t) => vramAt(models.history, knownFrom, t)),
        colour: '#8e44ad',
        stepped: true,
      },
    ],
    window,
    { fromZero: true },
  );
  const note = document.getElementById('vram-note');
  note.dataset.knownFrom = knownFrom === null ? '' : String(knownFrom);
  if (knownFrom === null) note.textContent = 'No samples in this range: VRAM unknown.';
  else if (knownFrom > window.from) note.textContent = `No samples before ${new Date(knownFrom).toLocaleString()}.`;
  else note.textContent = '';
}
