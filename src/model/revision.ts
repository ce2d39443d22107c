import {
  activatorEndpointsPopulated,
  CONTAINER_HEALTHY_UNKNOWN,
  containerHealthy,
  effectiveSksMode,
  EXISTING_REVISION_AGE_SECONDS,
  isPaReachable,
  paReachability,
  podDeletionOrder,
  type ContainerHealthyCondition,
  type PodDeletionFacts,
  type PaRoutingState,
  type SksMode,
} from '../core/autoscaler/index.js';
import {
  activatorTrustsReadyPods,
  activatorUsesClusterIP,
  leastRequestPick,
  firstReadyFollowsPodStart,
  kubeletFirstReadyAt,
  podReadinessProbe,
  revisionReadyStatus,
  streamedTimeoutAge,
  type KubeletReadinessProbe,
  type ReadyStatus,
  type RequestTimeouts,
} from '../core/traffic/index.js';
import { makeSampler, type Sampler } from '../engine/distributions.js';
import type { RandomStream } from '../engine/random.js';
import type { Activator } from './activator.js';
import { RevisionAutoscaler } from './autoscaler.js';
import { WATCH_RECONCILE_PRIORITY } from './event-order.js';
import { PodFaults } from './pod-faults.js';
import { QueueProxyStats } from './queue-proxy-stats.js';
import { Pod, type PodPhase } from './pod.js';
import type { PodEvent } from './recorder.js';
import { PodList } from './pod-list.js';
import { RevisionResources } from './pod-resources.js';
import { STATUS_BAD_GATEWAY, type Request } from './request.js';
import type { ServiceModel } from './service.js';
import type { RevisionSpec, StreamSpec } from './spec.js';
import type { World } from './world.js';
import { PodLimitExceeded } from './pod-limit.js';
import { RevisionWatcher, type WatcherHost } from './revision-watcher.js';
import { ActivatorFinds } from './activator-finds.js';
import { ActivatorViews, type FindValid } from './activator-view.js';

const runFound = (found: () => void): void => found();

/** Watches a revision's Ready pods, replicas and SKS mode (a client waiting to start). */
export interface RevisionObserver {
  /** Called after each change of those, at the instant it happens. */
  revisionChanged(rev: Revision, now: number): void;
}

/** How long the queue-proxy waits for upgraded (WebSocket) connections after its HTTP server shut down (sharedmain hijackDrainDuration). */
const HIJACK_DRAIN_SECONDS = 60;

/** The kubelet's floor on a pod's termination grace period (kubelet minimumGracePeriodInSeconds). */
const KUBELET_MIN_GRACE_SECONDS = 2;

/** One stretch of the revision's Ready condition being False. */
export interface ReadyFalsePeriod {
  atSeconds: number;
  /** When Ready was no longer False (True or Unknown); undefined while it still is. */
  untilSeconds: number | undefined;
  /** The reason Ready took as it turned False (the condition that turned False). */
  reason: string;
}

/**
 * A revision: its Deployment (replicas and pods), its SKS (Serve/Proxy and the activator
 * subset), and its autoscaler. Pod phases are drawn from the revision's pod-start model.
 */
export class Revision {
  readonly autoscaler: RevisionAutoscaler;
  /** Pods that exist (not Gone), in creation order (a Set keeps insertion order, and a pod leaves it in O(1)). */
  private readonly pods = new Set<Pod>();
  /** `pods` as an array, until it next changes. */
  private podsView: Pod[] | undefined = [];
  private podSeq = 0;
  /** Existing pods Pending (or ImagePullBackOff) and Terminating, kept by newPod and setPhase; pods with k8sReady set. */
  private pendingPods = 0;
  private terminatingPods = 0;
  private k8sReadyPods = 0;
  /** Kubernetes-Ready, non-terminating pods, in creation order: the autoscaler's ready count and Serve endpoints. */
  readonly readyPods = new PodList();
  /** Pods the activators' probes found healthy (may precede Kubernetes readiness), in creation order. */
  readonly activatorHealthyPods = new PodList();
  replicas = 0;
  sksSpecMode: SksMode = 'Proxy';
  sksEffectiveMode: SksMode = 'Proxy';
  numActivators = 2;
  activatorEndpointsPopulatedSince: number | undefined;
  /** The activators in the revision's public endpoints while in Proxy. */
  activatorSubset: Activator[] = [];
  /** Requests waiting at any activator for this revision: its throttlers keep it, so a sample needs no lookup per activator. */
  activatorWaiting = 0;
  /** How many times as long its app takes now, from slowdown faults on every pod (a pod's own ones multiply in). */
  slowdown = 1;
  /** The recorder's own state for this revision (run-recorder.ts), kept here so a record needs no lookup by revision. */
  recorderSlot: unknown = undefined;
  private serveRr = 0;
  private proxyRr = 0;
  /** Events due that change the activators' view of the pods (probe finds, Ready marks), by instant: see atEndpointsEvent. */
  private readonly endpointsEventsDue = new Map<number, number>();
  /** More such events of this instant are to come: the throttlers hold their dispatches till the last. */
  private holdingDispatch = false;
  /** A throttler held one meanwhile. */
  private dispatchWasHeld = false;
  /** Deleted with its Service (see {@link delete}): no controller acts on it any more. */
  deleted = false;
  /** When a pod of it was last gone (NaN: none yet). */
  lastPodGoneAt = Number.NaN;
  /** When the first request for this revision was sent, and when a pod was first Ready at or after it. */
  firstRequestAt = Number.NaN;
  firstReadyAfterRequestAt = Number.NaN;
  private readonly serviceTime: Sampler;
  private readonly podRandom: RandomStream;
  /** Each pod's uid, from a stream of its own so that drawing it moves no start-up draw. */
  private readonly podUids: RandomStream;
  private readonly start: { scheduling: Sampler; imagePull: Sampler; containerStart: Sampler; readiness: Sampler; kubeletReadyLag: Sampler };
  /** The activators' probe rounds of its pods (undefined through the ClusterIP, where nothing probes a pod). */
  private readonly watcher: RevisionWatcher | undefined;
  /** The watchers of activators whose process started after the revision (undefined with no watcher). */
  private readonly views: ActivatorViews | undefined;
  /** The kubelet's readiness probe of the revision's pods (the queue-proxy's copy of the serving container's). */
  readonly readinessProbe: KubeletReadinessProbe;
  /** Whether the activator's own probe makes a pod usable before Kubernetes marks it Ready. */
  private readonly probeOptimisation: boolean;
  /** The activators take a pod Kubernetes marks Ready without probing it (mesh-compatibility-mode other than auto). */
  private readonly trustsReady: boolean;
  /** The activators send through the ClusterIP and probe no pod (mesh-compatibility-mode enabled). */
  private readonly clusterIP: boolean;
  private observers: RevisionObserver[] = [];
  /** Injected faults, or a memory limit that can OOM-kill (undefined: healthy pods, and the original start path). */
  readonly faults: PodFaults | undefined;
  /** CPU/memory model (undefined: the fixed service time, no resources). */
  readonly resources: RevisionResources | undefined;
  /**
   * Each time the revision's Ready condition was False (ResourcesAvailable or ContainerHealthy
   * False), in order; the last one may still be open.
   */
  readonly readyFalse: ReadyFalsePeriod[] = [];
  /*
   * ResourcesAvailable is False while any of these holds (reconcile_resources.go and
   * PropagateDeploymentStatus / PropagateAutoscalerStatus in revision_lifecycle.go):
   * - the Deployment's Progressing is False (its progress deadline passed), with this reason,
   *   until it progresses or completes (pod-faults.ts);
   * - its first pod could not be scheduled, until a pod is Ready or it scales up from zero;
   * - its PA is Inactive without ever having initialized its scale target (the activation
   *   timeout took it to zero): "Initial scale was never achieved", until the PA activates again.
   */
  private progressTimedOut: string | undefined = undefined;
  private unschedulable = false;
  private initialScaleNeverAchieved = false;
  /**
   * ContainerHealthy as the revision reconciler last set it: False while the Deployment wants pods, has
   * none available and its first pod's user container has exited before, until a pod is Ready again.
   */
  private containerHealthyCond: ContainerHealthyCondition = CONTAINER_HEALTHY_UNKNOWN;
  /** The labeler's routing state (the ServiceModel sets it). */
  private routingState: PaRoutingState = 'pending';
  /** A revision reconcile is due at this instant (after the Deployment changed). */
  private reconcileQueued = false;

  /**
   * How long the activator and the queue-proxy let a request run before they answer 504
   * (pkg/http/handler/timeout.go): the revision timeout, or sooner a response-start or idle
   * timeout. Those two time the first byte and the gap since the last one; until the app writes,
   * each fires its own length after the request came in: the whole request for an app that writes
   * when done, the wait and the first byte for one that streams (then see streamDeadline).
   */
  readonly requestTimeoutSeconds: number;
  /** How the app writes a streamed response; undefined: all of it when done (then `requestTimeoutSeconds` bounds the request). */
  readonly stream: StreamSpec | undefined;
  /** Its requests are WebSocket sessions (app.webSocket): the app closes those still open when it gets SIGTERM, */
  readonly webSocket: boolean;
  /** … or (onSigterm: drain) lets them run, until the queue-proxy's drain of upgraded connections ends. */
  private readonly webSocketDrains: boolean;
  private readonly timeouts: RequestTimeouts;

  /**
   * A streamed request starts its work at `now`: its deadline becomes the earliest of its client's and
   * the timeout handlers' (timed from its routing, as at the route), now that its writes have times.
   * A slowdown (`slowdown` times as long) stretches the app's writes as it stretches its work.
   */
  streamDeadline(req: Request, now: number, slowdown: number): void {
    const s = this.stream!;
    const writes = slowdown === 1 ? s : { firstByteSeconds: s.firstByteSeconds * slowdown, intervalSeconds: s.intervalSeconds * slowdown };
    req.firstByteAt = now + Math.min(writes.firstByteSeconds, req.serviceTime);
    const age = streamedTimeoutAge(this.timeouts, writes, now - req.routedAt, req.serviceTime);
    req.deadline = req.clientDeadline;
    req.deadlineIsClient = req.clientDeadline !== Number.POSITIVE_INFINITY;
    const revDeadline = req.routedAt + age;
    if (revDeadline < req.deadline) {
      req.deadline = revDeadline;
      req.deadlineIsClient = false;
    }
  }
  /**
   * How long a terminating pod drains before it can go: the queue-proxy's quiet period, cut
   * short by the kubelet's kill at the pod's terminationGracePeriodSeconds, which Knative sets
   * to the revision's timeoutSeconds (deploy.go); the kubelet grants at least 2 s. Requests it
   * holds have met their own timeout by then, as they came in before the pod terminated.
   */
  readonly drainSeconds: number;
  /** The pod's terminationGracePeriodSeconds (the revision's timeoutSeconds, at least 2 s): the kubelet kills what is left then. */
  private readonly graceSeconds: number;

  constructor(
    readonly world: World,
    readonly service: ServiceModel,
    readonly spec: RevisionSpec,
    now: number,
  ) {
    let timeout = spec.timeoutSeconds;
    for (const t of [spec.responseStartTimeoutSeconds ?? 0, spec.idleTimeoutSeconds ?? 0]) if (t > 0 && t < timeout) timeout = t;
    this.requestTimeoutSeconds = timeout;
    this.stream = spec.stream;
    this.webSocket = spec.webSocket !== undefined;
    this.webSocketDrains = spec.webSocket?.onSigterm === 'drain';
    this.graceSeconds = Math.max(KUBELET_MIN_GRACE_SECONDS, spec.timeoutSeconds);
    this.timeouts = { timeoutSeconds: spec.timeoutSeconds, responseStartTimeoutSeconds: spec.responseStartTimeoutSeconds, idleTimeoutSeconds: spec.idleTimeoutSeconds };
    this.drainSeconds = Math.min(world.spec.cluster.drainSeconds, Math.max(KUBELET_MIN_GRACE_SECONDS, spec.timeoutSeconds));
    const rnd = world.sim.random;
    this.podRandom = rnd.stream(`pods/${spec.name}`);
    this.podUids = rnd.stream(`pods/${spec.name}/uid`);
    this.serviceTime = makeSampler(spec.serviceTime);
    const ps = spec.podStart;
    this.start = {
      scheduling: makeSampler(ps.scheduling),
      imagePull: makeSampler(ps.imagePull),
      containerStart: makeSampler(ps.containerStart),
      readiness: makeSampler(ps.readiness),
      kubeletReadyLag: makeSampler(ps.kubeletReadyLag),
    };
    this.trustsReady = activatorTrustsReadyPods(world.spec.cluster.meshCompatibilityMode ?? 'auto');
    this.clusterIP = activatorUsesClusterIP(world.spec.cluster.meshCompatibilityMode ?? 'auto');
    this.readinessProbe = spec.kubeletReadinessProbe ?? podReadinessProbe(undefined);
    // Each activator's revision watcher, and its ticker, start as it first sees the revision's
    // private Endpoints: made with the revision here.
    const period = world.spec.cluster.activatorProbePeriodSeconds;
    this.watcher = this.clusterIP ? undefined : new RevisionWatcher({ ...this.watcherHost, probesSent: () => this.sharers.size > 0 }, now, period, this.readinessProbe.aggressive);
    this.probeOptimisation = spec.enableProbeOptimisation !== false;
    this.views = this.watcher === undefined ? undefined : this.newViews(this.watcher, period);
    // Every activator process running now sees the revision as it is created (one that crashed restarted at
    // once; a drained one that exited is gone; a new pod's process runs a little before it is Ready).
    for (const a of world.activators) if (!(a.down && a.drain !== undefined) && a.processStartedAt <= now) this.sharers.add(a);
    this.resources = spec.work !== undefined || spec.memory !== undefined ? new RevisionResources(this, spec.work, spec.memory, spec.resources) : undefined;
    const injected = spec.faults !== undefined && spec.faults.length > 0;
    // With nodes, pods start step by step at binding, and the progress deadline can fail a revision whose pods never schedule.
    // A startup probe can kill a container that is slow to start, and restart it: the same step-by-step path.
    const startupProbed = spec.startupProbe !== undefined || spec.sidecarStartupProbes !== undefined;
    this.faults = injected || startupProbed || this.resources?.canOom === true || world.cluster !== undefined ? new PodFaults(this, spec.faults ?? []) : undefined;
    // A revision running before the run has had its SKS as long as its PA (dated as far back): a
    // condition keeps its transition time while its status holds, so the grace period is long served.
    this.activatorEndpointsPopulatedSince = spec.initialPods !== undefined ? now - EXISTING_REVISION_AGE_SECONDS : now;
    if (spec.initialPods !== undefined) {
      // Running before the run started: pods already Ready, SKS as the KPA would have left it.
      for (let i = 0; i < spec.initialPods; i++) this.addReadyPod(now);
      this.replicas = spec.initialPods;
      if (spec.initialPods > 0) this.containerHealthyCond = { status: 'True', reason: '' };
    } else {
      // A new Deployment starts with initial-scale replicas (and may be 0 if allowed).
      this.replicas = spec.autoscaling.initialScale;
    }
    this.autoscaler = new RevisionAutoscaler(this, now);
    this.faults?.start(now);
    this.reconcilePods(now);
    this.refreshEndpoints(now);
    // Creating the PodAutoscaler triggers its first reconcile (which creates the SKS).
    this.autoscaler.reconcile(now);
  }

  get hasFaults(): boolean {
    return this.faults !== undefined;
  }

  /** When the revision's Ready condition first became False, and why; undefined if it never did. */
  get failure(): { atSeconds: number; reason: string } | undefined {
    const first = this.readyFalse[0];
    return first === undefined ? undefined : { atSeconds: first.atSeconds, reason: first.reason };
  }

  private get resourcesUnavailable(): boolean {
    return this.progressTimedOut !== undefined || this.unschedulable || this.initialScaleNeverAchieved;
  }

  /** The revision's Ready condition now, as the Route reads it. */
  get readyStatus(): ReadyStatus {
    return revisionReadyStatus({
      scaleTargetInitialized: this.autoscaler?.pa.scaleTargetInitialized === true,
      resourcesAvailableFalse: this.resourcesUnavailable,
      containerHealthyFalse: this.containerHealthyCond.status === 'False',
    });
  }

  /** The revision's ContainerHealthy condition now. */
  get containerHealthyCondition(): Readonly<ContainerHealthyCondition> {
    return this.containerHealthyCond;
  }

  /**
   * The user container went over its memory limit: OOMKilled. Requests it holds fail with
   * 502 as on a crash; a running pod restarts after the kubelet's back-off, a terminating
   * one just drains away.
   */
  oomKill(pod: Pod, now: number): void {
    if (pod.phase === 'Gone' || !pod.fault.containerUp) return;
    this.podEvent(pod, 'OOMKilled', now);
    if (pod.phase === 'Terminating') {
      pod.fault.containerUp = false;
      pod.failAll(STATUS_BAD_GATEWAY, now);
      this.maybeGone(pod, now);
      return;
    }
    this.faults!.oomKill(pod, now);
  }

  /** A request's service time from its own uniform (drawn at arrival from its client's stream). */
  serviceTimeAt(u: number): number {
    return this.serviceTime.quantile(u);
  }

  podCounts(): { ready: number; notReady: number; pending: number; terminating: number } {
    const ready = this.readyPods.length;
    // Healthy pods change phase only through setPhase and readiness only here, which keep the counts
    // (a pod neither terminating, pending nor k8sReady is not ready); the fault path sets phases itself, so it counts.
    if (this.faults === undefined) {
      const pending = this.pendingPods;
      const terminating = this.terminatingPods;
      return { ready, notReady: this.pods.size - pending - terminating - this.k8sReadyPods, pending, terminating };
    }
    let notReady = 0;
    let pending = 0;
    let terminating = 0;
    for (const p of this.pods) {
      if (p.phase === 'Terminating') terminating++;
      else if (p.phase === 'Pending' || p.phase === 'ImagePullBackOff') pending++;
      else if (!p.k8sReady) notReady++;
    }
    return { ready, notReady, pending, terminating };
  }

  /** Pods that are not terminating (what the ReplicaSet counts against replicas). */
  get livePods(): Pod[] {
    const live: Pod[] = [];
    for (const p of this.pods) if (p.isOk) live.push(p);
    return live;
  }

  /** How many pods are not terminating, without listing them. */
  get livePodCount(): number {
    return this.pods.size - this.terminatingPods;
  }

  /** Pods that exist (not Gone), for sampling. */
  get allPods(): readonly Pod[] {
    return (this.podsView ??= [...this.pods]);
  }

  get existingPodCount(): number {
    return this.pods.size;
  }

  observe(o: RevisionObserver): void {
    this.observers.push(o);
  }

  unobserve(o: RevisionObserver): void {
    this.observers = this.observers.filter((x) => x !== o);
  }

  private notify(now: number): void {
    if (this.observers.length === 0) return;
    for (const o of this.observers.slice()) o.revisionChanged(this, now);
  }

  // ---- Deployment -------------------------------------------------------------------------

  setReplicas(n: number, now: number): void {
    if (n === this.replicas) return;
    // Back up from zero: the first pod's scheduling is checked afresh (the PA, activating, says the rest).
    if (this.unschedulable && this.replicas === 0) this.setResourcesAvailable(() => (this.unschedulable = false), '', now);
    this.replicas = n;
    this.reconcilePods(now);
    this.deploymentChanged(now);
    this.notify(now);
  }

  /** What the ReplicaSet controller compares of `pod` when it picks pods to delete (pod-deletion-order.ts). */
  private deletionFacts(pod: Pod): PodDeletionFacts {
    return {
      scheduled: pod.phase !== 'Pending',
      // Its containers started: the kubelet reports phase Running from then.
      running: !Number.isNaN(pod.queueProxyUpAt),
      ready: pod.k8sReady,
      // Without node pools every pod's node is unknown and the rank 0.
      rank: pod.node?.matchingPods(this) ?? 0,
      readySeconds: pod.readyAt,
      restarts: pod.fault.restarts,
      createdSeconds: pod.createdAt,
      uid: pod.uid,
    };
  }

  /** The ReplicaSet controller: create or delete pods to match replicas. */
  private reconcilePods(now: number): void {
    const live = this.livePods;
    if (live.length < this.replicas) {
      // Over the cap whatever happens next: refuse before making the pods that fit under it
      // (a class asking for 1e308 built 100,000 of them, seconds and 200 MB, only to stop).
      const w = this.world;
      if (w.existingPods + (this.replicas - live.length) > w.podLimit) throw new PodLimitExceeded(this.spec.name, this.replicas, w.podLimit, now, w.existingPods - live.length);
      for (let i = live.length; i < this.replicas; i++) this.createPod(now);
    } else if (live.length > this.replicas) {
      // Newest first, so that pods the controller has no preference between go newest first
      // (upstream they go in its cache's listing order, which nothing here models).
      const pods = live.slice().sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
      const order = podDeletionOrder(pods.map((p) => this.deletionFacts(p)), now);
      for (let i = 0; i < live.length - this.replicas; i++) this.terminate(pods[order[i]!]!, now);
    }
  }

  private newPod(now: number): Pod {
    const w = this.world;
    if (++w.existingPods > w.podLimit) throw new PodLimitExceeded(this.spec.name, this.replicas, w.podLimit, now);
    const seq = ++this.podSeq;
    const pod = new Pod(this, `${this.spec.name}-deployment-${String(seq).padStart(4, '0')}`, seq, now);
    pod.uid = this.podUids.next();
    this.pods.add(pod);
    this.podsView = undefined;
    this.countPhase(pod.phase, 1);
    // The ReplicaSet's status counts it: the Deployment's status changes (a scale-up is progress).
    this.deploymentChanged(now);
    return pod;
  }

  /** A pod of a revision that was running before the run started. */
  private addReadyPod(now: number): void {
    const pod = this.newPod(now);
    pod.startTime = now;
    pod.runningBeforeRun = true;
    this.podEvent(pod, 'Pending', now);
    this.world.cluster?.placeRunning(pod, now);
    this.world.network.attach(pod);
    this.startQueueProxy(pod, now);
    pod.activatorHealthy = true;
    pod.passesFrom = Number.NEGATIVE_INFINITY;
    this.activatorHealthyPods.insert(pod);
    if (this.sharedCounts) this.finds.held(pod);
    this.markReady(pod, now, false);
    this.faults?.runningSince(pod, now);
  }

  /** Draws a pod-start phase from the revision's pod stream (the fault path draws step by step). */
  drawStart(phase: 'scheduling' | 'imagePull' | 'containerStart' | 'readiness' | 'kubeletReadyLag'): number {
    return this.start[phase].sample(this.podRandom);
  }

  private createPod(now: number): void {
    const pod = this.newPod(now);
    this.podEvent(pod, 'Pending', now);
    const r = this.podRandom;
    const s = this.start;
    const scheduled = now + s.scheduling.sample(r);
    const cluster = this.world.cluster;
    if (cluster !== undefined) {
      // The scheduler first tries the pod after its scheduling latency; the start-up phases begin at binding.
      const pull = s.imagePull.sample(r);
      const start = s.containerStart.sample(r);
      const ready = s.readiness.sample(r);
      const lag = s.kubeletReadyLag.sample(r);
      cluster.schedule(pod, scheduled, (p, at) => this.faults!.create(p, at, pull, start, ready, lag));
      return;
    }
    if (this.faults !== undefined) {
      this.faults.create(pod, scheduled, s.imagePull.sample(r), s.containerStart.sample(r), s.readiness.sample(r), s.kubeletReadyLag.sample(r));
      return;
    }
    const containerUp = scheduled + s.imagePull.sample(r) + s.containerStart.sample(r);
    const probeOk = containerUp + s.readiness.sample(r);
    // The activator probes from the moment the address appears; the queue-proxy answers from containerUp.
    pod.passesFrom = probeOk;
    this.watcher?.watch(pod, scheduled, probeOk, () => this.onProbeHealthy(pod), containerUp);
    this.views?.watch(pod, scheduled, probeOk, () => pod.isOk, containerUp);
    // The kubelet's probe worker starts as the pod is scheduled here (onScheduled: its start time).
    const k8sReady = this.firstReadyAt(scheduled, containerUp, probeOk, s.kubeletReadyLag.sample(r));
    const sim = this.world.sim;
    sim.at(scheduled, this.onScheduled, pod);
    sim.at(containerUp, this.onContainerUp, pod);
    this.atEndpointsEvent(k8sReady, this.onKubeReady, pod);
  }

  /**
   * Schedules an event that changes the activators' view of the pods (a probe find, a Ready
   * mark). Upstream's revision watcher probes every address not yet healthy in one round and
   * hands the throttlers the round's healthy set in one update (revision_backends.go
   * checkDests), and the Endpoints it watches take the pods that turn Ready at once in one
   * write; so when several such events fall on one instant, the throttlers dispatch only after
   * the last, never to a part of the pods (a single event runs as before).
   */
  atEndpointsEvent<T>(at: number, fn: (payload: T) => void, payload: T): void {
    const due = this.endpointsEventsDue;
    due.set(at, (due.get(at) ?? 0) + 1);
    this.world.sim.at(at, this.runEndpointsEvent, { at, fn: fn as (payload: unknown) => void, payload });
  }

  private readonly runEndpointsEvent = (e: { at: number; fn: (payload: unknown) => void; payload: unknown }): void => {
    const due = this.endpointsEventsDue;
    const left = due.get(e.at)! - 1;
    if (left > 0) this.holdingDispatch = true;
    e.fn(e.payload);
    if (left > 0) {
      due.set(e.at, left);
      return;
    }
    due.delete(e.at);
    if (!this.holdingDispatch) return;
    this.holdingDispatch = false;
    if (!this.dispatchWasHeld) return;
    // The whole update is in: every throttler of the revision dispatches what it held.
    this.dispatchWasHeld = false;
    const now = this.world.sim.now;
    for (const a of this.world.activators) a.existingThrottler(this)?.dispatch(now);
  };

  /** Whether a throttler must hold its dispatch for now (the rest of an endpoints update is due this instant). */
  dispatchHeld(): boolean {
    if (!this.holdingDispatch) return false;
    this.dispatchWasHeld = true;
    return true;
  }

  private get watcherHost(): WatcherHost {
    return { sim: this.world.sim, endpointsUpdate: (found) => this.endpointsUpdateNow(found) };
  }

  /** The activator processes the shared watcher stands for: up when the revision was created, not restarted or gone since. */
  private readonly sharers = new Set<Activator>();
  /** The pods some running activator process found healthy (through the ClusterIP: activatorHealthyPods). */
  private readonly finds = new ActivatorFinds((pod, now) => this.world.recorder.podTransition(pod, 'ActivatorHealthy', now));

  /** Pods at least one running activator process found healthy: timeseries.csv's activator_healthy. */
  get activatorHealthyCount(): number {
    return this.clusterIP ? this.activatorHealthyPods.length : this.finds.size;
  }

  /** Whether the shared view stands for a running process: its pods count among the finds. */
  private get sharedCounts(): boolean {
    return !this.clusterIP && this.sharers.size > 0;
  }

  /** `a`'s process no longer follows the shared view; the last one gone, that view's pods no longer count. */
  private leaveShared(a: Activator): void {
    const counted = this.sharedCounts;
    if (!this.sharers.delete(a) || !counted || this.sharers.size > 0) return;
    for (const pod of this.activatorHealthyPods.toArray()) this.finds.remove(pod);
  }

  /** Runs `found` now as one update, counted with the others due this instant (see atEndpointsEvent). */
  private endpointsUpdateNow(found: readonly (() => void)[]): void {
    const now = this.world.sim.now;
    const due = this.endpointsEventsDue;
    due.set(now, (due.get(now) ?? 0) + found.length);
    for (const fn of found) this.runEndpointsEvent({ at: now, fn: runFound as (payload: unknown) => void, payload: fn });
  }

  /** The activators probe `pod` from now on (its address appeared, or its container restarted): its readiness is not known yet. */
  probeFrom(pod: Pod, now: number): void {
    pod.passesFrom = Number.NaN;
    this.watcher?.watch(pod, now, Number.NaN, undefined);
    this.views?.watch(pod, now, Number.NaN, undefined);
  }

  /** `pod`'s user container passes from `now`: the probe round that finds it hands it on if `valid` still holds then. */
  probePasses(pod: Pod, now: number, valid: FindValid): void {
    pod.passesFrom = now;
    this.watcher?.passes(pod, now, () => {
      if (valid()) this.probeFound(pod);
    });
    this.views?.passes(pod, now, valid);
  }

  /** `pod`'s user container fails its check again before the activators found it. */
  probeFails(pod: Pod): void {
    pod.passesFrom = Number.NaN;
    this.watcher?.fails(pod);
    this.views?.fails(pod);
  }

  /** `a`'s process starts now (a restart, a new activator pod): it probes the revision's pods itself (activator-view.ts). */
  activatorStarted(a: Activator, now: number): void {
    this.leaveShared(a);
    if (!this.deleted) this.views?.start(a, now);
  }

  /** `a`'s process is gone: so are its watchers. */
  activatorStopped(a: Activator): void {
    this.leaveShared(a);
    this.views?.stop(a);
  }

  /** The pods `a`'s throttler starts from: those its own watcher found, or the shared view. */
  healthyPodsFor(a: Activator): readonly Pod[] {
    return this.views?.healthyOf(a) ?? this.activatorHealthyPods.toArray();
  }

  /** Whether `a` follows the shared view of the pods (it has no watcher of its own). */
  private sharesView(a: Activator): boolean {
    return this.views === undefined || !this.views.has(a);
  }

  private newViews(shared: RevisionWatcher, probePeriod: number): ActivatorViews {
    return new ActivatorViews({
      sim: this.world.sim,
      watcherHost: this.watcherHost,
      probePeriod,
      aggressive: this.readinessProbe.aggressive,
      probeOptimisation: this.probeOptimisation,
      shared,
      pods: () => this.pods,
      trustsReady: this.trustsReady,
      finds: this.finds,
      throttlerOf: (a) => (this.throttlersFollowPods ? a.existingThrottler(this) : undefined),
    });
  }

  /**
   * When Kubernetes first marks a new pod Ready: a kubelet lag `lag` after its readiness passes at
   * `okAt` with Knative's default probing, otherwise when the kubelet's probe (its ticker started at
   * `anchor`, the queue-proxy up at `containerUp`) first finds it so.
   */
  firstReadyAt(anchor: number, containerUp: number, okAt: number, lag: number): number {
    const p = this.readinessProbe;
    return firstReadyFollowsPodStart(p) ? okAt + lag : kubeletFirstReadyAt(p, anchor, containerUp, okAt);
  }

  private onScheduled = (pod: Pod): void => {
    if (pod.phase !== 'Pending') return;
    pod.startTime = this.world.sim.now;
    // The kubelet creates the pod's sandbox: the CNI gives it an address.
    this.world.network.attach(pod);
    this.setPhase(pod, 'Starting', this.world.sim.now);
  };

  private onContainerUp = (pod: Pod): void => {
    if (!pod.isOk) return;
    this.startQueueProxy(pod, this.world.sim.now);
  };

  startQueueProxy(pod: Pod, now: number): void {
    // Its reports run from its own start, so pods report at different phases.
    pod.stats = new QueueProxyStats(this.world.sim, now);
    pod.queueProxyUpAt = now;
    this.watcher?.queueProxyUp(pod);
    this.views?.queueProxyUp(pod);
    if (this.resources !== undefined) pod.res = this.resources.newPod(pod, now);
  }

  private onProbeHealthy = (pod: Pod): void => {
    if (!pod.isOk) return;
    this.probeFound(pod);
  };

  /**
   * The activator's probe reached the pod's ready queue-proxy. Without the probe
   * optimisation it waits for the pod in the endpoints' ready addresses (markReady), unless
   * Kubernetes marked it Ready first (a restarted container, Ready as it runs).
   */
  probeFound(pod: Pod): void {
    // Through the ClusterIP nothing probes the pod: it gets requests once in the ready endpoints (markReady).
    if (this.clusterIP) return;
    if ((this.probeOptimisation || pod.k8sReady) && !pod.activatorHealthy) this.probeHealthy(pod);
  }

  /** The activator's probe of the pod passed: its throttlers may send to it. */
  private probeHealthy(pod: Pod): void {
    this.watcher?.forget(pod);
    pod.activatorHealthy = true;
    this.activatorHealthyPods.insert(pod);
    if (this.clusterIP) this.world.recorder.podTransition(pod, 'ActivatorHealthy', this.world.sim.now);
    else if (this.sharedCounts) this.finds.add(pod, this.world.sim.now);
    if (this.throttlersFollowPods) for (const a of this.world.activators) if (this.sharesView(a)) a.existingThrottler(this)?.podHealthy(pod, this.world.sim.now);
  }

  private onKubeReady = (pod: Pod): void => {
    if (!pod.isOk) return;
    this.markReady(pod, this.world.sim.now, true);
  };

  /**
   * The pod left the ready endpoints (readiness failing, or its container exited): the
   * autoscaler stops counting it and the activators stop sending to it (if it was Ready: see
   * below). Requests it holds stay there (a crash fails them separately).
   */
  markNotReady(pod: Pod, phase: PodPhase, now: number): void {
    const wasReady = pod.k8sReady;
    if (wasReady) this.k8sReadyPods--;
    pod.k8sReady = false;
    if (wasReady) pod.notReadyAt = now;
    // The event carries when it had been Ready (the summary's ready count goes down by it).
    if (!wasReady) pod.readyAt = Number.NaN;
    this.setPhase(pod, phase, now);
    pod.readyAt = Number.NaN;
    if (wasReady) this.readyPods.remove(pod);
    // The activators' revision watcher reprobes only addresses that move from ready to not-ready
    // (revision_backends.go, becameNonReady). A pod their probe found before Kubernetes marked it
    // Ready does not move when it fails meanwhile: it stays healthy to them and keeps getting requests.
    if (pod.activatorHealthy && (wasReady || this.clusterIP)) {
      pod.activatorHealthy = false;
      this.activatorHealthyPods.remove(pod);
      if (this.sharedCounts) this.finds.remove(pod);
      if (this.throttlersFollowPods) for (const a of this.world.activators) if (this.sharesView(a)) a.existingThrottler(this)?.podUnhealthy(pod, now);
    }
    // Not found healthy (any more): probed again from this Endpoints change, its container's readiness to come.
    if (!pod.activatorHealthy) this.watcher?.watch(pod, now, Number.NaN, undefined);
    else if (wasReady) this.watcher?.endpointsChanged();
    this.views?.notReady(pod, wasReady, now);
    if (wasReady) this.onPodsChanged(now);
  }

  /** Kubernetes marks the pod Ready again (or for the first time), on the fault path. */
  markKubeReady(pod: Pod, now: number): void {
    this.markReady(pod, now, true);
  }

  /** The ingress routed a request here (sent at `sentAt`). */
  noteRequest(sentAt: number): void {
    if (!Number.isNaN(this.firstRequestAt)) return;
    this.firstRequestAt = sentAt;
    if (this.readyPods.length > 0) this.firstReadyAfterRequestAt = sentAt;
  }

  private markReady(pod: Pod, now: number, reconcile: boolean): void {
    if (!Number.isNaN(this.firstRequestAt) && Number.isNaN(this.firstReadyAfterRequestAt)) this.firstReadyAfterRequestAt = now;
    if (!pod.k8sReady) this.k8sReadyPods++;
    pod.k8sReady = true;
    pod.readyAt = now;
    // An available pod: no unschedulable first pod counts any more (the Deployment's progress is pod-faults.ts's).
    if (this.unschedulable) this.setResourcesAvailable(() => (this.unschedulable = false), '', now);
    this.readyPods.insert(pod);
    this.setPhase(pod, 'Ready', now);
    this.notify(now);
    if (reconcile) this.onPodsChanged(now);
    // The address moves to the ready ones: the watchers probe at once.
    this.watcher?.endpointsChanged();
    // The endpoints update makes the activator probe the pod, whose queue-proxy is ready by now
    // unless its restarted container is not answering yet (probeFound then). Outside `auto` mesh
    // mode the activators take a Ready pod without probing, answering or not.
    const trusted = this.trustsReady || (!this.probeOptimisation && (this.faults === undefined || pod.fault.appReadyAt <= now));
    if (!pod.activatorHealthy && trusted) this.probeHealthy(pod);
    this.views?.ready(pod, trusted, now);
  }

  private terminate(pod: Pod, now: number): void {
    const wasReady = pod.k8sReady;
    const wasHealthy = pod.activatorHealthy;
    if (wasReady) this.k8sReadyPods--;
    pod.k8sReady = false;
    pod.activatorHealthy = false;
    pod.terminatingAt = now;
    pod.node?.podTerminating(pod);
    // Its address leaves the Endpoints.
    this.watcher?.forget(pod);
    this.watcher?.endpointsChanged();
    this.views?.terminated(pod, now);
    this.setPhase(pod, 'Terminating', now);
    if (wasReady) {
      this.readyPods.remove(pod);
      this.notify(now);
    }
    if (wasHealthy) {
      this.activatorHealthyPods.remove(pod);
      if (this.sharedCounts) this.finds.remove(pod);
      if (this.throttlersFollowPods) for (const a of this.world.activators) if (this.sharesView(a)) a.existingThrottler(this)?.podUnhealthy(pod, now);
    }
    if (pod.stats === undefined) {
      this.gone(pod, now); // no queue-proxy yet: nothing to drain
    } else {
      // SIGTERM: the queue-proxy drains for a quiet period, then shuts down once in-flight requests finish.
      pod.quietUntil = now + this.drainSeconds;
      this.world.sim.at(pod.quietUntil, this.onDrained, pod);
    }
    // The ReplicaSet no longer counts a terminating pod.
    if (wasReady) this.onPodsChanged(now);
    else this.deploymentChanged(now);
  }

  /**
   * The activators' throttlers hear of its pods' changes: not once it is deleted (see delete),
   * except through the ClusterIP, where the activator's mesh sidecar follows the endpoints itself
   * (the throttler's breaker no longer does: RevisionThrottler.reassign).
   */
  private get throttlersFollowPods(): boolean {
    return !this.deleted || this.clusterIP;
  }

  /** When the drain of `pod`, terminating, ends if a request comes in at `now`: a new quiet period, but not past the kubelet's kill. */
  drainUntil(pod: Pod, now: number): number {
    return Math.min(now + this.world.spec.cluster.drainSeconds, pod.terminatingAt + this.graceSeconds);
  }

  private onDrained = (pod: Pod): void => {
    if (pod.phase !== 'Terminating') return;
    // A request came in meanwhile (a deleted revision's stale throttler): the quiet period restarted.
    if (this.world.sim.now < pod.quietUntil) {
      this.world.sim.at(pod.quietUntil, this.onDrained, pod);
      return;
    }
    // The quiet period is over: the kubelet's preStop hook (the queue-proxy's /wait-for-drain)
    // returns and the app gets SIGTERM; an app serving WebSocket sessions closes them then.
    const now = this.world.sim.now;
    if (this.webSocket) {
      if (!this.webSocketDrains) pod.closeSessions(now);
      // The app takes no new connection and lets its sessions run (see Pod.holdSessions).
      else if (!pod.idle) pod.holdSessions(now);
    }
    this.maybeGone(pod, now);
  };

  /**
   * The queue-proxy's Shutdown returned (no request but upgraded connections left): its hijack drain
   * polls them every second for up to 60 s, unless the kubelet's kill at the grace period comes
   * first. Then it exits and cuts what is open.
   */
  hijackDrainStarted(pod: Pod, now: number): void {
    this.world.sim.at(Math.min(now + HIJACK_DRAIN_SECONDS, pod.terminatingAt + this.graceSeconds), this.onHijackDrainOver, pod);
  }

  /** The queue-proxy's drain of upgraded connections is over (or the kubelet kills the pod): what is still open is cut. */
  private onHijackDrainOver = (pod: Pod): void => {
    if (pod.phase !== 'Terminating') return;
    const now = this.world.sim.now;
    pod.closeSessions(now);
    if (pod.phase === 'Terminating') this.gone(pod, now);
  };

  /** A terminating pod goes away once drained and idle. */
  maybeGone(pod: Pod, now: number): void {
    if (pod.phase !== 'Terminating' || !pod.idle) return;
    if (now < pod.quietUntil) return;
    const from = pod.hijackDrainFrom;
    if (from === from && now > from) {
      // The queue-proxy's hijack drain sees its last session gone at its next 1 s poll.
      const tick = from + Math.ceil(now - from - 1e-9);
      if (tick > now) {
        if (!pod.exitScheduled) {
          pod.exitScheduled = true;
          this.world.sim.at(tick, this.onHijackDrained, pod);
        }
        return;
      }
    }
    this.gone(pod, now);
  }

  private onHijackDrained = (pod: Pod): void => {
    if (pod.phase === 'Terminating' && pod.idle) this.gone(pod, this.world.sim.now);
  };

  private gone(pod: Pod, now: number): void {
    this.lastPodGoneAt = now;
    this.setPhase(pod, 'Gone', now);
    this.pods.delete(pod);
    this.world.existingPods--;
    this.podsView = undefined;
    this.world.network.detach(pod);
    this.world.cluster?.podGone(pod, now);
  }

  /**
   * The kubelet evicted the pod under node memory pressure (node-eviction.ts): a hard threshold
   * kills its containers at once, so the requests it holds fail with 502 (as when its container
   * exits) and it is gone now; the ReplicaSet replaces it.
   */
  kubeletEvicted(pod: Pod, now: number): void {
    if (pod.phase === 'Gone') return;
    this.podEvent(pod, 'Evicted', now);
    if (pod.phase !== 'Terminating') this.terminate(pod, now);
    // A pod with no queue-proxy yet is gone as it terminates.
    if (this.pods.has(pod)) {
      pod.fault.containerUp = false;
      pod.failAll(STATUS_BAD_GATEWAY, now);
      this.gone(pod, now);
    }
    this.reconcilePods(now);
  }

  /**
   * The garbage collector deleted the revision with its Service (background cascade: Service,
   * Configuration, Revision, then its PA, SKS and Deployment, whose ReplicaSet takes its pods).
   * Its autoscaler loop stops and every pod goes Terminating at once, as a deleted ReplicaSet's
   * pods do: each leaves the endpoints and drains what it holds as on a scale-down, and the
   * kubelet kills it at its grace period. Nothing replaces them. The GC's own second or so of
   * latency is not modelled. Returns how many pods it terminated.
   *
   * Each activator drops its throttler for the revision as its informer sees the deletion
   * (throttler.go revisionDeleted), before the pods go: later endpoint updates find no revision
   * and are dropped. Requests already waiting in that throttler keep it, with the pods it last
   * knew: they are sent on as its slots free up, to pods that are draining (a request restarts
   * the queue-proxy's quiet period) or, once a pod's queue-proxy has shut down, refused (502).
   * Through the ClusterIP the breaker keeps its size likewise, but the activator's sidecar follows
   * the endpoints, which no pod is left in: a held request that gets a token as one sent earlier is
   * answered is refused by the sidecar at once (503, no healthy upstream).
   */
  delete(now: number): number {
    if (this.deleted) return 0;
    this.deleted = true;
    this.world.recorder.revisionDeleted?.(this, now);
    this.replicas = 0;
    const live = this.livePods;
    for (const p of live) this.terminate(p, now);
    return live.length;
  }

  /**
   * The pod's node is being removed: the pod is evicted (it drains) and the ReplicaSet replaces it.
   * `graceSeconds`: the eviction's GracePeriodSeconds, when it is shorter than the pod's own: the
   * kubelet kills the pod then.
   */
  evict(pod: Pod, now: number, graceSeconds?: number): void {
    if (!pod.isOk) return;
    this.terminate(pod, now);
    if (graceSeconds !== undefined && graceSeconds < this.graceSeconds) this.world.sim.at(now + Math.max(KUBELET_MIN_GRACE_SECONDS, graceSeconds), this.onGraceOver, pod);
    this.reconcilePods(now);
  }

  /** A shortened grace period is over and the pod still drains: killed, what it holds fails with 502 (open sessions are cut). */
  private onGraceOver = (pod: Pod): void => {
    if (pod.phase !== 'Terminating' || !this.pods.has(pod)) return;
    const now = this.world.sim.now;
    if (this.webSocket) pod.closeSessions(now);
    pod.failAll(STATUS_BAD_GATEWAY, now);
    // Its last request ending may have let it go already.
    if (pod.phase === 'Terminating') this.gone(pod, now);
  };

  /**
   * One of its pods failed to schedule. The revision reconciler marks the revision
   * Unschedulable when it wants pods, none is available and the first one has
   * PodScheduled=False, unless config-deployment pod-is-always-schedulable is true. The
   * first pod is the one whose exit code ContainerHealthy reads ({@link firstPod}).
   */
  podUnschedulable(pod: Pod, now: number): void {
    if (this.world.cluster?.spec.podIsAlwaysSchedulable !== false) return;
    if (this.replicas === 0 || this.readyPods.length > 0 || this.firstPod() !== pod) return;
    // Checked at every reconcile upstream: a revision back from zero fails again on it.
    if (!this.unschedulable) this.setResourcesAvailable(() => (this.unschedulable = true), 'Unschedulable', now);
  }

  /** The Deployment's progress deadline passed (Progressing False): ResourcesAvailable False with `reason`. */
  deploymentTimedOut(reason: string, now: number): void {
    this.setResourcesAvailable(() => (this.progressTimedOut = reason), reason, now);
  }

  /**
   * The timed-out Deployment is Progressing again: a pod created or Ready, or it completed at zero.
   * The PA's status is written before the Deployment is scaled, so a PA that went Inactive
   * uninitialized to take it to zero keeps ResourcesAvailable False without a break.
   */
  deploymentProgressed(now: number): void {
    this.setResourcesAvailable(() => {
      this.progressTimedOut = undefined;
      this.initialScaleNeverAchieved = this.paInitialScaleNeverAchieved();
    }, 'ProgressDeadlineExceeded', now);
  }

  /**
   * PropagateAutoscalerStatus: the PA (with its service) is Inactive and never initialized its scale target.
   * The service name, not the SKS's existence: the reconcile that creates the SKS leaves an
   * initial-scale 0 PA Inactive and uninitialized with no name, which is no failure.
   */
  private paInitialScaleNeverAchieved(): boolean {
    const a = this.autoscaler;
    return a !== undefined && a.pa.active === 'Inactive' && !a.pa.scaleTargetInitialized && a.paServiceNamed;
  }

  /**
   * Changes the ResourcesAvailable inputs with `change`; if that turns it False (Ready False with
   * `reason`, unless already) or no longer False, the revision reconciler runs and the PA's reachability follows.
   */
  private setResourcesAvailable(change: () => void, reason: string, now: number): void {
    const was = this.resourcesUnavailable;
    change();
    if (this.resourcesUnavailable === was) return;
    this.updateReady(reason, now);
    this.queueRevisionReconcile(now);
  }

  /** Opens or closes a Ready False period after a condition changed (`reason`: the one that turned False). */
  private updateReady(reason: string, now: number): void {
    const isFalse = this.resourcesUnavailable || this.containerHealthyCond.status === 'False';
    const last = this.readyFalse[this.readyFalse.length - 1];
    const open = last !== undefined && last.untilSeconds === undefined;
    if (isFalse && !open) {
      this.readyFalse.push({ atSeconds: now, untilSeconds: undefined, reason });
      this.world.recorder.revisionFailed?.(this, now, reason);
    } else if (!isFalse && open) {
      last.untilSeconds = now;
    } else {
      return;
    }
    // The Route tracks its revisions, and its configuration, whose latest ready revision this may move.
    this.service.onRevisionReadyChanged(this, now);
  }

  /**
   * The Deployment (spec or status) or the PA's status changed: the revision reconciler runs.
   * Only when a condition could change by it (a failure in force, or a first pod whose
   * container exited), so healthy revisions schedule nothing here. The Deployment controller
   * looks for progress first.
   */
  private deploymentChanged(now: number): void {
    // A deleted revision has no Deployment and no reconciler left to look at it.
    if (this.deleted) return;
    this.faults?.deploymentChanged(now);
    // The revision reconciler reads the first pod's PodScheduled whenever no pod is available, not only
    // as a scheduling attempt fails (a pod the scheduler no longer retries still reads Unschedulable).
    const first = this.firstPod();
    if (first !== undefined && !Number.isNaN(this.world.cluster?.scheduler.unschedulableSince(first) ?? Number.NaN)) this.podUnschedulable(first, now);
    this.reconcileIfConditionsMayChange(now);
  }

  /** The PA's status changed: the revision reconciler watches it. */
  paStatusChanged(now: number): void {
    const never = this.paInitialScaleNeverAchieved();
    if (never !== this.initialScaleNeverAchieved) this.setResourcesAvailable(() => (this.initialScaleNeverAchieved = never), 'ProgressDeadlineExceeded', now);
    this.reconcileIfConditionsMayChange(now);
  }

  private reconcileIfConditionsMayChange(now: number): void {
    if (this.resourcesUnavailable || this.containerHealthyCond.status === 'False' || this.firstPodLastExitCode() !== undefined) this.queueRevisionReconcile(now);
  }

  /**
   * The pod the revision reconciler looks at when no pod is available: it lists one pod of the
   * Deployment, terminating ones included, which the API server returns in name order, and
   * knsim's pod names follow creation order.
   */
  private firstPod(): Pod | undefined {
    for (const p of this.pods) return p;
    return undefined;
  }

  /** The exit code in the first pod's user-container lastTerminationState. */
  private firstPodLastExitCode(): number | undefined {
    return this.firstPod()?.fault.lastExitCode;
  }

  /** The labeler set the revision's routing state: the revision reconciler writes the PA's reachability. */
  setRoutingState(state: PaRoutingState, now: number): void {
    this.routingState = state;
    this.syncReachability(now);
  }

  /**
   * The Deployment or the revision's conditions changed while a failure is in force: the
   * revision reconciler runs after the current step (an informer event) and rewrites the
   * PA's reachability.
   */
  private queueRevisionReconcile(now: number): void {
    if (this.reconcileQueued || this.deleted) return;
    this.reconcileQueued = true;
    this.world.sim.at(now, this.onRevisionReconcile, this, WATCH_RECONCILE_PRIORITY);
  }

  private onRevisionReconcile(this: void, self: Revision): void {
    self.reconcileQueued = false;
    const now = self.world.sim.now;
    // Knative's minReadySeconds is 0: available pods are the ready ones.
    const ready = self.readyPods.length;
    const next = containerHealthy(self.containerHealthyCond, {
      deploymentReplicas: self.replicas,
      availableReplicas: ready,
      readyReplicas: ready,
      firstPodLastExitCode: self.firstPodLastExitCode(),
    });
    if (next !== self.containerHealthyCond) {
      self.containerHealthyCond = next;
      self.updateReady(next.reason, now);
    }
    self.syncReachability(now);
  }

  /** The PA's reachability: the routing state, unless a failed revision wants pods and has none ready. */
  private syncReachability(now: number): void {
    const reachability = paReachability({
      routingState: this.routingState,
      resourcesAvailableFalse: this.resourcesUnavailable,
      containerHealthyFalse: this.containerHealthyCond.status === 'False',
      deploymentReplicas: this.replicas,
      readyReplicas: this.readyPods.length,
    });
    this.autoscaler.setReachable(isPaReachable(reachability), now);
  }

  setPhase(pod: Pod, phase: PodPhase, now: number): void {
    this.countPhase(pod.phase, -1);
    this.countPhase(phase, 1);
    pod.phase = phase;
    this.podEvent(pod, phase, now);
  }

  /**
   * One of its pod objects changed as pods.csv shows it (created, bound, a container's state, a
   * condition, deleted): recorded, and the PA, whose reconciler watches the revision's pods (any
   * add, update or delete enqueues it), is reconciled after the current step. ActivatorHealthy is
   * the activator's own finding, no change to the pod, and is recorded without this.
   */
  podEvent(pod: Pod, event: PodEvent, now: number): void {
    this.world.recorder.podTransition(pod, event, now);
    this.autoscaler?.watchReconcile(now);
  }

  private countPhase(phase: PodPhase, by: 1 | -1): void {
    if (phase === 'Pending' || phase === 'ImagePullBackOff') this.pendingPods += by;
    else if (phase === 'Terminating') this.terminatingPods += by;
  }

  /** Ready pods changed: endpoints, then the PA reconciles (it watches the revision's pods). */
  private onPodsChanged(now: number): void {
    // The Deployment's ready count changed: a failed revision's last ready pod leaving makes it Unreachable.
    this.deploymentChanged(now);
    this.refreshEndpoints(now);
    this.autoscaler.reconcile(now);
  }

  // ---- SKS and endpoints ------------------------------------------------------------------

  setSks(mode: SksMode, numActivators: number, now: number): void {
    if (mode === this.sksSpecMode && numActivators === this.numActivators) return;
    this.sksSpecMode = mode;
    this.numActivators = numActivators;
    this.refreshEndpoints(now);
    // The PA watches its SKS: a changed SKS (spec, then status) reconciles the PA again.
    this.autoscaler.watchReconcile(now);
  }

  /** The SKS reconciler: effective mode, the activator subset, ActivatorEndpointsPopulated. */
  /** The activator endpoints changed: take the subset again. */
  activatorsChanged(now: number): void {
    this.refreshEndpoints(now);
  }

  private refreshEndpoints(now: number): void {
    const activators = this.world.servingActivators;
    const mode = effectiveSksMode(this.sksSpecMode, this.readyPods.length, activators.length);
    const modeChanged = mode !== this.sksEffectiveMode;
    this.sksEffectiveMode = mode;
    const populated = activatorEndpointsPopulated(this.sksSpecMode, this.readyPods.length);
    const wasPopulated = this.activatorEndpointsPopulatedSince !== undefined;
    if (populated && !wasPopulated) this.activatorEndpointsPopulatedSince = now;
    else if (!populated) this.activatorEndpointsPopulatedSince = undefined;
    // SKS status changes (effective mode, ActivatorEndpointsPopulated) reach the PA through its watch.
    if ((modeChanged || populated !== wasPopulated) && this.autoscaler !== undefined) this.autoscaler.watchReconcile(now);
    if (modeChanged) this.notify(now);
    // Any deterministic subset will do (upstream hashes the SKS name): consecutive from a per-revision offset.
    // numActivators 0 (the HPA class) means every activator.
    const n = this.numActivators === 0 ? activators.length : Math.min(this.numActivators, activators.length);
    const subset: Activator[] = [];
    for (let i = 0; i < n; i++) subset.push(activators[(this.world.activatorOffset(this) + i) % activators.length]!);
    subset.sort((a, b) => a.index - b.index);
    this.activatorSubset = subset;
    if (mode === 'Proxy') {
      // Activators outside the public endpoints ignore the update and keep their old position.
      subset.forEach((a, i) => a.throttler(this).setPosition(i, subset.length, now));
    }
  }

  /** Where the ingress sends a request for this revision: an activator (Proxy) or a ready pod (Serve); undefined when it has no endpoint (no activator left). */
  nextEndpoint(): Activator | Pod | undefined {
    const w = this.world;
    if (this.sksEffectiveMode === 'Serve' && this.readyPods.length > 0) {
      if (w.ingressLeastRequest) return this.readyPods.at(leastRequestPick(this.readyPods.length, this.ingressActiveAtPod, w.ingressInt));
      if (this.serveRr >= this.readyPods.length) this.serveRr = 0;
      return this.readyPods.at(this.serveRr++);
    }
    if (w.ingressLeastRequest && this.activatorSubset.length > 0) {
      return this.activatorSubset[leastRequestPick(this.activatorSubset.length, this.ingressActiveAtActivator, w.ingressInt)]!;
    }
    if (this.proxyRr >= this.activatorSubset.length) this.proxyRr = 0;
    return this.activatorSubset[this.proxyRr++];
  }

  /** The ingress's requests in flight to the i-th ready pod, and to the i-th activator of the subset for this revision. */
  private readonly ingressActiveAtPod = (i: number): number => this.readyPods.at(i).directInFlight;
  private readonly ingressActiveAtActivator = (i: number): number => this.activatorSubset[i]!.existingThrottler(this)?.held ?? 0;
}
