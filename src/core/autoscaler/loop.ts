/**
 * One revision's decision loop, as the simulator and the controller adapter both run it:
 * the autoscaler class's metric pipeline and decider (see `classes.ts`), the PodAutoscaler
 * reconcile, requeues, pending reconciles, the hold on stale metrics, and one
 * {@link DecisionRecord} per decider evaluation.
 *
 * Clock-injected: every call takes the time in seconds. The loop has no timers; it says
 * when it next wants to run ({@link DecisionLoop.nextTickSeconds}, the `requeueAt` of a
 * reconcile, {@link DecisionLoop.queueReconcile}) and the caller schedules that — on the
 * simulator's event queue, or with the controller's clock. The caller also owns the I/O:
 * it supplies scraped and pushed stats, pod counts, replicas and the SKS, and acts on a
 * reconcile's output (replicas, SKS spec, PA status).
 */
import { MIN_ACTIVATORS } from './activators.js';
import {
  defaultAutoscalerClasses,
  type AutoscalerClassInstance,
  type AutoscalerClassRegistry,
  type ClassEvaluation,
  type ClassReconcileInput,
  type ClassReconcileOutput,
  type ScaleBounds,
} from './classes.js';
import type { PodStat } from './collection.js';
import type { KpaScaleInput } from './kpa.js';
import type { PodAutoscalerState } from './pa-status.js';
import { DECIDER_PERIOD_SECONDS } from './pipeline.js';
import type { RevisionAutoscaling } from './revision.js';
import { reconcileSksStatus, type SksMode } from './sks.js';

/**
 * Why the PA was reconciled: the multiscaler's notification after an evaluation, a
 * requeue coming due, the route changing its reachability, a watched object (the PA
 * itself, the revision's pods, its SKS) changing, or the resync of every PA that a
 * config-autoscaler change triggers.
 */
export type ReconcileCause = 'notify' | 'requeue' | 'reachability' | 'watch' | 'resync';

/** Why a tick did not decide on data: the scrapes went stale, or the pods could not be counted. */
export type HoldReason = 'stale-metrics' | 'pods-unknown';

/** The revision's pod counts by Kubernetes state (only `ready` drives decisions). */
export type PodCounts = KpaScaleInput['pods'];

/** One decider evaluation (or held tick) with what the PA made of it: a row of autoscaler.csv. */
export interface DecisionRecord {
  time: number;
  /** The revision's name. */
  revision: string;
  /** The evaluation decided on data. */
  valid: boolean;
  /** Set when the tick was held or the pods were unknown. */
  hold?: HoldReason;
  /** Ready pods given to the decider (NaN: the pod list was unavailable). */
  readyPods: number;
  observedStable: number;
  observedPanic: number;
  /** The decider's desired pod count (its last DesiredScale when this tick was invalid). */
  desired: number;
  /** The scale the PA heads for after any reconcile this tick caused (−1 unknown). */
  want: number;
  inPanic: boolean;
  excessBurstCapacity: number;
  /** The SKS mode as the caller sees it (the simulator: effective; the adapter: the spec the loop chose). */
  sksMode: SksMode;
  /** The SKS's activator count as the caller sees it. */
  activators: number;
  /** The evaluation was a poke (a pushed stat at scale zero), not a tick. */
  poke: boolean;
}

/** One decide step's outcome, before it becomes a {@link DecisionRecord}. */
export interface DecisionTick {
  nowSeconds: number;
  poke: boolean;
  readyPods: number | undefined;
  /** The class's evaluation, unless the tick was held. */
  evaluation: ClassEvaluation | undefined;
  hold: HoldReason | undefined;
  /** The multiscaler notified: a reconcile is due now. */
  notify: boolean;
}

/** How one revision's loop starts. */
export interface DecisionLoopInit {
  /** The revision's name (records are keyed by it). */
  revision: string;
  /** The revision's resolved settings; `autoscaling.class` chooses the autoscaler class. */
  autoscaling: RevisionAutoscaling;
  nowSeconds: number;
  /** Ready pods of a revision that was running before the loop started; undefined for a new one. */
  existingPods?: number | undefined;
  /**
   * The autoscaler process restarted: the PodAutoscaler status as stored, the ready pods
   * now, and the SKS's spec mode as programmed before (default Proxy). The class starts
   * over from these (the KPA: empty metrics, a new decider; see
   * `AutoscalerPipelineInit.restart`); the loop has no requeue or reconcile pending.
   */
  restart?: { pa: PodAutoscalerState; readyPods: number; sksMode?: SksMode } | undefined;
  /** When the decider first ticks (default: one period after `nowSeconds`, as a new ticker does). */
  firstTickSeconds?: number | undefined;
  /**
   * With pods ready, a decision needs a good scrape within this many seconds; older data
   * holds the scale instead (default: never hold, as when every scrape succeeds).
   */
  staleAfterSeconds?: number | undefined;
  /** Where the class named by `autoscaling.class` is looked up (default: the KPA and the HPA class). */
  classes?: AutoscalerClassRegistry | undefined;
}

/**
 * The SKS as the caller read it for one reconcile. Each field left out is the loop's own
 * model of the SKS it programmed: the spec mode it last chose, ActivatorEndpointsPopulated
 * since it went to Proxy, activators in the path iff effectively in Proxy, provisioned
 * after the first reconcile.
 */
export interface LoopSksInput {
  specMode?: SksMode;
  activatorEndpointsPopulatedSinceSeconds?: number | undefined;
  activatorInPath?: boolean;
  provisioned?: boolean;
  /**
   * False while the SKS does not name its public service yet: the PA's
   * ScaleTargetInitialized then waits (it does not become true in this reconcile).
   */
  publicServiceNamed?: boolean;
}

/** The caller's view of the revision for one reconcile. */
export interface LoopReconcileInput {
  pods: PodCounts;
  /** The Deployment's replicas now. */
  deploymentReplicas: number;
  /** The SKS as read (undefined: the loop's model of it). */
  sks?: LoopSksInput | undefined;
}

/** One reconcile's result. */
export interface LoopReconcile {
  /** What the class was given (time, pods, replicas, SKS), for logs and replays. */
  input: ClassReconcileInput;
  output: ClassReconcileOutput;
  /** Patch the Deployment to this many replicas, if defined. */
  applyReplicas: number | undefined;
  /** A requeue that is now the earliest pending one: run {@link DecisionLoop.takeRequeue} then. */
  requeueAt: number | undefined;
  /**
   * The loop's model of the SKS came into being with this reconcile: the SKS reconciler
   * reports its private service, and the PA, which watches its SKS, is reconciled again at
   * this instant (a reconcile is pending). Never set when the caller read a real SKS: its
   * own watch sees the status change.
   */
  sksProvisioned: boolean;
}

const DEFAULT_CLASSES = defaultAutoscalerClasses();

/**
 * The class instance's state the loop shows its caller as it is (see
 * {@link AutoscalerClassInstance} for each): the PA status, reachability, whether pods are
 * scraped and over which stable window, and whether the SKS is provisioned.
 */
export type DecisionLoopClassView = Pick<AutoscalerClassInstance, 'pa' | 'reachable' | 'scrapes' | 'stableWindowSeconds' | 'sksProvisioned'>;

/** The decision loop of one revision. */
export class DecisionLoop implements DecisionLoopClassView {
  readonly revision: string;
  /** The revision's settings in force (replaced by {@link update}). */
  autoscaling: RevisionAutoscaling;
  /** The revision was running before the loop started (its decider status was assumed from its pods). */
  readonly takenOver: boolean;
  readonly staleAfterSeconds: number;
  private readonly cls: AutoscalerClassInstance;
  private readonly firstTick: number;
  /** Seconds between ticks: the class's own period, else the KPA decider's. */
  private readonly tickPeriod: number;
  private ticks = 0;
  /** A decider evaluation has been valid since the loop started. */
  private decided = false;
  /** Last time a scrape attempt succeeded (a stat, or no pods to scrape). */
  private lastGoodScrape: number;
  /** Since when ready pods have been > 0 (undefined while there are none). */
  private readySince: number | undefined;
  /** The SKS spec mode the class last chose, and when ActivatorEndpointsPopulated turned True. */
  private sksMode: SksMode = 'Proxy';
  private sksActivators = MIN_ACTIVATORS;
  private activatorPopulatedSince: number | undefined;
  private lastReconciledPods: Required<PodCounts> | undefined;
  /** The earliest pending requeue (a workqueue's AddAfter keeps only the earliest). */
  private requeueSeconds = Number.POSITIVE_INFINITY;
  /** A reconcile is owed: notified, pods or a watched object changed, or one could not run. */
  private pending = false;
  /** The instant for which a queued reconcile run is scheduled (NaN: none). */
  private queuedAt = Number.NaN;

  constructor(init: DecisionLoopInit) {
    const now = init.nowSeconds;
    this.revision = init.revision;
    this.autoscaling = init.autoscaling;
    this.takenOver = init.existingPods !== undefined;
    this.staleAfterSeconds = init.staleAfterSeconds ?? Number.POSITIVE_INFINITY;
    const cls = (init.classes ?? DEFAULT_CLASSES).get(init.autoscaling.class);
    const restart = init.restart;
    this.cls = cls.create({ autoscaling: init.autoscaling, existingPods: init.existingPods, restart, revision: init.revision }, now);
    // The status is the API server's: a class that ignores `restart` takes it this way.
    if (restart !== undefined) this.cls.adoptPa({ ...restart.pa });
    this.tickPeriod = this.cls.tickPeriodSeconds ?? DECIDER_PERIOD_SECONDS;
    this.firstTick = init.firstTickSeconds ?? now + this.tickPeriod;
    this.lastGoodScrape = now;
    if (init.existingPods !== undefined && init.existingPods > 0) {
      this.readySince = now;
      // A running revision with enough capacity has had the activator out of its path.
      this.sksMode = this.cls.status().excessBurstCapacity >= 0 ? 'Serve' : 'Proxy';
    } else if (restart !== undefined) {
      if (restart.readyPods > 0) this.readySince = now;
      this.sksMode = restart.sksMode ?? 'Proxy';
    }
    if (this.sksMode === 'Proxy') this.activatorPopulatedSince = now;
  }

  // ---- what the caller reads ---------------------------------------------------------------

  // The class instance's view, passed through as it is (written out: the scrape reads
  // `scrapes` every second, and one getter per key beats a generic keyed lookup).
  get pa(): PodAutoscalerState {
    return this.cls.pa;
  }

  get reachable(): boolean {
    return this.cls.reachable;
  }

  get scrapes(): boolean {
    return this.cls.scrapes;
  }

  get stableWindowSeconds(): number {
    return this.cls.stableWindowSeconds;
  }

  get sksProvisioned(): boolean {
    return this.cls.sksProvisioned;
  }

  /** Seconds between the decider's ticks (the class's own period, else the KPA decider's). */
  get tickPeriodSeconds(): number {
    return this.tickPeriod;
  }

  /** When the decider ticks next: first + k × period, so ticks do not drift. */
  get nextTickSeconds(): number {
    return this.firstTick + this.ticks * this.tickPeriod;
  }

  /** The earliest pending requeue (Infinity: none). */
  get requeueAt(): number {
    return this.requeueSeconds;
  }

  /** Whether the class is in its panic mode now (the KPA's decider; false for classes without one). */
  get inPanic(): boolean {
    return this.cls.status().inPanic;
  }

  /** The PA's DesiredScale (−1 unknown). */
  get want(): number {
    return this.cls.pa.desiredScale;
  }

  /** The SKS spec mode the class last chose (the loop's model of the SKS). */
  get sksSpecMode(): SksMode {
    return this.sksMode;
  }

  /** The SKS spec as the class last programmed it (mode and activators), for records. */
  get sksSpec(): { mode: SksMode; activators: number } {
    return { mode: this.sksMode, activators: this.sksActivators };
  }

  /**
   * Whether the loop has decided on data: a decider evaluation has been valid. Until then a
   * taken-over revision's decider status is only what its pod count suggested.
   */
  get hasDecided(): boolean {
    return this.decided;
  }

  /** The Deployment replica bounds of the class now. */
  scaleBounds(): ScaleBounds {
    return this.cls.scaleBounds();
  }

  /** The class's state as plain data, if it offers one. */
  snapshot(): unknown {
    return this.cls.snapshot?.();
  }

  // ---- metrics -----------------------------------------------------------------------------

  /** A scraped revision total, stamped with the time the scrape finished. */
  recordScrape(stat: PodStat): void {
    this.cls.record(stat, 'scrape');
    if (stat.timeSeconds > this.lastGoodScrape) this.lastGoodScrape = stat.timeSeconds;
  }

  /** A scrape attempt that found nothing to scrape: a success (nothing to record). */
  recordEmptyScrape(nowSeconds: number): void {
    if (nowSeconds > this.lastGoodScrape) this.lastGoodScrape = nowSeconds;
  }

  /** A pushed stat (an activator's); returns true when it pokes the decider: call {@link decide} with `poke` at once. */
  recordPushed(stat: PodStat): boolean {
    return this.cls.record(stat, 'push');
  }

  /** Notes the revision's current pods; returns true if a reconcile is now due because they changed since the last one. */
  observePods(nowSeconds: number, counts: PodCounts): boolean {
    this.noteReady(nowSeconds, counts.ready);
    const prev = this.lastReconciledPods;
    const changed =
      prev !== undefined &&
      (prev.ready !== counts.ready ||
        prev.notReady !== (counts.notReady ?? 0) ||
        prev.pending !== (counts.pending ?? 0) ||
        prev.terminating !== (counts.terminating ?? 0));
    if (changed) this.pending = true;
    return changed;
  }

  private noteReady(nowSeconds: number, ready: number | undefined): void {
    if (ready === undefined) return;
    if (ready > 0) this.readySince ??= nowSeconds;
    else this.readySince = undefined;
  }

  /**
   * Whether decisions must hold: pods are scraped, some are ready, and there has been no
   * good scrape for `staleAfterSeconds` since they became ready.
   */
  isStale(nowSeconds: number): boolean {
    if (!this.cls.scrapes || this.readySince === undefined) return false;
    return nowSeconds - Math.max(this.lastGoodScrape, this.readySince) > this.staleAfterSeconds;
  }

  // ---- deciding ----------------------------------------------------------------------------

  /** The decider's periodic tick at {@link nextTickSeconds}: {@link decide}, then the next tick is one period on. */
  tick(nowSeconds: number, readyPods: number | undefined): DecisionTick {
    this.ticks++;
    return this.decide(nowSeconds, readyPods, false);
  }

  /**
   * One decider evaluation (a tick, or `poke`). Held — no evaluation, no state change —
   * while metrics are stale; with the pods unknown the decider itself returns invalid.
   * When it notifies, a reconcile is pending: run {@link reconcile} now.
   */
  decide(nowSeconds: number, readyPods: number | undefined, poke = false): DecisionTick {
    this.noteReady(nowSeconds, readyPods);
    if (readyPods !== undefined && this.isStale(nowSeconds)) {
      return { nowSeconds, poke, readyPods, evaluation: undefined, hold: 'stale-metrics', notify: false };
    }
    const evaluation = this.cls.evaluate(nowSeconds, readyPods, poke);
    if (evaluation.valid) this.decided = true;
    if (evaluation.notify) this.pending = true;
    const hold = readyPods === undefined ? 'pods-unknown' : undefined;
    return { nowSeconds, poke, readyPods, evaluation, hold, notify: evaluation.notify };
  }

  /** The record of a decide step, with the PA's view after any reconcile it caused and the SKS as the caller sees it. */
  record(d: DecisionTick, sks: { mode: SksMode; activators: number }): DecisionRecord {
    const ev = d.evaluation;
    const valid = ev?.valid ?? false;
    const status = this.cls.status();
    const r: DecisionRecord = {
      time: d.nowSeconds,
      revision: this.revision,
      valid,
      readyPods: d.readyPods ?? Number.NaN,
      observedStable: ev ? ev.observedStable : Number.NaN,
      observedPanic: ev ? ev.observedPanic : Number.NaN,
      desired: ev && valid ? ev.desiredPodCount : status.desiredScale,
      want: this.want,
      inPanic: status.inPanic,
      excessBurstCapacity: status.excessBurstCapacity,
      sksMode: sks.mode,
      activators: sks.activators,
      poke: d.poke,
    };
    if (d.hold !== undefined) r.hold = d.hold;
    return r;
  }

  // ---- reconciling -------------------------------------------------------------------------

  /** A reconcile is owed (a watched object changed, or one could not run or must be retried). */
  requestReconcile(): void {
    this.pending = true;
  }

  /**
   * For callers that run reconciles as events: a reconcile is owed at `nowSeconds`. Returns
   * true when no run is queued for this instant yet, so the caller must queue one (after
   * the current step, as an informer event) and call {@link dequeueReconcile} when it starts.
   */
  queueReconcile(nowSeconds: number): boolean {
    this.pending = true;
    if (this.queuedAt === nowSeconds) return false;
    this.queuedAt = nowSeconds;
    return true;
  }

  /** The queued run is starting; a later {@link queueReconcile} queues another. */
  dequeueReconcile(): void {
    this.queuedAt = Number.NaN;
  }

  /** A reconcile is waiting: notified, pods changed, requested, or a requeue is due. */
  reconcileDue(nowSeconds: number): boolean {
    return this.pending || nowSeconds >= this.requeueSeconds;
  }

  /**
   * The requeue is due at `nowSeconds` (its time has come): returns true and forgets it.
   * False when it was superseded or already taken.
   */
  takeRequeue(nowSeconds: number): boolean {
    if (nowSeconds < this.requeueSeconds) return false;
    this.requeueSeconds = Number.POSITIVE_INFINITY;
    return true;
  }

  /** The pending reconcile was handled without a class step (nothing decided yet to act on). */
  settle(): void {
    this.pending = false;
  }

  /**
   * The revision's reachability changed (the route moved it to or from `reserve`). Returns
   * true when the PA spec changed: a reconcile is then pending (run it now, or when due).
   */
  setReachable(reachable: boolean): boolean {
    if (!this.cls.setReachable(reachable)) return false;
    this.pending = true;
    return true;
  }

  /**
   * The revision's settings changed in place at `nowSeconds` (its annotations were patched,
   * or config-autoscaler changed): the class takes them (decider spec, metric windows,
   * bounds). Returns true when anything changed: a reconcile is then pending, as for any
   * change of the PA's spec. Resolve `autoscaling` as reachable; the route's view stays.
   */
  update(autoscaling: RevisionAutoscaling, nowSeconds: number): boolean {
    if (this.cls.update === undefined || !this.cls.update(autoscaling, nowSeconds)) return false;
    this.autoscaling = autoscaling;
    this.pending = true;
    return true;
  }

  /** Takes over a PodAutoscaler status written elsewhere (another replica, or before a restart). */
  adoptPa(state: PodAutoscalerState): void {
    this.cls.adoptPa(state);
  }

  /**
   * One PA reconcile with the caller's pods, replicas and SKS (or the loop's model of the
   * SKS), then the loop's bookkeeping: nothing pending, the SKS as the class programmed
   * it, and the requeue it asked for (only the earliest is kept).
   */
  reconcile(nowSeconds: number, i: LoopReconcileInput): LoopReconcile {
    const input = this.classInput(nowSeconds, i);
    const wasInitialized = this.cls.pa.scaleTargetInitialized;
    const wasProvisioned = this.cls.sksProvisioned;
    const output = this.cls.reconcile(input);
    if (i.sks?.publicServiceNamed === false && !wasInitialized && this.cls.pa.scaleTargetInitialized) {
      // Not initialized before the SKS names a public service.
      this.cls.adoptPa({ ...this.cls.pa, scaleTargetInitialized: false });
    }
    // Upstream stops after creating the SKS (want −1, nothing scaled); the SKS status naming
    // its private service brings the PA back, and only then are the bounds applied.
    const sksProvisioned = i.sks?.provisioned === undefined && !wasProvisioned && this.cls.sksProvisioned;
    this.pending = sksProvisioned;
    const pods = i.pods;
    this.lastReconciledPods = { ready: pods.ready, notReady: pods.notReady ?? 0, pending: pods.pending ?? 0, terminating: pods.terminating ?? 0 };
    // The SKS reconciler's view of the new spec mode (activators assumed healthy).
    this.sksMode = output.sksMode;
    this.sksActivators = output.numActivators;
    this.activatorPopulatedSince = reconcileSksStatus({
      nowSeconds,
      specMode: output.sksMode,
      privateReadyPods: pods.ready,
      activatorReadyEndpoints: 1,
      prevActivatorEndpointsPopulatedSinceSeconds: this.activatorPopulatedSince,
    }).activatorEndpointsPopulatedSinceSeconds;
    let requeueAt: number | undefined;
    if (output.requeueAfterSeconds !== undefined) {
      let at = nowSeconds + output.requeueAfterSeconds;
      // A requeue after a delay is a later instant, even where the clock is too coarse to add
      // the delay (past 2^24 s a nanosecond is under half its step): else it would run now, forever.
      if (output.requeueAfterSeconds > 0 && !(at > nowSeconds)) at = nextInstant(nowSeconds);
      if (at < this.requeueSeconds) requeueAt = this.requeueSeconds = at;
    }
    return { input, output, applyReplicas: output.applyReplicas, requeueAt, sksProvisioned };
  }

  private classInput(nowSeconds: number, i: LoopReconcileInput): ClassReconcileInput {
    const sks = i.sks;
    const specMode = sks?.specMode ?? this.sksMode;
    const populatedSince = sks && 'activatorEndpointsPopulatedSinceSeconds' in sks ? sks.activatorEndpointsPopulatedSinceSeconds : this.activatorPopulatedSince;
    const effectiveProxy = specMode === 'Proxy' || i.pods.ready === 0;
    return {
      nowSeconds,
      pods: i.pods,
      sks: { specMode, activatorEndpointsPopulatedSinceSeconds: populatedSince, provisioned: sks?.provisioned },
      activatorInPath: sks?.activatorInPath ?? effectiveProxy,
      deploymentReplicas: i.deploymentReplicas,
    };
  }
}

const nextInstantBits = new Float64Array(1);
const nextInstantWord = new BigInt64Array(nextInstantBits.buffer);

/** The smallest double after `t` (≥ 0, finite): the next instant the clock can hold. */
function nextInstant(t: number): number {
  nextInstantBits[0] = t + 0; // −0 + 0 is +0, whose successor is positive
  nextInstantWord[0]! += 1n;
  return nextInstantBits[0]!;
}
