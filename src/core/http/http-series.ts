/**
 * Request counts and latency histograms by method, route and status, kept as plain numbers
 * and written in Prometheus' text format on scrape. prom-client's labelled metrics hash their
 * label object on every observation, which on a cached-key request cost more than the key check.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

interface Series {
  labels: string;
  count: number;
  sum: number;
  /** Per bucket, not cumulative; made cumulative when rendered. */
  buckets: Float64Array;
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class HttpSeries {
  private series = new Map<string, Series>();

  record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let s = this.series.get(key);
    if (!s) {
      s = {
        labels: `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`,
        count: 0,
        sum: 0,
        buckets: new Float64Array(BUCKETS.length + 1),
      };
      this.series.set(key, s);
    }
    s.count++;
    s.sum += seconds;
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
    s.buckets[i]++;
  }

  render(): string {
    const lines = [
      '# HELP chakra_http_requests_total HTTP requests by method, route and status code',
      '# TYPE chakra_http_requests_total counter',
    ];
    for (const s of this.series.values()) lines.push(`chakra_http_requests_total{${s.labels}} ${s.count}`);
    lines.push(
      '# HELP chakra_http_request_duration_seconds HTTP request latency by method, route and status code',
      '# TYPE chakra_http_request_duration_seconds histogram',
    );
    for (const s of this.series.values()) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += s.buckets[i];
        lines.push(`chakra_http_request_duration_seconds_bucket{le="${le}",${s.labels}} ${cumulative}`);
      });
      lines.push(`chakra_http_request_duration_seconds_bucket{le="+Inf",${s.labels}} ${s.count}`);
      lines.push(`chakra_http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      lines.push(`chakra_http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
