/** Types for `parse-prometheus-text-format` (the package ships none): only what the tests use. */
declare module 'parse-prometheus-text-format' {
  namespace parsePrometheusTextFormat {
    /** One sample, or for histograms/summaries one flattened series. Values stay strings ("+Inf"). */
    interface Sample {
      value?: string;
      labels?: Record<string, string>;
      timestamp_ms?: string;
      buckets?: Record<string, string>;
      quantiles?: Record<string, string>;
      count?: string;
      sum?: string;
    }
    /** One metric family: its HELP, TYPE (upper case) and samples. */
    interface MetricFamily {
      name: string;
      help: string;
      type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
      metrics: Sample[];
    }
  }
  /** Parses Prometheus text exposition; throws on a malformed line. */
  function parsePrometheusTextFormat(text: string): parsePrometheusTextFormat.MetricFamily[];
  export = parsePrometheusTextFormat;
}
