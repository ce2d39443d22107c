/**
 * The HPA's replica calculator (kubernetes/kubernetes pkg/controller/podautoscaler
 * replica_calculator.go and metrics/utilization.go) as pure functions: pods are grouped
 * into ready, unready, missing-metric and ignored; a utilization or average-value ratio
 * is computed over the pods with metrics; within the tolerance nothing changes; missing
 * and unready pods are then assumed to use the least helpful value for the move
 * (damping scale-ups and scale-downs) before the ratio is recomputed.
 */
import { InvalidArgumentError, requireFinite, requireInteger, requireOneOf } from '../errors.js';
import { validateHpaControllerConfig, type HpaControllerConfig, type HpaResource } from './spec.js';

/** Pod phase as the pod lister reports it. */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** One pod matched by the HPA's selector. */
export interface HpaPod {
  name: string;
  phase: PodPhase;
  /** deletionTimestamp is set (terminating). */
  deleting?: boolean | undefined;
  /** Status of the Ready condition; undefined when the pod has no Ready condition yet. */
  ready?: boolean | undefined;
  /** lastTransitionTime of the Ready condition. */
  readyLastTransitionSeconds?: number | undefined;
  /** status.startTime; undefined before the kubelet has started the pod. */
  startTimeSeconds?: number | undefined;
  /**
   * Σ container requests of the resource, in milli-units (CPU millicores; memory bytes ×
   * 1000); undefined when some container has no request for it (the HPA then fails).
   */
  requestsMilli?: Partial<Record<HpaResource, number>> | undefined;
  /**
   * Where a resource has no Σ request: the first container in the pod's order without one,
   * which the HPA's message names (default `user-container`, Knative's name for a lone container).
   */
  withoutRequest?: Partial<Record<HpaResource, string>> | undefined;
}

/** One pod's metric as metrics-server (or a custom-metrics adapter) reports it. */
export interface HpaPodMetric {
  /** Milli-units: CPU millicores, memory bytes × 1000, custom metrics × 1000. Whole numbers. */
  valueMilli: number;
  timestampSeconds: number;
  /** The window the value was averaged over (metrics-server: the scrape interval). */
  windowSeconds: number;
}

export type HpaPodMetrics = ReadonlyMap<string, HpaPodMetric>;

/** How the pods fell into groups (groupPods). */
export interface PodGroups {
  readyCount: number;
  unready: string[];
  missing: string[];
  ignored: string[];
}

/** A replica count proposal, or why none could be made (the HPA then does not scale on this metric). */
export type ReplicaProposal =
  | {
      ok: true;
      replicas: number;
      /** CPU/memory utilization in percent of requests (Utilization targets), else the average value in milli-units. */
      usage: number;
      /** The usage ratio before missing/unready pods were filled in. */
      ratio: number;
      groups: PodGroups;
    }
  | { ok: false; reason: string; message: string };

/** Exact floor(a / b) for non-negative whole numbers (a may exceed 2^53 in memory milli-units). */
function idiv(a: number, b: number): number {
  return Number(BigInt(a) / BigInt(b));
}

/**
 * Sorts the pods (upstream groupPods). Terminating and Failed pods are ignored, Pending
 * ones unready, pods without a metric missing. For CPU only, a pod is also unready while
 * it has no Ready condition or start time; within the initialization period after its
 * start, while not Ready or while its metric does not yet cover a full window since the
 * last readiness change; afterwards, only if it is not Ready and never became ready
 * within the initial readiness delay.
 */
export function groupPods(
  pods: readonly HpaPod[],
  metrics: HpaPodMetrics,
  resource: HpaResource | undefined,
  nowSeconds: number,
  cfg: Pick<HpaControllerConfig, 'cpuInitializationPeriodSeconds' | 'initialReadinessDelaySeconds'>,
): PodGroups {
  const g: PodGroups = { readyCount: 0, unready: [], missing: [], ignored: [] };
  for (const pod of pods) {
    if (pod.deleting === true || pod.phase === 'Failed') {
      g.ignored.push(pod.name);
      continue;
    }
    if (pod.phase === 'Pending') {
      g.unready.push(pod.name);
      continue;
    }
    const metric = metrics.get(pod.name);
    if (metric === undefined) {
      g.missing.push(pod.name);
      continue;
    }
    if (resource === 'cpu') {
      let unready: boolean;
      const start = pod.startTimeSeconds;
      const lt = pod.readyLastTransitionSeconds ?? start ?? 0;
      if (pod.ready === undefined || start === undefined) unready = true;
      else if (start + cfg.cpuInitializationPeriodSeconds > nowSeconds) {
        unready = !pod.ready || metric.timestampSeconds < lt + metric.windowSeconds;
      } else {
        unready = !pod.ready && start + cfg.initialReadinessDelaySeconds > lt;
      }
      if (unready) {
        g.unready.push(pod.name);
        continue;
      }
    }
    g.readyCount++;
  }
  return g;
}

/** Σ values, Σ requests over pods holding a value that have a request (GetResourceUtilizationRatio). */
function utilization(values: ReadonlyMap<string, number>, requests: ReadonlyMap<string, number>): { util: number; ok: boolean } {
  let total = 0;
  let req = 0;
  for (const [name, v] of values) {
    const r = requests.get(name);
    if (r === undefined) continue;
    total += v;
    req += r;
  }
  if (req === 0) return { util: 0, ok: false };
  return { util: idiv(total * 100, req), ok: true };
}

function averageValue(values: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const v of values.values()) total += v;
  return idiv(total, values.size);
}

interface Core {
  currentReplicas: number;
  tolerance: number;
  groups: PodGroups;
  values: Map<string, number>;
  ratioOf: (values: ReadonlyMap<string, number>) => number;
  /** The value a missing pod is assumed to use on a scale-down. */
  missingDownValue: (pod: string) => number;
  usage: number;
}

/**
 * Whether a usage ratio is close enough to 1 to leave the replicas alone (Tolerances.isWithin,
 * v1.33+): a closed band in float64, so 45/50 and 55/50 are both inside, where |ratio − 1| ≤ 0.1
 * would put 55/50 outside (1.1 − 1 is 0.10000000000000009).
 */
export function withinTolerance(ratio: number, tolerance: number): boolean {
  return 1.0 - tolerance <= ratio && ratio <= 1.0 + tolerance;
}

/** The shared tail of the three calculators: tolerance, then the rebalancing of missing and unready pods. */
function propose(c: Core): ReplicaProposal {
  const within = (r: number): boolean => withinTolerance(r, c.tolerance);
  const ratio = c.ratioOf(c.values);
  const scaleUpWithUnready = c.groups.unready.length > 0 && ratio > 1.0;
  const base = { usage: c.usage, ratio, groups: c.groups };
  if (!scaleUpWithUnready && c.groups.missing.length === 0) {
    if (within(ratio)) return { ok: true, replicas: c.currentReplicas, ...base };
    return { ok: true, replicas: Math.ceil(ratio * c.groups.readyCount), ...base };
  }
  // At a ratio of exactly 1 missing pods stay out (both calculators since v1.33), so nothing moves.
  if (c.groups.missing.length > 0) {
    if (ratio < 1.0) for (const p of c.groups.missing) c.values.set(p, c.missingDownValue(p));
    else if (ratio > 1.0) for (const p of c.groups.missing) c.values.set(p, 0);
  }
  if (scaleUpWithUnready) for (const p of c.groups.unready) c.values.set(p, 0);
  const newRatio = c.ratioOf(c.values);
  if (within(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
    return { ok: true, replicas: c.currentReplicas, ...base };
  }
  const n = Math.ceil(newRatio * c.values.size);
  // A move the other way only because more pods were counted is no move.
  if ((newRatio < 1.0 && n > c.currentReplicas) || (newRatio > 1.0 && n < c.currentReplicas)) {
    return { ok: true, replicas: c.currentReplicas, ...base };
  }
  return { ok: true, replicas: n, ...base };
}

function prepare(
  pods: readonly HpaPod[],
  metrics: HpaPodMetrics,
  resource: HpaResource | undefined,
  nowSeconds: number,
  cfg: HpaControllerConfig,
): { groups: PodGroups; values: Map<string, number> } | ReplicaProposal {
  if (pods.length === 0) return { ok: false, reason: 'NoPods', message: 'no pods returned by selector while calculating replica count' };
  const groups = groupPods(pods, metrics, resource, nowSeconds, cfg);
  // Only ignored and unready pods' metrics go (removeMetricsForPods): a metric of a pod the lister
  // does not have (deleted since, or not seen yet) stays, in an average value and in the count
  // of the rebalanced proposal; a utilization skips it for want of a request, as upstream.
  const drop = new Set([...groups.ignored, ...groups.unready]);
  const values = new Map<string, number>();
  for (const [name, m] of metrics) if (!drop.has(name)) values.set(name, m.valueMilli);
  if (values.size === 0) return { ok: false, reason: 'NoMetrics', message: 'did not receive metrics for targeted pods (pods might be unready)' };
  return { groups, values };
}

/** Inputs of the calculators: the sync's time, the scale's spec.replicas, the pods and their metrics. */
export interface ReplicaCalcInput {
  nowSeconds: number;
  currentReplicas: number;
  pods: readonly HpaPod[];
  metrics: HpaPodMetrics;
  config: HpaControllerConfig;
}

const HPA_RESOURCES: readonly HpaResource[] = ['cpu', 'memory'];

/**
 * Rejects what no HPA sync could see, which would otherwise come back as a NaN, infinite or
 * negative replica count (or a BigInt RangeError): the sync's time, a negative or fractional
 * spec.replicas, the controller flags, and metric values and requests that are not whole
 * milli-units (a resource's cannot be negative either).
 */
function validateCalcInput(i: ReplicaCalcInput, resource: HpaResource | undefined): void {
  requireFinite('nowSeconds', i.nowSeconds);
  requireInteger('currentReplicas', i.currentReplicas, 0);
  validateHpaControllerConfig(i.config);
  if (!Array.isArray(i.pods)) throw new InvalidArgumentError('pods', 'must be an array');
  if (!(i.metrics instanceof Map)) throw new InvalidArgumentError('metrics', 'must be a Map from pod name to metric');
  const min = resource === undefined ? undefined : 0;
  for (const [name, m] of i.metrics) {
    const at = `metrics[${JSON.stringify(name)}]`;
    requireInteger(`${at}.valueMilli`, m.valueMilli, min);
    requireFinite(`${at}.timestampSeconds`, m.timestampSeconds);
    requireFinite(`${at}.windowSeconds`, m.windowSeconds);
  }
  if (resource === undefined) return;
  requireOneOf('resource', resource, HPA_RESOURCES);
  i.pods.forEach((pod, n) => {
    const r = pod.requestsMilli?.[resource];
    if (r !== undefined) requireInteger(`pods[${n}].requestsMilli.${resource}`, r, 0);
  });
}

/** A Utilization target on a resource (GetResourceReplicas): util = ⌊100 × Σusage / Σrequest⌋ %. */
export function resourceUtilizationReplicas(i: ReplicaCalcInput & { resource: HpaResource; targetUtilization: number }): ReplicaProposal {
  validateCalcInput(i, i.resource);
  // The API server's rule for averageUtilization: a whole percent > 0.
  requireInteger('targetUtilization', i.targetUtilization, 1);
  const p = prepare(i.pods, i.metrics, i.resource, i.nowSeconds, i.config);
  if ('ok' in p) return p;
  const requests = new Map<string, number>();
  for (const pod of i.pods) {
    const r = pod.requestsMilli?.[i.resource];
    if (r === undefined) {
      // Upstream's calculateRequests words it so, names unquoted.
      const container = pod.withoutRequest?.[i.resource] ?? 'user-container';
      return { ok: false, reason: 'MissingRequest', message: `missing request for ${i.resource} in container ${container} of Pod ${pod.name}` };
    }
    requests.set(pod.name, r);
  }
  const u = utilization(p.values, requests);
  if (!u.ok) return { ok: false, reason: 'NoRequests', message: 'no metrics returned matched known pods' };
  const fallback = Math.max(100, i.targetUtilization);
  return propose({
    currentReplicas: i.currentReplicas,
    tolerance: i.config.tolerance,
    groups: p.groups,
    values: p.values,
    ratioOf: (v) => utilization(v, requests).util / i.targetUtilization,
    missingDownValue: (pod) => idiv((requests.get(pod) ?? 0) * fallback, 100),
    usage: u.util,
  });
}

/**
 * An AverageValue target (GetRawResourceReplicas for memory, GetMetricReplicas for a
 * `Pods` metric): usage = ⌊Σvalue / pods⌋ milli-units; a missing pod counts as exactly
 * the target on a scale-down. `resource` is undefined for custom metrics.
 */
export function averageValueReplicas(i: ReplicaCalcInput & { resource: HpaResource | undefined; targetMilli: number }): ReplicaProposal {
  validateCalcInput(i, i.resource);
  // averageValue must be positive, and its milli-value is whole (Quantity.MilliValue rounds up).
  requireInteger('targetMilli', i.targetMilli, 1);
  const p = prepare(i.pods, i.metrics, i.resource, i.nowSeconds, i.config);
  if ('ok' in p) return p;
  return propose({
    currentReplicas: i.currentReplicas,
    tolerance: i.config.tolerance,
    groups: p.groups,
    values: p.values,
    ratioOf: (v) => averageValue(v) / i.targetMilli,
    missingDownValue: () => i.targetMilli,
    usage: averageValue(p.values),
  });
}
