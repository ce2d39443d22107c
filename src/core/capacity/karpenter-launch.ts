/**
 * A NodeClaim's launch under injected cloud failures (kubernetes-sigs/karpenter
 * nodeclaim/lifecycle launch.go and liveness.go; aws/karpenter-provider-aws cache
 * unavailableofferings.go): what became of it, from its creation time and the failure windows.
 */

/** What the cloud's create call returns while a window holds. */
export type LaunchFailureKind = 'insufficientCapacity' | 'launchError';

/** A window of launch failures of one node pool: [from, until) in seconds of the run. */
export interface LaunchFailureWindow {
  readonly kind: LaunchFailureKind;
  readonly from: number;
  readonly until: number;
}

/** A NodeClaim not launched within this of its creation is deleted (liveness.go LaunchTimeout). */
export const LAUNCH_TIMEOUT_SECONDS = 5 * 60;
/** An offering that returned InsufficientCapacity is left out of scheduling this long (UnavailableOfferingsTTL). */
export const UNAVAILABLE_OFFERING_TTL_SECONDS = 3 * 60;
/**
 * The lifecycle controller's per-NodeClaim back-off after a failed reconcile: 1 s doubling to
 * 1 min (controller.go: ItemExponentialFailureRateLimiter(1s, 1m)).
 */
const RETRY_BASE_SECONDS = 1;
const RETRY_MAX_SECONDS = 60;
/** The first failed reconcile changes the NodeClaim's status, and the controller sleeps 1 s after its patch (controller.go). */
const FIRST_PATCH_SLEEP_SECONDS = 1;

export type LaunchOutcome =
  /** The create call succeeded at `at`: the instance boots from then. */
  | { readonly launched: true; readonly at: number }
  /**
   * The NodeClaim is deleted at `at`: InsufficientCapacity deletes it at once (launch.go), and marks
   * its offering unavailable; any other error is retried until the launch timeout (liveness.go).
   */
  | { readonly launched: false; readonly at: number; readonly reason: 'InsufficientCapacity' | 'LaunchTimeout' };

/** The failure a create call at `t` gets (InsufficientCapacity over any other), or undefined. */
function failureAt(windows: readonly LaunchFailureWindow[], t: number): LaunchFailureKind | undefined {
  let kind: LaunchFailureKind | undefined;
  for (const w of windows) {
    if (t < w.from || t >= w.until) continue;
    if (w.kind === 'insufficientCapacity') return w.kind;
    kind = w.kind;
  }
  return kind;
}

/**
 * The create calls of a NodeClaim created at `createdAt`: at once, then after each failure the
 * controller's back-off (with the 1 s sleep after the first, whose status patch records the
 * error): 2, 4, 8, 16, 32, 64, 124, 184, 244, 304 s after creation. The liveness check runs in the
 * same reconcile, after the launch: a call still failing 300 s or more after creation deletes it.
 */
export function launchOutcome(windows: readonly LaunchFailureWindow[], createdAt: number): LaunchOutcome {
  let t = createdAt;
  for (let failures = 0; ; failures++) {
    const kind = failureAt(windows, t);
    if (kind === undefined) return { launched: true, at: t };
    if (kind === 'insufficientCapacity') return { launched: false, at: t, reason: 'InsufficientCapacity' };
    if (t - createdAt >= LAUNCH_TIMEOUT_SECONDS) return { launched: false, at: t, reason: 'LaunchTimeout' };
    t += (failures === 0 ? FIRST_PATCH_SLEEP_SECONDS : 0) + Math.min(RETRY_BASE_SECONDS * 2 ** failures, RETRY_MAX_SECONDS);
  }
}
