import {
  firstReadyFollowsPodStart,
  kubeletFirstReadyAt,
  kubeletNotReadyAt,
  kubeletReadyAfterRestart,
  kubeletReadyAgainAt,
  livenessKillAt,
  podReadinessProbe,
  readyAfterStartup,
  startupProbeOutcome,
  type KubeletReadinessProbe,
  type StartupOutcome,
} from '../core/traffic/index.js';
import { newProgressingCondition, progressCheckAt, progressDeadlineExceeded, syncProgressing, type DeploymentCounts, type ProgressingCondition } from '../core/autoscaler/index.js';
import { RandomStream } from '../engine/random.js';
import type { Pod } from './pod.js';
import { STATUS_BAD_GATEWAY } from './request.js';
import type { Revision } from './revision.js';
import type { PodFaultSpec } from './spec.js';

type ReadinessFault = Extract<PodFaultSpec, { kind: 'readinessFailure' }>;
type CrashFault = Extract<PodFaultSpec, { kind: 'crash' }>;
type ImagePullFault = Extract<PodFaultSpec, { kind: 'imagePull' }>;
type HangFault = Extract<PodFaultSpec, { kind: 'hang' }>;
type SlowdownFault = Extract<PodFaultSpec, { kind: 'slowdown' }>;

/** The exit code of a container the kernel's OOM killer killed (SIGKILL: 128 + 9). */
const EXIT_CODE_OOM_KILLED = 137;
/** An injected crash exits with a generic error code. */
const EXIT_CODE_CRASH = 1;
/** A container the kubelet kills for failing its startup or liveness probe: SIGTERM, which the app is taken to exit on (128 + 15). */
const EXIT_CODE_PROBE_KILLED = 143;

/** A scheduled step of one pod, valid while the pod's token of its kind is unchanged. */
interface Step {
  pod: Pod;
  token: number;
}

/**
 * Injected faults of one revision's pods, and the pod lifecycle they need: a pod of such a
 * revision comes up step by step (pull, container start, readiness, activator probe,
 * Kubernetes Ready) so that any step can fail or be undone.
 *
 * - Readiness failure: the kubelet's readiness probe (the revision's, every periodSeconds on
 *   the pod's own ticker) marks the pod NotReady at its failureThreshold-th failing probe; the
 *   pod leaves the ready endpoints: the KPA stops counting it, the activators drop its tracker,
 *   Serve mode stops routing to it. Requests it already holds finish normally (the app is
 *   up). When readiness passes again the activator, whose probes wait on the queue-proxy's
 *   50 ms check, finds it within 50 ms, and Kubernetes marks it Ready at the successThreshold-th
 *   passing probe.
 * - Crash: the user container exits. Kubernetes marks the pod not Ready at once; the
 *   queue-proxy answers every request it holds with 502 Bad Gateway (the activator passes
 *   the 502 on). The kubelet restarts the container at once the first time, then after its
 *   back-off (10 s, doubling, at most 5 min; a crash more than 10 min after the last restart
 *   counts as a first one again); the pod then goes through container start and readiness again.
 *   Kubernetes marks it Ready as the restarted container runs, before its app answers (requests
 *   reaching it then get 502), unless the queue-proxy's probe failed failureThreshold times since
 *   the app stopped answering: then at that probe's first pass after the app answers
 *   (core kubeletReadyAfterRestart). The activator still waits for its own probe to pass.
 *   A container due to exit again while its pod terminates exits too, and is not restarted.
 * - Image pull failure: an attempt that starts in the window fails after the pull time
 *   (ErrImagePull); the kubelet waits its back-off (ImagePullBackOff) and pulls again.
 * - Slowdown: for the window the app takes `factor` times as long for each request it starts
 *   (its service time, or with the CPU model its non-CPU wait); requests it started before keep their time.
 * - Hang: the app stops answering (a deadlock) for a window, or until its container exits. What
 *   it executes makes no progress (a timeout or the exit ends it, or it finishes what it had left
 *   once the app resumes); requests keep coming, as the queue-proxy still connects. An httpGet or
 *   gRPC readiness probe fails from then (NotReady at its failureThreshold-th failure, each known
 *   as its timeout ends); the default TCP one passes.
 *   An httpGet or gRPC liveness probe fails the same way, and at its failureThreshold-th
 *   failure the kubelet kills the container (LivenessFailed), which restarts, its back-off checked
 *   against its previous exit (KubeletBackoff.killDelay).
 *
 * Revision failure: the Deployment controller's progress deadline runs until its rollout
 * completes (every wanted pod available once, 0 of 0 too); a deadline (whole seconds of its
 * last progress, plus the controller's 1 s) with no progress — no pod created, none Ready —
 * makes its Progressing False, and the revision's ResourcesAvailable and Ready False, until
 * it progresses again. The reason is upstream's: the oldest pod's waiting reason when its
 * image cannot be pulled (reconcile_resources.go), otherwise ProgressDeadlineExceeded. A
 * container that exited (a crash, an OOM kill) makes ContainerHealthy False instead (revision.ts).
 * While it wants pods and has none ready, its PA is Unreachable (pa.go), so min-scale no longer holds a pod.
 */
export class PodFaults {
  private readonly readiness: ReadinessFault[] = [];
  private readonly crashes: CrashFault[] = [];
  private readonly pulls: ImagePullFault[] = [];
  private readonly hangs: HangFault[] = [];
  private readonly slowdowns: SlowdownFault[] = [];
  /** The factors of the slowdowns in force on every pod, and on single pods. */
  private readonly revisionSlowdowns: number[] = [];
  private readonly podSlowdowns = new Map<Pod, number[]>();
  /** Revision-wide readiness failures in force now (they also hold pods started during them). */
  private outages = 0;
  /** The kubelet's readiness probe of this revision's pods. */
  private readonly probe: KubeletReadinessProbe;
  /** When the probe ticker of a pod that was running before the run started fired (its phase is unknown, so drawn). */
  private readonly tickerAnchors = new WeakMap<Pod, number>();

  constructor(
    readonly rev: Revision,
    faults: readonly PodFaultSpec[],
  ) {
    this.probe = rev.spec.kubeletReadinessProbe ?? podReadinessProbe(undefined);
    for (const f of faults) {
      if (f.kind === 'readinessFailure') this.readiness.push(f);
      else if (f.kind === 'crash') this.crashes.push(f);
      else if (f.kind === 'hang') this.hangs.push(f);
      else if (f.kind === 'slowdown') this.slowdowns.push(f);
      else this.pulls.push(f);
    }
  }

  private get sim() {
    return this.rev.world.sim;
  }

  /** Schedules the timed faults and the progress-deadline check (from the revision's creation). */
  start(now: number): void {
    for (const f of this.readiness) {
      if (f.atSeconds + f.durationSeconds <= now) continue;
      this.sim.at(Math.max(f.atSeconds, now), this.onReadinessFault, f);
    }
    for (const f of this.crashes) if (f.atSeconds >= now) this.sim.at(f.atSeconds, this.onCrashFault, f);
    for (const f of this.hangs) if (f.atSeconds >= now) this.sim.at(f.atSeconds, this.onHangFault, f);
    for (const f of this.slowdowns) {
      if (f.atSeconds + f.durationSeconds <= now) continue;
      this.sim.at(Math.max(f.atSeconds, now), this.onSlowdown, f);
    }
    // A Deployment running before the run completed its rollout then: no deadline runs for it any more.
    this.progressing = this.rev.spec.initialPods === undefined ? newProgressingCondition(now) : { reason: 'NewReplicaSetAvailable', lastUpdateSeconds: now };
    this.observed = this.counts();
    // The controller's first sync: a Deployment created at 0 replicas (initial-scale 0) is complete at once.
    this.syncProgress(now);
    this.scheduleProgressCheck();
  }

  /** A pod that was running before the run started. */
  runningSince(pod: Pod, now: number): void {
    pod.fault.containerUp = true;
    pod.fault.containerStartedAt = now;
    pod.fault.appReadyAt = now;
  }

  // ---- start-up, step by step ----------------------------------------------------------------

  /** A new pod: the first pod-start draws come from the revision's pod stream, as for healthy pods. */
  create(pod: Pod, scheduledAt: number, pull: number, containerStart: number, readiness: number, lag: number): void {
    const first = { pull, containerStart, readiness, lag };
    this.sim.at(scheduledAt, (p: Pod) => this.onScheduled(p, first), pod);
  }

  private firstDraws = new WeakMap<Pod, { containerStart: number; readiness: number; lag: number }>();

  private onScheduled(pod: Pod, first: { pull: number; containerStart: number; readiness: number; lag: number }): void {
    if (pod.phase !== 'Pending') return;
    const now = this.sim.now;
    pod.startTime = now;
    // The kubelet creates the pod's sandbox: the CNI gives it an address.
    this.rev.world.network.attach(pod);
    this.rev.setPhase(pod, 'Starting', now);
    this.rev.probeFrom(pod, now);
    this.firstDraws.set(pod, first);
    this.pull(pod, now, first.pull);
  }

  private pullFails(at: number): boolean {
    return this.pulls.some((f) => at >= f.atSeconds && at < f.atSeconds + f.durationSeconds);
  }

  private pull(pod: Pod, now: number, seconds: number): void {
    const token = pod.fault.containerToken;
    if (this.pullFails(now)) this.sim.at(now + seconds, this.onPullFailed, { pod, token });
    else {
      const start = this.firstDraws.get(pod)?.containerStart ?? this.rev.drawStart('containerStart');
      this.sim.at(now + seconds + start, this.onContainerUp, { pod, token });
    }
  }

  /**
   * A step's handler: it runs only while the pod is up and the step's token is still the
   * pod's current one of `kind` (a crash or a readiness change since then voids the step).
   */
  private step(kind: 'containerToken' | 'readyToken', run: (pod: Pod, now: number, token: number) => void): (s: Step) => void {
    return (s) => {
      if (s.pod.isOk && s.token === s.pod.fault[kind]) run(s.pod, this.sim.now, s.token);
    };
  }

  private onPullFailed = this.step('containerToken', (pod, now, token) => {
    const f = pod.fault;
    f.waitingReason = 'ErrImagePull';
    this.rev.podEvent(pod, 'ErrImagePull', now);
    const delay = f.pullBackoff.pullFailed(now);
    f.waitingReason = 'ImagePullBackOff';
    this.rev.setPhase(pod, 'ImagePullBackOff', now);
    this.sim.at(now + delay, this.onPullRetry, { pod, token });
  });

  private onPullRetry = this.step('containerToken', (pod, now) => {
    pod.phase = 'Starting'; // pulling again; the next row is its outcome
    this.pull(pod, now, this.rev.drawStart('imagePull'));
  });

  private onContainerUp = this.step('containerToken', (pod, now) => {
    const f = pod.fault;
    f.waitingReason = '';
    f.containerUp = true;
    f.containerStartedAt = now;
    if (pod.stats === undefined) this.rev.startQueueProxy(pod, now);
    else pod.res?.userContainerStarted(now);
    const first = this.firstDraws.get(pod);
    const readiness = first?.readiness ?? this.rev.drawStart('readiness');
    f.appReadyAt = now + readiness;
    this.sim.at(f.appReadyAt, this.onAppReady, { pod, token: f.containerToken });
    // An exit due now comes first: a container that exits as it starts is never Ready.
    if (f.crashesLeft > 0) this.sim.at(now + f.uptimeSeconds, this.onCrashAgain, { pod, token: f.containerToken });
    const startup = this.startup(pod, now, first !== undefined);
    f.startedAt = startup === undefined ? Number.NaN : (startup.startedSeconds ?? Number.POSITIVE_INFINITY);
    if (startup?.killedSeconds !== undefined) {
      this.sim.at(startup.killedSeconds, this.onStartupKilled, { pod, token: f.containerToken });
      return;
    }
    if (first === undefined && !this.failing(pod)) this.restartReady(pod, now);
  });

  /**
   * What the startup probes do to the container that runs from `running` (undefined: none): the
   * serving container's passes once its app answers, or fails failureThreshold times first and
   * the kubelet kills it; a sidecar's passes at its first probe (its app is not modelled), and
   * only its first start counts (a restart of the user container leaves it started).
   */
  private startup(pod: Pod, running: number, firstStart: boolean): StartupOutcome | undefined {
    const spec = this.rev.spec;
    const sidecars = firstStart ? (spec.sidecarStartupProbes ?? []) : [];
    if (spec.startupProbe === undefined && sidecars.length === 0) return undefined;
    const anchor = this.tickerAnchor(pod);
    let started = running;
    if (spec.startupProbe !== undefined) {
      const o = startupProbeOutcome(spec.startupProbe, anchor, running, pod.fault.appReadyAt);
      if (o.killedSeconds !== undefined) return o;
      started = o.startedSeconds;
    }
    for (const p of sidecars) started = Math.max(started, startupProbeOutcome(p, anchor, running, running).startedSeconds ?? running);
    return { startedSeconds: started };
  }

  /** The startup probe failed failureThreshold times: the kubelet kills the container, which restarts after the back-off. */
  private onStartupKilled = this.step('containerToken', (pod, now) => {
    pod.fault.crashesLeft++;
    this.crash(pod, now, EXIT_CODE_PROBE_KILLED, true);
  });

  /**
   * The restarted user container runs: Kubernetes marks the pod Ready as the kubelet's probes
   * allow (kubeletReadyAfterRestart): at once if the queue-proxy's probe has not failed
   * failureThreshold times since the app stopped answering, else once the app answers.
   */
  private restartReady(pod: Pod, now: number): void {
    const f = pod.fault;
    const token = ++f.readyToken;
    f.restartReadyToken = token;
    const r = kubeletReadyAfterRestart(this.probe, this.tickerAnchor(pod), {
      queueProxyReady: f.outageQueueProxyReady,
      downSinceSeconds: f.outageSince,
      queueProxyStartedSeconds: pod.queueProxyUpAt,
      runningSeconds: now,
      passesSeconds: f.appReadyAt,
      userContainerProbed: this.rev.spec.servingContainerKubeletProbed === true,
      ...(Number.isNaN(f.startedAt) ? {} : { startedSeconds: f.startedAt }),
    });
    this.sim.at(r.readyAt, this.onKubeReady, { pod, token });
    if (r.notReadyAt !== undefined) {
      this.sim.at(r.notReadyAt, this.onNotReady, { pod, token });
      this.sim.at(r.readyAgainAt!, this.onKubeReady, { pod, token });
    }
  }

  private failing(pod: Pod): boolean {
    return pod.fault.readinessFailing > 0 || this.outages > 0;
  }

  private onAppReady = this.step('containerToken', (pod, now) => {
    const f = pod.fault;
    f.outageSince = Number.NaN;
    if (this.failing(pod)) return;
    if (this.firstDraws.has(pod)) this.becomeHealthy(pod, now);
    // A restart timed Kubernetes' Ready: the activator, probing the queue-proxy, finds the app now.
    else if (f.restartReadyToken === f.readyToken) this.probePasses(pod, now, f.readyToken);
    // A readiness failure came and went since the restart: the kubelet's next passing probe.
    else this.becomeHealthy(pod, now, kubeletReadyAgainAt(this.probe, this.tickerAnchor(pod), now));
  });

  /**
   * Readiness passes at `now`: the activator finds it at its next probe step, Kubernetes at
   * `kubeReadyAt` (undefined: the pod's first start, timed by Revision.firstReadyAt with its
   * first draws; a restart is timed as the container runs, restartReady).
   */
  private becomeHealthy(pod: Pod, now: number, kubeReadyAt?: number): void {
    const f = pod.fault;
    const token = ++f.readyToken;
    const first = this.firstDraws.get(pod);
    this.firstDraws.delete(pod);
    // A pod's first start follows the kubelet's probe timing (initialDelaySeconds runs from the queue-proxy's start).
    let at = kubeReadyAt ?? this.rev.firstReadyAt(this.tickerAnchor(pod), pod.queueProxyUpAt, now, first!.lag);
    // Not before its containers' startup probes pass, whose status sync asks the queue-proxy's probe too.
    if (Number.isFinite(f.startedAt)) {
      at = kubeReadyAt === undefined ? readyAfterStartup(this.probe, this.tickerAnchor(pod), pod.queueProxyUpAt, now, f.startedAt, at) : Math.max(at, f.startedAt);
    }
    this.probePasses(pod, now, token);
    this.rev.atEndpointsEvent(at, this.onKubeReady, { pod, token });
  }

  /** Its readiness passes from `now`: the activators find it at the end of the probe round that reaches it (void if `token` is stale by then). */
  private probePasses(pod: Pod, now: number, token: number): void {
    this.rev.probePasses(pod, now, () => pod.isOk && pod.fault.readyToken === token);
  }

  /**
   * When the pod's probe worker's ticker fired: the kubelet starts it as it takes the pod on
   * (its start time), and probes at once and then every period. For a pod running before the
   * run started that instant is unknown: its phase is drawn from a stream of its own, so no
   * other pod's draws move.
   */
  private tickerAnchor(pod: Pod): number {
    if (!pod.runningBeforeRun) return pod.startTime;
    let a = this.tickerAnchors.get(pod);
    if (a === undefined) {
      const r = new RandomStream(this.rev.world.sim.random.seed, `kubelet-probe/${pod.name}`);
      a = pod.startTime - r.uniform(0, this.probe.periodSeconds);
      this.tickerAnchors.set(pod, a);
    }
    return a;
  }

  private onKubeReady = this.step('readyToken', (pod, now) => {
    if (!pod.k8sReady) this.rev.markKubeReady(pod, now);
  });

  // ---- readiness failures ------------------------------------------------------------------

  /** The oldest `n` pods that exist and are not terminating (all of them when n is undefined). */
  private pick(n: number | undefined, eligible: (p: Pod) => boolean): Pod[] {
    const live = this.rev.livePods.filter(eligible);
    return n === undefined ? live : live.slice(0, n);
  }

  private onReadinessFault = (f: ReadinessFault): void => {
    const now = this.sim.now;
    const pods = this.pick(f.pods, () => true);
    if (f.pods === undefined) this.outages++;
    for (const p of pods) {
      if (f.pods !== undefined) p.fault.readinessFailing++;
      this.readinessLost(p, now);
    }
    const end = f.atSeconds + f.durationSeconds;
    if (Number.isFinite(end)) {
      this.sim.at(end, () => {
        if (f.pods === undefined) this.outages--;
        else for (const p of pods) p.fault.readinessFailing--;
        for (const p of f.pods === undefined ? this.rev.livePods : pods) this.readinessBack(p, this.sim.now);
      }, undefined);
    }
  };

  /**
   * The probe starts failing: whatever readiness was on its way is off; a pod in the endpoints
   * leaves them at the kubelet's failureThreshold-th failing probe (voided if readiness passes first),
   * known `knownAfter` after that probe starts (a probe that waits out its timeout).
   */
  private readinessLost(pod: Pod, now: number, knownAfter = 0): void {
    const f = pod.fault;
    const token = ++f.readyToken;
    this.rev.probeFails(pod);
    if (!pod.k8sReady && !pod.activatorHealthy) return;
    this.sim.at(kubeletNotReadyAt(this.probe, this.tickerAnchor(pod), now) + knownAfter, this.onNotReady, { pod, token });
  }

  private onNotReady = this.step('readyToken', (pod, now) => {
    this.rev.markNotReady(pod, 'NotReady', now);
  });

  /** A readiness failure ended: if nothing else holds the pod, its readiness passes again. */
  private readinessBack(pod: Pod, now: number): void {
    if (!pod.isOk || this.failing(pod)) return;
    const f = pod.fault;
    if (!f.containerUp || now < f.appReadyAt) return; // its own start-up will pass readiness
    if (pod.k8sReady && pod.activatorHealthy) {
      f.readyToken++; // it never left: cancel the pending NotReady
      return;
    }
    // A pod never Ready since it started is still within its first start: the initial delay holds.
    const firstStart = this.firstDraws.has(pod) && !firstReadyFollowsPodStart(this.probe);
    const anchor = this.tickerAnchor(pod);
    this.becomeHealthy(pod, now, firstStart ? kubeletFirstReadyAt(this.probe, anchor, pod.queueProxyUpAt, now) : kubeletReadyAgainAt(this.probe, anchor, now));
  }

  // ---- crashes -----------------------------------------------------------------------------

  private onCrashFault = (f: CrashFault): void => {
    const now = this.sim.now;
    for (const p of this.pick(f.pods, (x) => x.fault.containerUp)) {
      p.fault.crashesLeft = f.count;
      p.fault.uptimeSeconds = f.uptimeSeconds;
      this.crash(p, now);
    }
  };

  /** The container's next exit `uptime` after its start; a terminating pod's container exits too. */
  private onCrashAgain = (s: Step): void => {
    const pod = s.pod;
    if (s.token !== pod.fault.containerToken || pod.fault.crashesLeft <= 0 || !pod.fault.containerUp) return;
    if (pod.phase === 'Terminating') this.exitWhileTerminating(pod, this.sim.now);
    else if (pod.isOk) this.crash(pod, this.sim.now);
  };

  /**
   * The user container exits while the pod terminates: the kubelet starts no container of a pod
   * being deleted, so it stays down; the queue-proxy answers the requests it holds with 502 and
   * the pod goes once its drain ends.
   */
  private exitWhileTerminating(pod: Pod, now: number): void {
    const f = pod.fault;
    this.endHang(pod);
    f.crashesLeft--;
    f.containerUp = false;
    f.exitedAt = now;
    f.containerToken++;
    pod.res?.userContainerExited();
    pod.failAll(STATUS_BAD_GATEWAY, now);
    this.rev.maybeGone(pod, now);
  }

  /** The container was OOM-killed (its row is written): the crash path, without using up an injected crash. */
  oomKill(pod: Pod, now: number): void {
    pod.fault.crashesLeft++;
    this.crash(pod, now, EXIT_CODE_OOM_KILLED);
  }

  /**
   * The user container exits: out of the endpoints at once, requests it holds get 502, restart after
   * the back-off. `killed`: the kubelet killed it for a failed probe (see KubeletBackoff.killDelay).
   */
  private crash(pod: Pod, now: number, exitCode = EXIT_CODE_CRASH, killed = false): void {
    const f = pod.fault;
    const previousExit = f.exitedAt;
    // A hang that failed the readiness probe began the outage already.
    const hungOutage = f.hungReadiness;
    this.endHang(pod);
    // An app that answered since the last exit (or never exited) begins an outage: the queue-proxy's probe fails from now.
    if (!hungOutage && (f.appReadyAt <= now || Number.isNaN(f.outageSince))) {
      f.outageSince = now;
      f.outageQueueProxyReady = pod.k8sReady;
    }
    f.crashesLeft--;
    f.containerUp = false;
    f.exitedAt = now;
    // The kubelet keeps the exit as the container's lastTerminationState as it restarts it or backs off.
    f.lastExitCode = exitCode;
    pod.res?.userContainerExited();
    f.appReadyAt = Number.POSITIVE_INFINITY;
    this.firstDraws.delete(pod);
    const token = ++f.containerToken;
    f.readyToken++;
    this.rev.probeFails(pod);
    // Leave the endpoints first, so that requests failing now free no tracker slot for this pod.
    this.rev.markNotReady(pod, 'CrashLoopBackOff', now);
    pod.failAll(STATUS_BAD_GATEWAY, now);
    // The first exit (or the first after 10 min since the last restart) restarts at once: the kubelet has no back-off for it yet.
    const delay = killed ? f.restartBackoff.killDelay(now, previousExit) : f.restartBackoff.restartDelay(now);
    this.sim.at(now + delay, this.onRestart, { pod, token });
  }

  private onRestart = this.step('containerToken', (pod, now, token) => {
    pod.fault.restartBackoff.restarted(now);
    pod.fault.restarts++;
    // One row: Restarted stands for the container starting again.
    this.rev.podEvent(pod, 'Restarted', now);
    pod.phase = 'Starting';
    this.sim.at(now + this.rev.drawStart('containerStart'), this.onContainerUp, { pod, token });
  });

  // ---- slowdowns ---------------------------------------------------------------------------

  private onSlowdown = (f: SlowdownFault): void => {
    const pods = f.pods === undefined ? undefined : this.pick(f.pods, () => true);
    if (pods === undefined) this.revisionSlowdowns.push(f.factor);
    else for (const p of pods) this.podSlowdownsOf(p).push(f.factor);
    this.applySlowdowns(pods);
    const end = f.atSeconds + f.durationSeconds;
    if (!Number.isFinite(end)) return;
    this.sim.at(end, () => {
      const drop = (list: number[]) => list.splice(list.indexOf(f.factor), 1);
      if (pods === undefined) drop(this.revisionSlowdowns);
      else for (const p of pods) drop(this.podSlowdownsOf(p));
      this.applySlowdowns(pods);
    }, undefined);
  };

  private podSlowdownsOf(pod: Pod): number[] {
    let list = this.podSlowdowns.get(pod);
    if (list === undefined) this.podSlowdowns.set(pod, (list = []));
    return list;
  }

  /** The factors in force, multiplied afresh from the lists (no division, so an ended window leaves exactly 1). */
  private applySlowdowns(pods: readonly Pod[] | undefined): void {
    const product = (list: readonly number[]) => list.reduce((a, b) => a * b, 1);
    if (pods === undefined) this.rev.slowdown = product(this.revisionSlowdowns);
    else for (const p of pods) p.fault.slowdown = product(this.podSlowdownsOf(p));
  }

  // ---- hangs -------------------------------------------------------------------------------

  private onHangFault = (f: HangFault): void => {
    const now = this.sim.now;
    const resumeAt = f.atSeconds + f.durationSeconds;
    for (const p of this.pick(f.pods, (x) => x.fault.containerUp && x.fault.appReadyAt <= now && !x.fault.hung)) {
      this.hang(p, now, resumeAt);
      // After the probe events hang() scheduled: a probe that times out as the app resumes still fails.
      if (Number.isFinite(resumeAt)) this.sim.at(resumeAt, this.onHangEnd, { pod: p, token: p.fault.containerToken });
    }
  };

  /** The app answers again (if its container has not exited since): its requests go on, its readiness passes. */
  private onHangEnd = (s: Step): void => {
    const pod = s.pod;
    if (s.token !== pod.fault.containerToken || pod.phase === 'Gone') return;
    const now = this.sim.now;
    if (!this.endHang(pod, now)) return;
    pod.fault.outageSince = Number.NaN;
    this.readinessBack(pod, now);
  };

  /** The app stops answering: its requests stall; the probes that wait for it fail from now. */
  private hang(pod: Pod, now: number, resumeAt: number): void {
    const f = pod.fault;
    pod.hang(now);
    const anchor = this.tickerAnchor(pod);
    if (this.rev.spec.readinessProbeFailsWhenHung === true) {
      f.hungReadiness = true;
      f.readinessFailing++;
      f.outageSince = now;
      f.outageQueueProxyReady = pod.k8sReady;
      // With a period each failing probe is known as its timeout ends (aggressive probing's formula has it already).
      this.readinessLost(pod, now, this.probe.aggressive ? 0 : this.probe.timeoutSeconds);
    }
    const live = this.rev.spec.livenessProbe;
    if (live === undefined) return;
    // Probes wait out initialDelaySeconds from the container's start (long past for a pod running
    // before the run, until its first restart) and a startup probe's pass.
    let from = pod.runningBeforeRun && f.restarts === 0 ? now : f.containerStartedAt + live.initialDelaySeconds;
    if (Number.isFinite(f.startedAt)) from = Math.max(from, f.startedAt);
    const at = livenessKillAt(live, anchor, from, now);
    // Only probes that time out before the app resumes fail: a later kill never comes.
    if (at !== undefined && at <= resumeAt) this.sim.at(at, this.onLivenessKilled, { pod, token: f.containerToken });
  }

  /** The liveness probe failed failureThreshold times: the kubelet kills the container (not a terminating pod's: it then counts liveness as passing). */
  private onLivenessKilled = this.step('containerToken', (pod, now) => {
    this.rev.podEvent(pod, 'LivenessFailed', now);
    pod.fault.crashesLeft++;
    this.crash(pod, now, EXIT_CODE_PROBE_KILLED, true);
  });

  /**
   * The hang ends, the app resuming at `resumedAt` or its container exiting (undefined), and with
   * it the readiness failure it held. Returns whether it held one.
   */
  private endHang(pod: Pod, resumedAt?: number): boolean {
    const f = pod.fault;
    if (!f.hung) return false;
    pod.endHang(resumedAt);
    if (!f.hungReadiness) return false;
    f.hungReadiness = false;
    f.readinessFailing--;
    return true;
  }

  // ---- the revision's progress deadline ----------------------------------------------------

  /** The Deployment controller's Progressing condition, and the status counts it last wrote. */
  private progressing: ProgressingCondition | undefined;
  private observed: DeploymentCounts = { replicas: 0, readyReplicas: 0, availableReplicas: 0 };
  /** When the pending progress check runs (one at a time; a later one waits for it). */
  private progressCheckDue = Number.NaN;

  private counts(): DeploymentCounts {
    const rev = this.rev;
    const ready = rev.readyPods.length;
    return { replicas: rev.livePodCount, readyReplicas: ready, availableReplicas: ready };
  }

  /**
   * The Deployment's spec or status changed (a pod created, terminating, Ready or not): the
   * Deployment controller syncs, and a timed-out Deployment that progressed is Progressing again.
   */
  deploymentChanged(now: number): void {
    if (this.progressing === undefined) return;
    this.syncProgress(now);
  }

  private syncProgress(now: number): void {
    const before = this.progressing!;
    const current = this.counts();
    const deadline = this.rev.spec.autoscaling.progressDeadlineSeconds;
    const after = syncProgressing(before, this.rev.replicas, this.observed, current, deadline, now);
    this.observed = current;
    if (after === before) return;
    this.progressing = after;
    if (progressDeadlineExceeded(after)) this.timedOut(now);
    else if (progressDeadlineExceeded(before)) this.rev.deploymentProgressed(now);
    this.scheduleProgressCheck();
  }

  /** The controller's requeue of a stuck Deployment (requeueStuckDeployment); one pending at a time. */
  private scheduleProgressCheck(): void {
    const at = progressCheckAt(this.progressing!, this.rev.spec.autoscaling.progressDeadlineSeconds);
    if (at === undefined || this.progressCheckDue <= at) return;
    this.progressCheckDue = at;
    this.sim.at(at, this.onProgressCheck, this);
  }

  private onProgressCheck(this: void, self: PodFaults): void {
    self.progressCheckDue = Number.NaN;
    if (self.rev.deleted) return;
    self.syncProgress(self.sim.now);
    self.scheduleProgressCheck();
  }

  /**
   * Progressing False: the revision's ResourcesAvailable (and Ready) turn False, with upstream's
   * reason: the oldest pod's waiting reason when its image cannot be pulled
   * (reconcile_resources.go), otherwise ProgressDeadlineExceeded.
   */
  private timedOut(now: number): void {
    const oldest = this.rev.livePods[0];
    const reason = oldest !== undefined && oldest.fault.waitingReason !== '' ? oldest.fault.waitingReason : 'ProgressDeadlineExceeded';
    this.rev.deploymentTimedOut(reason, now);
  }
}
