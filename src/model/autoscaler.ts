import {
  AutoscalerPipeline,
  DECIDER_PERIOD_SECONDS,
  SCRAPE_PERIOD_SECONDS,
  type Decider,
  type MetricCollection,
  type DeciderStatus,
  type PodAutoscalerState,
  populationMeanSampleSize,
  estimateRevisionStat,
  scrapeOrder,
} from '../core/autoscaler/index.js';
import type { RandomStream } from '../engine/random.js';
import { WATCH_RECONCILE_PRIORITY } from './event-order.js';
import type { Pod } from './pod.js';
import type { Revision } from './revision.js';

/** Scrape and decide periods (pkg/autoscaler/metrics/collector.go, scaling/multiscaler.go), shared with the adapter. */
export { SCRAPE_PERIOD_SECONDS, DECIDER_PERIOD_SECONDS };

/**
 * Why the PA was reconciled: the multiscaler's notification after an evaluation, a
 * requeue coming due, the route changing its reachability, or a watched object (the PA
 * itself, the revision's pods) changing.
 */
export type ReconcileCause = 'notify' | 'requeue' | 'reachability' | 'watch';

/** One decider evaluation, with what the KPA did about it, for autoscaler.csv. */
export interface DecisionRecord {
  time: number;
  revision: Revision;
  valid: boolean;
  readyPods: number;
  observedStable: number;
  observedPanic: number;
  desired: number;
  want: number;
  inPanic: boolean;
  excessBurstCapacity: number;
  sksMode: 'Serve' | 'Proxy';
  activators: number;
  poke: boolean;
}

/**
 * The autoscaler's work for one revision: the collector (scrape every 1 s plus the
 * activators' pushed stats), the decider (every 2 s with its own phase, and at once
 * on a poke while at zero) and the KPA reconciler, all driven by core.
 */
export class RevisionAutoscaler {
  /** The shared decision pipeline (collection, decider, status, PA), driven on simulated time. */
  readonly pipeline: AutoscalerPipeline;
  private readonly scrapeRandom: RandomStream;
  private requeueAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly revision: Revision,
    now: number,
  ) {
    const pre = revision.spec.initialPods;
    this.pipeline = new AutoscalerPipeline({ autoscaling: revision.spec.autoscaling, nowSeconds: now, existingPods: pre });
    this.scrapeRandom = revision.world.sim.random.stream(`autoscaler/${revision.spec.name}/scrape`);
    const phases = revision.world.sim.random.stream(`autoscaler/${revision.spec.name}/phase`);
    const sim = revision.world.sim;
    sim.every(now + phases.uniform(0, SCRAPE_PERIOD_SECONDS), SCRAPE_PERIOD_SECONDS, this.scrape, this);
    // The decider's ticker starts when it is created, so revisions tick at different phases;
    // one that existed before the run was created at some unknown earlier time.
    const firstTick = pre === undefined ? now + DECIDER_PERIOD_SECONDS : now + phases.uniform(0, DECIDER_PERIOD_SECONDS);
    sim.every(firstTick, DECIDER_PERIOD_SECONDS, this.tick, this);
  }

  get decider(): Decider {
    return this.pipeline.decider;
  }

  get collection(): MetricCollection {
    return this.pipeline.collection;
  }

  get status(): DeciderStatus {
    return this.pipeline.status;
  }

  get pa(): PodAutoscalerState {
    return this.pipeline.pa;
  }

  /**
   * The revision's routing state changed (active ↔ reserve). An Unreachable revision loses
   * min-scale, pod retention, the initial-scale floor, the scale-down rate limit and delay.
   */
  setReachable(reachable: boolean, now: number): void {
    // A changed PA spec triggers a reconcile.
    if (this.pipeline.setReachable(reachable)) this.reconcile(now, 'reachability');
  }

  get reachable(): boolean {
    return this.pipeline.reachable;
  }

  get want(): number {
    return this.pipeline.pa.desiredScale;
  }

  /** Every 1 s: sample the ready pods' latest queue-proxy reports and record the estimated revision total. */
  private scrape(this: void, self: RevisionAutoscaler): void {
    const rev = self.revision;
    if (!self.pipeline.scrapes) return;
    const pods = rev.readyPods;
    const n = pods.length;
    if (n === 0) return;
    const sample = populationMeanSampleSize(n);
    const now = rev.world.sim.now;
    const sums = { averageConcurrentRequests: 0, averageProxiedConcurrentRequests: 0, requestCount: 0, proxiedRequestCount: 0 };
    const add = (p: Pod): void => {
      const r = p.lastReport;
      sums.averageConcurrentRequests += r.averageConcurrency;
      sums.averageProxiedConcurrentRequests += r.averageProxiedConcurrency;
      sums.requestCount += r.requestCount;
      sums.proxiedRequestCount += r.proxiedRequestCount;
    };
    if (sample >= n) {
      for (const p of pods) add(p);
    } else {
      // Old pods (up a stable window) first, shuffled; young ones make up the rest (stats_scraper.go).
      // Simulated pods always answer, so the backups after the first `sample` are never needed.
      const window = rev.spec.autoscaling.deciderSpec.stableWindowSeconds;
      const order = scrapeOrder(pods, sample, (p) => now - p.createdAt >= window, (b) => self.scrapeRandom.int(b));
      for (let i = 0; i < sample; i++) add(order[i]!);
    }
    const stat = estimateRevisionStat(now, sums, n, sample);
    self.pipeline.recordScrape(stat);
    rev.world.recorder.stat?.(rev, stat, 'scrape');
  }

  /** An activator's pushed stat: record it, and poke the decider if the revision is at zero. */
  onActivatorStat(now: number, concurrency: number, requestCount: number): void {
    // The autoscaler stamps pushed stats with its own clock, to the second.
    const stat = { timeSeconds: Math.floor(now), averageConcurrentRequests: concurrency, requestCount: Math.max(requestCount, 0) };
    const poke = this.pipeline.recordPushed(stat);
    this.revision.world.recorder.stat?.(this.revision, stat, 'activator');
    if (poke) this.evaluate(now, true);
  }

  private tick(this: void, self: RevisionAutoscaler): boolean {
    if (self.revision.deleted) return false;
    self.evaluate(self.revision.world.sim.now, false);
    return true;
  }

  private evaluate(now: number, poke: boolean): void {
    const rev = this.revision;
    const ready = rev.readyPods.length;
    const ev = this.pipeline.evaluate(now, ready);
    if (ev.notify) this.reconcile(now, 'notify');
    const obs = ev.observation;
    rev.world.recorder.decision({
      time: now,
      revision: rev,
      valid: ev.result.scaleValid,
      readyPods: ready,
      observedStable: obs ? obs.observedStable : Number.NaN,
      observedPanic: obs ? obs.observedPanic : Number.NaN,
      desired: ev.result.scaleValid ? ev.result.desiredPodCount : ev.status.desiredScale,
      want: this.pipeline.pa.desiredScale,
      inPanic: ev.inPanic,
      excessBurstCapacity: ev.status.excessBurstCapacity,
      sksMode: rev.sksEffectiveMode,
      activators: rev.numActivators,
      poke,
    });
  }

  /** One PA reconcile (instantaneous), then act on it: replicas, SKS and requeue. */
  reconcile(now: number, cause: ReconcileCause = 'watch'): void {
    const rev = this.revision;
    const input = {
      nowSeconds: now,
      pods: rev.podCounts(),
      sks: { specMode: rev.sksSpecMode, activatorEndpointsPopulatedSinceSeconds: rev.activatorEndpointsPopulatedSince },
      // The synchronous probe of the public service answers from an activator iff the SKS is in Proxy.
      activatorInPath: rev.sksEffectiveMode === 'Proxy',
      deploymentReplicas: rev.replicas,
    };
    const out = this.pipeline.reconcile(input);
    rev.world.recorder.reconcile?.(rev, now, input, out, cause);
    if (out.applyReplicas !== undefined) rev.setReplicas(out.applyReplicas, now);
    rev.setSks(out.sksMode, out.numActivators, now);
    const requeue = out.requeueAfterSeconds;
    if (requeue !== undefined) this.requeue(now + requeue);
    rev.service.onRevisionStatus(rev, now);
  }

  private watchPendingAt = Number.NaN;

  /**
   * A watched object (the SKS) changed: reconcile the PA once more at this instant, after
   * everything else due then (an informer event, not a recursive call).
   */
  watchReconcile(now: number): void {
    if (this.watchPendingAt === now) return;
    this.watchPendingAt = now;
    this.revision.world.sim.at(now, this.onWatch, this, WATCH_RECONCILE_PRIORITY);
  }

  private onWatch(this: void, self: RevisionAutoscaler): void {
    self.watchPendingAt = Number.NaN;
    self.reconcile(self.revision.world.sim.now, 'watch');
  }

  private requeue(at: number): void {
    // Keep only the earliest pending requeue, as a workqueue's AddAfter does.
    if (at >= this.requeueAt) return;
    this.requeueAt = at;
    this.revision.world.sim.at(at, this.onRequeue, this);
  }

  private onRequeue(this: void, self: RevisionAutoscaler): void {
    const now = self.revision.world.sim.now;
    if (now !== self.requeueAt) return; // superseded by an earlier one that already ran
    self.requeueAt = Number.POSITIVE_INFINITY;
    self.reconcile(now, 'requeue');
  }
}
