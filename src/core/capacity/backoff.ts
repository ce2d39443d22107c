/**
 * kube-scheduler's back-off for a pod that failed to schedule: after the k-th failed attempt
 * it waits min(initial × 2^(k−1), max) from that attempt (podInitialBackoffSeconds 1,
 * podMaxBackoffSeconds 10; backoff_queue.go calculateBackoffDuration). Since 1.33 the wait
 * holds a pod back only while other pods are queued (see requeueOrder); otherwise it orders
 * the retries.
 */
import { requireFinite, requireInteger, requirePositive } from '../errors.js';

export const POD_INITIAL_BACKOFF_SECONDS = 1;
export const POD_MAX_BACKOFF_SECONDS = 10;

export function schedulingBackoffSeconds(
  failedAttempts: number,
  initial = POD_INITIAL_BACKOFF_SECONDS,
  max = POD_MAX_BACKOFF_SECONDS,
): number {
  requireInteger('failedAttempts', failedAttempts, 1);
  requirePositive('initial', initial);
  requirePositive('max', max);
  let d = initial;
  // Doubling with an early stop keeps large attempt counts from overflowing to Infinity.
  for (let k = 1; k < failedAttempts && d < max; k++) d *= 2;
  return Math.min(d, max);
}

/**
 * When a pod's back-off ends as the scheduling queue keeps it since Kubernetes 1.33: the end
 * truncated to its 1 s ordering window (backoff_queue.go getBackoffTime, alignToWindow).
 */
export function backoffExpiry(lastFailedAt: number, failedAttempts: number): number {
  requireFinite('lastFailedAt', lastFailedAt);
  return Math.floor(lastFailedAt + schedulingBackoffSeconds(failedAttempts));
}

/** A pod in the unschedulable pool: when its last attempt failed and how many have. */
export interface PooledPod {
  readonly lastFailedAt: number;
  readonly failedAttempts: number;
}

/**
 * The order kube-scheduler retries the pods a cluster event (a node added, a pod gone) moves out
 * of the unschedulable pool at `now`, with nothing else queued (scheduling_queue.go
 * movePodsToActiveOrBackoffQueue). A pod done backing off (its window-aligned expiry before the
 * current window: isPodBackingoff) goes to the activeQ, the others to the backoffQ. The activeQ
 * comes first, oldest failure first (PrioritySort, all pods of equal priority); then, as the
 * activeQ is empty, the scheduler pops the backoffQ at once instead of waiting out the back-offs
 * (SchedulerPopFromBackoffQ, on by default since 1.33): earliest expiry first, then oldest failure.
 * Pods alike keep the order given. Returns indices into `pods`.
 */
export function requeueOrder(pods: readonly PooledPod[], now: number): number[] {
  const window = Math.floor(requireFinite('now', now));
  const keyed = pods.map((p, i) => {
    const expiry = backoffExpiry(p.lastFailedAt, p.failedAttempts);
    const backingOff = expiry >= window;
    return { i, backingOff, expiry: backingOff ? expiry : 0, failedAt: p.lastFailedAt };
  });
  keyed.sort((a, b) => Number(a.backingOff) - Number(b.backingOff) || a.expiry - b.expiry || a.failedAt - b.failedAt || a.i - b.i);
  return keyed.map((k) => k.i);
}
