/**
 * A container's startup probe, as the kubelet runs it (kubernetes pkg/kubelet/prober/worker.go
 * and prober_manager.go).
 *
 * Knative leaves a startup probe on its container untouched (resources/deploy.go moves only the
 * readiness probe), and its defaulting gives it nothing, so the API server's defaults apply:
 * periodSeconds 10, timeoutSeconds 1, failureThreshold 3, successThreshold 1 (the only value a
 * startup probe may have).
 *
 * The probe worker starts with the pod (its ticker fires every periodSeconds from then) and runs
 * the probe only on its ticker: unlike a readiness probe, no status sync asks for a startup
 * probe. A tick less than initialDelaySeconds after the container started is skipped. Until the
 * probe passes, the container is not started, so not ready, and the pod is not Ready. At the
 * failureThreshold-th failing probe in a row the kubelet kills the container, which restarts with
 * the usual back-off; the ticker keeps running for the new container. Once the probe has passed,
 * the worker stops probing that container.
 */
import { requireFinite } from '../errors.js';
import { gridPointAtOrAfter } from '../grid.js';
import { kubeletFirstReadyAt } from './first-ready.js';
import type { KubeletReadinessProbe, ReadinessProbeFields } from './kubelet-probe.js';

/** A startup probe's timing after the API server's defaulting. */
export interface StartupProbe {
  initialDelaySeconds: number;
  periodSeconds: number;
  failureThreshold: number;
}

const orDefault = (v: number | undefined, d: number): number => (v === undefined || v === 0 ? d : v);

/** The startup probe `fields` as written (absent or 0 is Go's unset), defaulted by the API server. */
export function startupProbe(fields: ReadinessProbeFields): StartupProbe {
  return {
    initialDelaySeconds: fields.initialDelaySeconds ?? 0,
    periodSeconds: orDefault(fields.periodSeconds, 10),
    failureThreshold: orDefault(fields.failureThreshold, 3),
  };
}

/** What the startup probe does to one run of the container: it passes (started), or the kubelet kills the container. */
export type StartupOutcome = { startedSeconds: number; killedSeconds?: undefined } | { killedSeconds: number; startedSeconds?: undefined };

/**
 * The startup probe of a container running from `runningSeconds` whose app answers it from
 * `passesSeconds` on, the probe worker's ticker firing at `anchorSeconds` + k·period (k ≥ 1: the
 * worker's first probe, as the pod is taken on, comes before any container runs). A probe
 * passes if the app answers then; one before fails at once (nothing listens yet).
 */
export function startupProbeOutcome(p: StartupProbe, anchorSeconds: number, runningSeconds: number, passesSeconds: number): StartupOutcome {
  requireFinite('anchorSeconds', anchorSeconds);
  requireFinite('runningSeconds', runningSeconds);
  const period = p.periodSeconds;
  const first = Math.max(anchorSeconds + period, gridPointAtOrAfter(anchorSeconds, period, runningSeconds + p.initialDelaySeconds));
  if (!(passesSeconds < Number.POSITIVE_INFINITY)) return { killedSeconds: first + (p.failureThreshold - 1) * period };
  const passing = gridPointAtOrAfter(anchorSeconds, period, Math.max(first, passesSeconds));
  const failures = Math.round((passing - first) / period);
  if (failures >= p.failureThreshold) return { killedSeconds: first + (p.failureThreshold - 1) * period };
  return { startedSeconds: passing };
}

/**
 * When Kubernetes marks the pod Ready, its containers started (every startup probe passed) at
 * `startedSeconds`: the queue-proxy's readiness (probe `p`, ticker at `anchorSeconds`, the
 * queue-proxy up from `queueProxyStartedSeconds`, the app passing from `passesSeconds`) would
 * make it Ready at `queueProxyReadySeconds`; the status sync the passing startup probe causes
 * also asks for a readiness probe of a container not ready yet (UpdatePodStatus), unless the
 * queue-proxy's initial delay still holds.
 */
export function readyAfterStartup(
  p: KubeletReadinessProbe,
  anchorSeconds: number,
  queueProxyStartedSeconds: number,
  passesSeconds: number,
  startedSeconds: number,
  queueProxyReadySeconds: number,
): number {
  requireFinite('startedSeconds', startedSeconds);
  if (startedSeconds >= queueProxyReadySeconds) return startedSeconds;
  if (startedSeconds < queueProxyStartedSeconds + p.initialDelaySeconds) return queueProxyReadySeconds;
  const asked = kubeletFirstReadyAt({ ...p, initialDelaySeconds: 0 }, anchorSeconds, startedSeconds, passesSeconds);
  return Math.max(startedSeconds, Math.min(queueProxyReadySeconds, asked));
}
