/**
 * The revision's ContainerHealthy condition, as the revision reconciler sets it from the
 * Deployment and its first pod at each reconcile (pkg/reconciler/revision/reconcile_resources.go).
 * False makes the revision's Ready False and, while it wants pods and has none ready, its PA
 * Unreachable (reachability.ts).
 */
import { requireFields, requireInteger, requireOneOf, type FieldCheck } from '../errors.js';
import { requireCount } from './kpa-args.js';

export type ConditionStatus = 'True' | 'False' | 'Unknown';
const CONDITION_STATUSES: readonly ConditionStatus[] = ['True', 'False', 'Unknown'];

/** ContainerHealthy: its status, and upstream's reason when False (`ExitCode<n>`), else ''. */
export interface ContainerHealthyCondition {
  status: ConditionStatus;
  reason: string;
}

/** What one revision reconcile reads for ContainerHealthy. */
export interface ContainerHealthyInput {
  /** The Deployment's spec.replicas. */
  deploymentReplicas: number;
  /** Its status.availableReplicas and status.readyReplicas. */
  availableReplicas: number;
  readyReplicas: number;
  /**
   * The exit code in the user container's lastTerminationState of the first pod the reconciler
   * lists (the kubelet records it once the exited container is restarted or backs off, and
   * keeps it while the container runs again); undefined while it has none, or no pod exists.
   */
  firstPodLastExitCode: number | undefined;
}

const INPUT_CHECKS: { readonly [K in keyof ContainerHealthyInput]: FieldCheck<ContainerHealthyInput[K]> } = {
  deploymentReplicas: requireCount,
  availableReplicas: requireCount,
  readyReplicas: requireCount,
  firstPodLastExitCode: (f, v) => (v === undefined ? v : requireInteger(f, v)),
};

/** A new revision's ContainerHealthy (Deploying). */
export const CONTAINER_HEALTHY_UNKNOWN: Readonly<ContainerHealthyCondition> = Object.freeze({ status: 'Unknown', reason: 'Deploying' });

/**
 * ContainerHealthy after a reconcile: False (`ExitCode<n>`) when the Deployment wants pods,
 * has none available and the first pod's user container has a last termination; True when
 * some pod is ready; otherwise as it was. So once False it stays False, at zero replicas
 * too, until a pod is ready again: nothing else turns it True (the PA's status only does
 * while no condition is False).
 * @throws InvalidArgumentError on a field of the wrong type or range.
 */
export function containerHealthy(prev: ContainerHealthyCondition, input: ContainerHealthyInput): ContainerHealthyCondition {
  requireOneOf('prev.status', prev.status, CONDITION_STATUSES);
  requireFields(input, INPUT_CHECKS, 'input');
  let next = prev;
  if (input.deploymentReplicas > 0 && input.availableReplicas === 0 && input.firstPodLastExitCode !== undefined) {
    next = { status: 'False', reason: `ExitCode${input.firstPodLastExitCode}` };
  }
  if (input.readyReplicas > 0) next = { status: 'True', reason: '' };
  return next.status === prev.status && next.reason === prev.reason ? prev : next;
}
