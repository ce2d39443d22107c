/**
 * The PodAutoscaler's `spec.reachability`, as the revision reconciler writes it at each
 * reconcile of the revision (upstream `pkg/reconciler/revision/resources/pa.go`). The KPA
 * reads only whether it is Unreachable: an Unreachable PA loses min-scale, pod retention,
 * the initial-scale floor and the scale-down rate limit, so it can go to zero.
 */
import { requireFields, requireOneOf, type FieldCheck } from '../errors.js';
import { requireBoolean, requireCount } from './kpa-args.js';

/** `PA.spec.reachability`; Unknown is written as the empty string upstream. */
export type PaReachability = 'Reachable' | 'Unreachable' | 'Unknown';

/** The revision's `serving.knative.dev/routingState` label, as the labeler sets it. */
export type PaRoutingState = 'pending' | 'active' | 'reserve';
/** All {@link PaRoutingState} values. */
export const PA_ROUTING_STATES: readonly PaRoutingState[] = ['pending', 'active', 'reserve'];

/** What the revision reconciler reads to set the PA's reachability. */
export interface PaReachabilityInput {
  /** The revision's routing state. */
  routingState: PaRoutingState;
  /** The revision's ResourcesAvailable condition is False (progress deadline exceeded, Unschedulable, an image that cannot be pulled). */
  resourcesAvailableFalse: boolean;
  /** The revision's ContainerHealthy condition is False (a container exited while no pod was available). */
  containerHealthyFalse: boolean;
  /** The Deployment's spec.replicas; undefined when there is no Deployment or the field is unset. */
  deploymentReplicas: number | undefined;
  /** The Deployment's status.readyReplicas. */
  readyReplicas: number;
}

const INPUT_CHECKS: { readonly [K in keyof PaReachabilityInput]: FieldCheck<PaReachabilityInput[K]> } = {
  routingState: (f, v) => requireOneOf(f, v, PA_ROUTING_STATES),
  resourcesAvailableFalse: requireBoolean,
  containerHealthyFalse: requireBoolean,
  deploymentReplicas: (f, v) => (v === undefined ? v : requireCount(f, v)),
  readyReplicas: requireCount,
};

/**
 * The PA's reachability: Unreachable when the revision has an infrastructure failure
 * (ResourcesAvailable or ContainerHealthy False) while its Deployment wants pods and has
 * none ready — nothing could serve a request, so min-scale must not hold a pod that never
 * comes up. Otherwise the routing state decides: `active` Reachable, `reserve`
 * Unreachable, `pending` Unknown (which the KPA treats as reachable).
 * @throws InvalidArgumentError on a field of the wrong type or range.
 */
export function paReachability(input: PaReachabilityInput): PaReachability {
  requireFields(input, INPUT_CHECKS, 'input');
  const infraFailure = input.resourcesAvailableFalse || input.containerHealthyFalse;
  if (infraFailure && input.deploymentReplicas !== undefined && input.deploymentReplicas > 0 && input.readyReplicas === 0) return 'Unreachable';
  switch (input.routingState) {
    case 'active':
      return 'Reachable';
    case 'reserve':
      return 'Unreachable';
    default:
      return 'Unknown';
  }
}

/** Whether the KPA treats a PA of this reachability as reachable (anything but Unreachable). */
export function isPaReachable(r: PaReachability): boolean {
  return r !== 'Unreachable';
}
