/**
 * The controller's per-revision decision loop: core's {@link AutoscalerPipeline} (the same
 * code the simulator runs) plus what a controller must add around it — the time of the
 * last good scrape (stale or missing metrics hold the scale), pending reconciles and
 * requeues, and the SKS as the KPA would have programmed it. No I/O and no timers: the
 * controller calls in at its scrape (1 s) and decide (2 s) ticks with the time.
 */
import {
  AutoscalerPipeline,
  reconcileSksStatus,
  type KpaScaleOutput,
  type PipelineEvaluation,
  type PipelineReconcileInput,
  type PodStat,
  type RevisionAutoscaling,
  type SksMode,
} from '../core/autoscaler/index.js';
import type { PodCounts } from './pods.js';

export interface RevisionLoopOptions {
  namespace: string;
  name: string;
  autoscaling: RevisionAutoscaling;
  nowSeconds: number;
  /** Ready pods of a revision that was already running (see AutoscalerPipelineInit); undefined for a new one. */
  existingPods?: number | undefined;
  /**
   * With pods ready, a decision needs a good scrape within this many seconds; older data
   * holds the current scale instead of deciding on it.
   */
  staleAfterSeconds: number;
}

/** Why a tick did not decide. */
export type HoldReason = 'stale-metrics' | 'pods-unknown';

/** One decide tick's outcome. */
export interface LoopDecision {
  nowSeconds: number;
  poke: boolean;
  /** Ready pods given to the decider (undefined: the pod list is unavailable). */
  readyPods: number | undefined;
  /** The evaluation, unless the tick was held. */
  evaluation: PipelineEvaluation | undefined;
  hold: HoldReason | undefined;
  /** A reconcile is due (the multiscaler notified). */
  notify: boolean;
}

/** What the loop decided at one tick, for logs and the shadow CSV. */
export interface DecisionRow {
  time: number;
  namespace: string;
  revision: string;
  valid: boolean;
  hold: HoldReason | '';
  readyPods: number | undefined;
  observedStable: number;
  observedPanic: number;
  /** The decider's desired pod count (its last DesiredScale when this tick was invalid). */
  desired: number;
  /** The scale the KPA step heads for (PA DesiredScale after reconciles; −1 unknown). */
  want: number;
  inPanic: boolean;
  excessBurstCapacity: number;
  poke: boolean;
}

/** A reconcile's result as the controller acts on it. */
export interface LoopReconcile {
  output: KpaScaleOutput;
  /** Patch the Deployment to this many replicas, if defined. */
  applyReplicas: number | undefined;
}

export class RevisionLoop {
  readonly namespace: string;
  readonly name: string;
  readonly pipeline: AutoscalerPipeline;
  readonly staleAfterSeconds: number;
  /** The revision was running before this loop started (its decider status was assumed from its pods). */
  readonly takenOver: boolean;
  /** A decider evaluation has been valid since the loop started. */
  private decided = false;
  /** Last time a scrape attempt succeeded (a stat, or no pods to scrape). */
  private lastGoodScrape: number;
  /** Since when ready pods have been > 0 (undefined while there are none). */
  private readySince: number | undefined;
  /** The SKS spec mode the KPA last chose, and when ActivatorEndpointsPopulated turned True. */
  private sksMode: SksMode = 'Proxy';
  private activatorPopulatedSince: number | undefined;
  private lastReconciledPods: PodCounts | undefined;
  private requeueAt = Number.POSITIVE_INFINITY;
  /** A reconcile that was asked for but has not run (e.g. held, or the replicas could not be read). */
  private pending = false;

  constructor(o: RevisionLoopOptions) {
    this.namespace = o.namespace;
    this.name = o.name;
    this.staleAfterSeconds = o.staleAfterSeconds;
    this.takenOver = o.existingPods !== undefined;
    this.pipeline = new AutoscalerPipeline({ autoscaling: o.autoscaling, nowSeconds: o.nowSeconds, existingPods: o.existingPods });
    this.lastGoodScrape = o.nowSeconds;
    if (o.existingPods !== undefined && o.existingPods > 0) {
      this.readySince = o.nowSeconds;
      // A running revision with enough capacity has had the activator out of its path.
      this.sksMode = this.pipeline.status.excessBurstCapacity >= 0 ? 'Serve' : 'Proxy';
    }
    if (this.sksMode === 'Proxy') this.activatorPopulatedSince = o.nowSeconds;
  }

  /** The PA's DesiredScale (−1 unknown). */
  get want(): number {
    return this.pipeline.pa.desiredScale;
  }

  /**
   * Whether the loop has decided on data: a decider evaluation has been valid. Until then a
   * taken-over revision's decider status is only what its pod count suggested.
   */
  get hasDecided(): boolean {
    return this.decided;
  }

  /** The SKS spec mode the KPA step last chose. */
  get sksSpecMode(): SksMode {
    return this.sksMode;
  }

  /** Notes the revision's current pods (from a pod list). Returns true if a reconcile is due because they changed. */
  observePods(nowSeconds: number, counts: PodCounts): boolean {
    this.noteReady(nowSeconds, counts.ready);
    const prev = this.lastReconciledPods;
    const changed =
      prev !== undefined &&
      (prev.ready !== counts.ready || prev.notReady !== counts.notReady || prev.pending !== counts.pending || prev.terminating !== counts.terminating);
    if (changed) this.pending = true;
    return changed;
  }

  private noteReady(nowSeconds: number, ready: number | undefined): void {
    if (ready === undefined) return;
    if (ready > 0) this.readySince ??= nowSeconds;
    else this.readySince = undefined;
  }

  /** A scraped revision total, stamped by the caller's clock when the scrape finished. */
  recordScrape(stat: PodStat): void {
    this.pipeline.recordScrape(stat);
    this.lastGoodScrape = Math.max(this.lastGoodScrape, stat.timeSeconds);
  }

  /** A scrape attempt that found nothing to scrape: a success (nothing to record). */
  recordEmptyScrape(nowSeconds: number): void {
    this.lastGoodScrape = Math.max(this.lastGoodScrape, nowSeconds);
  }

  /** A pushed stat (e.g. an activator's); returns true when it pokes the decider (evaluate at once). */
  recordPushed(stat: PodStat): boolean {
    return this.pipeline.recordPushed(stat);
  }

  /**
   * Whether decisions must hold: pods are scraped, some are ready, and there has been no
   * good scrape for `staleAfterSeconds` since they became ready.
   */
  isStale(nowSeconds: number): boolean {
    if (!this.pipeline.scrapes || this.readySince === undefined) return false;
    return nowSeconds - Math.max(this.lastGoodScrape, this.readySince) > this.staleAfterSeconds;
  }

  /**
   * One decider evaluation (a tick, or `poke`). Held — no evaluation, no state change —
   * while metrics are stale; with the pods unknown the decider itself returns invalid.
   */
  decide(nowSeconds: number, readyPods: number | undefined, poke = false): LoopDecision {
    this.noteReady(nowSeconds, readyPods);
    if (readyPods !== undefined && this.isStale(nowSeconds)) {
      return { nowSeconds, poke, readyPods, evaluation: undefined, hold: 'stale-metrics', notify: false };
    }
    const evaluation = this.pipeline.evaluate(nowSeconds, readyPods);
    if (evaluation.result.scaleValid) this.decided = true;
    if (evaluation.notify) this.pending = true;
    const hold = readyPods === undefined ? 'pods-unknown' : undefined;
    return { nowSeconds, poke, readyPods, evaluation, hold, notify: evaluation.notify };
  }

  /** A reconcile is waiting: notified, pods changed, or a requeue is due. */
  reconcileDue(nowSeconds: number): boolean {
    return this.pending || nowSeconds >= this.requeueAt;
  }

  /**
   * One PA reconcile with the SKS as the KPA last programmed it. `activatorInPath` defaults
   * to "the SKS is effectively in Proxy" (the activator answers the probe then).
   */
  reconcile(
    nowSeconds: number,
    pods: PipelineReconcileInput['pods'],
    deploymentReplicas: number,
    sks?: Partial<PipelineReconcileInput['sks']> & { activatorInPath?: boolean },
  ): LoopReconcile {
    const specMode = sks?.specMode ?? this.sksMode;
    const populatedSince = sks && 'activatorEndpointsPopulatedSinceSeconds' in sks ? sks.activatorEndpointsPopulatedSinceSeconds : this.activatorPopulatedSince;
    const effectiveProxy = specMode === 'Proxy' || pods.ready === 0;
    const output = this.pipeline.reconcile({
      nowSeconds,
      pods,
      sks: { specMode, activatorEndpointsPopulatedSinceSeconds: populatedSince },
      activatorInPath: sks?.activatorInPath ?? effectiveProxy,
      deploymentReplicas,
    });
    this.pending = false;
    this.lastReconciledPods = { ready: pods.ready, notReady: pods.notReady ?? 0, pending: pods.pending ?? 0, terminating: pods.terminating ?? 0 };
    // The SKS reconciler's view of the new spec mode (activators assumed healthy).
    this.sksMode = output.sksMode;
    this.activatorPopulatedSince = reconcileSksStatus({
      nowSeconds,
      specMode: output.sksMode,
      privateReadyPods: pods.ready,
      activatorReadyEndpoints: 1,
      prevActivatorEndpointsPopulatedSinceSeconds: this.activatorPopulatedSince,
    }).activatorEndpointsPopulatedSinceSeconds;
    const requeue = output.requeueAfterSeconds;
    if (nowSeconds >= this.requeueAt) this.requeueAt = Number.POSITIVE_INFINITY;
    // Keep only the earliest pending requeue, as a workqueue's AddAfter does.
    if (requeue !== undefined) this.requeueAt = Math.min(this.requeueAt, nowSeconds + requeue);
    return { output, applyReplicas: output.applyReplicas };
  }

  /** Keeps a reconcile pending (its inputs could not be read, or its write must be retried). */
  deferReconcile(): void {
    this.pending = true;
  }

  /** The pending reconcile was handled without a KPA step (nothing decided yet to act on). */
  settle(): void {
    this.pending = false;
  }

  /** The row for a decide tick, with the PA's view after any reconcile it caused. */
  row(d: LoopDecision): DecisionRow {
    const ev = d.evaluation;
    const valid = ev?.result.scaleValid ?? false;
    const status = this.pipeline.status;
    return {
      time: d.nowSeconds,
      namespace: this.namespace,
      revision: this.name,
      valid,
      hold: d.hold ?? '',
      readyPods: d.readyPods,
      observedStable: ev?.observation ? ev.observation.observedStable : Number.NaN,
      observedPanic: ev?.observation ? ev.observation.observedPanic : Number.NaN,
      desired: ev && valid ? ev.result.desiredPodCount : status.desiredScale,
      want: this.want,
      inPanic: this.pipeline.decider.inPanic,
      excessBurstCapacity: status.excessBurstCapacity,
      poke: d.poke,
    };
  }
}
