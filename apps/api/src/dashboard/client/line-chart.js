// Line charts over time (uPlot, loaded by the page as a global): the x axis is always the
// chosen window, whatever the data spans, and a null value is a gap in the line.

const HEIGHT = 200;
const plots = new Map();
const PALETTE = ['#2f6fdb', '#e08e0b', '#1a7f37', '#8e44ad', '#c0392b', '#0f8b8d', '#b5651d', '#d63384'];

/** A stable colour for the `index`-th line. */
export const colour = (index) => PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];

function widthOf(element) {
  return Math.max(240, element.clientWidth || 320);
}

/**
 * Draws (or redraws) the chart in element `id`: `lines` are `{label, values, dash?, stepped?}`
 * with one value (or null) per entry of `times` (epoch ms); the x axis spans `window`.
 * `fromZero` starts the y axis at 0. The element keeps the x scale uPlot ended up with in
 * `data-from` / `data-to` (epoch ms) and the values drawn in `data-lines` (JSON).
 */
export function lineChart(id, times, lines, window, { fromZero = false } = {}) {
  const element = document.getElementById(id);
  plots.get(id)?.destroy();
  const series = lines.map((line, i) => ({
    label: line.label,
    stroke: line.colour ?? colour(i),
    width: 2,
    dash: line.dash,
    spanGaps: false,
    points: { show: !line.stepped, size: 4 },
    ...(line.stepped ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}),
  }));
  const options = {
    width: widthOf(element),
    height: HEIGHT,
    // Without a fixed range uPlot spans the data: one hour of data in a day's window would
    // fill the axis (and a single point stretches it over years).
    scales: {
      x: { time: true, range: () => [window.from / 1000, window.to / 1000] },
      ...(fromZero ? { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } } : {}),
    },
    series: [{}, ...series],
    axes: [{}, { size: 60 }],
    hooks: {
      // uPlot sets its scales after the constructor returns.
      setScale: [
        (u, key) => {
          if (key !== 'x') return;
          element.dataset.from = String(Math.round(u.scales.x.min * 1000));
          element.dataset.to = String(Math.round(u.scales.x.max * 1000));
        },
      ],
    },
  };
  const data = [times.map((t) => t / 1000), ...lines.map((line) => line.values)];
  const plot = new uPlot(options, data, element);
  plots.set(id, plot);
  element.dataset.lines = JSON.stringify(lines.map((line) => line.values));
}

/** Fits every chart to its box again (after a resize). */
export function resizeCharts() {
  for (const [id, plot] of plots) plot.setSize({ width: widthOf(document.getElementById(id)), height: HEIGHT });
}
