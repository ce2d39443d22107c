import { ActiveRequests } from './active-requests.js';
import { emptyReport, type MeterReport } from './concurrency-meter.js';
import { Fifo } from './fifo.js';
import { KubeletBackoff } from './kubelet-backoff.js';
import type { ClusterNode } from './cluster-node.js';
import type { PodResources } from './pod-resources.js';
import type { QueueProxyStats } from './queue-proxy-stats.js';
import { Phase, STATUS_BAD_GATEWAY, STATUS_OK, STATUS_OVERLOADED, type Request } from './request.js';
import type { Revision } from './revision.js';

// The request phases as this module's own constants (see Phase).
const QUEUED_AT_POD = Phase.QueuedAtPod;
const EXECUTING = Phase.Executing;

/**
 * Kubernetes-level lifecycle; activator health (probe) is tracked apart because it comes first.
 * Only pods with injected faults reach NotReady (running, readiness failing), CrashLoopBackOff
 * (user container exited, waiting to restart) and ImagePullBackOff (pull failed, waiting to retry).
 */
export type PodPhase = 'Pending' | 'Starting' | 'Ready' | 'NotReady' | 'CrashLoopBackOff' | 'ImagePullBackOff' | 'Terminating' | 'Gone';

/** What a pod without a queue-proxy yet reports. */
const NO_REPORT: Readonly<MeterReport> = Object.freeze(emptyReport());

/** The queue-proxy's breaker holds CC in service and 10 × CC waiting (pkg/queue/breaker.go). */
export const QUEUE_DEPTH_FACTOR = 10;

/**
 * A revision pod: queue-proxy (breaker, stats) in front of the user container.
 * Every request passes the breaker; concurrency counts queued requests too.
 */
export class Pod {
  phase: PodPhase = 'Pending';
  /** The activator's probe succeeds (queue-proxy readiness passed). */
  activatorHealthy = false;
  /** Kubernetes says Ready and the pod is not terminating: the autoscaler counts it, Serve mode routes to it. */
  k8sReady = false;
  readyAt = Number.NaN;
  /** When Kubernetes last marked the pod not Ready after it had been Ready (NaN if never): the Ready condition's lastTransitionTime then. */
  notReadyAt = Number.NaN;
  terminatingAt = Number.NaN;
  /**
   * Terminating: when its queue-proxy's drain ends and its server shuts down (its listener closes).
   * A request that comes in before then restarts the quiet period, as knative/pkg's Drainer does;
   * the kubelet's kill at the grace period caps it. See Revision.drainUntil.
   */
  quietUntil = Number.NaN;
  /** WebSocket sessions (onSigterm: drain): when the queue-proxy's drain of upgraded connections began (NaN: it did not). */
  hijackDrainFrom = Number.NaN;
  /** WebSocket sessions (onSigterm: drain): the app got SIGTERM and takes no new connection. */
  private refusing = false;
  /** That drain saw the pod idle: its exit at the next 1 s poll is scheduled. */
  exitScheduled = false;
  /**
   * The pod's status.startTime: when the kubelet first took it on, i.e. once it was bound to a
   * node (NaN until then). It does not move when a container restarts.
   */
  startTime = Number.NaN;
  /**
   * The pod was running before the run began (a revision's `initialPods`): it has been up for
   * an unknown time, so the scraper counts it as old from the start, and metrics-server's first
   * scrape of it has a previous point.
   */
  runningBeforeRun = false;
  /** When the queue-proxy started listening (NaN before): the activator's probes reach it from then. */
  queueProxyUpAt = Number.NaN;
  /** When its queue-proxy's check of the user container, which the activators' probes wait on, started (NaN: none running). */
  probeCheckFrom = Number.NaN;
  /**
   * From when its user container's readiness check passes, as the queue-proxy would answer a new
   * probe (may be ahead; NaN: failing, or not known yet). What a watcher that starts later reads.
   */
  passesFrom = Number.NaN;
  /** How many activator views (the shared one while a process of it runs, each later process's own) hold it as healthy: activator-finds.ts. */
  activatorFinds = 0;
  /** Requests inside the breaker: waiting plus executing. */
  inFlight = 0;
  /** Requests the ingress sent straight here and not yet answered (counted only for a least-request ingress). */
  directInFlight = 0;
  executing = 0;
  private readonly queue = new Fifo<Request>();
  /** Set when the queue-proxy process starts; its 1 s reports run from then. */
  stats: QueueProxyStats | undefined = undefined;
  private readonly maxInFlight: number;
  private readonly cc: number;
  /**
   * Fault state, used only by revisions with injected faults. Tokens change when a scheduled
   * step stops applying: `containerToken` when the user container exits, `readyToken` when
   * readiness changes course.
   */
  readonly fault = {
    containerToken: 0,
    readyToken: 0,
    /** The user container is running (it exits on a crash). */
    containerUp: false,
    containerStartedAt: Number.NaN,
    /** When the user container last exited (NaN if never): the kubelet's back-off counts from it. */
    exitedAt: Number.NaN,
    /** The exit code in the user container's lastTerminationState (undefined until it exits and restarts or backs off). */
    lastExitCode: undefined as number | undefined,
    /** When the container's own readiness check first passes after its start. */
    appReadyAt: Number.POSITIVE_INFINITY,
    /** When the startup probes of the container's current run pass (NaN: it has none; Infinity: it is killed first). */
    startedAt: Number.NaN,
    /**
     * Since when the app has not answered (NaN while it does): the exit that began the outage,
     * kept through later exits before it answers again. The queue-proxy's probe fails from then.
     */
    outageSince: Number.NaN,
    /** The queue-proxy's readiness result was a success when the outage began (the pod was Ready). */
    outageQueueProxyReady: false,
    /** The readyToken under which the last restart timed the pod's Ready (0: none yet). */
    restartReadyToken: 0,
    /** Readiness-failure windows on this pod now (a hang whose readiness probe fails counts as one). */
    readinessFailing: 0,
    /** The app hangs: nothing it executes progresses until the hang clears or its container exits. */
    hung: false,
    /** The hang fails the readiness probe (it holds one count of readinessFailing). */
    hungReadiness: false,
    /** How many times as long the app takes now, from slowdown faults on this pod alone. */
    slowdown: 1,
    restarts: 0,
    crashesLeft: 0,
    uptimeSeconds: 0,
    restartBackoff: new KubeletBackoff(),
    pullBackoff: new KubeletBackoff(),
    /** The container is waiting for an image (ErrImagePull / ImagePullBackOff), for the revision's status. */
    waitingReason: '' as '' | 'ErrImagePull' | 'ImagePullBackOff',
  };
  /** Requests inside the breaker, kept only when a crash may have to fail them or a shutdown close them (WebSocket sessions). */
  private readonly active: ActiveRequests | undefined;
  /** The revision has injected faults: only then can its container be down, slow or hung. */
  private readonly faulty: boolean;
  /** CPU and memory, only for revisions that model them (pod-resources.ts); set when its containers start. */
  res: PodResources | undefined = undefined;
  /** The node it is bound to, only when the scenario has node pools (cluster.ts). */
  node: ClusterNode | undefined = undefined;
  /** Its address (IPv4 as a number; −1 until its sandbox starts): the activators order their trackers by it. */
  ip = -1;
  /** Stands for metadata.uid, a random UUID: the ReplicaSet's scale-down breaks some ties by it (pod-deletion-order.ts). */
  uid = Number.NaN;

  constructor(
    readonly revision: Revision,
    readonly name: string,
    /** Creation order within the revision; the revision's pod lists are sorted by it. */
    readonly seq: number,
    readonly createdAt: number,
  ) {
    this.cc = revision.spec.containerConcurrency;
    this.maxInFlight = this.cc > 0 ? this.cc * (1 + QUEUE_DEPTH_FACTOR) : Number.POSITIVE_INFINITY;
    this.faulty = revision.hasFaults;
    this.active = this.faulty || revision.webSocket ? new ActiveRequests() : undefined;
  }

  /** Requests waiting for a container slot. */
  get queued(): number {
    return this.inFlight - this.executing;
  }

  /** A request reaches the queue-proxy, proxied when it came through an activator. */
  accept(req: Request, now: number, proxied: boolean): void {
    req.pod = this;
    req.podIn = now;
    if (this.phase === 'Terminating' || this.phase === 'Gone') {
      // Only an activator's stale throttler sends here (that of a deleted revision: see Revision.delete).
      if (!(now < this.quietUntil)) {
        // The queue-proxy's server has shut down (or the pod is gone): the dial is refused, which
        // the activator does not retry; its proxy's error handler answers 502.
        this.revision.world.finish(req, STATUS_BAD_GATEWAY, now);
        return;
      }
      this.quietUntil = this.revision.drainUntil(this, now);
    }
    if (this.inFlight >= this.maxInFlight) {
      // Breaker full: immediate 503 (ErrRequestQueueFull). The stats still see it come in and
      // go out at once: upstream's ProxyHandler (pkg/queue/handler.go) records the in event
      // before asking the breaker, so a rejected request adds to the reported request count.
      this.stats!.in(now, proxied);
      this.stats!.out(now, proxied);
      this.revision.world.finish(req, STATUS_OVERLOADED, now);
      return;
    }
    if (this.faulty && !(this.fault.appReadyAt <= now)) {
      // Ready as its restarted container runs, before the app listens: the queue-proxy's proxy
      // cannot connect (refused, not retried: only dial timeouts are) and answers 502 at once.
      this.stats!.in(now, proxied);
      this.stats!.out(now, proxied);
      this.revision.world.finish(req, STATUS_BAD_GATEWAY, now);
      return;
    }
    this.stats!.in(now, proxied);
    this.inFlight++;
    this.active?.add(req);
    if (this.cc === 0 || this.executing < this.cc) {
      this.start(req, now);
    } else {
      req.phase = QUEUED_AT_POD;
      this.queue.push(req);
      this.revision.world.deadlines.add(req);
    }
  }

  private start(req: Request, now: number): void {
    const world = this.revision.world;
    // remove() does nothing unless a timeout is watched (deadlineIndex ≥ 0): most requests never waited.
    if (req.deadlineIndex >= 0) world.deadlines.remove(req);
    this.executing++;
    req.phase = EXECUTING;
    req.serviceStart = now;
    // Only revisions with faults can slow down or hang. A slowdown stretches the service time
    // here (kept on the request, so a stall knows what is left); the CPU model stretches its own wait.
    if (this.faulty) {
      if (this.res === undefined || !this.res.modelsWork) req.serviceTime *= this.slowdown;
      if (this.fault.hung) {
        this.stall(req, now, req.serviceTime);
        return;
      }
    }
    // A WebSocket session upgraded through a draining activator: that activator may now hold only sessions.
    if (this.revision.webSocket) req.activator?.drain?.requestDone(now);
    // A streamed response's timeouts, timed again now that its writes have times.
    if (this.revision.stream !== undefined) this.revision.streamDeadline(req, now, this.faulty ? this.slowdown : 1);
    if (this.res !== undefined && this.res.start(req, now)) return;
    const end = now + req.serviceTime;
    // One event either way: the response, or the timeout that cuts it off.
    if (end <= req.deadline) world.sim.atInOrder(world.completions, end, world.onServiceDone, req);
    else world.deadlines.add(req);
  }

  /** How many times as long the app takes for a request it starts now (slowdown faults). */
  get slowdown(): number {
    return this.fault.slowdown * this.revision.slowdown;
  }

  /**
   * The app hangs (a deadlock, a long pause): what it executes stops, and so does what it starts
   * until the hang ends; requests past containerConcurrency wait in the queue-proxy.
   */
  hang(now: number): void {
    this.fault.hung = true;
    for (const req of this.active!.toArray()) {
      if (req.phase !== EXECUTING) continue;
      // Its end: as it started, or as an earlier hang that cleared moved it.
      const end = req.doneAt === req.doneAt ? req.doneAt : req.serviceStart + req.serviceTime;
      this.stall(req, now, Math.max(0, end - now));
    }
  }

  /** The work each stalled request has left when the app resumes (only apps that hang have it). */
  private stalls: Map<Request, number> | undefined = undefined;

  /** A request in a hung app: it uses no CPU and ends by a timeout, the container's exit, or the app resuming. */
  private stall(req: Request, now: number, left: number): void {
    req.doneAt = Number.POSITIVE_INFINITY;
    this.res?.stop(req, now);
    this.revision.world.deadlines.add(req);
    (this.stalls ??= new Map()).set(req, left);
  }

  /**
   * The hang ends. When the app resumes (`resumedAt`), each stalled request still executing
   * finishes the work it had left; when its container exited (undefined), they were answered already.
   */
  endHang(resumedAt: number | undefined): void {
    this.fault.hung = false;
    const world = this.revision.world;
    if (resumedAt !== undefined) {
      for (const [req, left] of this.stalls ?? []) {
        if (req.phase !== EXECUTING) continue;
        const end = resumedAt + left;
        req.doneAt = end;
        // Past its deadline the timeout, already watched, ends it.
        if (end <= req.deadline) world.sim.at(end, world.onServiceDone, req);
      }
    }
    this.stalls = undefined;
  }

  /**
   * A request leaves the breaker (answered, timed out or abandoned): free its slot and,
   * if it was executing, start the next waiting one.
   */
  release(req: Request, now: number): void {
    const executing = req.phase === EXECUTING;
    if (this.res !== undefined && executing) this.res.stop(req, now);
    this.stats!.out(now, req.route === 'activator');
    this.inFlight--;
    if (this.active !== undefined) this.active.delete(req);
    if (executing) {
      this.executing--;
      // An app refusing connections: the freed slot goes to the first waiting request, whose dial is
      // refused (502) at once, freeing it for the next, and so on through every one waiting.
      if (this.refusing) this.failWaiting(now);
      // A container that is gone (faults) starts nothing waiting.
      else if (this.queue.length > 0 && (!this.faulty || this.fault.containerUp)) this.startNext(now);
    }
    if (this.refusing && this.queued === 0 && Number.isNaN(this.hijackDrainFrom)) this.startHijackDrain(now);
    if (this.phase === 'Terminating') this.revision.maybeGone(this, now);
  }

  /**
   * Starts the first request still waiting; waiting requests that timed out were already removed
   * from the count. One whose timeout fires at this very instant is passed over and left to it:
   * upstream that timer has cancelled its context, so the breaker's slot cannot take it to the app.
   * (Answering it here would free its activator's tracker while this slot is still unfilled.)
   */
  private startNext(now: number): void {
    let next = this.queue.shift();
    while (next !== undefined && (next.phase !== QUEUED_AT_POD || next.deadline <= now)) next = this.queue.shift();
    if (next !== undefined) this.start(next, now);
  }

  /**
   * The user container exited: the queue-proxy answers every request it holds (executing
   * or waiting) with `status` at once.
   */
  failAll(status: number, now: number): void {
    if (this.active === undefined) return;
    for (const req of this.active.toArray()) this.revision.world.finish(req, status, now);
  }

  /**
   * The app of a revision whose requests are WebSocket sessions gets SIGTERM (its pod's drain is
   * over) and closes them: each session still open ends now, with a close frame after its 200
   * (`closedAtShutdown`), and each request still waiting in the queue-proxy gets 502, the app no
   * longer accepting connections.
   */
  closeSessions(now: number): void {
    // The waiting ones first: a closed session frees its slot, which must not start one of them.
    const open = this.failWaiting(now);
    for (const req of open) this.revision.world.closeSession(req, now);
  }

  /**
   * The app of a revision whose sessions drain (onSigterm: drain) gets SIGTERM: it takes no new
   * connection and its open sessions run on. The queue-proxy's HTTP server shuts down then
   * (pkg/queue/sharedmain/main.go): its Shutdown waits for every request that is not an upgraded
   * connection, so also for those still waiting in the breaker. Each of those gets 502 only when a
   * slot frees for it (the app refuses its dial), or 504 at its timeout; the drain of upgraded
   * connections begins once none is left (see release).
   */
  holdSessions(now: number): void {
    this.refusing = true;
    // A slot already free (a container that was down) goes to a waiting request at once, refused too.
    if (this.queued > 0 && (this.cc === 0 || this.executing < this.cc)) this.failWaiting(now);
    if (this.queued === 0 && Number.isNaN(this.hijackDrainFrom)) this.startHijackDrain(now);
  }

  /** The queue-proxy's Shutdown has returned: its drain of upgraded connections (WebSocket sessions) starts now. */
  private startHijackDrain(now: number): void {
    this.hijackDrainFrom = now;
    this.revision.hijackDrainStarted(this, now);
  }

  /** The app takes no new connection: each request waiting in the queue-proxy gets 502. Returns those executing. */
  private failWaiting(now: number): Request[] {
    const executing: Request[] = [];
    for (const req of this.active!.toArray()) {
      if (req.phase === EXECUTING) executing.push(req);
      else this.revision.world.finish(req, STATUS_BAD_GATEWAY, now);
    }
    return executing;
  }

  /** The queue-proxy's latest 1 s report at `now`, which is what a scrape reads. */
  report(now: number): MeterReport {
    return this.stats === undefined ? NO_REPORT : this.stats.latest(now);
  }

  /**
   * metrics-server's CPU usage of the pod (millicores, rounded up as the HPA reads it) from its
   * last scrape at or before `now`; undefined while it has no metrics (metrics-server.ts).
   */
  cpuUsageMillis(now: number): number | undefined {
    return this.revision.world.metricsServer?.cpuMillis(this, now);
  }

  /** metrics-server's working set of the pod (bytes) from its last scrape; undefined without metrics. */
  memoryWorkingSetBytes(now: number): number | undefined {
    return this.revision.world.metricsServer?.memoryBytes(this, now);
  }

  get idle(): boolean {
    return this.inFlight === 0;
  }

  get isOk(): boolean {
    return this.phase !== 'Gone' && this.phase !== 'Terminating';
  }
}

export { STATUS_OK };
