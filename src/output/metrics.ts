/**
 * The per-run metric table. A metric is defined once here — its key, label, unit, the
 * names --slo and --objective accept, its kind and bounds (which pick its confidence
 * interval), and how it is computed from the run's summary — and
 * everything else reads this table: sweep.csv / runs.csv columns and their order, the sweep
 * and tune charts' axes, tune's SLO and objective parsing, and the in-memory metrics each
 * sweep run returns. Adding a per-run metric is one entry (plus, if the summary does not
 * carry what it needs yet, the aggregate in ./summary.ts that the run records feed).
 */
import type { RunSummary } from './summary.js';

export interface MetricInfo<K extends string = MetricKey> {
  key: K;
  /** For chart axes and tables. */
  label: string;
  /** How the metric is read in --slo and --objective (besides its key). */
  aliases: readonly string[];
  /** 'ms' for latencies (an SLO may say 500ms or 0.5s), 'fraction' for rates (0.1% or 0.001), '' otherwise. */
  unit: 'ms' | 'fraction' | '';
  /** The label with its unit, for chart axes and table headers ("pod-seconds (s)"). */
  title: string;
  /**
   * What values a run gives, which decides the 95 % interval sweeps and tunes show:
   * 'proportion' (a share in [0, 1]: Wilson score interval) or 'nonNegative' (≥ 0 and
   * often skewed: a seeded bootstrap, which stays within the observed values).
   */
  kind: 'proportion' | 'nonNegative';
  /** [lowest, highest] value a run can give; Infinity when only the scenario bounds it (max pods ≤ max-scale). */
  bounds: readonly [number, number];
  /** Each run's value is a whole number (the mean over runs need not be). */
  integer?: boolean;
  /** The run's value. Rates are 0 when nothing was sent. */
  of(summary: RunSummary): number;
  /**
   * Where the sweep report charts it: `line` is its panel's position on the one-axis
   * page, `heatmap` its position and colour scheme on the two-axis page. Absent: not charted.
   */
  chart?: { line?: number; heatmap?: { at: number; scheme: string } };
}

/** A share of all requests sent (0 when nothing was sent). */
function ofRequests(s: RunSummary, n: number): number {
  const total = s.overall.requests.total;
  return total === 0 ? 0 : n / total;
}

/** Requests still in flight when the run ended, of all sent (0 when nothing was sent). */
function unansweredShare(s: RunSummary): number {
  const n = s.requestsInFlightAtEnd ?? 0;
  const sent = s.overall.requests.total + n;
  return sent === 0 ? 0 : n / sent;
}

/**
 * Latency percentiles are of the 200 responses (ms); the rates are fractions of all
 * requests answered 503 / 504 / anything but 200 / after a cold start, and the share of
 * requests sent that were not answered by the end; pod-seconds, pod-hours
 * (all pod time, and only the time pods were Ready) and the most pods ready at once are over
 * all services together. Order is column order.
 */
const TABLE = [
  { key: 'p50_ms', label: 'p50 latency (ms)', aliases: ['p50', 'p50Ms'], unit: 'ms', title: 'p50 latency (ms)', kind: 'nonNegative', bounds: [0, Infinity], of: (s) => s.overall.latencyMs.p50, chart: { line: 0 } },
  { key: 'p95_ms', label: 'p95 latency (ms)', aliases: ['p95', 'p95Ms'], unit: 'ms', title: 'p95 latency (ms)', kind: 'nonNegative', bounds: [0, Infinity], of: (s) => s.overall.latencyMs.p95, chart: { line: 1 } },
  { key: 'p99_ms', label: 'p99 latency (ms)', aliases: ['p99', 'p99Ms'], unit: 'ms', title: 'p99 latency (ms)', kind: 'nonNegative', bounds: [0, Infinity], of: (s) => s.overall.latencyMs.p99, chart: { line: 2, heatmap: { at: 0, scheme: 'orangered' } } },
  { key: 'rate_503', label: '503 rate', aliases: ['rate503', '503Rate', '503'], unit: 'fraction', title: '503 rate (%)', kind: 'proportion', bounds: [0, 1], of: (s) => ofRequests(s, s.overall.requests.status503), chart: { line: 7 } },
  { key: 'rate_504', label: '504 rate', aliases: ['rate504', '504Rate', '504'], unit: 'fraction', title: '504 rate (%)', kind: 'proportion', bounds: [0, 1], of: (s) => ofRequests(s, s.overall.requests.status504) },
  { key: 'error_rate', label: 'error rate (non-200)', aliases: ['errorRate', 'errors'], unit: 'fraction', title: 'error rate, non-200 (%)', kind: 'proportion', bounds: [0, 1], of: (s) => ofRequests(s, s.overall.requests.total - s.overall.requests.ok), chart: { line: 3, heatmap: { at: 2, scheme: 'reds' } } },
  // Sent but not answered when the run ended (waiting or executing), of all sent: the rates above are of answered requests, so a configuration that answers nothing would otherwise show none.
  { key: 'unanswered_rate', label: 'unanswered at the end', aliases: ['unanswered', 'unansweredRate', 'inFlightAtEnd'], unit: 'fraction', title: 'unanswered at the end (%)', kind: 'proportion', bounds: [0, 1], of: (s) => unansweredShare(s) },
  { key: 'cold_start_fraction', label: 'cold-start fraction', aliases: ['coldStartFraction', 'coldStarts', 'coldStart'], unit: 'fraction', title: 'cold-start fraction (%)', kind: 'proportion', bounds: [0, 1], of: (s) => ofRequests(s, s.overall.coldStartRequests), chart: { line: 4, heatmap: { at: 3, scheme: 'purples' } } },
  { key: 'pod_seconds', label: 'pod-seconds', aliases: ['podSeconds', 'cost'], unit: '', title: 'pod-seconds (s)', kind: 'nonNegative', bounds: [0, Infinity], of: (s) => s.overall.podSeconds, chart: { line: 5, heatmap: { at: 1, scheme: 'blues' } } },
  { key: 'max_pods', label: 'max ready pods', aliases: ['maxPods', 'maxReadyPods'], unit: '', title: 'max ready pods (count)', kind: 'nonNegative', bounds: [0, Infinity], integer: true, of: (s) => s.overall.maxReadyPods, chart: { line: 6 } },
  { key: 'pod_hours', label: 'pod-hours', aliases: ['podHours'], unit: '', title: 'pod-hours (h)', kind: 'nonNegative', bounds: [0, Infinity], of: (s) => s.overall.podHours },
  { key: 'ready_pod_hours', label: 'ready pod-hours', aliases: ['readyPodHours'], unit: '', title: 'ready pod-hours (h)', kind: 'nonNegative', bounds: [0, Infinity], of: (s) => s.overall.readyPodHours },
  // Only with node pools (cluster.nodePools); NaN (an empty cell) otherwise.
  { key: 'node_cost_usd', label: 'node cost ($)', aliases: ['nodeCost', 'dollars'], unit: '', title: 'node cost ($)', kind: 'nonNegative', bounds: [0, Infinity], of: (s) => s.cost?.total ?? Number.NaN },
  { key: 'peak_nodes', label: 'peak nodes', aliases: ['peakNodes', 'maxNodes'], unit: '', title: 'peak nodes (count)', kind: 'nonNegative', bounds: [0, Infinity], integer: true, of: (s) => s.nodes?.max ?? Number.NaN },
  { key: 'max_pending_s', label: 'longest Pending wait (s)', aliases: ['maxPending', 'maxPendingSeconds'], unit: '', title: 'longest Pending wait (s)', kind: 'nonNegative', bounds: [0, Infinity], of: (s) => s.nodes?.maxPendingSeconds ?? Number.NaN },
  // Only when some revision streams its responses (app.stream); NaN otherwise. Time to the first byte of the 200s.
  { key: 'first_byte_p99_ms', label: 'p99 time to first byte (ms)', aliases: ['firstByteP99', 'firstByteP99Ms', 'ttfbP99'], unit: 'ms', title: 'p99 time to first byte (ms)', kind: 'nonNegative', bounds: [0, Infinity], of: (s) => s.overall.firstByteMs?.p99 ?? Number.NaN },
  // Only when some revision serves WebSocket sessions (app.webSocket); NaN otherwise. Of all requests, as the rates above.
  { key: 'sessions_closed_rate', label: 'WebSocket sessions closed by a shutdown', aliases: ['sessionsClosed', 'sessionsClosedRate', 'closedSessions'], unit: 'fraction', title: 'WebSocket sessions closed by a shutdown (%)', kind: 'proportion', bounds: [0, 1], of: (s) => (s.overall.sessionsClosedAtShutdown === undefined ? Number.NaN : ofRequests(s, s.overall.sessionsClosedAtShutdown)) },
] as const satisfies ReadonlyArray<MetricInfo<string>>;

export type MetricKey = (typeof TABLE)[number]['key'];

export const METRIC_KEYS: readonly MetricKey[] = TABLE.map((m) => m.key);

/** One run's metrics, in METRIC_KEYS order. */
export type MetricValues = Record<MetricKey, number>;

export const METRICS: Readonly<Record<MetricKey, MetricInfo>> = Object.fromEntries(TABLE.map((m): [MetricKey, MetricInfo] => [m.key, m])) as Record<MetricKey, MetricInfo>;

/** Two runs' metrics are the same: every value equal, a metric neither run has (NaN) included. */
export function sameMetricValues(a: MetricValues, b: MetricValues): boolean {
  for (const k of METRIC_KEYS) {
    const x = a[k];
    const y = b[k];
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
  }
  return true;
}

/** Finds a metric by key or alias (case-insensitive); undefined when unknown. */
export function metricByName(name: string): MetricInfo | undefined {
  const n = name.trim().toLowerCase();
  for (const k of METRIC_KEYS) {
    const m = METRICS[k];
    if (m.key === n || m.aliases.some((a) => a.toLowerCase() === n)) return m;
  }
  return undefined;
}

const ALL: ReadonlyArray<MetricInfo> = METRIC_KEYS.map((k) => METRICS[k]);

/** The metrics the sweep report draws a line panel for, in panel order. */
export const LINE_CHART_METRICS: readonly MetricKey[] = ALL.filter((m) => m.chart?.line !== undefined)
  .sort((a, b) => a.chart!.line! - b.chart!.line!)
  .map((m) => m.key);

/** The metrics the sweep report draws a heatmap for, in order, with their colour schemes. */
export const HEATMAP_METRICS: ReadonlyArray<readonly [MetricKey, string]> = ALL.flatMap((m) => (m.chart?.heatmap !== undefined ? [{ key: m.key, ...m.chart.heatmap }] : []))
  .sort((a, b) => a.at - b.at)
  .map((h) => [h.key, h.scheme] as const);

/** A run's metrics, from its summary. */
export function metricsOf(summary: RunSummary): MetricValues {
  const out = {} as MetricValues;
  for (const m of ALL) out[m.key] = m.of(summary);
  return out;
}
