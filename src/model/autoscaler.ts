import { apiTime } from './api-time.js';
import { scraperUsesService } from '../core/traffic/index.js';
import {
  DECIDER_PERIOD_SECONDS,
  DecisionLoop,
  HPA_CLASS,
  KPA_CLASS,
  SCRAPE_PERIOD_SECONDS,
  estimateRevisionStat,
  populationMeanSampleSize,
  scrapeOrderIndices,
  scrapeThroughService,
  type PodAutoscalerState,
  type ReconcileCause,
  type RevisionAutoscaling,
  type SksMode,
  type StatSums,
} from '../core/autoscaler/index.js';
import type { RandomStream } from '../engine/random.js';
import { RESYNC_RECONCILE_PRIORITY, WATCH_RECONCILE_PRIORITY } from './event-order.js';
import { podResourceSamples } from './metrics-server.js';
import type { Pod } from './pod.js';
import type { Revision } from './revision.js';

export type { ReconcileCause };

/**
 * The autoscaler's work for one revision on the simulator's clock: core's
 * {@link DecisionLoop} (metrics, decider, PA reconcile, requeues, records) scheduled on
 * the engine — the decider's ticks when the loop asks, requeues when they come due,
 * watch reconciles after the current step — and fed the model's metrics: a scrape every
 * 1 s of a sample of the ready pods, and the activators' pushed stats.
 */
export class RevisionAutoscaler {
  /** The decision loop; a restart of the autoscaler process replaces it. */
  loop: DecisionLoop;
  private readonly scrapeRandom: RandomStream;
  /** The HPA class: fed metrics-server's view of the pods at each sync instead of scrapes. */
  private readonly hpa: boolean;
  /** The loop's scrape timer and tick chain: they stop once the loop is replaced or the autoscaler is down. */
  private timers: LoopTimers;
  /**
   * The autoscaler process that runs this revision's loop is down (a restart): no scrapes,
   * ticks, reconciles or pushed stats until it is back.
   */
  private down = false;
  /**
   * The PA status names its public service: set by the first reconcile that found the SKS
   * provisioned (upstream copies the SKS's service name only on that path, not in the
   * reconcile that creates the SKS). It survives an autoscaler restart, as the status does.
   */
  private serviceNamed = false;

  constructor(
    readonly revision: Revision,
    now: number,
  ) {
    const pre = revision.spec.initialPods;
    this.scrapeRandom = revision.world.sim.random.stream(`autoscaler/${revision.spec.name}/scrape`);
    const phases = revision.world.sim.random.stream(`autoscaler/${revision.spec.name}/phase`);
    const sim = revision.world.sim;
    const firstScrape = now + phases.uniform(0, SCRAPE_PERIOD_SECONDS);
    // The decider's ticker starts when it is created, so revisions tick at different phases;
    // one that existed before the run was created at some unknown earlier time.
    const firstTick = pre === undefined ? now + DECIDER_PERIOD_SECONDS : now + phases.uniform(0, DECIDER_PERIOD_SECONDS);
    this.hpa = revision.spec.autoscaling.class === HPA_CLASS;
    this.throughService = scraperUsesService(revision.world.spec.cluster.meshCompatibilityMode ?? 'auto');
    // The HPA controller syncs an HPA one period after it first sees it (the loop's default).
    this.loop = new DecisionLoop({ revision: revision.spec.name, autoscaling: revision.spec.autoscaling, nowSeconds: now, existingPods: pre, firstTickSeconds: this.hpa ? undefined : firstTick, classes: revision.world.autoscalerClasses });
    this.timers = new LoopTimers(this);
    // A revision created while Knative's autoscaler is down waits for it (see restart()).
    if (this.restartable && revision.world.autoscalerDown) {
      this.down = true;
      return;
    }
    sim.every(firstScrape, SCRAPE_PERIOD_SECONDS, this.scrape, this.timers);
    this.scheduleTick(this.timers);
  }

  /** Knative's autoscaler process runs this revision's loop: the KPA class (the HPA class and user classes have their own controllers). */
  get restartable(): boolean {
    return this.revision.spec.autoscaling.class === KPA_CLASS;
  }

  /** Knative's autoscaler process went down: its loop stops where it is (the PA status stays as last written). */
  stop(now: number): void {
    if (!this.restartable || this.down || this.revision.deleted) return;
    this.down = true;
    this.revision.world.recorder.autoscalerDown?.(this.revision, now);
  }

  /**
   * Knative's autoscaler process is back: its KPA reconciler resyncs every PA. A revision
   * whose PA it had reconciled gets a new decider and empty metrics (see the KPA pipeline's
   * `restart`), its collector's first scrape 1 s and its decider's first tick 2 s from now;
   * one created while it was down starts as a new revision. Then the PA is reconciled.
   */
  restart(now: number): void {
    if (!this.down) return;
    this.down = false;
    if (this.revision.deleted) return;
    const old = this.loop;
    const rev = this.revision;
    const restart = old.sksProvisioned ? { pa: old.pa, readyPods: rev.readyPods.length, sksMode: rev.sksSpecMode } : undefined;
    this.loop = new DecisionLoop({ revision: rev.spec.name, autoscaling: old.autoscaling, nowSeconds: now, classes: rev.world.autoscalerClasses, restart });
    rev.world.recorder.autoscalerRestarted?.(rev, now, { autoscaling: old.autoscaling, restart });
    if (!old.reachable) this.loop.setReachable(false);
    this.timers = new LoopTimers(this);
    // Its Metric reconciler's resync finds a new collection, with no scrape error: the Metric is Ready again (the reconcile below covers it).
    this.metricCondition = '';
    rev.world.sim.every(now + SCRAPE_PERIOD_SECONDS, SCRAPE_PERIOD_SECONDS, this.scrape, this.timers);
    this.scheduleTick(this.timers);
    this.reconcile(now, 'watch');
  }

  /**
   * The PA's reachability as the revision reconciler writes it (the routing state, or a
   * failed revision wanting pods with none ready). An Unreachable revision loses min-scale,
   * pod retention, the initial-scale floor, the scale-down rate limit and delay.
   */
  setReachable(reachable: boolean, now: number): void {
    // A changed PA spec triggers a reconcile.
    if (this.loop.setReachable(reachable)) this.reconcile(now, 'reachability');
  }

  get reachable(): boolean {
    return this.loop.reachable;
  }

  /**
   * The revision's settings changed in place: the loop takes them. A patched annotation
   * changes the PA spec, so the PA's watch reconciles it. A config-autoscaler change leaves
   * every PA as it is; the controller's config store resyncs them all instead, changed
   * settings or not (see {@link resync}).
   */
  update(autoscaling: RevisionAutoscaling, now: number, config = false): void {
    const changed = this.loop.update(autoscaling, now);
    if (config) this.resync(now);
    else if (changed) this.watchReconcile(now);
  }

  /**
   * A config-autoscaler change: upstream's PA controllers (the KPA's and the HPA's, each for
   * its class) put every PA of their class in the workqueue's slow lane, which is served
   * only when no other key waits. So the resync runs after the instant's watch reconciles;
   * a reconcile of this PA that runs in between takes its place, as the workqueue merges
   * a key added while it waits.
   */
  private resync(now: number): void {
    if (this.down || this.revision.deleted) return;
    this.loop.requestReconcile();
    if (this.resyncQueuedAt === now) return;
    this.resyncQueuedAt = now;
    this.revision.world.sim.at(now, this.onResync, this, RESYNC_RECONCILE_PRIORITY);
  }

  /** The instant a resync is queued for (NaN: none). */
  private resyncQueuedAt = Number.NaN;

  private onResync(this: void, self: RevisionAutoscaler): void {
    self.resyncQueuedAt = Number.NaN;
    const now = self.revision.world.sim.now;
    if (!self.loop.reconcileDue(now)) return;
    self.reconcile(now, 'resync');
  }

  get want(): number {
    return this.loop.want;
  }

  /** The PodAutoscaler status (the route waits for ScaleTargetInitialized). */
  get pa(): PodAutoscalerState {
    return this.loop.pa;
  }

  /** Whether the PA status has its ServiceName (see {@link serviceNamed}). */
  get paServiceNamed(): boolean {
    return this.serviceNamed;
  }

  /** Every 1 s: sample the ready pods' latest queue-proxy reports and record the estimated revision total. */
  private scrape(this: void, timers: LoopTimers): boolean {
    const self = timers.owner;
    if (self.down || self.timers !== timers) return false;
    const rev = self.revision;
    // Its PA was deleted with the revision: the collector stops scraping it.
    if (rev.deleted) return false;
    if (!self.loop.scrapes) return true;
    const pods = rev.readyPods.toArray();
    const n = pods.length;
    if (n === 0) return true;
    const sample = populationMeanSampleSize(n);
    const now = rev.world.sim.now;
    if (self.throughService) {
      self.scrapeService(pods, sample, now);
      return true;
    }
    let order: Int32Array | undefined;
    if (sample < n) {
      // Old pods (up a stable window) first, shuffled; young ones make up the rest (stats_scraper.go).
      // Simulated pods always answer, so the backups after the first `sample` are never needed.
      self.scrapeNow = now;
      order = self.scrapeIndices = scrapeOrderIndices(pods, sample, self.isOld, self.randomInt, self.scrapeIndices);
    }
    const sums = self.sums;
    sums.averageConcurrentRequests = 0;
    sums.averageProxiedConcurrentRequests = 0;
    sums.requestCount = 0;
    sums.proxiedRequestCount = 0;
    for (let i = 0; i < sample; i++) {
      const r = pods[order === undefined ? i : order[i]!]!.report(now);
      sums.averageConcurrentRequests += r.averageConcurrency;
      sums.averageProxiedConcurrentRequests += r.averageProxiedConcurrency;
      sums.requestCount += r.requestCount;
      sums.proxiedRequestCount += r.proxiedRequestCount;
    }
    const stat = estimateRevisionStat(now, sums, n, sample);
    self.loop.recordScrape(stat);
    rev.world.recorder.stat?.(rev, stat, 'scrape');
    return true;
  }

  /**
   * With mesh-compatibility-mode enabled the scraper cannot reach pod addresses: it scrapes the
   * private Service, each scrape landing on a ready pod the network picks (kube-proxy's uniform
   * choice), until it has a sample of distinct pods or a worker runs out of tries (core's
   * scrapeThroughService). A failed scrape records nothing, and its Metric's condition turns
   * Failed (DidNotReceiveStat); each change of that condition reconciles the PA, whose controller
   * watches Metrics.
   */
  private scrapeService(pods: readonly Pod[], sample: number, now: number): void {
    const rev = this.revision;
    const window = this.loop.stableWindowSeconds;
    // Young or old by the stat's ProcessUptime: the queue-proxy's, not the pod's start time.
    const isOld = (i: number): boolean => pods[i]!.runningBeforeRun || now - pods[i]!.queueProxyUpAt >= window;
    const s = scrapeThroughService(pods.length, sample, isOld, this.randomInt);
    // The condition's message names the sample size, so a failure at another size is a change too.
    const condition = s.ok ? '' : `DidNotReceiveStat/${sample}`;
    if (condition !== this.metricCondition) {
      this.metricCondition = condition;
      this.watchReconcile(now);
    }
    if (!s.ok) {
      this.failedScrapes++;
      return;
    }
    const sums = this.sums;
    sums.averageConcurrentRequests = 0;
    sums.averageProxiedConcurrentRequests = 0;
    sums.requestCount = 0;
    sums.proxiedRequestCount = 0;
    for (const i of s.sampled) {
      const r = pods[i]!.report(now);
      sums.averageConcurrentRequests += r.averageConcurrency;
      sums.averageProxiedConcurrentRequests += r.averageProxiedConcurrency;
      sums.requestCount += r.requestCount;
      sums.proxiedRequestCount += r.proxiedRequestCount;
    }
    const stat = estimateRevisionStat(now, sums, pods.length, sample);
    this.loop.recordScrape(stat);
    rev.world.recorder.stat?.(rev, stat, 'scrape');
  }

  /** Scrapes go through the private Service (mesh-compatibility-mode enabled). */
  private readonly throughService: boolean;
  /** The Metric's condition as its reconciler last wrote it: '' Ready, else the failure. */
  private metricCondition = '';
  /** Scrapes through the Service that failed (no stat recorded). */
  failedScrapes = 0;

  // The scrape's sampling state, kept here so a scrape allocates no closures.
  private readonly sums: StatSums = { averageConcurrentRequests: 0, averageProxiedConcurrentRequests: 0, requestCount: 0, proxiedRequestCount: 0 };
  private scrapeNow = 0;
  private readonly isOld = (p: Pod): boolean => this.isOldForScrape(p, this.scrapeNow);

  /**
   * Whether the scraper counts a ready pod as old at `now`: up at least a stable window, timed
   * from its status.startTime (upstream pkg/resources/pods.go podIPWithCutoffProcessor), which
   * the kubelet sets once the pod is bound — not from its creation, which can be much earlier
   * when the pod waited for a node. A pod running before the run has been up for an unknown
   * time, taken to be long.
   */
  isOldForScrape(p: Pod, now: number): boolean {
    // status.startTime as the pod lister has it: whole seconds (api-time.ts).
    return p.runningBeforeRun || now - apiTime(p.startTime) >= this.loop.stableWindowSeconds;
  }
  private readonly randomInt = (bound: number): number => this.scrapeRandom.int(bound);
  /** The scrape order, indices into the ready pods, refilled at each scrape (it reads them before the next). */
  private scrapeIndices = new Int32Array(0);

  /** An activator's pushed stat: record it, and poke the decider if the revision is at zero. */
  onActivatorStat(now: number, concurrency: number, requestCount: number): void {
    // Sent to an autoscaler that is down, or for a deleted revision (no PA, no metric): lost.
    if (this.down || this.revision.deleted) return;
    // The autoscaler stamps pushed stats with its own clock, to the second.
    const stat = { timeSeconds: Math.floor(now), averageConcurrentRequests: concurrency, requestCount: Math.max(requestCount, 0) };
    const poke = this.loop.recordPushed(stat);
    this.revision.world.recorder.stat?.(this.revision, stat, 'activator');
    if (poke) this.decide(now, true);
  }

  private tick(this: void, timers: LoopTimers): void {
    const self = timers.owner;
    if (self.revision.deleted || self.down || self.timers !== timers) return;
    self.decide(self.revision.world.sim.now, false);
    self.scheduleTick(timers);
  }

  /**
   * The decider's next tick, on the lane of its period: every revision's tick schedules its
   * next one period on, so they come in time order and skip the heap (a tick out of order, as
   * a new revision's first can be, goes to the heap; the order events run in is the same).
   */
  private scheduleTick(timers: LoopTimers): void {
    const sim = this.revision.world.sim;
    sim.atInOrder(sim.periodLane(this.loop.tickPeriodSeconds), this.loop.nextTickSeconds, this.tick, timers);
  }

  /** A tick or a poke: evaluate, reconcile if the multiscaler notifies, record the decision. */
  private decide(now: number, poke: boolean): void {
    const rev = this.revision;
    const ready = rev.readyPods.length;
    // The HPA controller lists the pods and queries the metrics API at its sync.
    if (this.hpa) {
      const stat = { timeSeconds: now, averageConcurrentRequests: 0, requestCount: 0, pods: podResourceSamples(rev, now) };
      this.loop.recordScrape(stat);
      rev.world.recorder.stat?.(rev, stat, 'scrape');
    }
    const d = poke ? this.loop.decide(now, ready, true) : this.loop.tick(now, ready);
    if (d.notify) this.reconcile(now, 'notify');
    const sks = this.sksView;
    sks.mode = rev.sksEffectiveMode;
    sks.activators = rev.numActivators;
    rev.world.recorder.decision(this.loop.record(d, sks), rev);
  }

  /** The SKS as a decision record shows it, refilled at each decision (record() copies it). */
  private readonly sksView: { mode: SksMode; activators: number } = { mode: 'Proxy', activators: 0 };

  /** One PA reconcile (instantaneous), then act on it: replicas, SKS and requeue. */
  reconcile(now: number, cause: ReconcileCause = 'watch'): void {
    // Nobody reconciles the PA while the autoscaler is down; it resyncs every PA when back. A deleted PA is not reconciled.
    if (this.down || this.revision.deleted) return;
    const rev = this.revision;
    const before = this.loop.pa;
    const named = this.loop.sksProvisioned;
    const r = this.loop.reconcile(now, {
      pods: rev.podCounts(),
      deploymentReplicas: rev.replicas,
      sks: {
        specMode: rev.sksSpecMode,
        activatorEndpointsPopulatedSinceSeconds: rev.activatorEndpointsPopulatedSince,
        // The synchronous probe of the public service answers from an activator iff the SKS is in Proxy.
        activatorInPath: rev.sksEffectiveMode === 'Proxy',
      },
    });
    rev.world.recorder.reconcile?.(rev, now, r.input, r.output, cause);
    const nameWritten = named && !this.serviceNamed;
    if (named) this.serviceNamed = true;
    if (r.applyReplicas !== undefined) rev.setReplicas(r.applyReplicas, now);
    rev.setSks(r.output.sksMode, r.output.numActivators, now);
    if (r.requeueAt !== undefined) rev.world.sim.at(r.requeueAt, this.onRequeue, this);
    // The new SKS reports its private service: the PA's watch reconciles it again now.
    if (r.sksProvisioned) this.watchReconcile(now);
    // The revision reconciler watches its PA: a changed status reconciles the revision.
    const after = this.loop.pa;
    if (after.active !== before.active || after.scaleTargetInitialized !== before.scaleTargetInitialized || after.desiredScale !== before.desiredScale || after.actualScale !== before.actualScale) {
      rev.paStatusChanged(now);
    }
    // So does the KPA's own controller (its PA informer enqueues every update, status writes too):
    // the reconcile that reads the new status follows at this instant. A PA just marked Inactive
    // then scales to zero at once if the activator has been in its path for the grace period.
    if (nameWritten || paStatusWritten(before, after)) this.watchReconcile(now);
    rev.service.onRevisionStatus(rev, now);
  }

  /**
   * A watched object (the SKS, a pod of the revision, the PA itself) changed: reconcile the PA once more at this instant, after
   * everything else due then (an informer event, not a recursive call).
   */
  watchReconcile(now: number): void {
    if (this.down || this.revision.deleted) return;
    if (this.loop.queueReconcile(now)) this.revision.world.sim.at(now, this.onWatch, this, WATCH_RECONCILE_PRIORITY);
  }

  private onWatch(this: void, self: RevisionAutoscaler): void {
    self.loop.dequeueReconcile();
    const now = self.revision.world.sim.now;
    // A reconcile that ran since this one was queued (a decider notification, a pod turning Ready)
    // took its place, as the workqueue merges a key added again while it waits.
    if (!self.loop.reconcileDue(now)) return;
    self.reconcile(now, 'watch');
  }

  private onRequeue(this: void, self: RevisionAutoscaler): void {
    const now = self.revision.world.sim.now;
    // A requeue superseded by an earlier one that already ran is not due (nor one of a loop a restart replaced).
    if (!self.down && self.loop.takeRequeue(now)) self.reconcile(now, 'requeue');
  }
}

/** Whether a reconcile changed the PA status it read, so the reconciler wrote it to the API server. */
function paStatusWritten(before: PodAutoscalerState, after: PodAutoscalerState): boolean {
  return (
    after.active !== before.active ||
    after.reason !== before.reason ||
    after.lastTransitionSeconds !== before.lastTransitionSeconds ||
    after.scaleTargetInitialized !== before.scaleTargetInitialized ||
    after.desiredScale !== before.desiredScale ||
    after.actualScale !== before.actualScale
  );
}

/** One decision loop's scrape timer and tick chain, told apart from a replaced loop's by identity. */
class LoopTimers {
  constructor(readonly owner: RevisionAutoscaler) {}
}
