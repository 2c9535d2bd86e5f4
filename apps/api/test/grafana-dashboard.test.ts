/**
 * grafana/ollama-perf.json: valid JSON, wired to the `DS_PROMETHEUS` data source variable,
 * and every PromQL expression (panels and template variables) names only metrics and labels
 * that `/metrics` actually emits — read back with the Prometheus text parser, each label on the
 * metrics that carry it. Range totals count series born inside the range; that they hold in
 * Prometheus itself is grafana/range-totals.test.yml (`promtool test rules`), whose expressions
 * are checked here to be the dashboard's.
 */
import { readFileSync } from 'node:fs';
import { fixtureRecords } from '@ollama-perf/testkit/records';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics } from '../src/metrics/render.js';
import { parseExposition } from './suites/prometheus-text.js';

interface Target {
  expr: string;
  legendFormat?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Target[];
}
interface Variable {
  name: string;
  type: string;
  query?: unknown;
  definition?: string;
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

// PromQL functions, aggregations and keywords the dashboard may use, plus Grafana's label_values().
const PROMQL_WORDS = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'rate',
  'irate',
  'increase',
  'histogram_quantile',
  'scalar',
  'vector',
  'clamp_min',
  'clamp_max',
  'topk',
  'bottomk',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'label_values',
]);

/** Label names an expression selects on (`{name=…}`) or groups by (`by (…)`). */
function labelNamesIn(expr: string): string[] {
  const names: string[] = [];
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const [, matchers] of noStrings.matchAll(/\{([^}]*)\}/g)) {
    for (const [, name] of (matchers as string).matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g))
      names.push(name as string);
  }
  for (const [, list] of noStrings.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) {
    names.push(
      ...(list as string)
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    );
  }
  // label_values(metric, label): the second argument is a label.
  for (const [, label] of noStrings.matchAll(/label_values\([^,]*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)/g))
    names.push(label as string);
  return names;
}

/** Metric names an expression reads: every identifier left once strings, selectors, ranges, groupings and numbers are gone. */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\$\w+/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/label_values\(([^,]*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)/g, '($1)')
    .replace(/(?<![A-Za-z_:])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, '');
  return [...bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)]
    .map(([word]) => word)
    .filter((word) => !PROMQL_WORDS.has(word));
}

let dashboard: Dashboard;
let sampleNames: Set<string>;
let labelNames: Set<string>;
/** Label names by metric (sample) name. */
let labelsOfMetric: Map<string, Set<string>>;
let expressions: Array<{ where: string; expr: string; legendFormat?: string | undefined }>;

beforeAll(() => {
  dashboard = JSON.parse(readFileSync(new URL('../grafana/ollama-perf.json', import.meta.url), 'utf8')) as Dashboard;
  // Every family with samples: records, a loaded model, and polls of Ollama (one outage).
  const residency = { loaded: [{ model: 'llama3.2', size: 4e9, size_vram: 3e9 }] };
  const runs = [
    { id: '0', start: 0, last: 0, up: false, polls: 1, error: 'fetch failed' },
    { id: '10', start: 10, last: 20, up: true, polls: 2, error: null },
  ];
  const parsed = parseExposition(renderMetrics(fixtureRecords(), residency, {}, runs));
  sampleNames = new Set(parsed.samples.map((s) => s.name));
  labelNames = new Set(parsed.samples.flatMap((s) => Object.keys(s.labels)));
  labelsOfMetric = new Map();
  for (const sample of parsed.samples) {
    const labels = labelsOfMetric.get(sample.name) ?? new Set<string>();
    for (const name of Object.keys(sample.labels)) labels.add(name);
    labelsOfMetric.set(sample.name, labels);
  }
  expressions = [
    ...dashboard.panels.flatMap((panel) =>
      panel.targets.map((t) => ({ where: `panel "${panel.title}"`, expr: t.expr, legendFormat: t.legendFormat })),
    ),
    ...dashboard.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => ({ where: `variable $${v.name}`, expr: v.definition ?? '' })),
  ];
});

describe('Grafana dashboard grafana/ollama-perf.json', () => {
  it('is a dashboard on the DS_PROMETHEUS data source variable, with model and project variables', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toBe('ollama-perf');
    const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.DS_PROMETHEUS).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.model?.definition).toMatch(/^label_values\(.+, gen_ai_request_model\)$/);
    expect(variables.project?.definition).toMatch(/^label_values\(.+, project\)$/);
    for (const panel of dashboard.panels) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own variable syntax, not a template
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  it('has the panels the issue asks for', () => {
    const exprs = expressions.map((e) => e.expr).join('\n');
    expect(exprs).toMatch(/rate\(ollama_requests_total\{/);
    expect(exprs).toMatch(/sum by \(error_type\)/);
    for (const q of ['0.5', '0.95', '0.99'])
      expect(exprs).toContain(
        `histogram_quantile(${q}, sum by (le) (rate(gen_ai_client_operation_duration_seconds_bucket`,
      );
    expect(exprs).toMatch(
      /histogram_quantile\(0\.95, sum by \(le\) \(rate\(gen_ai_server_time_to_first_token_seconds_bucket/,
    );
    expect(exprs).toMatch(/gen_ai_server_time_per_output_token_seconds/);
    expect(exprs).toMatch(/sum by \(cold_start\)/);
    expect(exprs).toMatch(/ollama_cold_starts_total/);
  });

  it('reads only metric names that /metrics emits', () => {
    expect(expressions.length).toBeGreaterThan(10);
    for (const { where, expr } of expressions) {
      const names = metricNamesIn(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(sampleNames, `${where} reads "${name}"`).toContain(name);
    }
  });

  it('selects, groups and labels only by labels that /metrics emits', () => {
    for (const { where, expr, legendFormat } of expressions) {
      for (const name of labelNamesIn(expr))
        expect(name === 'le' || labelNames.has(name), `${where} uses label "${name}"`).toBe(true);
      for (const [, name] of (legendFormat ?? '').matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) {
        expect(labelNames, `${where} legend uses "${name}"`).toContain(name);
      }
    }
  });

  it('selects each metric only by labels that metric carries (one model label: gen_ai_request_model)', () => {
    for (const { where, expr } of expressions) {
      const carried = new Set(metricNamesIn(expr).flatMap((name) => [...(labelsOfMetric.get(name) ?? [])]));
      for (const name of labelNamesIn(expr)) expect(name === 'le' || carried.has(name), `${where}: ${name}`).toBe(true);
    }
    expect([...labelNames]).not.toContain('model');
  });

  it('has residency (loaded models, VRAM, switches) and availability panels', () => {
    const titled = (title: string) => dashboard.panels.filter((p) => p.title === title).flatMap((p) => p.targets);
    expect(titled('Loaded models').map((t) => t.expr)).toEqual([
      expect.stringMatching(/^count\(ollama_model_loaded\{/),
      expect.stringMatching(/ollama_model_loaded\{/),
    ]);
    expect(titled('VRAM by model')[0]?.expr).toMatch(/sum by \(gen_ai_request_model\) \(ollama_model_vram_bytes\{/);
    expect(titled('Model switches')[0]?.expr).toMatch(/ollama_model_switches_total\{/);
    expect(titled('Ollama up').map((t) => t.expr)).toEqual(['ollama_up', 'ollama_up']);
    expect(titled('Polls answered')[0]?.expr).toMatch(/ollama_polls_total\{outcome="answered"\}/);
    expect(titled('Outages')[0]?.expr).toMatch(/ollama_outages_total/);
  });

  it('totals a range as last minus first, a series born inside it counting from 0, as promtool checks', () => {
    const promtool = readFileSync(new URL('../grafana/range-totals.test.yml', import.meta.url), 'utf8');
    const totals = expressions.filter((e) => /\$__range\b|offset \$__interval\b/.test(e.expr));
    expect(totals.length).toBeGreaterThanOrEqual(8);
    for (const { where, expr } of totals) {
      // increase() loses the first sample of a series that appears inside the range.
      expect(expr, where).not.toMatch(/increase\(/);
      expect(expr, where).toMatch(/ offset \$__(?:range|interval)\) or \(.+ \* 0\)\)/);
    }
    // Biome's YAML formatter double-quotes what holds no double quote.
    const checked = [...promtool.matchAll(/^ {6}- expr: (['"])(.+)\1$/gm)].map(([, , e]) => e);
    const asChecked = (expr: string) =>
      expr
        .replaceAll('$model', '.*')
        .replaceAll('$project', '.*')
        .replaceAll('$__range', '10m')
        .replaceAll('$__interval', '1m');
    for (const title of [
      'Requests',
      'Success rate',
      'Cold starts',
      'Cold starts by model',
      'Model switches',
      'Polls answered',
      'Outages',
    ]) {
      const expr = dashboard.panels.find((p) => p.title === title)?.targets[0]?.expr ?? '';
      expect(checked, title).toContain(asChecked(expr));
    }
  });

  it('takes quantiles of _bucket series grouped by le', () => {
    for (const { where, expr } of expressions.filter((e) => e.expr.includes('histogram_quantile'))) {
      for (const name of metricNamesIn(expr)) expect(name, where).toMatch(/_bucket$/);
      expect(expr, where).toMatch(/sum by \(le\b/);
    }
  });

  it('catches a name /metrics does not emit (the check can fail)', () => {
    expect(
      metricNamesIn('sum(rate(gen_ai_client_operation_duration_seconds_buckets{project=~"$project"}[5m]))'),
    ).toEqual(['gen_ai_client_operation_duration_seconds_buckets']);
    expect(labelNamesIn('sum by (le, model) (rate(x_bucket{gen_ai_system="ollama"}[5m]))')).toEqual([
      'gen_ai_system',
      'le',
      'model',
    ]);
  });
});
