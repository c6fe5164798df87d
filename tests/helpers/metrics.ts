import type { Metrics } from "../../observability/metrics.ts";

interface Sample {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>>;
  /** Set on a histogram's `_bucket`/`_sum`/`_count` samples. */
  readonly metricName?: string;
}

/** The sum of a counter's or gauge's samples whose labels include `labels`. */
export async function metricValue(
  metrics: Metrics,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const samples = (metric?.values ?? []) as ReadonlyArray<Sample>;
  return samples
    .filter((s) => s.metricName === undefined || s.metricName === name)
    .filter((s) => Object.entries(labels).every(([k, want]) => String(s.labels[k]) === want))
    .reduce((sum, s) => sum + s.value, 0);
}
