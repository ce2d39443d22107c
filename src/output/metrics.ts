/** The numbers a sweep keeps from each run, taken from the run's overall summary. */
import type { RunSummary } from './summary.js';

export const METRIC_KEYS = [
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'rate_503',
  'rate_504',
  'error_rate',
  'cold_start_fraction',
  'pod_seconds',
  'max_pods',
] as const;

export type MetricKey = (typeof METRIC_KEYS)[number];

/** One run's metrics, in METRIC_KEYS order. */
export type MetricValues = Record<MetricKey, number>;

export interface MetricInfo {
  key: MetricKey;
  /** For chart axes and tables. */
  label: string;
  /** How the metric is read in --slo and --objective (besides its key). */
  aliases: readonly string[];
  /** 'ms' for latencies (an SLO may say 500ms or 0.5s), 'fraction' for rates (0.1% or 0.001), '' otherwise. */
  unit: 'ms' | 'fraction' | '';
}

export const METRICS: Readonly<Record<MetricKey, MetricInfo>> = {
  p50_ms: { key: 'p50_ms', label: 'p50 latency (ms)', aliases: ['p50', 'p50Ms'], unit: 'ms' },
  p95_ms: { key: 'p95_ms', label: 'p95 latency (ms)', aliases: ['p95', 'p95Ms'], unit: 'ms' },
  p99_ms: { key: 'p99_ms', label: 'p99 latency (ms)', aliases: ['p99', 'p99Ms'], unit: 'ms' },
  rate_503: { key: 'rate_503', label: '503 rate', aliases: ['rate503', '503Rate', '503'], unit: 'fraction' },
  rate_504: { key: 'rate_504', label: '504 rate', aliases: ['rate504', '504Rate', '504'], unit: 'fraction' },
  error_rate: { key: 'error_rate', label: 'error rate (non-200)', aliases: ['errorRate', 'errors'], unit: 'fraction' },
  cold_start_fraction: { key: 'cold_start_fraction', label: 'cold-start fraction', aliases: ['coldStartFraction', 'coldStarts', 'coldStart'], unit: 'fraction' },
  pod_seconds: { key: 'pod_seconds', label: 'pod-seconds', aliases: ['podSeconds', 'cost'], unit: '' },
  max_pods: { key: 'max_pods', label: 'max ready pods', aliases: ['maxPods', 'maxReadyPods'], unit: '' },
};

/** Finds a metric by key or alias (case-insensitive); undefined when unknown. */
export function metricByName(name: string): MetricInfo | undefined {
  const n = name.trim().toLowerCase();
  for (const k of METRIC_KEYS) {
    const m = METRICS[k];
    if (m.key === n || m.aliases.some((a) => a.toLowerCase() === n)) return m;
  }
  return undefined;
}

/**
 * A run's metrics: latency percentiles of the 200 responses (ms), the fractions of all
 * requests answered 503 / 504 / anything but 200 / after a cold start, pod-seconds and
 * the most pods ready at once (all services together). Rates are 0 when nothing was sent.
 */
export function metricsOf(summary: RunSummary): MetricValues {
  const o = summary.overall;
  const total = o.requests.total;
  const frac = (x: number): number => (total === 0 ? 0 : x / total);
  return {
    p50_ms: o.latencyMs.p50,
    p95_ms: o.latencyMs.p95,
    p99_ms: o.latencyMs.p99,
    rate_503: frac(o.requests.status503),
    rate_504: frac(o.requests.status504),
    error_rate: frac(total - o.requests.ok),
    cold_start_fraction: frac(o.coldStartRequests),
    pod_seconds: o.podSeconds,
    max_pods: o.maxReadyPods,
  };
}
