/**
 * A Revision's Ready condition, as the Route reads it when it flattens its traffic
 * (upstream revision_lifecycle.go): Ready is the conjunction of ResourcesAvailable and
 * ContainerHealthy. Active is not part of it, so a revision scaled to zero stays Ready.
 * ResourcesAvailable turns True only once the PodAutoscaler has initialized its scale
 * target, which it never undoes; before that Ready is Unknown unless a condition is False.
 */

/** A Kubernetes condition status. */
export type ReadyStatus = 'True' | 'False' | 'Unknown';

/** What the revision's Ready depends on. */
export interface RevisionReadyInput {
  /** The PA has reached initial scale once (ScaleTargetInitialized). */
  readonly scaleTargetInitialized: boolean;
  /** ResourcesAvailable is False (progress deadline, unschedulable first pod, initial scale never achieved). */
  readonly resourcesAvailableFalse: boolean;
  /** ContainerHealthy is False (a crash loop with no pod available). */
  readonly containerHealthyFalse: boolean;
}

/**
 * The revision's Ready status: False while either condition is False, else True once
 * the scale target was initialized, else Unknown. The Route routes to a revision only
 * while this is True (Revision.IsReady), and counts False as a failure (IsFailed).
 */
export function revisionReadyStatus(input: RevisionReadyInput): ReadyStatus {
  if (input.resourcesAvailableFalse || input.containerHealthyFalse) return 'False';
  return input.scaleTargetInitialized ? 'True' : 'Unknown';
}
