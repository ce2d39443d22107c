import { Decider } from '../core/autoscaler/decider.js';
import { MetricCollection } from '../core/autoscaler/collection.js';
import { applyScaleResult, newDeciderStatus, type DeciderStatus } from '../core/autoscaler/initial-ebc.js';
import { kpaReconcile, type KpaSettings } from '../core/autoscaler/kpa.js';
import { newPodAutoscalerState, type PodAutoscalerState } from '../core/autoscaler/pa-status.js';
import { populationMeanSampleSize } from '../core/autoscaler/sample-size.js';
import type { RandomStream } from '../engine/random.js';
import type { Pod } from './pod.js';
import type { Revision } from './revision.js';

/** Scrape and decide periods (pkg/autoscaler/metrics/collector.go, scaling/multiscaler.go). */
export const SCRAPE_PERIOD_SECONDS = 1;
export const DECIDER_PERIOD_SECONDS = 2;

/** How long ago a pre-existing revision's PA changed state: far enough that no timer is pending. */
const LONG_AGO_SECONDS = 86_400;

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
  readonly decider: Decider;
  readonly collection: MetricCollection;
  status: DeciderStatus;
  pa: PodAutoscalerState;
  private settings: KpaSettings;
  private readonly scrapeRandom: RandomStream;
  private sksProvisioned: boolean;
  private requeueAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly revision: Revision,
    now: number,
  ) {
    const a = revision.spec.autoscaling;
    const pre = revision.spec.initialPods;
    // A fresh revision's decider cannot count pods yet (0). A revision deployed before the run
    // has had its decider for a long time: it is not restarting, so it does not start in panic.
    this.decider = new Decider(a.deciderSpec, pre === undefined ? { nowSeconds: now } : { nowSeconds: now, readyPods: Math.min(pre, 1) });
    this.collection = new MetricCollection({
      stableWindowSeconds: a.deciderSpec.stableWindowSeconds,
      panicWindowSeconds: a.panicWindowSeconds,
      // TBC = −1 keeps the activator in the path, so pods are not scraped.
      scrapeTarget: a.deciderSpec.targetBurstCapacity !== -1,
      aggregationAlgorithm: a.aggregationAlgorithm,
    });
    this.status = newDeciderStatus(a.deciderSpec, a.initialScale);
    if (pre !== undefined) {
      // What its last evaluations left behind: DesiredScale = the pods it has, EBC at no load.
      const tbc = a.deciderSpec.targetBurstCapacity;
      this.status = {
        desiredScale: pre,
        excessBurstCapacity: tbc === 0 ? 0 : tbc < 0 ? -1 : Math.floor(pre * a.deciderSpec.totalValue - tbc),
      };
    }
    this.settings = {
      minScale: a.minScale,
      maxScale: a.maxScale,
      initialScale: a.initialScale,
      reachable: a.deciderSpec.reachable,
      enableScaleToZero: a.enableScaleToZero,
      stableWindowSeconds: a.deciderSpec.stableWindowSeconds,
      scaleToZeroGracePeriodSeconds: a.scaleToZeroGracePeriodSeconds,
      scaleToZeroPodRetentionPeriodSeconds: a.scaleToZeroPodRetentionPeriodSeconds,
      targetBurstCapacity: a.deciderSpec.targetBurstCapacity,
      activationTimeoutSeconds: a.activationTimeoutSeconds,
      totalValue: a.deciderSpec.totalValue,
      activatorCapacity: a.activatorCapacity,
    };
    if (pre === undefined) {
      this.pa = newPodAutoscalerState(now);
      this.sksProvisioned = false;
    } else {
      // Deployed long before the run: Active with its pods, or Inactive at zero.
      this.pa = {
        active: pre > 0 ? 'Active' : 'Inactive',
        reason: pre > 0 ? '' : 'NoTraffic',
        lastTransitionSeconds: now - LONG_AGO_SECONDS,
        scaleTargetInitialized: true,
        desiredScale: pre,
        actualScale: pre,
      };
      this.sksProvisioned = true;
    }
    this.scrapeRandom = revision.world.sim.random.stream(`autoscaler/${revision.spec.name}/scrape`);
    const phases = revision.world.sim.random.stream(`autoscaler/${revision.spec.name}/phase`);
    const sim = revision.world.sim;
    sim.every(now + phases.uniform(0, SCRAPE_PERIOD_SECONDS), SCRAPE_PERIOD_SECONDS, this.scrape, this);
    // The decider's ticker starts when it is created, so revisions tick at different phases;
    // one that existed before the run was created at some unknown earlier time.
    const firstTick = pre === undefined ? now + DECIDER_PERIOD_SECONDS : now + phases.uniform(0, DECIDER_PERIOD_SECONDS);
    sim.every(firstTick, DECIDER_PERIOD_SECONDS, this.tick, this);
  }

  /**
   * The revision's routing state changed (active ↔ reserve). An Unreachable revision loses
   * min-scale, pod retention, the initial-scale floor, the scale-down rate limit and delay.
   */
  setReachable(reachable: boolean, now: number): void {
    if (this.settings.reachable === reachable) return;
    const a = this.revision.spec.autoscaling;
    this.settings = {
      ...this.settings,
      reachable,
      minScale: reachable ? a.minScale : 0,
      scaleToZeroPodRetentionPeriodSeconds: reachable ? a.scaleToZeroPodRetentionPeriodSeconds : 0,
    };
    this.decider.update({ ...a.deciderSpec, reachable });
    // A changed PA spec triggers a reconcile.
    this.reconcile(now);
  }

  get reachable(): boolean {
    return this.settings.reachable;
  }

  get want(): number {
    return this.pa.desiredScale;
  }

  /** Every 1 s: sample the ready pods' latest queue-proxy reports and record the estimated revision total. */
  private scrape(this: void, self: RevisionAutoscaler): void {
    const rev = self.revision;
    if (rev.spec.autoscaling.deciderSpec.targetBurstCapacity === -1) return;
    const pods = rev.readyPods;
    const n = pods.length;
    if (n === 0) return;
    const sample = populationMeanSampleSize(n);
    const now = rev.world.sim.now;
    let conc = 0;
    let proxiedConc = 0;
    let count = 0;
    let proxiedCount = 0;
    const add = (p: Pod): void => {
      const r = p.lastReport;
      conc += r.averageConcurrency;
      proxiedConc += r.averageProxiedConcurrency;
      count += r.requestCount;
      proxiedCount += r.proxiedRequestCount;
    };
    if (sample >= n) {
      for (const p of pods) add(p);
    } else {
      for (const p of self.pickSample(pods, sample, now)) add(p);
    }
    const scale = n / sample;
    const stat = {
      timeSeconds: now,
      averageConcurrentRequests: conc * scale,
      averageProxiedConcurrentRequests: proxiedConc * scale,
      requestCount: count * scale,
      proxiedRequestCount: proxiedCount * scale,
    };
    self.collection.record(stat);
    rev.world.recorder.stat?.(rev, stat, 'scrape');
  }

  /** Old pods (up a stable window) first, shuffled; young ones make up the rest (stats_scraper.go). */
  private pickSample(pods: readonly Pod[], size: number, now: number): Pod[] {
    const window = this.revision.spec.autoscaling.deciderSpec.stableWindowSeconds;
    const old = pods.filter((p) => now - p.createdAt >= window);
    const young = pods.filter((p) => now - p.createdAt < window);
    const shuffle = (a: Pod[]): Pod[] => {
      for (let i = a.length - 1; i > 0; i--) {
        const j = this.scrapeRandom.int(i + 1);
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      return a;
    };
    if (old.length >= size) return shuffle(old).slice(0, size);
    return old.concat(shuffle(young)).slice(0, size);
  }

  /** An activator's pushed stat: record it, and poke the decider if the revision is at zero. */
  onActivatorStat(now: number, concurrency: number, requestCount: number): void {
    // The autoscaler stamps pushed stats with its own clock, to the second.
    const stat = { timeSeconds: Math.floor(now), averageConcurrentRequests: concurrency, requestCount: Math.max(requestCount, 0) };
    this.collection.record(stat);
    this.revision.world.recorder.stat?.(this.revision, stat, 'activator');
    if (this.status.desiredScale === 0 && concurrency !== 0) this.evaluate(now, true);
  }

  private tick(this: void, self: RevisionAutoscaler): boolean {
    if (self.revision.deleted) return false;
    self.evaluate(self.revision.world.sim.now, false);
    return true;
  }

  private evaluate(now: number, poke: boolean): void {
    const rev = this.revision;
    const ready = rev.readyPods.length;
    const result = this.decider.scale({ nowSeconds: now, readyPods: ready, metrics: this.collection });
    const { status, notify } = applyScaleResult(this.status, result);
    this.status = status;
    if (notify) this.reconcile(now);
    const obs = this.decider.lastObservation;
    rev.world.recorder.decision({
      time: now,
      revision: rev,
      valid: result.scaleValid,
      readyPods: ready,
      observedStable: result.scaleValid && obs ? obs.observedStable : Number.NaN,
      observedPanic: result.scaleValid && obs ? obs.observedPanic : Number.NaN,
      desired: result.scaleValid ? result.desiredPodCount : this.status.desiredScale,
      want: this.pa.desiredScale,
      inPanic: this.decider.inPanic,
      excessBurstCapacity: this.status.excessBurstCapacity,
      sksMode: rev.sksEffectiveMode,
      activators: rev.numActivators,
      poke,
    });
  }

  /** One PA reconcile (instantaneous), then act on it: replicas, SKS and requeue. */
  reconcile(now: number): void {
    const rev = this.revision;
    const out = kpaReconcile(this.pa, {
      nowSeconds: now,
      decider: { desiredScale: this.status.desiredScale, excessBurstCapacity: this.status.excessBurstCapacity },
      settings: this.settings,
      pods: rev.podCounts(),
      sks: {
        provisioned: this.sksProvisioned,
        specMode: rev.sksSpecMode,
        activatorEndpointsPopulatedSinceSeconds: rev.activatorEndpointsPopulatedSince,
      },
      // The synchronous probe of the public service answers from an activator iff the SKS is in Proxy.
      activatorInPath: rev.sksEffectiveMode === 'Proxy',
      deploymentReplicas: rev.replicas,
    });
    this.pa = out.state;
    this.sksProvisioned = true;
    if (out.applyReplicas !== undefined) rev.setReplicas(out.applyReplicas, now);
    rev.setSks(out.sksMode, out.numActivators, now);
    const requeue = out.requeueAfterSeconds;
    if (requeue !== undefined) this.requeue(now + requeue);
    rev.service.onRevisionStatus(rev, now);
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
    self.reconcile(now);
  }
}
