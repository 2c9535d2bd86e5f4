// Bar charts drawn as HTML (they reflow on any screen and need no canvas): one bar per row,
// or stacked bars of several parts. Each bar keeps its exact value in data-value.

import { absent, dataValue, el } from './format.js';

/**
 * Fills `container` with one horizontal bar per row (`{key, label, value, text}`), scaled to the
 * largest value; `columns: true` draws them upright, side by side (hours of the day).
 */
export function barChart(container, rows, { columns = false, emptyText = 'No data in this range.' } = {}) {
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  container.className = columns ? 'bars columns' : 'bars';
  if (max === 0 && rows.every((r) => absent(r.value) || r.value === 0)) {
    container.replaceChildren(el('p', 'empty', emptyText));
    return;
  }
  container.replaceChildren(
    ...rows.map((row) => {
      const item = el('div', 'bar-row');
      item.dataset.key = row.key;
      item.dataset.value = dataValue(row.value);
      item.title = `${row.label}: ${row.text}`;
      const fill = el('div', 'fill');
      fill.style.setProperty('--share', String(max > 0 ? (row.value ?? 0) / max : 0));
      const track = el('div', 'bar');
      track.append(fill);
      item.append(el('span', 'bar-label', row.label), track, el('span', 'bar-text', row.text));
      return item;
    }),
  );
}

/**
 * Fills `container` with one stacked bar per row (`{key, label, parts: {[part]: value}}`), in
 * the order and colours of `parts` (`[{part, label, colour}]`), scaled to the largest total.
 */
export function stackedBars(container, rows, parts, { format, emptyText = 'No data in this range.' }) {
  const total = (row) => parts.reduce((sum, { part }) => sum + Math.max(0, row.parts[part] ?? 0), 0);
  const max = Math.max(0, ...rows.map(total));
  container.className = 'bars stacked';
  if (max === 0) {
    container.replaceChildren(el('p', 'empty', emptyText));
    return;
  }
  const legend = el('div', 'legend');
  for (const { label, colour } of parts) {
    const key = el('span', 'key', label);
    key.style.setProperty('--colour', colour);
    legend.append(key);
  }
  const items = rows.map((row) => {
    const item = el('div', 'bar-row');
    item.dataset.key = row.key;
    const track = el('div', 'bar');
    for (const { part, label, colour } of parts) {
      const value = row.parts[part];
      const segment = el('div', 'fill');
      segment.dataset.part = part;
      segment.dataset.value = dataValue(value);
      segment.style.setProperty('--share', String(Math.max(0, value ?? 0) / max));
      segment.style.setProperty('--colour', colour);
      segment.title = `${label}: ${format(value)}`;
      track.append(segment);
    }
    item.append(el('span', 'bar-label', row.label), track, el('span', 'bar-text', format(total(row))));
    item.querySelector('.bar-label').title = row.label;
    return item;
  });
  container.replaceChildren(legend, ...items);
}
