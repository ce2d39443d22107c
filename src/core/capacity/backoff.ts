/**
 * kube-scheduler's back-off for a pod that failed to schedule: after the k-th failed attempt
 * it waits min(initial × 2^(k−1), max) from that attempt (podInitialBackoffSeconds 1,
 * podMaxBackoffSeconds 10; backoff_queue.go calculateBackoffDuration).
 */
import { requireInteger } from '../errors.js';

export const POD_INITIAL_BACKOFF_SECONDS = 1;
export const POD_MAX_BACKOFF_SECONDS = 10;

export function schedulingBackoffSeconds(
  failedAttempts: number,
  initial = POD_INITIAL_BACKOFF_SECONDS,
  max = POD_MAX_BACKOFF_SECONDS,
): number {
  requireInteger('failedAttempts', failedAttempts, 1);
  let d = initial;
  // Doubling with an early stop keeps large attempt counts from overflowing to Infinity.
  for (let k = 1; k < failedAttempts && d < max; k++) d *= 2;
  return Math.min(d, max);
}
