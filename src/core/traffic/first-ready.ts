/**
 * When a new pod is first found ready, by the kubelet (its Ready condition) and by the activator's
 * own probe, for a serving container readiness probe that is not Knative's default.
 *
 * The kubelet runs the queue-proxy's copy of the user's probe (resources/queue.go keeps every field
 * but the handler), so initialDelaySeconds, periodSeconds and successThreshold time the pod's first
 * Ready (kubernetes pkg/kubelet/prober/worker.go and prober_manager.go): the probe worker's ticker
 * starts as the kubelet takes the pod on and fires every period; the status sync that sees the
 * container start also asks for a probe at once; a probe less than initialDelaySeconds after the
 * probed container started is skipped; the condition turns True at the successThreshold-th passing
 * probe in a row. A tick that falls while a probe still waits is taken as soon as that probe ends.
 *
 * The queue-proxy ignores initialDelaySeconds: it checks the user container whenever it is asked
 * (pkg/queue/readiness/probe.go), so the activator, which asks it directly every probe period
 * (pkg/activator/net/revision_backends.go), can use a pod before Kubernetes marks it Ready. With a
 * periodSeconds set that check is a single try, so the activator finds the pod on its own probe
 * rounds rather than at the queue-proxy's 50 ms retries.
 */
import { requireFinite, requirePositive } from '../errors.js';
import { gridPointAtOrAfter, gridStepsUntil } from '../grid.js';
import { QUEUE_PROXY_PROBE_RETRY_SECONDS } from './activator-probe.js';
import type { KubeletReadinessProbe } from './kubelet-probe.js';

const SLACK = 1e-9;
/** Passing probes stepped one by one before the rest are counted at once (fewer are always stepped). */
const STEPPED_SUCCESSES = 1000;

/**
 * Whether the podStart phases (readiness, then kubeletReadyLag) time the pod's first Ready:
 * Knative's aggressive probing with no initial delay and a single success needed.
 */
export function firstReadyFollowsPodStart(p: KubeletReadinessProbe): boolean {
  return p.aggressive && p.initialDelaySeconds === 0 && p.successThreshold === 1;
}

/**
 * One kubelet probe of the queue-proxy started at `s`, the user container passing readiness from
 * `passesSeconds` on: whether it passes, and when it ends.
 */
export function kubeletProbeAt(p: KubeletReadinessProbe, s: number, passesSeconds: number): { passed: boolean; endSeconds: number } {
  if (s >= passesSeconds - SLACK) return { passed: true, endSeconds: s };
  if (!p.aggressive) return { passed: false, endSeconds: s };
  // The queue-proxy holds the probe, retrying the container every 50 ms, until the kubelet's timeout.
  const step = s + gridStepsUntil(s, passesSeconds, QUEUE_PROXY_PROBE_RETRY_SECONDS) * QUEUE_PROXY_PROBE_RETRY_SECONDS;
  if (step < s + p.timeoutSeconds - SLACK) return { passed: true, endSeconds: Math.max(step, passesSeconds) };
  return { passed: false, endSeconds: s + p.timeoutSeconds };
}

/**
 * When the kubelet first marks a new pod Ready: its probe ticker firing at `anchorSeconds` + k·period,
 * the queue-proxy container started at `startedSeconds`, the user container passing readiness from
 * `passesSeconds` on.
 */
export function kubeletFirstReadyAt(p: KubeletReadinessProbe, anchorSeconds: number, startedSeconds: number, passesSeconds: number): number {
  requireFinite('anchorSeconds', anchorSeconds);
  requireFinite('startedSeconds', startedSeconds);
  requireFinite('passesSeconds', passesSeconds);
  requirePositive('periodSeconds', p.periodSeconds);
  const period = p.periodSeconds;
  const tickAfter = (t: number): number => anchorSeconds + Math.max(1, Math.floor((t - anchorSeconds) / period + SLACK) + 1) * period;
  // The probe asked for as the container starts, unless the initial delay skips it; then the first tick after the delay.
  let s = p.initialDelaySeconds === 0 ? startedSeconds : gridPointAtOrAfter(anchorSeconds, period, startedSeconds + p.initialDelaySeconds);
  // Ticks before this one start and end before readiness passes, so they fail: no need to walk them.
  const window = p.aggressive ? p.timeoutSeconds : 0;
  const lastFailing = anchorSeconds + Math.floor((passesSeconds - window - anchorSeconds) / period) * period;
  let successes = 0;
  for (;;) {
    const r = kubeletProbeAt(p, s, passesSeconds);
    successes = r.passed ? successes + 1 : 0;
    if (successes >= p.successThreshold) return r.endSeconds;
    // A probe that passed as it started: every later one passes too, one a tick, so the rest of a
    // large successThreshold (an int32, up to 2147483647) is counted at once, not stepped for minutes.
    const left = p.successThreshold - successes;
    if (r.passed && r.endSeconds === s && left > STEPPED_SUCCESSES) return tickAfter(s) + (left - 1) * period;
    s = Math.max(tickAfter(s), r.endSeconds, r.passed ? s : lastFailing);
  }
}
