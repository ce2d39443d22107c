/**
 * When the activator first finds a starting pod healthy (pkg/activator/net/revision_backends.go
 * with pkg/queue/readiness/probe.go).
 *
 * Each activator watches a revision with one watcher, whose ticker starts as the watcher is made
 * (when the activator first sees the revision's private Endpoints) and fires every probe period
 * from then on. The watcher probes every address it has not yet found healthy in one round: when
 * the Endpoints change (so at once as the pod's address appears, or as the pod turns non-ready)
 * and then at each tick while any address is left. So a pod's rounds sit on the revision's tick
 * grid, not on a grid of its own from its address: which round first reaches its queue-proxy
 * differs by up to one period.
 *
 * A round before the queue-proxy listens fails at once. The first round that reaches the
 * queue-proxy starts its check of the user container: with the default readiness probe (no
 * periodSeconds) that check polls at once and then every 50 ms, for up to 10 s, on its own
 * context, so it outlives the activator's 300 ms probe timeout; the watcher probes again as soon
 * as a round times out (its ticker has fired in the meantime), and later probes wait on the same
 * check. So the pod is found at the first 50 ms step of that check at or after the user container
 * is ready. A check that gives up after 10 s is taken to be followed at once by the next
 * (upstream waits for the watcher's next round, up to one probe period).
 */
import { requireFinite, requirePositive } from '../errors.js';
import { gridPointAtOrAfter } from '../grid.js';

/** The queue-proxy's retry interval for an aggressive readiness probe (readiness/probe.go). */
export const QUEUE_PROXY_PROBE_RETRY_SECONDS = 0.05;

/** When the activator's revision watcher probes one pod. */
export interface ActivatorProbeRounds {
  /** The Endpoints change that put the address to probe (its appearance, or its turning non-ready): a round then. */
  readonly sinceSeconds: number;
  /** When the watcher's ticker started: a round at every probe period from here that falls after `sinceSeconds`. */
  readonly tickerAnchorSeconds: number;
  readonly probePeriodSeconds: number;
}

/** The first of the pod's probe rounds at or after `t`. */
export function activatorProbeRoundAtOrAfter(rounds: ActivatorProbeRounds, t: number): number {
  const { sinceSeconds, tickerAnchorSeconds, probePeriodSeconds } = rounds;
  requireFinite('sinceSeconds', sinceSeconds);
  requireFinite('tickerAnchorSeconds', tickerAnchorSeconds);
  requirePositive('probePeriodSeconds', probePeriodSeconds);
  if (t <= sinceSeconds) return sinceSeconds;
  // A tick before the watcher existed cannot happen: the grid starts at its anchor.
  return gridPointAtOrAfter(tickerAnchorSeconds, probePeriodSeconds, Math.max(t, tickerAnchorSeconds));
}

/**
 * The instant the activator finds the pod: probed in `rounds`, the queue-proxy listening from
 * `queueProxyUpSeconds`, the user container ready from `readySeconds`.
 */
export function activatorProbeFoundAt(rounds: ActivatorProbeRounds, queueProxyUpSeconds: number, readySeconds: number): number {
  requireFinite('queueProxyUpSeconds', queueProxyUpSeconds);
  requireFinite('readySeconds', readySeconds);
  // The first round that reaches the queue-proxy starts its check.
  const checkFrom = activatorProbeRoundAtOrAfter(rounds, queueProxyUpSeconds);
  return gridPointAtOrAfter(checkFrom, QUEUE_PROXY_PROBE_RETRY_SECONDS, readySeconds);
}
