/** The dashboard's HTML shell: everything it loads comes from this app (no CDN, no fonts). */

// An inline icon, so the browser asks for no /favicon.ico (which the gateway passes to Ollama).
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg' viewBox='0 0 16 16'%3E" +
  "%3Crect width='16' height='16' rx='3' fill='%232f6fdb'/%3E" +
  "%3Cpath d='M3 12V8h2v4zm4 0V4h2v8zm4 0V6h2v6z' fill='%23fff'/%3E%3C/svg%3E";

/** The HTML of `GET /dashboard`. */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ollama-perf</title>
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="/dashboard/uplot.css">
<link rel="stylesheet" href="/dashboard/dashboard.css">
</head>
<body>
<header>
  <h1>ollama-perf</h1>
  <form id="controls">
    <label>Range
      <select id="range">
        <option value="1h">Last hour</option>
        <option value="24h" selected>Last 24 hours</option>
        <option value="7d">Last 7 days</option>
        <option value="30d">Last 30 days</option>
        <option value="custom">Custom…</option>
      </select>
    </label>
    <label class="custom" hidden>From <input id="from" type="datetime-local"></label>
    <label class="custom" hidden>To <input id="to" type="datetime-local"></label>
    <label>Model
      <select id="model"><option value="">All models</option></select>
    </label>
    <label>Project
      <select id="project"><option value="">All projects</option></select>
    </label>
    <span id="status" role="status"></span>
  </form>
</header>
<form id="login" hidden>
  <p>This gateway needs its API token.</p>
  <input id="token" type="password" autocomplete="current-password" placeholder="API token" required>
  <button type="submit">Show stats</button>
</form>
<main id="content">
  <section id="cards" aria-label="Totals, vs the previous period of the same length"></section>
  <section>
    <h2>Models</h2>
    <div class="table-wrap"><table id="models">
      <thead><tr>
        <th>Model</th><th>Requests</th><th>Success</th><th>Latency p50</th><th>p95</th><th>p99</th>
        <th>TTFT p50</th><th>Tokens/s p50</th><th>Observed tok/s p50</th><th>Prompt tok/s p50</th><th>Load warm p50</th><th>Load cold p50</th><th>Load after switch p50</th><th>Cold starts</th><th>Switches</th>
      </tr></thead>
      <tbody></tbody>
    </table></div>
  </section>
  <section id="charts" aria-label="Over time">
    <figure><figcaption>Requests and errors <span id="series-caption">per hour</span></figcaption><div id="chart-requests"></div></figure>
    <figure><figcaption>Latency p50 per model (ms)</figcaption><div id="chart-latency"></div></figure>
    <figure><figcaption>Tokens per second p50 per model</figcaption><div id="chart-tps"></div></figure>
    <figure><figcaption>Load time: warm p50 / cold avg (ms)</figcaption><div id="chart-load"></div></figure>
  </section>
  <section id="breakdowns" aria-label="Breakdowns">
    <figure class="wide"><figcaption>Where the time goes: mean per request, by model</figcaption><div id="chart-breakdown"></div></figure>
    <figure><figcaption>Latency p50 by prompt length (tokens)</figcaption><div id="chart-prompt"></div></figure>
    <figure><figcaption>Latency p50 by requests in flight</figcaption><div id="chart-concurrency"></div></figure>
    <figure class="wide"><figcaption>Requests by hour of day (<span id="hours-caption">UTC</span>)</figcaption><div id="chart-hours"></div></figure>
  </section>
  <section aria-label="Model residency">
    <h2>Model residency</h2>
    <p class="hint">Which model Ollama had loaded when (from its /api/ps), and the VRAM in use.</p>
    <div id="timeline"></div>
    <figure><figcaption>VRAM in use by loaded models (GB) <span id="vram-note" class="note"></span></figcaption><div id="chart-vram"></div></figure>
  </section>
</main>
<script src="/dashboard/uplot.js"></script>
<script type="module" src="/dashboard/dashboard.js"></script>
</body>
</html>
`;
}
