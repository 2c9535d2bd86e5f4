/**
 * Reads `/metrics` output with a real Prometheus text-format parser
 * (`parse-prometheus-text-format`, a port of client_python's parser) for the tests on Node
 * and inside workerd.
 *
 * The parser reads HELP, TYPE, names and escaped label values correctly, but flattens a
 * histogram family into one series and drops labelled `_sum`/`_count` lines
 * (yunyu/parse-prometheus-text-format#13, fix in the unmerged #8). So the text is parsed
 * twice: as served, for the families (names, TYPE, HELP), and with the histograms' TYPE
 * lines turned `untyped`, which makes the same parser hand back every `_bucket`, `_sum`
 * and `_count` sample with its own labels.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One sample line, as the parser read it. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One histogram series: its labels (no `le`), buckets in the order served, `_sum`, `_count`. */
export interface ParsedHistogramSeries {
  labels: Record<string, string>;
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

/** A whole exposition: its families (in order) and every sample line. */
export interface ParsedExposition {
  families: Array<{ name: string; type: string; help: string }>;
  samples: ParsedSample[];
}

/** A text-format number ("+Inf", "NaN", "1e-7", …). */
export function promNumber(text: string | undefined): number {
  if (text === undefined) throw new Error('missing sample value');
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const value = Number(text);
  if (Number.isNaN(value) && text !== 'NaN') throw new Error(`not a number: ${text}`);
  return value;
}

/** Parses exposition text; throws if the parser refuses any line. */
export function parseExposition(text: string): ParsedExposition {
  const families = parsePrometheusTextFormat(text).map(({ name, type, help }) => ({ name, type, help }));
  const samples: ParsedSample[] = [];
  for (const family of parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'))) {
    for (const sample of family.metrics)
      samples.push({ name: family.name, labels: sample.labels ?? {}, value: promNumber(sample.value) });
  }
  return { families, samples };
}

function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The series of histogram family `name`, assembled from its `_bucket`, `_sum` and `_count` samples. */
export function histogramSeries(parsed: ParsedExposition, name: string): ParsedHistogramSeries[] {
  const series = new Map<string, ParsedHistogramSeries>();
  const of = (labels: Record<string, string>) => {
    const key = seriesKey(labels);
    let entry = series.get(key);
    if (entry === undefined) {
      entry = { labels, buckets: [], sum: Number.NaN, count: Number.NaN };
      series.set(key, entry);
    }
    return entry;
  };
  for (const { name: sampleName, labels, value } of parsed.samples) {
    if (sampleName === `${name}_bucket`) {
      const { le, ...rest } = labels;
      of(rest).buckets.push({ le: promNumber(le), count: value });
    } else if (sampleName === `${name}_sum`) of(labels).sum = value;
    else if (sampleName === `${name}_count`) of(labels).count = value;
  }
  return [...series.values()];
}

/** The samples of counter (or any single-line) family `name`. */
export function samplesOf(parsed: ParsedExposition, name: string): ParsedSample[] {
  return parsed.samples.filter((s) => s.name === name);
}

/** Sums `value` over the items `where` accepts. */
export function total<T>(
  items: readonly T[],
  value: (item: T) => number,
  where: (item: T) => boolean = () => true,
): number {
  return items.reduce((sum, item) => (where(item) ? sum + value(item) : sum), 0);
}
