/**
 * When Kubernetes marks a pod Ready again after the kubelet restarted its user container
 * (a crash, an OOM kill).
 *
 * Knative takes the readiness probe off the serving container and gives the queue-proxy a copy
 * of it (pkg/reconciler/revision/resources/deploy.go and queue.go), except an exec probe, which
 * stays on the container too. The kubelet counts a container with no readiness probe ready as
 * soon as it runs (pkg/kubelet/prober/prober_manager.go, UpdatePodStatus), and one with a
 * startup probe only once that passes (startup-probe.ts). The queue-proxy keeps running through the crash: its
 * probe worker keeps its last result and turns to failure only at failureThreshold failing
 * probes in a row (worker.go), each of which runs the user probe against the app. So:
 *
 * - a short outage (the app answers again before the queue-proxy's probe has failed
 *   failureThreshold times): the pod is Ready as soon as the restarted container runs, before
 *   the app answers;
 * - a longer one: the queue-proxy is not ready, and the pod is Ready again at its probe that
 *   passes once the app answers: the one the status sync of the restart asks for at once
 *   (prober_manager.go triggers a probe of a container not ready yet), held by the queue-proxy
 *   until the app answers or the kubelet's timeout with Knative's aggressive probing, else the
 *   worker's next tick;
 * - the queue-proxy can also fail after the restarted container runs, the app still silent: the
 *   pod is Ready, then NotReady, then Ready again.
 *
 * Status syncs other than the restart's (and, with a user container probed by the kubelet, its
 * readiness) ask for no probe here: the worker's ticker times the rest.
 */
import { requireFinite } from '../errors.js';
import { kubeletFirstReadyAt, kubeletProbeAt } from './first-ready.js';
import { kubeletNotReadyAt, kubeletReadyAgainAt, type KubeletReadinessProbe } from './kubelet-probe.js';

/** What the kubelet's probes of a pod see around one outage of its app. */
export interface RestartFacts {
  /** The queue-proxy's readiness result was a success when the app stopped answering (the pod was Ready). */
  queueProxyReady: boolean;
  /** When the app stopped answering: the exit that began the outage (later exits before it answers again continue it). */
  downSinceSeconds: number;
  /** When the queue-proxy container started: its probe's initialDelaySeconds counts from then. */
  queueProxyStartedSeconds: number;
  /** When the restarted user container is running. */
  runningSeconds: number;
  /** When its app passes readiness (answers the user probe), at or after `runningSeconds`. */
  passesSeconds: number;
  /**
   * The user container keeps an exec readiness probe, which the kubelet runs itself: it is
   * ready only once that passes, probed as the container starts (unless initialDelaySeconds)
   * and then on the ticker.
   */
  userContainerProbed: boolean;
  /**
   * When the user container's startup probe passes (startupProbeOutcome), if it has one: it is
   * not ready before. An exec readiness probe, held until then, is asked for by the status
   * sync that follows, and passes at once since the app answers by then.
   */
  startedSeconds?: number | undefined;
}

/** The pod's Ready condition after the restart. */
export interface RestartReadiness {
  /** When Kubernetes marks the pod Ready. */
  readyAt: number;
  /**
   * When the queue-proxy, its probe failing since the outage began, reaches failureThreshold
   * after the pod was Ready at `readyAt` but before the app answered: NotReady then, and Ready
   * again at `readyAgainAt`. Undefined when that does not happen.
   */
  notReadyAt?: number;
  readyAgainAt?: number;
}

/** The pod Ready again after a restart of its user container (see the file comment); the probe ticker fires at `anchorSeconds` + k·period. */
export function kubeletReadyAfterRestart(p: KubeletReadinessProbe, anchorSeconds: number, facts: RestartFacts): RestartReadiness {
  const { runningSeconds: running, passesSeconds: passes } = facts;
  requireFinite('anchorSeconds', anchorSeconds);
  requireFinite('runningSeconds', running);
  requireFinite('passesSeconds', passes);
  requireFinite('downSinceSeconds', facts.downSinceSeconds);
  // The user container: ready as it runs, or at its own probe (run once by the kubelet, never held by the queue-proxy).
  const started = facts.startedSeconds;
  const userReady =
    started !== undefined ? requireFinite('startedSeconds', started)
    : facts.userContainerProbed ? kubeletFirstReadyAt({ ...p, aggressive: false }, anchorSeconds, running, passes)
    : running;

  // When the queue-proxy's failureThreshold-th failing probe ends, if it ends before the app answers.
  let qpFails = Number.NEGATIVE_INFINITY;
  if (facts.queueProxyReady) {
    const n = kubeletNotReadyAt(p, anchorSeconds, facts.downSinceSeconds);
    const lastStarted = n - (p.aggressive ? p.timeoutSeconds : 0);
    if (kubeletProbeAt(p, lastStarted, passes).passed) return { readyAt: userReady };
    qpFails = n;
  }

  // The queue-proxy's first Ready after the app answers, a probe asked for at `asked` if it is not ready then.
  const qpDelayEnds = facts.queueProxyStartedSeconds + p.initialDelaySeconds;
  const qpReadyFrom = (asked: number): number =>
    asked >= qpDelayEnds
      ? kubeletFirstReadyAt({ ...p, initialDelaySeconds: 0 }, anchorSeconds, asked, passes)
      : kubeletFirstReadyAt(p, anchorSeconds, facts.queueProxyStartedSeconds, passes);
  if (qpFails > userReady) {
    // Ready as the container runs, until the queue-proxy's probe fails; Ready again at its next passing probe.
    return { readyAt: userReady, notReadyAt: qpFails, readyAgainAt: Math.max(qpFails, kubeletReadyAgainAt(p, anchorSeconds, passes)) };
  }
  // Not ready when the restart's status sync runs: it asks for a probe then.
  let qpReady = qpFails <= running ? qpReadyFrom(running) : Math.max(qpFails, kubeletReadyAgainAt(p, anchorSeconds, passes));
  // The user container's probe passing syncs the status again, which asks the queue-proxy once more.
  if (userReady > running && qpReady > userReady) qpReady = Math.min(qpReady, qpReadyFrom(userReady));
  return { readyAt: Math.max(userReady, qpReady) };
}
