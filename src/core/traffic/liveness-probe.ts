/**
 * A serving container's liveness probe against an app that hangs, as the kubelet runs it
 * (kubernetes pkg/kubelet/prober/worker.go, prober.go).
 *
 * Knative leaves a liveness probe on its container (resources/deploy.go rewrites only its port),
 * so the API server's defaults apply: periodSeconds 10, timeoutSeconds 1, failureThreshold 3.
 * The probe worker starts with the pod and probes on its ticker, skipping ticks before the
 * container has run initialDelaySeconds (or before its startup probe passed). A probe runs to
 * its end before the worker reads the ticker again, and Go's ticker keeps one missed tick, so a
 * probe that outlasts the period is followed at once by the next. At the failureThreshold-th
 * failing probe in a row the kubelet kills the container, which restarts with the usual back-off.
 *
 * A hung app (a deadlock: it accepts connections but answers nothing) fails an httpGet or gRPC
 * probe when the probe's timeout ends; a tcpSocket probe passes, as the kernel completes the
 * handshake of a listening socket whatever the app does; an exec probe runs its own command,
 * which the app's hang does not touch, so it is taken to pass.
 */
import { InvalidArgumentError, requireFinite } from '../errors.js';
import { gridPointAtOrAfter } from '../grid.js';

/** How a probe checks the container (exactly one handler, as the API server requires). */
export type ProbeHandler = 'httpGet' | 'tcpSocket' | 'grpc' | 'exec';

/** A liveness probe's timing after the API server's defaulting, and its handler. */
export interface LivenessProbe {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  handler: ProbeHandler;
}

const orDefault = (v: number | undefined, d: number): number => (v === undefined || v === 0 ? d : v);

/** The liveness probe as written (absent or 0 is Go's unset), defaulted by the API server. */
export function livenessProbe(fields: { initialDelaySeconds?: number | undefined; periodSeconds?: number | undefined; timeoutSeconds?: number | undefined; failureThreshold?: number | undefined }, handler: ProbeHandler): LivenessProbe {
  return {
    initialDelaySeconds: fields.initialDelaySeconds ?? 0,
    periodSeconds: orDefault(fields.periodSeconds, 10),
    timeoutSeconds: orDefault(fields.timeoutSeconds, 1),
    failureThreshold: orDefault(fields.failureThreshold, 3),
    handler,
  };
}

/** Whether a probe with this handler fails against a hung app: only those that wait for the app to answer. */
export function probeFailsWhenHung(handler: ProbeHandler): boolean {
  return handler === 'httpGet' || handler === 'grpc';
}

/** Probes stepped one by one, as the ticker runs; the rest of a larger failureThreshold is counted at once. */
const STEPPED_PROBES = 1000;

/**
 * When the kubelet kills a container whose app hangs from `hungSeconds` on, or undefined if the
 * probe never fails against a hung app. The worker's ticker fires at `anchorSeconds` + k·period;
 * ticks before `probedFromSeconds` (the container's start plus initialDelaySeconds, or when its
 * startup probe passed) are skipped. The first probe to fail is the first one started at or after
 * the hang; each failure is known when its timeout ends, and the kill follows the
 * failureThreshold-th at once (the probe result triggers the pod's sync).
 */
export function livenessKillAt(p: LivenessProbe, anchorSeconds: number, probedFromSeconds: number, hungSeconds: number): number | undefined {
  requireFinite('anchorSeconds', anchorSeconds);
  requireFinite('probedFromSeconds', probedFromSeconds);
  requireFinite('hungSeconds', hungSeconds);
  if (!(p.periodSeconds > 0) || !(p.timeoutSeconds > 0) || !Number.isInteger(p.failureThreshold) || p.failureThreshold < 1) {
    throw new InvalidArgumentError('livenessProbe', 'needs periodSeconds and timeoutSeconds above 0 and a failureThreshold of at least 1');
  }
  if (!probeFailsWhenHung(p.handler)) return undefined;
  const period = p.periodSeconds;
  let start = gridPointAtOrAfter(anchorSeconds, period, Math.max(hungSeconds, probedFromSeconds));
  const stepped = Math.min(p.failureThreshold - 1, STEPPED_PROBES);
  for (let k = 0; k < stepped; k++) {
    const end = start + p.timeoutSeconds;
    // The ticker fired while the probe ran: the kept tick starts the next probe as this one ends.
    const next = anchorSeconds + (Math.floor((start - anchorSeconds) / period + 1e-9) + 1) * period;
    start = next <= end ? end : next;
  }
  // Every probe after the first starts max(period, timeout) after the one before (the next tick, or
  // the kept one as it ends), so the rest of an int32 failureThreshold is one multiplication rather
  // than two billion steps (a minute of CPU for a single hung pod).
  start += (p.failureThreshold - 1 - stepped) * Math.max(period, p.timeoutSeconds);
  return start + p.timeoutSeconds;
}
