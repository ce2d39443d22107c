/**
 * The kubelet's readiness probe of a revision's pod, and when its results change the pod's Ready
 * condition (kubernetes pkg/kubelet/prober/worker.go).
 *
 * Knative moves the serving container's readiness check into the queue-proxy
 * (pkg/reconciler/revision/resources/queue.go): the pod-level probe is the queue-proxy's, a copy
 * of the user's probe as Knative defaulted it (revision_defaults.go: successThreshold 1, and with
 * periodSeconds set failureThreshold 3 and timeoutSeconds 1) with only its handler swapped for an
 * HTTP GET of the queue-proxy. The API server then fills in what is still 0 (core/v1 defaults.go:
 * periodSeconds 10, timeoutSeconds 1, failureThreshold 3, successThreshold 1). So the default
 * probe, which has no periodSeconds (Knative's aggressive probing), is probed every 10 s.
 *
 * The kubelet probes on a ticker started with the pod's probe worker, once per period; the Ready
 * condition flips after failureThreshold consecutive failures, or successThreshold consecutive
 * successes. With aggressive probing the queue-proxy answers the kubelet only when the user
 * container passes (it retries every 50 ms) or the kubelet's timeout ends the probe: a failing
 * probe is known only timeoutSeconds after it started, and one started before the container
 * passes again succeeds at that 50 ms step if it is still within its timeout.
 */
import { requireFinite } from '../errors.js';
import { gridPointAtOrAfter, gridStepsUntil } from '../grid.js';
import { QUEUE_PROXY_PROBE_RETRY_SECONDS } from './activator-probe.js';

/** A readiness probe's timing fields as written (absent or 0 is Go's unset). */
export interface ReadinessProbeFields {
  initialDelaySeconds?: number | undefined;
  periodSeconds?: number | undefined;
  timeoutSeconds?: number | undefined;
  failureThreshold?: number | undefined;
  successThreshold?: number | undefined;
}

/** The pod-level readiness probe the kubelet runs, after Knative's and Kubernetes' defaulting. */
export interface KubeletReadinessProbe {
  /** Seconds after the queue-proxy container starts before the kubelet probes it (nothing defaults it). */
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  successThreshold: number;
  /** No periodSeconds written: the queue-proxy holds each kubelet probe until the container passes or the probe times out. */
  aggressive: boolean;
}

const set = (v: number | undefined): number => (v === undefined ? 0 : v);
const orDefault = (v: number, d: number): number => (v === 0 ? d : v);

/** The kubelet's probe of a revision whose serving container has the readiness probe `user` (undefined: none written). */
export function podReadinessProbe(user: ReadinessProbeFields | undefined): KubeletReadinessProbe {
  const period = set(user?.periodSeconds);
  let timeout = set(user?.timeoutSeconds);
  let failure = set(user?.failureThreshold);
  // Knative's defaulting of the serving container's probe.
  const success = orDefault(set(user?.successThreshold), 1);
  if (period !== 0) {
    failure = orDefault(failure, 3);
    timeout = orDefault(timeout, 1);
  }
  // The API server's defaulting of the queue-proxy's copy.
  return {
    initialDelaySeconds: set(user?.initialDelaySeconds),
    periodSeconds: orDefault(period, 10),
    timeoutSeconds: orDefault(timeout, 1),
    failureThreshold: orDefault(failure, 3),
    successThreshold: success,
    aggressive: period === 0,
  };
}

/** The first probe at or after `t`, the worker's ticker firing at `anchorSeconds` + k·period. */
function tickAtOrAfter(p: KubeletReadinessProbe, anchorSeconds: number, t: number): number {
  return gridPointAtOrAfter(anchorSeconds, p.periodSeconds, t);
}

/**
 * When the kubelet marks the pod NotReady, its container failing readiness from `failedAtSeconds`
 * on (and still failing then): the failureThreshold-th failing probe from the first one at or
 * after the failure, known at once, or with aggressive probing when that probe times out.
 */
export function kubeletNotReadyAt(p: KubeletReadinessProbe, anchorSeconds: number, failedAtSeconds: number): number {
  requireFinite('anchorSeconds', anchorSeconds);
  requireFinite('failedAtSeconds', failedAtSeconds);
  const first = tickAtOrAfter(p, anchorSeconds, failedAtSeconds);
  return first + (p.failureThreshold - 1) * p.periodSeconds + (p.aggressive ? p.timeoutSeconds : 0);
}

/**
 * When the kubelet marks the pod Ready again, its container passing readiness from
 * `passedAtSeconds` on after failing: the successThreshold-th passing probe. With aggressive
 * probing a probe still inside its timeout at that instant passes at the queue-proxy's next 50 ms step.
 */
export function kubeletReadyAgainAt(p: KubeletReadinessProbe, anchorSeconds: number, passedAtSeconds: number): number {
  requireFinite('anchorSeconds', anchorSeconds);
  requireFinite('passedAtSeconds', passedAtSeconds);
  const later = (p.successThreshold - 1) * p.periodSeconds;
  if (!p.aggressive) return tickAtOrAfter(p, anchorSeconds, passedAtSeconds) + later;
  // The latest probe started at or before the pass; if it is still waiting on the queue-proxy, it passes.
  const inFlight = tickAtOrAfter(p, anchorSeconds, passedAtSeconds);
  const started = inFlight - passedAtSeconds > 1e-9 ? inFlight - p.periodSeconds : inFlight;
  if (passedAtSeconds - started < p.timeoutSeconds - 1e-9) {
    const passes = started + gridStepsUntil(started, passedAtSeconds, QUEUE_PROXY_PROBE_RETRY_SECONDS) * QUEUE_PROXY_PROBE_RETRY_SECONDS;
    // Later successes come at the next ticks, which pass at once.
    return later === 0 ? Math.max(passes, passedAtSeconds) : started + later;
  }
  return inFlight + later;
}
