/**
 * How the activator's probe of a starting pod meets the queue-proxy's check of the user container
 * (pkg/activator/net/revision_backends.go with pkg/queue/readiness/probe.go); the rounds themselves
 * are probe-round.ts.
 *
 * A probe before the queue-proxy listens fails at once. The first that reaches it starts its check
 * of the user container: with the default readiness probe (no periodSeconds) that check polls at once
 * and then every 50 ms, for up to 10 s, on its own context, so it outlives the activator's 300 ms
 * probe timeout, and later probes (the next round's, another activator's, the kubelet's) wait on the
 * same check. So the pod answers at the first 50 ms step of that check at or after the user container
 * is ready. A check that gives up after 10 s is taken to be followed at once by the next (upstream
 * waits for the watcher's next round, up to one probe period).
 */

/** The queue-proxy's retry interval for an aggressive readiness probe (readiness/probe.go). */
export const QUEUE_PROXY_PROBE_RETRY_SECONDS = 0.05;
