import { SAMPLE_PRIORITY } from './event-order.js';
import type { RequestStream } from '../engine/random.js';
import { Simulation, type EventLane } from '../engine/simulation.js';
import { Activator } from './activator.js';
import { ActivatorPool } from './activator-pool.js';
import { ActivatorDeletion, ActivatorRollout } from './activator-rollout.js';
import { NodeDrain } from './node-drain.js';
import { NodePoolDrift } from './node-pool-drift.js';
import { startClients } from './clients.js';
import { Pod } from './pod.js';
import type { Recorder } from './recorder.js';
import { DEFAULT_IN_FLIGHT_LIMIT, InFlightLimitExceeded, RequestLimitExceeded } from './request-limit.js';
import {
  Phase,
  Request,
  STATUS_CLIENT_TIMEOUT,
  STATUS_NO_ROUTE,
  STATUS_OK,
  STATUS_OVERLOADED,
  STATUS_TIMEOUT,
  type RequestOwner,
} from './request.js';
import type { Revision } from './revision.js';
import { DeadlineSet } from './deadlines.js';
import { Cluster } from './cluster.js';
import { PodNetwork } from './pod-network.js';
import { MetricsServer } from './metrics-server.js';
import { ServiceModel } from './service.js';
import { ingressBalancing } from '../core/traffic/index.js';
import { defaultAutoscalerClasses, type AutoscalerClassRegistry } from '../core/autoscaler/index.js';
import type { WorldSpec } from './spec.js';

// The request phases as this module's own constants (see Phase).
const AT_ACTIVATOR = Phase.AtActivator;
const QUEUED_AT_POD = Phase.QueuedAtPod;
const EXECUTING = Phase.Executing;
const DONE = Phase.Done;

/** A stable, well-spread string hash (FNV-1a) for deterministic choices keyed by names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The simulated cluster: services and their revisions, the activators, the ingress,
 * and the clients, on one virtual clock. Finishing a request (any outcome) goes
 * through {@link World.finish}, which releases every slot the request held.
 */
export class World {
  readonly sim: Simulation;
  /** Every activator pod there has been (draining ones too: they still hold requests). */
  readonly activators: Activator[] = [];
  /** The activator endpoints: ready activators not scaled away (all of `activators` without an activator HPA). */
  servingActivators: Activator[] = this.activators;
  /** The activator Deployment and its HPA, with `cluster.activatorCpu`. */
  readonly activatorPool: ActivatorPool | undefined;
  readonly services = new Map<string, ServiceModel>();
  /** Revision pods that exist (not Gone), against the run's cap (spec.podLimit). */
  existingPods = 0;
  readonly podLimit: number;
  /** The run's request cap (spec.requestLimit). */
  readonly requestLimit: number;
  private nextRequestId = 1;
  /** Timeouts of waiting requests (and of executing ones that will outlive their deadline). */
  readonly deadlines: DeadlineSet;
  /** Requests sent so far. */
  requestsSent = 0;
  /** Requests answered so far (any outcome): requestsSent − requestsDone are in flight. */
  requestsDone = 0;
  /** The cap on requests in flight at once (spec.inFlightLimit). */
  readonly inFlightLimit: number;
  /** Present when some revision models CPU or memory (metrics-server.ts). */
  readonly metricsServer: MetricsServer | undefined;
  /** Nodes and scheduling, when the scenario has node pools (cluster.ts); undefined: unbounded capacity. */
  readonly cluster: Cluster | undefined;
  /** Pod addresses: node podCIDRs and each range's host-local IPAM (pod-network.ts). */
  readonly network: PodNetwork;
  /** Answered requests to reuse, when the recorder copies them (see Recorder.copiesRequests). */
  private readonly freeRequests: Request[] = [];
  private readonly recycleRequests: boolean;
  /** Service completions: in time order whenever service times are fixed, so kept in a FIFO lane. */
  readonly completions: EventLane;
  /** Arrivals of open-loop and trace clients: each client's come in time order, so a lone client's all join this lane. */
  readonly arrivals: EventLane;
  /** Callbacks waiting for a revision to be created, by revision name. */
  private readonly revisionWaiters = new Map<string, Array<(rev: Revision, now: number) => void>>();
  /** The autoscaler classes revisions may name: the shipped ones plus the spec's (undefined: the shipped ones). */
  readonly autoscalerClasses: AutoscalerClassRegistry | undefined;
  /**
   * The ingress picks a revision's endpoint by least request (Istio's gateway), counting its own
   * requests in flight to each, instead of round robin (config-network ingress-class).
   */
  readonly ingressLeastRequest: boolean;
  /** The ingress's draws for least-request picks (only with ingressLeastRequest). */
  readonly ingressInt: (bound: number) => number;

  constructor(
    readonly spec: WorldSpec,
    readonly recorder: Recorder,
  ) {
    this.sim = new Simulation(spec.seed);
    this.podLimit = spec.podLimit ?? Number.POSITIVE_INFINITY;
    this.requestLimit = spec.requestLimit ?? Number.POSITIVE_INFINITY;
    this.inFlightLimit = spec.inFlightLimit ?? DEFAULT_IN_FLIGHT_LIMIT;
    this.recycleRequests = recorder.copiesRequests === true;
    this.completions = this.sim.lane();
    this.arrivals = this.sim.lane();
    this.ingressLeastRequest = ingressBalancing(spec.cluster.ingressClass) === 'least-request';
    const ingressRandom = this.ingressLeastRequest ? this.sim.random.stream('ingress/lb') : undefined;
    this.ingressInt = (bound) => ingressRandom!.int(bound);
    const extra = spec.autoscalerClasses ?? [];
    this.autoscalerClasses = extra.length === 0 ? undefined : extra.reduce((r, c) => r.register(c), defaultAutoscalerClasses());
    this.deadlines = new DeadlineSet(this.sim, (req) => this.timedOut(req, this.sim.now));
    for (let i = 0; i < spec.cluster.activatorReplicas; i++) {
      this.activators.push(new Activator(this, i, `activator-${i}`));
    }
    // Each activator pushes its stats every second from its own phase.
    const phases = this.sim.random.stream('activator/phases');
    for (const a of this.activators) {
      this.sim.every(phases.uniform(0, 1), 1, (act: Activator) => act.pushStats(this.sim.now), a);
    }
    this.activatorPool = spec.cluster.activatorCpu !== undefined ? new ActivatorPool(this, spec.cluster.activatorCpu) : undefined;
    // Activators created later (the HPA's, a rollout's) join the endpoints only once Ready.
    if (this.activatorPool !== undefined || (spec.activatorRollouts?.length ?? 0) > 0 || (spec.activatorDeletions?.length ?? 0) > 0) {
      this.servingActivators = this.activators.slice();
    }
    const resources = spec.services.some((s) => s.revisions.some((r) => r.work !== undefined || r.memory !== undefined));
    this.metricsServer = resources ? new MetricsServer(this) : undefined;
    this.network = new PodNetwork(spec.cluster.nodes);
    this.cluster = spec.cluster.nodes !== undefined ? new Cluster(this, spec.cluster.nodes) : undefined;
    for (const s of spec.services) this.services.set(s.name, new ServiceModel(this, s));
    startClients(this);
    if (recorder.sampling !== false) this.sim.at(0, this.sampleAll, this, SAMPLE_PRIORITY);
    for (const r of spec.autoscalerRestarts ?? []) {
      this.sim.at(r.atSeconds, this.autoscalerGoes, this);
      this.sim.at(r.atSeconds + r.downtimeSeconds, this.autoscalerBack, this);
    }
    for (const c of spec.activatorCrashes ?? []) {
      const a = this.activators[c.activator]!;
      this.sim.at(c.atSeconds, this.activatorCrash, a);
      this.sim.at(c.atSeconds + c.downtimeSeconds, this.activatorBack, a);
    }
    this.activatorDeletions = (spec.activatorDeletions ?? []).map((d) => new ActivatorDeletion(this, d.atSeconds, d.activator, d.startupSeconds));
    this.activatorRollouts = (spec.activatorRollouts ?? []).map((r) => new ActivatorRollout(this, r.atSeconds, r.startupSeconds));
    this.nodeDrains = (spec.nodeDrains ?? []).map((d) => new NodeDrain(this, d));
    this.nodePoolDrifts = (spec.nodePoolDrifts ?? []).map((d) => new NodePoolDrift(this, d));
  }

  /**
   * Some activator may fail the requests it holds in this run (its throttlers then keep the
   * requests they sent on): a crash, or a draining activator (a rolling restart's, or one the
   * activator HPA scaled away) killed at its grace period.
   */
  get activatorsCanCrash(): boolean {
    const s = this.spec;
    return (s.activatorCrashes?.length ?? 0) > 0 || (s.activatorRollouts?.length ?? 0) > 0 || (s.activatorDeletions?.length ?? 0) > 0 || s.cluster.activatorCpu !== undefined;
  }

  /** The rolling restarts of the activators (top-level `updates[].restartActivators`). */
  readonly activatorRollouts: readonly ActivatorRollout[];
  /** The activator pods deleted (top-level `updates[].deleteActivator`). */
  readonly activatorDeletions: readonly ActivatorDeletion[];
  /** The nodes drained (top-level `updates[].drainNode`). */
  readonly nodeDrains: readonly NodeDrain[];
  /** The NodePools whose template changed (top-level `updates[].driftNodePool`). */
  readonly nodePoolDrifts: readonly NodePoolDrift[];

  /**
   * An activator's container exits: it leaves the activator endpoints at once (its pod is not
   * ready), and every request it held, waiting or sent on to a pod, fails with 503, as the
   * ingress's Envoy answers a request whose upstream connection resets (Knative's ingresses
   * do not retry); the queue-proxies free the slots of those it had sent on.
   */
  private readonly activatorCrash = (a: Activator): void => {
    const now = this.sim.now;
    const held = a.crash();
    this.setServingActivators(this.servingActivators.filter((x) => x !== a), now);
    for (const req of held) this.finish(req, STATUS_OVERLOADED, now);
    // The kubelet restarts the exited container at once (no back-off before a first restart); the
    // new process watches every revision afresh, long before it is Ready (`downtime` runs to then).
    this.activatorProcessStarted(a, now);
  };

  /** `a`'s process starts now: for every revision it has no watcher yet, and makes one that probes at once (activator-view.ts). */
  activatorProcessStarted(a: Activator, now: number): void {
    a.processStartedAt = now;
    for (const s of this.services.values()) for (const r of s.revisions) r.activatorStarted(a, now);
  }

  /** The crashed activator's restarted container is ready: it rejoins the endpoints, with no throttler state. */
  private readonly activatorBack = (a: Activator): void => {
    a.down = false;
    a.readySince = this.sim.now;
    this.setServingActivators([...this.servingActivators, a].sort((x, y) => x.index - y.index), this.sim.now);
  };

  /**
   * Knative's autoscaler process is down (between a restart's `at` and the end of its
   * downtime): the KPA's scrapes, ticks and reconciles stop and the activators' stats are lost.
   */
  autoscalerDown = false;

  private autoscalerGoes(this: void, w: World): void {
    w.autoscalerDown = true;
    const now = w.sim.now;
    for (const s of w.services.values()) for (const r of s.revisions) r.autoscaler.stop(now);
  }

  private autoscalerBack(this: void, w: World): void {
    w.autoscalerDown = false;
    const now = w.sim.now;
    for (const s of w.services.values()) for (const r of s.revisions) r.autoscaler.restart(now);
  }

  /**
   * The Service's own name string for `name` (`name` itself when there is no such Service).
   * Clients send with it, so the per-request name checks (routing, the recorder) compare one
   * string with itself instead of two equal copies character by character.
   */
  serviceName(name: string): string {
    return this.services.get(name)?.spec.name ?? name;
  }

  /** Calls `fn` when the revision named `name` is created (revisions are created by events, t = 0 included). */
  whenRevisionCreated(name: string, fn: (rev: Revision, now: number) => void): void {
    const list = this.revisionWaiters.get(name);
    if (list === undefined) this.revisionWaiters.set(name, [fn]);
    else list.push(fn);
  }

  /** A Service created a revision (after its first reconcile and the Route's). */
  revisionCreated(rev: Revision, now: number): void {
    const list = this.revisionWaiters.get(rev.spec.name);
    if (list === undefined) return;
    this.revisionWaiters.delete(rev.spec.name);
    for (const fn of list) fn(rev, now);
  }

  private samples = 0;

  /** Each whole second, after every other event of that instant (SAMPLE_PRIORITY): the state as that instant leaves it. */
  private sampleAll(this: void, w: World): void {
    const now = w.sim.now;
    // A deleted revision's rows go on while its pods drain (they still cost), and end once none is left.
    for (const s of w.services.values()) for (const r of s.revisions) if (!r.deleted || r.existingPodCount > 0) w.recorder.sample(r, now);
    w.sim.at(++w.samples, w.sampleAll, w, SAMPLE_PRIORITY);
  }

  /** Runs the whole scenario. */
  run(): void {
    this.sim.run(this.spec.durationSeconds);
  }

  activatorOffset(rev: Revision): number {
    return hashString(rev.spec.name) % Math.max(1, this.servingActivators.length);
  }

  /** The activator endpoints changed (the activator HPA scaled): every revision's SKS takes its subset again. */
  setServingActivators(serving: Activator[], now: number): void {
    this.servingActivators = serving;
    for (const s of this.services.values()) for (const r of s.revisions) if (!r.deleted) r.activatorsChanged(now);
  }

  /** The ingress hop latency: clients schedule their arrival events this much after sending. */
  get ingressLatency(): number {
    return this.spec.cluster.ingressLatencySeconds;
  }

  /**
   * A request sent by a client at `sentAt` reaches the ingress now (clients schedule this
   * event at sentAt + the hop latency, so one event covers both). `origin` is the sender's
   * request stream: every request takes exactly two uniforms from it, for its route and its
   * work, so the n-th request of a sender gets the same ones whatever the autoscaler or the
   * other clients do (common random numbers).
   */
  arrive(owner: RequestOwner, clientName: string, service: string, tag: string | undefined, timeout: number | undefined, fixedServiceTime: number | undefined, sentAt: number, origin: RequestStream): void {
    const free = this.freeRequests.pop();
    const req = free === undefined ? new Request(owner) : free;
    req.init(this.nextRequestId++, owner, clientName, service, tag, fixedServiceTime);
    // Numbers go through the Request's fields, not arguments: a double passed to (or returned
    // by) a call that is not inlined is boxed in a new heap number, here several per request.
    req.arrival = sentAt;
    if (++this.requestsSent > this.requestLimit) throw new RequestLimitExceeded(this.requestsSent, this.requestLimit, this.sim.now);
    if (this.requestsSent - this.requestsDone > this.inFlightLimit) throw new InFlightLimitExceeded(this.requestsSent - this.requestsDone, this.inFlightLimit, this.sim.now, clientName);
    if (timeout !== undefined) {
      req.deadline = sentAt + timeout;
      req.deadlineIsClient = true;
    }
    req.routeU = origin.open();
    req.workU = origin.open();
    req.originKey = (origin.key ^ origin.sent++) >>> 0;
    this.route(req);
  }

  private lastService: ServiceModel | undefined = undefined;

  /** Sends the request on by its route uniform, with the work its work uniform gives. */
  private route(req: Request): void {
    const now = this.sim.now;
    // Consecutive requests mostly go to one service: skip the map lookup then.
    let svc = this.lastService;
    if (svc === undefined || svc.spec.name !== req.service) {
      svc = this.services.get(req.service)!;
      this.lastService = svc;
    }
    const rev = svc.route(req.tag, req.routeU);
    if (rev === undefined) {
      this.finish(req, STATUS_NO_ROUTE, now);
      return;
    }
    req.revision = rev;
    req.serviceTime = req.fixedServiceTime ?? rev.serviceTimeAt(req.workU);
    if (Number.isNaN(rev.firstRequestAt)) rev.noteRequest(req.arrival);
    // The revision's timeouts run from here (activator and queue-proxy hops take no time).
    if (rev.stream !== undefined) {
      req.routedAt = now;
      req.clientDeadline = req.deadline;
    }
    const revDeadline = now + rev.requestTimeoutSeconds;
    if (revDeadline < req.deadline) {
      req.deadline = revDeadline;
      req.deadlineIsClient = false;
    }
    const ep = rev.nextEndpoint();
    if (ep === undefined) {
      // Proxy with no activator endpoint (every activator crashed): Envoy has no healthy upstream.
      this.finish(req, STATUS_OVERLOADED, now);
      return;
    }
    if (ep instanceof Pod) {
      req.route = 'direct';
      if (this.ingressLeastRequest) ep.directInFlight++;
      ep.accept(req, now, false);
    } else {
      ep.throttler(rev).accept(req, now);
    }
  }

  readonly onServiceDone = (req: Request): void => {
    // A request a hung app stalled counts only the completion set when the app resumed (doneAt is NaN for all others).
    if (req.phase !== EXECUTING || (req.doneAt === req.doneAt && this.sim.now !== req.doneAt)) return;
    // The clock is read inside finish(): passed here, it would be boxed in a new heap number per request.
    this.finish(req, STATUS_OK);
    // Answered: no queue, deadline or event refers to it any more (this was its last event).
    if (this.recycleRequests) this.freeRequests.push(req);
  };

  /** A WebSocket session's server closes it before its own end (a pod's app at SIGTERM, an activator exiting): a 200, flagged. */
  closeSession(req: Request, now: number): void {
    req.closedAtShutdown = true;
    this.finish(req, STATUS_OK, now);
  }

  /** Its timeout (the revision's, or its client's) ended the request. */
  private timedOut(req: Request, now: number): void {
    this.finish(req, req.deadlineIsClient ? STATUS_CLIENT_TIMEOUT : STATUS_TIMEOUT, now);
  }

  /**
   * A slot frees for a request waiting at an activator at the very instant its own timeout fires:
   * the timeout answers it now and it is not sent. Upstream the timeout handler has cancelled its
   * context by then, so the proxy call fails before it reaches the queue-proxy; sent here, it would
   * count as an arrival in the pod's stats and show a service start at its end. True when it was answered.
   */
  expireIfDue(req: Request, now: number): boolean {
    if (req.deadline > now) return false;
    this.timedOut(req, now);
    return true;
  }

  /** Ends a request now (`now`: the clock, read here when not given): free its breaker slot and its activator tracker, then report it. */
  finish(req: Request, status: number, now: number = this.sim.now): void {
    const phase = req.phase;
    if (phase === DONE) return;
    if (req.pod !== undefined && (phase === EXECUTING || phase === QUEUED_AT_POD)) req.pod.release(req, now);
    this.deadlines.remove(req);
    req.phase = DONE;
    if (this.ingressLeastRequest && req.route === 'direct') req.pod!.directInFlight--;
    this.requestsDone++;
    req.status = status;
    req.end = now;
    if (req.throttler !== undefined) req.throttler.onRequestDone(req, now, phase === AT_ACTIVATOR);
    this.recorder.request(req);
    req.owner.done(req);
  }
}
