// ollama-perf dashboard (browser script). Reads /stats from this same origin, renders totals,
// a per-model table and hourly charts with uPlot (served by this app), refreshes every 15 s.
// With API_TOKEN set on the gateway, it asks for the token once and keeps it in localStorage.
(() => {
  const TOKEN_KEY = 'ollama-perf.token';
  const REFRESH_MS = 15_000;
  const RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 };
  const $ = (id) => document.getElementById(id);
  const charts = new Map();
  const projects = new Set();
  let refreshTimer;

  // Numbers are shown rounded; each cell keeps the exact value in data-value.
  function fmtNumber(value, digits) {
    return value === null || value === undefined
      ? '—'
      : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }
  function fmtMs(value) {
    if (value === null || value === undefined) return '—';
    return value >= 1000 ? `${fmtNumber(value / 1000, 2)} s` : `${fmtNumber(value, 1)} ms`;
  }
  function fmtRate(value) {
    return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
  }

  function windowQuery() {
    const range = $('range').value;
    if (range === 'custom') {
      const from = Date.parse($('from').value);
      const to = Date.parse($('to').value);
      return { from: Number.isFinite(from) ? from : undefined, to: Number.isFinite(to) ? to : undefined };
    }
    return { from: Date.now() - RANGES[range], to: undefined };
  }

  async function api(path) {
    const token = localStorage.getItem(TOKEN_KEY);
    const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (res.status === 401) {
      showLogin(token ? 'That token was refused.' : '');
      throw new Error('unauthorized');
    }
    const body = await res.json();
    if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
    return body;
  }

  function showLogin(message) {
    clearTimeout(refreshTimer);
    $('content').hidden = true;
    $('login').hidden = false;
    $('status').textContent = message;
    $('token').focus();
  }

  function card(label, value, raw) {
    const div = document.createElement('div');
    div.className = 'card';
    div.innerHTML = '<div class="label"></div><div class="value"></div>';
    div.querySelector('.label').textContent = label;
    const v = div.querySelector('.value');
    v.textContent = value;
    v.dataset.value = raw === null || raw === undefined ? '' : String(raw);
    div.dataset.card = label;
    return div;
  }

  function renderCards(stats) {
    $('cards').replaceChildren(
      card('Requests', fmtNumber(stats.requests, 0), stats.requests),
      card('Success rate', fmtRate(stats.success_rate), stats.success_rate),
      card('Latency p50', fmtMs(stats.latency_ms.p50), stats.latency_ms.p50),
      card('Latency p95', fmtMs(stats.latency_ms.p95), stats.latency_ms.p95),
      card('TTFT p50', fmtMs(stats.ttft_ms.p50), stats.ttft_ms.p50),
      card('Tokens/s p50', fmtNumber(stats.tokens_per_second.p50, 1), stats.tokens_per_second.p50),
      card('Cold starts', fmtNumber(stats.cold_starts, 0), stats.cold_starts),
      card('Switches', fmtNumber(stats.switches, 0), stats.switches),
      card('Errors', fmtNumber(stats.failed, 0), stats.failed),
    );
  }

  const COLUMNS = [
    ['requests', (g) => g.requests, (v) => fmtNumber(v, 0)],
    ['success_rate', (g) => g.success_rate, fmtRate],
    ['latency_p50', (g) => g.latency_ms.p50, fmtMs],
    ['latency_p95', (g) => g.latency_ms.p95, fmtMs],
    ['latency_p99', (g) => g.latency_ms.p99, fmtMs],
    ['ttft_p50', (g) => g.ttft_ms.p50, fmtMs],
    ['tokens_per_second_p50', (g) => g.tokens_per_second.p50, (v) => fmtNumber(v, 1)],
    ['prompt_tokens_per_second_p50', (g) => g.prompt_tokens_per_second.p50, (v) => fmtNumber(v, 1)],
    ['warm_load_p50', (g) => g.warm_load_ms.p50, fmtMs],
    ['cold_load_p50', (g) => g.cold_load_ms.p50, fmtMs],
    ['switch_load_p50', (g) => g.switch_load_ms?.p50, fmtMs],
    ['cold_starts', (g) => g.cold_starts, (v) => fmtNumber(v, 0)],
    ['switches', (g) => g.switches, (v) => fmtNumber(v, 0)],
  ];

  function renderTable(stats) {
    const rows = Object.entries(stats.by_model)
      .sort((a, b) => b[1].requests - a[1].requests)
      .map(([model, group]) => {
        const tr = document.createElement('tr');
        tr.dataset.model = model;
        const name = document.createElement('td');
        name.textContent = model;
        tr.append(name);
        for (const [key, pick, format] of COLUMNS) {
          const td = document.createElement('td');
          const value = pick(group);
          td.dataset.col = key;
          td.dataset.value = value === null || value === undefined ? '' : String(value);
          td.textContent = format(value);
          if (key === 'success_rate' && value !== null && value < 0.99) td.className = 'bad';
          tr.append(td);
        }
        return tr;
      });
    const body = $('models').querySelector('tbody');
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      tr.innerHTML = `<td class="empty" colspan="${COLUMNS.length + 1}">No requests in this range.</td>`;
      body.replaceChildren(tr);
    } else body.replaceChildren(...rows);
  }

  function chart(id, series, data) {
    const element = $(id);
    const width = Math.max(280, element.clientWidth || 320);
    const existing = charts.get(id);
    if (existing) {
      existing.setData(data);
      existing.setSize({ width, height: 200 });
      return;
    }
    const plot = new uPlot(
      { width, height: 200, scales: { x: { time: true } }, series: [{}, ...series], axes: [{}, { size: 60 }] },
      data,
      element,
    );
    charts.set(id, plot);
  }

  function renderCharts(hourly) {
    const x = hourly.map((p) => p.start / 1000);
    const pick = (f) => hourly.map((p) => f(p) ?? null);
    chart(
      'chart-requests',
      [
        { label: 'requests', stroke: '#2f6fdb', width: 2 },
        { label: 'errors', stroke: '#c0392b', width: 2 },
      ],
      [x, pick((p) => p.requests), pick((p) => p.failed)],
    );
    chart(
      'chart-latency',
      [
        { label: 'p50', stroke: '#2f6fdb', width: 2 },
        { label: 'p95', stroke: '#e08e0b', width: 2 },
      ],
      [x, pick((p) => p.latency_ms.p50), pick((p) => p.latency_ms.p95)],
    );
    chart(
      'chart-tps',
      [{ label: 'tokens/s p50', stroke: '#1a7f37', width: 2 }],
      [x, pick((p) => p.tokens_per_second.p50)],
    );
    chart(
      'chart-load',
      [
        { label: 'warm p50', stroke: '#2f6fdb', width: 2 },
        { label: 'cold avg', stroke: '#8e44ad', width: 2 },
      ],
      [x, pick((p) => p.warm_load_ms.p50), pick((p) => p.cold_load_ms.avg)],
    );
  }

  // One lane per model; each loaded interval is a bar placed by time within the window.
  function renderTimeline(models, from, to) {
    const span = Math.max(1, to - from);
    const lanes = new Map();
    for (const interval of models.history) {
      if (!lanes.has(interval.model)) lanes.set(interval.model, []);
      lanes.get(interval.model).push(interval);
    }
    const rows = [...lanes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([model, intervals]) => {
        const lane = document.createElement('div');
        lane.className = 'lane';
        lane.dataset.model = model;
        const name = document.createElement('div');
        name.className = 'name';
        name.textContent = model;
        name.title = model;
        const track = document.createElement('div');
        track.className = 'track';
        for (const interval of intervals) {
          const start = Math.max(interval.from, from);
          const end = Math.min(interval.to ?? to, to);
          const bar = document.createElement('div');
          bar.className = interval.to === null ? 'segment open' : 'segment';
          bar.style.left = `${((start - from) / span) * 100}%`;
          bar.style.width = `${(Math.max(0, end - start) / span) * 100}%`;
          bar.dataset.from = String(interval.from);
          bar.dataset.to = interval.to === null ? '' : String(interval.to);
          bar.title =
            `${model}: ${new Date(interval.from).toLocaleString()} – ${interval.to === null ? 'now' : new Date(interval.to).toLocaleString()}` +
            (interval.size_vram === null ? '' : `, ${(interval.size_vram / 1e9).toFixed(1)} GB VRAM`);
          track.append(bar);
        }
        lane.append(name, track);
        return lane;
      });
    const timeline = $('timeline');
    if (rows.length === 0) {
      const empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = 'No residency samples in this range.';
      timeline.replaceChildren(empty);
    } else timeline.replaceChildren(...rows);

    // VRAM in use: a step at every load and unload.
    const changes = new Set([from, to]);
    for (const i of models.history) {
      changes.add(Math.max(i.from, from));
      if (i.to !== null) changes.add(Math.min(i.to, to));
    }
    const times = [...changes].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
    const vram = times.map(
      (t) =>
        models.history
          .filter((i) => i.from <= t && (i.to === null || i.to > t))
          .reduce((sum, i) => sum + (i.size_vram ?? 0), 0) / 1e9,
    );
    chart(
      'chart-vram',
      [{ label: 'VRAM GB', stroke: '#8e44ad', width: 2, paths: uPlot.paths.stepped({ align: 1 }) }],
      [times.map((t) => t / 1000), vram],
    );
  }

  function updateProjects(stats) {
    for (const name of Object.keys(stats.by_project)) projects.add(name);
    const select = $('project');
    const chosen = select.value;
    const options = [...projects].sort().map((name) => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      return option;
    });
    const all = document.createElement('option');
    all.value = '';
    all.textContent = 'All projects';
    select.replaceChildren(all, ...options);
    select.value = chosen;
  }

  async function refresh() {
    clearTimeout(refreshTimer);
    const params = new URLSearchParams({ series: 'hourly' });
    const { from, to } = windowQuery();
    if (from !== undefined) params.set('from', String(Math.floor(from)));
    if (to !== undefined) params.set('to', String(Math.floor(to)));
    if ($('project').value !== '') params.set('project', $('project').value);
    try {
      const [stats, models] = await Promise.all([
        api(`/stats?${params}`),
        api(
          `/models?from=${Math.floor(from ?? Date.now() - RANGES['24h'])}${to === undefined ? '' : `&to=${Math.floor(to)}`}`,
        ),
      ]);
      $('login').hidden = true;
      $('content').hidden = false;
      renderCards(stats);
      renderTable(stats);
      renderCharts(stats.hourly ?? []);
      renderTimeline(models, from ?? Date.now() - RANGES['24h'], to ?? Date.now());
      updateProjects(stats);
      $('status').className = '';
      $('status').textContent = `Updated ${new Date().toLocaleTimeString()}`;
      document.body.dataset.loaded = 'true';
    } catch (error) {
      if (error.message === 'unauthorized') return;
      $('status').className = 'error';
      $('status').textContent = `Could not load stats: ${error.message}`;
    }
    refreshTimer = setTimeout(refresh, REFRESH_MS);
  }

  $('range').addEventListener('change', () => {
    for (const label of document.querySelectorAll('label.custom')) label.hidden = $('range').value !== 'custom';
    if ($('range').value !== 'custom') void refresh();
  });
  for (const id of ['from', 'to', 'project']) $(id).addEventListener('change', () => void refresh());
  $('controls').addEventListener('submit', (event) => event.preventDefault());
  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    localStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    void refresh();
  });
  window.addEventListener('resize', () => {
    for (const [id, plot] of charts) plot.setSize({ width: Math.max(280, $(id).clientWidth || 320), height: 200 });
  });

  void refresh();
})();
