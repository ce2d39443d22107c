/**
 * The Progressing condition of a revision's Deployment, as Kubernetes' Deployment controller
 * keeps it (pkg/controller/deployment/progress.go syncRolloutStatus, util/deployment_util.go).
 * Knative reads it for the revision's ResourcesAvailable: False (ProgressDeadlineExceeded)
 * once the Deployment made no progress for progressDeadlineSeconds.
 *
 * A Knative revision's Deployment has one ReplicaSet (its pod template never changes), so
 * status.replicas and status.updatedReplicas are both the ReplicaSet's pods that are not
 * terminating, and "old replicas scaled down" never happens.
 */
import { requireFields, requireFinite, requireOneOf, type FieldCheck } from '../errors.js';
import { requireCount, requireNotAfter } from './kpa-args.js';

/** The Progressing condition's reasons (deployment_util.go). */
export type ProgressingReason = 'NewReplicaSetCreated' | 'ReplicaSetUpdated' | 'NewReplicaSetAvailable' | 'ProgressDeadlineExceeded';
const PROGRESSING_REASONS: readonly ProgressingReason[] = ['NewReplicaSetCreated', 'ReplicaSetUpdated', 'NewReplicaSetAvailable', 'ProgressDeadlineExceeded'];

/** The Deployment's Progressing condition: False only with ProgressDeadlineExceeded. */
export interface ProgressingCondition {
  reason: ProgressingReason;
  /** lastUpdateTime, seconds: moved at each progress (lastTransitionTime is not, while it stays True). */
  lastUpdateSeconds: number;
}

/** The Deployment status counts the controller compares (one ReplicaSet). */
export interface DeploymentCounts {
  /** status.replicas = status.updatedReplicas: pods that exist and are not terminating. */
  replicas: number;
  readyReplicas: number;
  /** availableReplicas: ready for minReadySeconds, which Knative leaves at 0, so the ready pods. */
  availableReplicas: number;
}

/** Whether the condition is False (the Deployment timed out). */
export function progressDeadlineExceeded(c: ProgressingCondition): boolean {
  return c.reason === 'ProgressDeadlineExceeded';
}

/** The condition a new Deployment's controller sets as it creates the ReplicaSet. */
export function newProgressingCondition(nowSeconds: number): ProgressingCondition {
  return { reason: 'NewReplicaSetCreated', lastUpdateSeconds: requireFinite('nowSeconds', nowSeconds) };
}

const COUNT_CHECKS: { readonly [K in keyof DeploymentCounts]: FieldCheck<DeploymentCounts[K]> } = {
  replicas: requireCount,
  readyReplicas: requireCount,
  availableReplicas: requireCount,
};

/**
 * One sync of the Deployment controller at `nowSeconds`: `observed` is the status it last wrote,
 * `current` the one it computes now, `specReplicas` the Deployment's spec.replicas.
 *
 * - Once complete (NewReplicaSetAvailable) nothing is checked again: scaling a Deployment
 *   whose rollout completed is no rollout, so neither progress nor the deadline counts.
 * - Complete: every wanted replica exists and is available (0 of 0 counts).
 * - Progress: more pods (a scale-up creating them, or a pod replacing one that went), more
 *   ready or more available pods than the last status: True, lastUpdateTime now, so the
 *   deadline runs again from here, also after it had timed out.
 * - Otherwise, with no progress for more than the deadline since lastUpdateTime: False,
 *   ProgressDeadlineExceeded (and it stays so until progress).
 * @throws InvalidArgumentError on a count that is not a whole number ≥ 0, or times out of order.
 */
export function syncProgressing(
  cond: ProgressingCondition,
  specReplicas: number,
  observed: DeploymentCounts,
  current: DeploymentCounts,
  deadlineSeconds: number,
  nowSeconds: number,
): ProgressingCondition {
  requireOneOf('cond.reason', cond.reason, PROGRESSING_REASONS);
  requireNotAfter('cond.lastUpdateSeconds', cond.lastUpdateSeconds, nowSeconds);
  requireCount('specReplicas', specReplicas);
  requireFields(observed, COUNT_CHECKS, 'observed');
  requireFields(current, COUNT_CHECKS, 'current');
  requireFinite('deadlineSeconds', deadlineSeconds);
  if (cond.reason === 'NewReplicaSetAvailable') return cond;
  if (current.replicas === specReplicas && current.availableReplicas === specReplicas) return { reason: 'NewReplicaSetAvailable', lastUpdateSeconds: nowSeconds };
  const progressed = current.replicas > observed.replicas || current.readyReplicas > observed.readyReplicas || current.availableReplicas > observed.availableReplicas;
  if (progressed) return { reason: 'ReplicaSetUpdated', lastUpdateSeconds: nowSeconds };
  if (cond.reason !== 'ProgressDeadlineExceeded' && deploymentTimedOut(cond, deadlineSeconds, nowSeconds)) return { reason: 'ProgressDeadlineExceeded', lastUpdateSeconds: nowSeconds };
  return cond;
}

/**
 * DeploymentTimedOut: lastUpdateTime plus the deadline is strictly before now. The controller
 * reads lastUpdateTime back from the API server, which keeps whole seconds.
 */
function deploymentTimedOut(cond: ProgressingCondition, deadlineSeconds: number, nowSeconds: number): boolean {
  return Math.floor(cond.lastUpdateSeconds) + deadlineSeconds < nowSeconds;
}

/**
 * When the controller syncs a stuck Deployment again to look for a timeout
 * (requeueStuckDeployment): lastUpdateTime (whole seconds, as stored) plus the deadline, plus
 * the second it adds against clock skew; undefined once complete or timed out (nothing to wait for).
 * That sync finds it timed out, as the stored time plus the deadline is a second behind it.
 */
export function progressCheckAt(cond: ProgressingCondition, deadlineSeconds: number): number | undefined {
  if (cond.reason === 'NewReplicaSetAvailable' || cond.reason === 'ProgressDeadlineExceeded') return undefined;
  return Math.floor(cond.lastUpdateSeconds) + deadlineSeconds + 1;
}
