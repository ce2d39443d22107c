/**
 * PodDisruptionBudgets (policy/v1): the disruption controller's status and the Eviction API's
 * verdict on one pod (kubernetes pkg/controller/disruption/disruption.go, and
 * pkg/registry/core/pod/storage/eviction.go). Knative creates no PDB for revision pods; users
 * write their own, selecting them by label, and `kubectl drain`, the Cluster Autoscaler and
 * Karpenter evict through that API. A ReplicaSet's own scale-down deletes pods directly: no
 * budget holds the KPA.
 */
import { InvalidArgumentError, requireInteger } from '../errors.js';

/** An IntOrString field: a count, or a percentage of the expected pods. */
export type IntOrPercent = { count: number } | { percent: number };

export type UnhealthyPodEvictionPolicy = 'IfHealthyBudget' | 'AlwaysAllow';

export interface DisruptionBudgetSpec {
  /** At most one of the two (the API server refuses both). */
  minAvailable?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
  unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy;
}

/** What the controller counts of the pods its selector matches. */
export interface DisruptionBudgetPods {
  /** Every matching pod, terminating ones included. */
  pods: number;
  /** Ready and not terminating. */
  healthy: number;
  /** The summed spec.replicas of the matching pods' controllers (for Knative pods: their revisions' Deployments). */
  controllersScale: number;
}

export interface DisruptionBudgetStatus {
  expectedPods: number;
  desiredHealthy: number;
  currentHealthy: number;
  disruptionsAllowed: number;
}

/** A percentage of `total`, rounded up (intstr.GetScaledValueFromIntOrPercent with roundUp, as the controller calls it). */
function scaled(v: IntOrPercent, total: number): number {
  return 'count' in v ? v.count : Math.ceil((v.percent * total) / 100);
}

/**
 * The budget's status (disruption controller trySync): with maxUnavailable or a percentage
 * minAvailable the expected pods are the controllers' scale; with a count minAvailable, the
 * matching pods. Disruptions allowed are the healthy pods above the desired ones, none when no
 * pod is expected.
 */
export function disruptionBudgetStatus(spec: DisruptionBudgetSpec, p: DisruptionBudgetPods): DisruptionBudgetStatus {
  requireInteger('pods', p.pods, 0);
  requireInteger('healthy', p.healthy, 0);
  requireInteger('controllersScale', p.controllersScale, 0);
  if (p.healthy > p.pods) throw new InvalidArgumentError('healthy', `must be ≤ pods (${p.pods}), got ${p.healthy}`);
  let expectedPods = 0;
  let desiredHealthy = 0;
  if (spec.maxUnavailable !== undefined) {
    expectedPods = p.controllersScale;
    desiredHealthy = Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods));
  } else if (spec.minAvailable !== undefined) {
    if ('count' in spec.minAvailable) {
      expectedPods = p.pods;
      desiredHealthy = spec.minAvailable.count;
    } else {
      expectedPods = p.controllersScale;
      desiredHealthy = scaled(spec.minAvailable, expectedPods);
    }
  }
  const allowed = p.healthy - desiredHealthy;
  return { expectedPods, desiredHealthy, currentHealthy: p.healthy, disruptionsAllowed: expectedPods <= 0 || allowed <= 0 ? 0 : allowed };
}

/**
 * The Cluster Autoscaler's remaining disruptions in one loop (core/scaledown/pdb
 * RemainingPdbTracker): each budget's disruptionsAllowed, less one per pod of the nodes already
 * found removable in the loop (it may go below zero). A node's pods may go while every budget
 * among theirs has at least one left (drainability rule pdb: NotEnoughPdb otherwise); more pods
 * of a budget than it has left do not block the node. `budgets[k]` is pod k's budget index, if any.
 */
export class RemainingDisruptions {
  private readonly left: number[];

  constructor(disruptionsAllowed: readonly number[]) {
    for (const d of disruptionsAllowed) requireInteger('disruptionsAllowed', d, 0);
    this.left = disruptionsAllowed.slice();
  }

  canRemovePods(budgets: readonly (number | undefined)[]): boolean {
    return this.firstBlocked(budgets) < 0;
  }

  /** The first pod whose budget has no disruption left (the drain rule's blocking pod), -1 for none. */
  firstBlocked(budgets: readonly (number | undefined)[]): number {
    for (let i = 0; i < budgets.length; i++) {
      const b = budgets[i];
      if (b !== undefined && this.at(b) < 1) return i;
    }
    return -1;
  }

  removePods(budgets: readonly (number | undefined)[]): void {
    for (const b of budgets) if (b !== undefined) this.left[b] = this.at(b) - 1;
  }

  private at(b: number): number {
    const v = this.left[b];
    if (v === undefined) throw new InvalidArgumentError('budget', `must be an index below ${this.left.length}, got ${b}`);
    return v;
  }
}

/**
 * Whether Karpenter's disruption may pick a node holding this pod (pkg/utils/pdb CanEvictPods):
 * not when the pod's budget allows no disruption, unless the budget is AlwaysAllow and the pod
 * is not Ready. It neither counts several pods of one budget nor applies IfHealthyBudget's rule.
 */
export function karpenterMayEvict(spec: DisruptionBudgetSpec, status: DisruptionBudgetStatus, podReady: boolean): boolean {
  if (spec.unhealthyPodEvictionPolicy === 'AlwaysAllow' && !podReady) return true;
  return status.disruptionsAllowed > 0;
}

/**
 * Whether a budget blocks every eviction whatever its pods' health (pkg/utils/pdb isFullyBlocking):
 * maxUnavailable 0 or "0%", or minAvailable "100%". Karpenter provisions nothing for a pod it holds
 * (IsCurrentlyReschedulable), as it cannot tell when the pod will go; AlwaysAllow lets an unready one go.
 */
export function karpenterFullyBlocks(spec: DisruptionBudgetSpec, podReady: boolean): boolean {
  if (spec.unhealthyPodEvictionPolicy === 'AlwaysAllow' && !podReady) return false;
  const max = spec.maxUnavailable;
  const min = spec.minAvailable;
  return (max !== undefined && ('count' in max ? max.count === 0 : max.percent === 0)) || (min !== undefined && 'percent' in min && min.percent === 100);
}

/** The pod as the Eviction API looks at it. */
export interface PodForEviction {
  /** Its deletionTimestamp is set (terminating). */
  deleting: boolean;
  /** Phase Pending: not bound, or its containers not yet running. */
  pending: boolean;
  /** Its Ready condition is True. */
  ready: boolean;
}

/**
 * Whether the Eviction API evicts `pod`, whose budget (if any) has `status`: `evict` without
 * touching the budget, `disrupt` (evicted, one disruption used), or `refuse` (429: the eviction
 * would violate the budget; the caller retries later).
 */
export function evictionVerdict(pod: PodForEviction, budget: { spec: DisruptionBudgetSpec; status: DisruptionBudgetStatus } | undefined): 'evict' | 'disrupt' | 'refuse' {
  // A pod already terminating, or not yet running, is evicted whatever its budget says (canIgnorePDB).
  if (budget === undefined || pod.deleting || pod.pending) return 'evict';
  const { spec, status } = budget;
  if (!pod.ready) {
    // An unready pod costs the budget nothing: always (AlwaysAllow), or while the budget is met (IfHealthyBudget).
    if (spec.unhealthyPodEvictionPolicy === 'AlwaysAllow') return 'evict';
    if (status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0) return 'evict';
  }
  return status.disruptionsAllowed > 0 ? 'disrupt' : 'refuse';
}
