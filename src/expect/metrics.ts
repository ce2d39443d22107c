/**
 * What an expectation can name: every metric of the metric registry (src/output/metrics.ts,
 * by key or alias: p99, rate503, coldStartFraction, podSeconds, maxReadyPods…) plus the
 * run summary's own fields (status503, ok, coldStartRequests, panicSeconds, p90, max,
 * timeToFirstReady, scaleToZeroAt…). Each has a kind that says how its values are
 * written: milliseconds, a fraction, a count, seconds (times and durations) or hours (pod-hours).
 */
import { METRIC_KEYS, METRICS, metricByName, metricsOf } from '../output/metrics.js';
import type { RevisionSummary, RunSummary } from '../output/summary.js';

/** How values of a metric are written and printed. */
export type ValueKind = 'ms' | 'fraction' | 'count' | 'seconds' | 'hours';

/** What a metric reads from one scope (the whole run, a service's or a revision's summary). */
export interface ScopeSummary {
  /** Totals and percentiles of the scope, shaped as the summary's `overall`. */
  overall: RunSummary['overall'];
  /** The scope's revision (undefined for the whole run or a service with several revisions). */
  revision: RevisionSummary | undefined;
  /** The whole run's summary when the scope is the whole run (what only the run has: requests in flight at the end, nodes, cost). */
  run?: RunSummary | undefined;
}

export interface ExpectMetric {
  /** The canonical name (printed in results). */
  name: string;
  kind: ValueKind;
  /** True for a metric whose value is a list of instants (scaleToZeroAt). */
  times?: boolean;
  /** Only a revision has it (timeToFirstReady, scaleToZeroAt). */
  revisionOnly?: boolean;
  /** Only the whole run has it (requests in flight at the end, nodes and their cost): not with revision: or service:. */
  runOnly?: boolean;
  /** The lowest and highest value a run can give (a fraction's are 0 and 1). */
  bounds: readonly [number, number];
  /** A whole number (a count), so == 2.5 can never hold. */
  integer?: boolean;
  /**
   * Of a service with several revisions, the sum over them (a count, pod time) or a share of
   * summed counts; a percentile, a peak or a time of the service is no sum of its revisions'.
   */
  additive?: boolean;
  /** The value, or a list of instants for `times` metrics; null when the run has none. */
  read(s: ScopeSummary): number | readonly number[] | null;
}

const asRun = (s: ScopeSummary): RunSummary => ({ overall: s.overall }) as RunSummary;

/**
 * A latency of the scope's successful (200) requests, or null when none succeeded: the
 * summary then says 0 ms, which would pass every "p99 <= ..." of a run that failed all its requests.
 */
const latency =
  (read: (s: ScopeSummary) => number | null) =>
  (s: ScopeSummary): number | null =>
    s.overall.requests.ok === 0 ? null : read(s);

/** A share of the scope's answered requests, or null when none was answered (the summary then says 0). */
const rate =
  (read: (s: ScopeSummary) => number | null) =>
  (s: ScopeSummary): number | null =>
    s.overall.requests.total === 0 ? null : read(s);

/**
 * Registry metrics read from what only the whole run's summary has (the in-flight count, the
 * nodes and their cost): read from a revision's summary they were always 0 % or NaN.
 */
const RUN_ONLY: ReadonlySet<string> = new Set(['unanswered_rate', 'node_cost_usd', 'peak_nodes', 'max_pending_s']);

/** Registry metrics in seconds (a duration such as 90s may be written). */
const SECONDS: ReadonlySet<string> = new Set(['pod_seconds', 'max_pending_s']);

/** Registry metrics that are sums over requests or pod time, or shares of such sums (see ExpectMetric.additive). */
const ADDITIVE: ReadonlySet<string> = new Set(['rate_503', 'rate_504', 'error_rate', 'cold_start_fraction', 'pod_seconds', 'pod_hours', 'ready_pod_hours', 'sessions_closed_rate']);

/** Registry metrics in hours: a bare number is hours, and a duration (90m) reads as its hours. */
const HOURS: ReadonlySet<string> = new Set(['pod_hours', 'ready_pod_hours']);

/** The share of sent requests still in flight at the end, or null when none was sent (answered or not). */
const unanswered =
  (read: (s: ScopeSummary) => number | null) =>
  (s: ScopeSummary): number | null =>
    s.overall.requests.total + (s.run?.requestsInFlightAtEnd ?? 0) === 0 ? null : read(s);

/** The registry's metrics, keyed by every name they answer to. */
function registryMetrics(): Map<string, ExpectMetric> {
  const out = new Map<string, ExpectMetric>();
  for (const k of METRIC_KEYS) {
    const m = METRICS[k];
    const kind: ValueKind = m.unit === 'ms' ? 'ms' : m.unit === 'fraction' ? 'fraction' : SECONDS.has(k) ? 'seconds' : HOURS.has(k) ? 'hours' : 'count';
    // NaN (a node metric of a run without node pools) is "none", not a number that fails every check.
    const read = (s: ScopeSummary): number | null => {
      const v = metricsOf(s.run ?? asRun(s))[k];
      return Number.isNaN(v) ? null : v;
    };
    const wrapped = k === 'unanswered_rate' ? unanswered(read) : kind === 'ms' ? latency(read) : kind === 'fraction' ? rate(read) : read;
    const metric: ExpectMetric = { name: k, kind, bounds: m.bounds, ...(m.integer === true ? { integer: true } : {}), ...(RUN_ONLY.has(k) ? { runOnly: true } : {}), ...(ADDITIVE.has(k) ? { additive: true } : {}), read: wrapped };
    for (const n of [k, ...m.aliases]) out.set(n.toLowerCase(), metric);
  }
  return out;
}

/** Every summary field below is a count, a latency or a time on the run's clock: never negative. */
const NON_NEGATIVE = [0, Number.POSITIVE_INFINITY] as const;

/** The summary's fields that the registry does not already cover. */
const SUMMARY_FIELDS: readonly ExpectMetric[] = [
  ...(['total', 'ok', 'status503', 'status504', 'clientTimeouts', 'noRoute'] as const).map(
    (f): ExpectMetric => ({ name: f, kind: 'count', bounds: NON_NEGATIVE, integer: true, additive: true, read: (s) => s.overall.requests[f] }),
  ),
  { name: 'status502', kind: 'count', bounds: NON_NEGATIVE, integer: true, additive: true, read: (s) => s.overall.requests.status502 ?? 0 },
  // Only in a run with WebSocket sessions (app.webSocket); none otherwise.
  { name: 'sessionsClosedAtShutdown', kind: 'count', bounds: NON_NEGATIVE, integer: true, additive: true, read: (s) => s.overall.sessionsClosedAtShutdown ?? null },
  { name: 'coldStartRequests', kind: 'count', bounds: NON_NEGATIVE, integer: true, additive: true, read: (s) => s.overall.coldStartRequests },
  { name: 'panicSeconds', kind: 'seconds', bounds: NON_NEGATIVE, read: (s) => s.overall.panicSeconds },
  ...(['p90', 'max'] as const).map((f): ExpectMetric => ({ name: f, kind: 'ms', bounds: NON_NEGATIVE, read: latency((s) => s.overall.latencyMs[f]) })),
  { name: 'timeToFirstReady', kind: 'seconds', bounds: NON_NEGATIVE, revisionOnly: true, read: (s) => s.revision?.timeToFirstReadySeconds ?? null },
  { name: 'scaleToZeroAt', kind: 'seconds', bounds: NON_NEGATIVE, times: true, revisionOnly: true, read: (s) => s.revision?.scaleToZeroAtSeconds ?? [] },
  { name: 'scaleToZeroCount', kind: 'count', bounds: NON_NEGATIVE, integer: true, revisionOnly: true, read: (s) => s.revision?.scaleToZeroAtSeconds.length ?? 0 },
];

let table: Map<string, ExpectMetric> | undefined;

function all(): Map<string, ExpectMetric> {
  if (table !== undefined) return table;
  table = registryMetrics();
  for (const m of SUMMARY_FIELDS) table.set(m.name.toLowerCase(), m);
  return table;
}

/** The metric called `name` (case-insensitive), or undefined. */
export function expectMetric(name: string): ExpectMetric | undefined {
  return all().get(name.trim().toLowerCase()) ?? (metricByName(name) ? all().get(metricByName(name)!.key) : undefined);
}

/** Every name an expectation may use, for "did you mean" and the docs. */
export function expectMetricNames(): string[] {
  const names: string[] = [];
  // Aliases first: the short names people write win ties in "did you mean".
  for (const k of METRIC_KEYS) names.push(...METRICS[k].aliases, k);
  for (const m of SUMMARY_FIELDS) names.push(m.name);
  return names;
}
