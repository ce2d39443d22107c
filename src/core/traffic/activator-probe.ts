/**
 * When the activator first finds a starting pod healthy (pkg/activator/net/revision_backends.go
 * with pkg/queue/readiness/probe.go).
 *
 * The activator's revision watcher probes the pod's address when it appears (or when the pod
 * turns non-ready), then once per probe period. A round before the queue-proxy listens fails at
 * once. The first round that reaches the queue-proxy starts its check of the user container:
 * with the default readiness probe (no periodSeconds) that check polls at once and then every
 * 50 ms, for up to 10 s, on its own context, so it outlives the activator's 300 ms probe
 * timeout; the watcher probes again as soon as a round times out (its ticker has fired in the
 * meantime), and later probes wait on the same check. So the pod is found at the first 50 ms
 * step of that check at or after the user container is ready, not on the probe period's grid.
 * A check that gives up after 10 s is taken to be followed at once by the next (upstream waits
 * for the watcher's next round, up to one probe period).
 */
import { requireFinite, requirePositive } from '../errors.js';
import { gridPointAtOrAfter, gridStepsUntil } from '../grid.js';

/** The queue-proxy's retry interval for an aggressive readiness probe (readiness/probe.go). */
export const QUEUE_PROXY_PROBE_RETRY_SECONDS = 0.05;

/**
 * The instant the activator finds the pod: probing since `sinceSeconds` every
 * `probePeriodSeconds`, the queue-proxy listening from `queueProxyUpSeconds`, the user
 * container ready from `readySeconds`.
 */
export function activatorProbeFoundAt(sinceSeconds: number, queueProxyUpSeconds: number, readySeconds: number, probePeriodSeconds: number): number {
  requireFinite('sinceSeconds', sinceSeconds);
  requireFinite('queueProxyUpSeconds', queueProxyUpSeconds);
  requireFinite('readySeconds', readySeconds);
  requirePositive('probePeriodSeconds', probePeriodSeconds);
  // The first round that reaches the queue-proxy starts its check.
  const checkFrom = sinceSeconds + gridStepsUntil(sinceSeconds, queueProxyUpSeconds, probePeriodSeconds) * probePeriodSeconds;
  return gridPointAtOrAfter(checkFrom, QUEUE_PROXY_PROBE_RETRY_SECONDS, readySeconds);
}
