/**
 * One HorizontalPodAutoscaler as the kube-controller-manager reconciles it
 * (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go, reconcileAutoscaler):
 * read the target's spec.replicas, propose replicas for every metric and take the
 * largest, normalize, patch the scale, write the status and conditions. Clock-injected:
 * the caller runs {@link HpaController.sync} at each sync (every `syncPeriodSeconds`
 * from {@link HpaController.nextSyncSeconds}) with the pods and metrics it sees then.
 */
import { requireFinite, requireInteger } from '../errors.js';
import { HpaNormalizer, type HpaCondition } from './normalize.js';
import {
  averageValueReplicas,
  resourceUtilizationReplicas,
  type HpaPod,
  type HpaPodMetrics,
  type ReplicaProposal,
} from './replica-calculator.js';
import {
  DEFAULT_HPA_CONTROLLER_CONFIG,
  resolveHpaSpec,
  validateHpaControllerConfig,
  type HpaControllerConfig,
  type HpaMetricSpec,
  type HpaResource,
  type HpaSpec,
  type ResolvedHpaSpec,
} from './spec.js';

/** What the custom-metrics client answers where no adapter registered custom.metrics.k8s.io (Knative ships none). */
const NO_CUSTOM_METRICS_API = 'no custom metrics API (custom.metrics.k8s.io) registered';

/** The HPA status conditions. */
export type HpaConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

/** One metric's current value in the status (utilization in percent, or average value in milli-units). */
export interface HpaMetricStatus {
  metric: string;
  current: number;
  kind: 'Utilization' | 'AverageValue';
}

/** `status` of the HPA. */
export interface HpaStatus {
  /** The target's spec.replicas read at the last sync (not its ready pods). */
  currentReplicas: number;
  desiredReplicas: number;
  lastScaleTimeSeconds: number | undefined;
  currentMetrics: HpaMetricStatus[];
  conditions: Partial<Record<HpaConditionType, HpaCondition>>;
}

/** What one sync sees: the target's spec.replicas, the selected pods, and the metrics APIs' answers. */
export interface HpaSyncInput {
  nowSeconds: number;
  /** scale.spec.replicas of the target (the Deployment's desired replicas). */
  currentReplicas: number;
  pods: readonly HpaPod[];
  /** metrics-server per-pod values by resource; an absent resource means the API failed. */
  resourceMetrics: Partial<Record<HpaResource, HpaPodMetrics>>;
  /** Custom per-pod metrics by name (a custom-metrics adapter); absent: the API has no such metric. */
  podsMetrics?: Readonly<Record<string, HpaPodMetrics>> | undefined;
}

/** What one sync decided. */
export interface HpaSyncResult {
  nowSeconds: number;
  /** The largest metric proposal before normalization (undefined when no metric was usable or scaling was skipped). */
  rawReplicas: number | undefined;
  /** spec.replicas after this sync. */
  desiredReplicas: number;
  /** The target's replicas were patched this sync. */
  rescale: boolean;
  /** The sync's error when a metric failed, as upstream's FailedComputeMetricsReplicas event words it (if all failed, it does not scale). */
  error: string | undefined;
  status: HpaStatus;
}

/**
 * A metric that failed, worded as upstream's layers wrap the replica calculator's error: the
 * condition gets the resource's "failed to get cpu utilization" (or "memory usage") wrapper,
 * the sync's error one more ("failed to get cpu resource metric value"), as kubectl describe shows them.
 */
function metricFailure(m: HpaMetricSpec, message: string): { condition: HpaCondition; error: string } {
  if (m.type === 'Resource') {
    const inner = `failed to get ${m.resource} ${m.target.type === 'Utilization' ? 'utilization' : 'usage'}: ${message}`;
    return {
      condition: { status: 'False', reason: 'FailedGetResourceMetric', message: `the HPA was unable to compute the replica count: ${inner}` },
      error: `failed to get ${m.resource} resource metric value: ${inner}`,
    };
  }
  return {
    condition: { status: 'False', reason: 'FailedGetPodsMetric', message: `the HPA was unable to compute the replica count: ${message}` },
    error: `failed to get pods metric value: ${message}`,
  };
}

function metricName(m: HpaMetricSpec): string {
  return m.type === 'Resource' ? `${m.resource} resource${m.target.type === 'Utilization' ? ' utilization (percentage of request)' : ''}` : `pods metric ${m.name}`;
}

/** One HPA object and the controller's memory of it. */
export class HpaController {
  readonly config: HpaControllerConfig;
  spec: ResolvedHpaSpec;
  private readonly normalizer = new HpaNormalizer();
  private st: HpaStatus = { currentReplicas: 0, desiredReplicas: 0, lastScaleTimeSeconds: undefined, currentMetrics: [], conditions: {} };
  private synced = 0;
  private readonly firstSync: number;

  /** An HPA created at `createdSeconds`: first sync one sync period later. */
  constructor(spec: HpaSpec, createdSeconds: number, config: HpaControllerConfig = DEFAULT_HPA_CONTROLLER_CONFIG) {
    this.config = validateHpaControllerConfig(config);
    this.spec = resolveHpaSpec(spec, config);
    this.firstSync = requireFinite('createdSeconds', createdSeconds) + config.syncPeriodSeconds;
  }

  /** The HPA's spec changed (Knative updated it): the controller reads the new one at its next sync. */
  updateSpec(spec: HpaSpec): void {
    this.spec = resolveHpaSpec(spec, this.config);
  }

  /** When the next sync is due (a fixed interval after each processing). */
  get nextSyncSeconds(): number {
    return this.firstSync + this.synced * this.config.syncPeriodSeconds;
  }

  /** Whether the controller has synced this HPA at least once (its status exists). */
  get hasSynced(): boolean {
    return this.synced > 0;
  }

  get status(): HpaStatus {
    return this.st;
  }

  /** One reconcileAutoscaler at `input.nowSeconds`. */
  sync(input: HpaSyncInput): HpaSyncResult {
    const now = requireFinite('nowSeconds', input.nowSeconds);
    const current = requireInteger('currentReplicas', input.currentReplicas, 0);
    this.synced++;
    const spec = this.spec;
    const conditions = { ...this.st.conditions };
    conditions.AbleToScale = { status: 'True', reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale' };
    this.normalizer.recordInitial(current, now);
    const min = spec.minReplicas;
    let desired = 0;
    let raw: number | undefined;
    let rescale = true;
    let error: string | undefined;
    // setStatus writes the statuses of this sync only: none when the metrics were not read.
    let metricsStatus: HpaMetricStatus[] = [];
    if (current === 0 && min !== 0) {
      rescale = false;
      conditions.ScalingActive = { status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' };
    } else if (current > spec.maxReplicas) {
      desired = spec.maxReplicas;
    } else if (current < min) {
      desired = min;
    } else {
      const m = this.computeReplicasForMetrics(input, current);
      metricsStatus = m.statuses;
      error = m.error;
      if (m.failed) {
        conditions.ScalingActive = m.condition;
        this.st = { ...this.st, currentReplicas: current, currentMetrics: metricsStatus, conditions };
        return { nowSeconds: now, rawReplicas: undefined, desiredReplicas: current, rescale: false, error, status: this.st };
      }
      conditions.ScalingActive = { status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${m.name}` };
      raw = Math.max(0, m.replicas);
      const n =
        spec.behavior === undefined
          ? this.normalizer.normalizeLegacy(spec, current, raw, now, this.config.downscaleStabilizationSeconds)
          : this.normalizer.normalizeWithBehavior(spec, current, raw, now);
      desired = n.desired;
      conditions.AbleToScale = n.ableToScale;
      conditions.ScalingLimited = n.scalingLimited;
      rescale = desired !== current;
    }
    let lastScale = this.st.lastScaleTimeSeconds;
    if (rescale) {
      conditions.AbleToScale = { status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desired}` };
      this.normalizer.storeScaleEvent(spec, current, desired, now);
      lastScale = now;
    } else desired = current;
    this.st = { currentReplicas: current, desiredReplicas: desired, lastScaleTimeSeconds: lastScale, currentMetrics: metricsStatus, conditions };
    return { nowSeconds: now, rawReplicas: raw, desiredReplicas: desired, rescale, error, status: this.st };
  }

  /** Every metric's proposal; the largest wins. Fails if all fail, or if some fail and the rest would scale down. */
  private computeReplicasForMetrics(
    input: HpaSyncInput,
    current: number,
  ): { failed: false; replicas: number; name: string; statuses: HpaMetricStatus[]; error: string | undefined } | { failed: true; condition: HpaCondition; statuses: HpaMetricStatus[]; error: string } {
    let replicas = 0;
    let name = '';
    let invalid = 0;
    let firstError: { condition: HpaCondition; error: string } | undefined;
    const statuses: HpaMetricStatus[] = [];
    for (const m of this.spec.metrics) {
      const p = this.proposal(m, input, current);
      if (!p.ok) {
        invalid++;
        firstError ??= metricFailure(m, p.message);
        continue;
      }
      const label = m.type === 'Resource' ? m.resource : m.name;
      statuses.push({ metric: label, current: p.usage, kind: m.target.type === 'Utilization' ? 'Utilization' : 'AverageValue' });
      // A first valid proposal is taken even at 0 replicas (idle pods), so it names the metric.
      if (replicas === 0 || p.replicas > replicas) {
        replicas = p.replicas;
        name = metricName(m);
      }
    }
    const error = firstError && `invalid metrics (${invalid} invalid out of ${this.spec.metrics.length}), first error is: ${firstError.error}`;
    if (firstError !== undefined && error !== undefined && (invalid >= this.spec.metrics.length || replicas < current)) {
      return { failed: true, condition: firstError.condition, statuses, error };
    }
    return { failed: false, replicas, name, statuses, error };
  }

  private proposal(m: HpaMetricSpec, input: HpaSyncInput, current: number): ReplicaProposal {
    const base = { nowSeconds: input.nowSeconds, currentReplicas: current, pods: input.pods, config: this.config };
    if (m.type === 'Resource') {
      const metrics = input.resourceMetrics[m.resource];
      // The metrics client fails on an empty pod list before the replica calculator runs (GetResourceMetric).
      if (metrics === undefined || metrics.size === 0) {
        return { ok: false, reason: 'NoMetricsApi', message: `unable to get metrics for resource ${m.resource}: no metrics returned from resource metrics API` };
      }
      if (m.target.type === 'Utilization') {
        return resourceUtilizationReplicas({ ...base, metrics, resource: m.resource, targetUtilization: m.target.averageUtilization });
      }
      return averageValueReplicas({ ...base, metrics, resource: m.resource, targetMilli: m.target.averageValueMilli });
    }
    const metrics = input.podsMetrics?.[m.name];
    if (metrics === undefined) return { ok: false, reason: 'NoMetricsApi', message: `unable to get metric ${m.name}: unable to fetch metrics from custom metrics API: ${NO_CUSTOM_METRICS_API}` };
    return averageValueReplicas({ ...base, metrics, resource: undefined, targetMilli: m.target.averageValueMilli });
  }

  /** The controller's memory of this HPA, as plain data. */
  snapshot(): unknown {
    return { status: this.st, nextSyncSeconds: this.nextSyncSeconds, ...this.normalizer.snapshot() };
  }
}
export type { HpaPod, HpaPodMetrics };
