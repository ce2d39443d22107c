import { activatorCapacityForRevision, assignSlicePositions, lbPolicyFor, type LbPolicyName } from '../core/autoscaler/index.js';
import { activatorUsesClusterIP, leastRequestPick } from '../core/traffic/index.js';
import type { RandomStream } from '../engine/random.js';
import { ConcurrencyMeter, emptyReport, type MeterReport } from './concurrency-meter.js';
import { Fifo } from './fifo.js';
import type { Pod } from './pod.js';
import { Phase, STATUS_OVERLOADED, type Request } from './request.js';
import type { Revision } from './revision.js';
import type { ActivatorCpu } from './activator-pool.js';
import type { ActivatorDrain } from './activator-rollout.js';
import { TrackerTree, type Tracker } from './tracker-tree.js';
import type { World } from './world.js';

// The request phases as this module's own constants (see Phase).
const AT_ACTIVATOR = Phase.AtActivator;
const DISPATCHED = Phase.Dispatched;
const EXECUTING = Phase.Executing;

type LbPick = (t: RevisionThrottler) => Tracker | undefined;

/**
 * One activator's throttler for one revision (pkg/activator/net/throttler.go): requests
 * wait (no practical limit) until an assigned pod tracker has a free slot, chosen by the
 * load-balancing policy that containerConcurrency selects. Through the ClusterIP
 * (mesh-compatibility-mode enabled) there are no pod slots: a request waits only for the
 * revision breaker, and the mesh picks its pod among every ready one, which may queue it.
 */
export class RevisionThrottler {
  /** Healthy pods known by probing, sorted by destination (`IP:8012` as a string, as updateCapacity sorts). */
  private trackers: TrackerTree;
  private readonly byPod = new Map<Pod, Tracker>();
  /**
   * This activator's share of the trackers (core's assignSlice), as positions in
   * `trackers`: `[begin, end)`, then `extra` (−1: none). Policies index it as one list.
   */
  private begin = 0;
  private end = 0;
  private extra = -1;
  /** How many trackers are assigned. */
  assignedCount = 0;
  /** −1 until this activator learns its place in the revision's activator subset. */
  activatorIndex = -1;
  numActivators = 0;
  private readonly queue = new Fifo<Request>();
  /** Requests waiting here (queue entries that timed out are skipped lazily). */
  waiting = 0;
  /** The round-robin policy's next index; it may exceed the assigned count until the next pick. */
  rr = 0;
  /**
   * The revision breaker's capacity (core's calculateCapacity): 0 means requests wait for a pod.
   * A request goes on only while `proxied` is below it and an assigned tracker has a free slot.
   */
  capacity = 0;
  /**
   * Requests sent to a pod and not yet answered: the revision breaker's tokens in use. It counts
   * those on trackers since removed or assigned away (a terminating pod draining them), which
   * the assigned trackers' own slots do not see.
   */
  proxied = 0;
  readonly pick: LbPick;
  /**
   * Sending through the revision's ClusterIP: the trackers are then the ready endpoints as the
   * activator's sidecar sees them (its own active requests to each), none assigned away.
   */
  readonly clusterIP: boolean;
  // Concurrency reporter state for this revision.
  meter: ConcurrencyMeter | undefined = undefined;
  firstRequestAdjust = 0;
  private readonly report: MeterReport = emptyReport();
  /** Requests sent on to pods and not yet answered, kept only in a run where an activator can crash (they fail with it). */
  private readonly sent: Set<Request> | undefined;

  constructor(
    readonly activator: Activator,
    readonly revision: Revision,
  ) {
    this.sent = revision.world.activatorsCanCrash ? new Set() : undefined;
    this.clusterIP = activatorUsesClusterIP(revision.world.spec.cluster.meshCompatibilityMode ?? 'auto');
    this.pick = this.clusterIP ? pickMeshLeastRequest : LB_POLICIES[lbPolicyFor(revision.spec.containerConcurrency)];
    this.trackers = new TrackerTree(revision.spec.containerConcurrency);
  }

  get cc(): number {
    return this.revision.spec.containerConcurrency;
  }

  /** The throttler's first view of the revision's healthy pods (its tree puts them in destination order). */
  setHealthyPods(pods: readonly Pod[], now: number): void {
    for (const t of this.byPod.values()) t.removed = true;
    this.byPod.clear();
    this.trackers = new TrackerTree(this.cc);
    for (const pod of pods) this.byPod.set(pod, this.trackers.insert(pod));
    this.reassign(now);
  }

  // Probe successes and terminations arrive one pod at a time; updating by one keeps a
  // scale-up to 100k pods linear per pod (a full re-sync or an array copy per pod would be quadratic).

  /** A pod passed the activator's probe. */
  podHealthy(pod: Pod, now: number): void {
    if (this.byPod.has(pod)) return;
    this.byPod.set(pod, this.trackers.insert(pod));
    this.reassign(now);
  }

  /** A pod stopped being healthy (terminating). */
  podUnhealthy(pod: Pod, now: number): void {
    const t = this.byPod.get(pod);
    if (t === undefined) return;
    t.removed = true;
    this.byPod.delete(pod);
    this.trackers.remove(t);
    this.reassign(now);
  }

  /** This activator's index and the subset size, from the revision's public endpoints. */
  setPosition(index: number, count: number, now: number): void {
    if (index === this.activatorIndex && count === this.numActivators) return;
    this.activatorIndex = index;
    this.numActivators = count;
    this.reassign(now);
  }

  private reassign(now: number): void {
    // CC = 0 uses every tracker; otherwise pods are sliced among the activators.
    const n = this.trackers.size;
    if (this.clusterIP || this.cc === 0) {
      this.begin = 0;
      this.end = n;
      this.extra = -1;
    } else {
      const s = assignSlicePositions(n, this.activatorIndex, this.numActivators);
      this.begin = s.begin;
      this.end = s.end;
      this.extra = s.extra;
    }
    this.assignedCount = this.end - this.begin + (this.extra >= 0 ? 1 : 0);
    // The round-robin index is left alone: the policy itself restarts from 0 at its next pick if the list shrank below it.
    // A deleted revision's throttler is out of the activator's map (throttler.go revisionDeleted), so no
    // update resizes its breaker: only the ClusterIP path gets here then, its sidecar following the endpoints.
    if (this.revision.deleted) {
      this.dispatch(now);
      return;
    }
    this.capacity = activatorCapacityForRevision({
      containerConcurrency: this.cc,
      backendCount: n,
      // Through the ClusterIP the throttler holds no pod trackers (calculateCapacity's ClusterIP branch).
      assignedTrackers: this.clusterIP ? 0 : this.assignedCount,
      numActivators: this.numActivators,
    });
    this.dispatch(now);
  }

  /** The i-th assigned tracker. */
  assignedAt(i: number): Tracker {
    const len = this.end - this.begin;
    return this.trackers.at(i < len ? this.begin + i : this.extra);
  }

  /** The assigned trackers in order (a copy, for inspection). */
  get assigned(): Tracker[] {
    return Array.from({ length: this.assignedCount }, (_, i) => this.assignedAt(i));
  }

  /** The first assigned index in `[from, to)` whose tracker has a free slot (it goes to `trackers.found`), or −1. */
  firstFreeAssigned(from: number, to: number): number {
    const len = this.end - this.begin;
    if (from < len) {
      const p = this.trackers.firstFree(this.begin + from, this.begin + Math.min(to, len));
      if (p >= 0) return p - this.begin;
    }
    if (this.extra >= 0 && from <= len && to > len && this.trackers.firstFree(this.extra, this.extra + 1) >= 0) return len;
    return -1;
  }

  /** The tracker `firstFreeAssigned` found. */
  get found(): Tracker {
    return this.trackers.found!;
  }

  accept(req: Request, now: number): void {
    req.activator = this.activator;
    req.throttler = this;
    req.activatorIn = now;
    req.route = 'activator';
    req.phase = AT_ACTIVATOR;
    if (this.meter === undefined) {
      // First request after idle: poke the autoscaler at once with {1, 1}, taken back from the next report.
      this.meter = new ConcurrencyMeter(now);
      this.firstRequestAdjust = 1;
      this.revision.autoscaler.onActivatorStat(now, 1, 1);
    }
    this.meter.in(now, false);
    if (this.capacity === 0) req.cold = true;
    const cpu = this.activator.cpu;
    if (cpu !== undefined) {
      // The activator's own CPU work comes first (activator-pool.ts); the deadline runs meanwhile.
      this.revision.world.deadlines.add(req);
      cpu.start(req, now);
      return;
    }
    this.admit(req, now);
  }

  /** The request is ready to wait for a pod: straight through if one has room, else queued. */
  admit(req: Request, now: number): void {
    // Fast path: nobody is waiting and a pod has room, so the request goes straight through.
    if (this.waiting === 0 && !this.dispatching && this.proxied < this.capacity && !this.revision.dispatchHeld()) {
      const t = this.pick(this);
      if (t !== undefined) {
        this.send(req, t, now);
        return;
      }
    }
    this.waiting++;
    this.revision.activatorWaiting++;
    this.queue.push(req);
    this.revision.world.deadlines.add(req);
    this.dispatch(now);
  }

  private send(req: Request, t: Tracker, now: number): void {
    this.sent?.add(req);
    this.proxied++;
    t.inFlight++;
    this.trackers.touch(t);
    req.tracker = t;
    req.activatorOut = now;
    req.phase = DISPATCHED;
    this.revision.world.deadlines.remove(req);
    t.pod.accept(req, now, true);
  }

  private dispatching = false;

  /** Sends waiting requests to pods while a tracker has room. */
  dispatch(now: number): void {
    // A pod answering at once (503) releases its tracker inside the loop; the running loop picks that up.
    if (this.dispatching) return;
    // Part of an endpoints update is in: the revision dispatches once the rest is (Revision.atEndpointsEvent).
    if (this.revision.dispatchHeld()) return;
    this.dispatching = true;
    try {
      this.dispatchLoop(now);
    } finally {
      this.dispatching = false;
    }
  }

  private dispatchLoop(now: number): void {
    while (this.waiting > 0) {
      const head = this.queue.peek()!;
      if (head.phase !== AT_ACTIVATOR) {
        this.queue.shift(); // timed out or abandoned while waiting
        continue;
      }
      if (this.proxied >= this.capacity) return;
      // Its timeout fires at this instant: answered by it, never sent (the next pass drops it).
      if (this.revision.world.expireIfDue(head, now)) continue;
      const t = this.pick(this);
      if (t === undefined && !(this.clusterIP && this.assignedCount === 0)) return;
      this.queue.shift();
      this.waiting--;
      this.revision.activatorWaiting--;
      if (t === undefined) this.noHealthyUpstream(head, now);
      else this.send(head, t, now);
    }
  }

  /**
   * Through the ClusterIP with a breaker token but no ready endpoint (a deleted revision, whose
   * breaker keeps its last size while its pods leave the endpoints): the activator's sidecar has
   * nothing to send to and answers 503 at once (Envoy's "no healthy upstream"), which the
   * activator passes on; the token comes back with the answer.
   */
  private noHealthyUpstream(req: Request, now: number): void {
    this.proxied++;
    req.activatorOut = now;
    req.phase = DISPATCHED;
    this.revision.world.finish(req, STATUS_OVERLOADED, now);
  }

  /** The request this activator held is over (any outcome). */
  onRequestDone(req: Request, now: number, wasWaiting: boolean): void {
    this.meter!.out(now, false);
    if (wasWaiting) {
      // A request still in the activator's CPU phase was never queued.
      if (this.activator.cpu?.cancel(req, now) !== true) {
        this.waiting--;
        this.revision.activatorWaiting--;
      }
      this.activator.drain?.requestDone(now);
      return;
    }
    this.proxied--;
    this.sent?.delete(req);
    // A pod that left and came back (readiness, crash) has a new tracker; requests sent through the old one do not count there.
    const t = req.tracker as Tracker | undefined;
    if (t !== undefined && !t.removed) {
      t.inFlight--;
      this.trackers.touch(t);
    }
    // Nothing waiting (the usual case): nothing to dispatch. Otherwise the freed revision slot
    // may let one go, even when its pod has left.
    if (this.waiting > 0) this.dispatch(now);
    this.activator.drain?.requestDone(now);
  }

  /**
   * The 1 s stats push to the autoscaler. The entry goes away after a whole idle period,
   * so the next request pokes the autoscaler again.
   */
  pushStats(now: number): void {
    if (this.meter === undefined) return;
    const r = this.meter.cut(now, 1, this.report);
    const adjust = this.firstRequestAdjust;
    this.firstRequestAdjust = 0;
    const concurrency = Math.max(r.averageConcurrency - adjust, 0);
    const count = r.requestCount - adjust;
    if (r.averageConcurrency === 0 && this.meter.current === 0) this.meter = undefined;
    this.revision.autoscaler.onActivatorStat(now, concurrency, count);
  }

  /** The sidecar's active requests to the i-th endpoint (for the mesh's pick). */
  readonly activeAt = (i: number): number => this.assignedAt(i).inFlight;

  /** Requests this activator holds for the revision (waiting or proxied). */
  get held(): number {
    return this.meter === undefined ? 0 : this.meter.current;
  }

  /**
   * The WebSocket sessions (app.webSocket) it proxies that are open: sent on and taken by the app.
   * Its HTTP server's Shutdown does not wait for these upgraded connections (only a run where an activator can crash keeps them).
   */
  openSessions(): Request[] {
    const out: Request[] = [];
    if (!this.revision.webSocket) return out;
    for (const req of this.sent ?? []) if (req.phase === EXECUTING) out.push(req);
    return out;
  }

  /** The requests it holds, waiting or sent on (only in a run where an activator can crash). */
  heldRequests(): Request[] {
    const out: Request[] = [];
    for (let i = 0; i < this.queue.length; i++) {
      const req = this.queue.shift()!;
      this.queue.push(req);
      if (req.phase === AT_ACTIVATOR) out.push(req);
    }
    for (const req of this.sent ?? []) out.push(req);
    return out;
  }
}

// Load-balancing policies (pkg/activator/net/lb_policy.go).

function pickFirstAvailable(t: RevisionThrottler): Tracker | undefined {
  return t.firstFreeAssigned(0, t.assignedCount) >= 0 ? t.found : undefined;
}

function pickRoundRobin(t: RevisionThrottler): Tracker | undefined {
  const n = t.assignedCount;
  if (t.rr >= n) t.rr = 0;
  // The first free one from rr on, wrapping round.
  let idx = t.firstFreeAssigned(t.rr, n);
  if (idx < 0) idx = t.firstFreeAssigned(0, t.rr);
  if (idx < 0) return undefined;
  t.rr = idx + 1;
  return t.found;
}

function pickRandomChoice2(t: RevisionThrottler): Tracker | undefined {
  const n = t.assignedCount;
  if (n === 0) return undefined;
  if (n === 1) return t.assignedAt(0);
  const rng = t.activator.lbRandom;
  let i = 0;
  let j = 1;
  if (n > 2) {
    i = rng.int(n);
    j = rng.int(n - 1);
    if (j >= i) j++;
  }
  let pick = t.assignedAt(i);
  const alt = t.assignedAt(j);
  if (pick.inFlight > alt.inFlight) pick = alt;
  else if (pick.inFlight === alt.inFlight && rng.next() < 0.5) pick = alt;
  return pick;
}

/** Through the ClusterIP: the activator's sidecar (Envoy's least-request) picks among every ready endpoint, full or not. */
function pickMeshLeastRequest(t: RevisionThrottler): Tracker | undefined {
  const i = leastRequestPick(t.assignedCount, t.activeAt, t.activator.meshInt);
  return i < 0 ? undefined : t.assignedAt(i);
}

const LB_POLICIES: Record<LbPolicyName, LbPick> = {
  'random-choice-2': pickRandomChoice2,
  'first-available': pickFirstAvailable,
  'round-robin': pickRoundRobin,
};

/** One activator pod: a throttler per revision and a 1 s stats push to the autoscaler. */
export class Activator {
  private readonly throttlers = new Map<Revision, RevisionThrottler>();
  readonly lbRandom: RandomStream;
  /** Its sidecar's draws for the mesh's load balancing (mesh-compatibility-mode enabled). */
  private readonly meshRandom: RandomStream;
  readonly meshInt = (bound: number): number => this.meshRandom.int(bound);
  /** Its CPU, with `cluster.activatorCpu` (undefined: unlimited capacity). */
  cpu: ActivatorCpu | undefined = undefined;
  /** Its container crashed and is not back yet, or it exited: it is out of the endpoints, holds nothing and pushes no stats. */
  down = false;
  /** When it last became Ready (−∞: before the run); a ReplicaSet scales down the one Ready for less time first. */
  readySince = Number.NEGATIVE_INFINITY;
  /** When its running process started (−∞: before the run; +∞: a new pod's, not yet): it sees every revision created from then. */
  processStartedAt = Number.NEGATIVE_INFINITY;
  /** Its pod is being deleted (a rolling restart), until it exits: see activator-rollout.ts. */
  drain: ActivatorDrain | undefined = undefined;

  constructor(
    readonly world: World,
    readonly index: number,
    readonly name: string,
  ) {
    this.lbRandom = world.sim.random.stream(`activator/${index}/lb`);
    this.meshRandom = world.sim.random.stream(`activator/${index}/mesh`);
  }

  /** The throttler last asked for: consecutive requests are mostly for one revision. */
  private lastThrottler: RevisionThrottler | undefined = undefined;

  throttler(rev: Revision): RevisionThrottler {
    const last = this.lastThrottler;
    if (last !== undefined && last.revision === rev) return last;
    let t = this.throttlers.get(rev);
    if (t === undefined) {
      t = new RevisionThrottler(this, rev);
      t.setHealthyPods(rev.healthyPodsFor(this), this.world.sim.now);
      this.throttlers.set(rev, t);
    }
    this.lastThrottler = t;
    return t;
  }

  existingThrottler(rev: Revision): RevisionThrottler | undefined {
    return this.throttlers.get(rev);
  }

  /**
   * Its 1 s stats push (the concurrency reporter). False once its pod is gone for good (a deleted
   * pod's process exited or was killed): its ticker ends there. A crashed container restarts.
   */
  pushStats(now: number): boolean {
    if (this.down) return this.drain === undefined;
    for (const t of this.throttlers.values()) t.pushStats(now);
    return true;
  }

  /**
   * Its container exits: what it held in memory (every throttler, with the requests waiting
   * in it or sent on through it, and those in its CPU phase) is gone. Returns those requests,
   * for the caller to fail.
   */
  crash(): Request[] {
    // With activator CPU, those still in their CPU phase too (not yet in a throttler's queue).
    const held: Request[] = this.cpu?.inService() ?? [];
    for (const t of this.throttlers.values()) for (const req of t.heldRequests()) held.push(req);
    this.throttlers.clear();
    this.lastThrottler = undefined;
    this.down = true;
    // Its revision watchers end with the process.
    for (const s of this.world.services.values()) for (const r of s.revisions) r.activatorStopped(this);
    return held;
  }

  /** The open WebSocket sessions it proxies, for every revision (see RevisionThrottler.openSessions). */
  openSessions(): Request[] {
    const out: Request[] = [];
    for (const t of this.throttlers.values()) for (const req of t.openSessions()) out.push(req);
    return out;
  }

  /** Requests it holds now, waiting or sent on, for every revision. */
  get holding(): number {
    let n = 0;
    for (const t of this.throttlers.values()) n += t.held;
    return n;
  }

  get allThrottlers(): IterableIterator<RevisionThrottler> {
    return this.throttlers.values();
  }
}
