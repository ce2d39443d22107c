/**
 * One revision's autoscaler decision pipeline, as the simulator and the controller
 * adapter both run it: the metric collection fed by scraped and pushed stats, the
 * decider evaluated every 2 s (and on a poke), the multiscaler's status and notify
 * rule, and the KPA reconciler's scaler step with the revision's resolved settings.
 *
 * Pure and clock-injected: every call takes the time, nothing here schedules, draws
 * random numbers or does I/O. The caller owns the timers (scrape every
 * {@link SCRAPE_PERIOD_SECONDS}, decide every {@link DECIDER_PERIOD_SECONDS}, requeues)
 * and acts on a reconcile's output (patching replicas, programming the SKS).
 * {@link DecisionLoop} (`loop.ts`) does that bookkeeping; the KPA class (`classes.ts`)
 * wraps this pipeline.
 */
import { InvalidArgumentError } from '../errors.js';
import { requireCount } from './kpa-args.js';
import { MetricCollection, type PodStat } from './collection.js';
import { Decider, type DeciderObservation } from './decider.js';
import { applyScaleResult, newDeciderStatus, type DeciderStatus } from './initial-ebc.js';
import { kpaReconcile, type KpaScaleInput, type KpaScaleOutput, type KpaSettings } from './kpa.js';
import { newPodAutoscalerState, type PodAutoscalerState } from './pa-status.js';
import type { RevisionAutoscaling } from './revision.js';
import type { ScaleResult } from './types.js';

/** The collector scrapes each revision's pods this often (upstream collector scrapeTickInterval). */
export const SCRAPE_PERIOD_SECONDS = 1;
export { DECIDER_PERIOD_SECONDS } from './decider.js';

/** How long ago the PA of a revision that predates the autoscaler changed state: far enough that no timer is pending. */
export const EXISTING_REVISION_AGE_SECONDS = 86_400;

/** How the pipeline of one revision starts. */
export interface AutoscalerPipelineInit {
  /** The revision's resolved settings (`resolveRevisionAutoscaling`). */
  autoscaling: RevisionAutoscaling;
  /** The time the pipeline is created. */
  nowSeconds: number;
  /**
   * For a revision that was running before this autoscaler started (a simulation that
   * begins mid-life, or a controller taking over a live revision): its pods. The decider
   * then starts as after a restart, the decider status as its last evaluations left it
   * (DesiredScale = the pods, EBC at no load) and the PA Active (Inactive at zero) since
   * long ago with its SKS in place. Undefined for a revision created now.
   */
  existingPods?: number | undefined;
  /**
   * The autoscaler process restarted (its pod was replaced): the PodAutoscaler status as
   * stored, and the revision's ready pods now. Everything the old process held in memory is
   * gone: the metric windows start empty, and the decider starts as upstream creates one
   * (multiscaler.go, autoscaler.go): DesiredScale −1 with the initial EBC, and in panic,
   * holding the ready pods, when more than one is ready. The SKS is in place.
   */
  restart?: { pa: PodAutoscalerState; readyPods: number } | undefined;
}

/** One decider evaluation folded into the status. */
export interface PipelineEvaluation {
  nowSeconds: number;
  /** The ready pods the decider was given (undefined: they could not be counted). */
  readyPods: number | undefined;
  result: ScaleResult;
  /** The multiscaler would wake the PA reconciler: DesiredScale changed or EBC crossed zero. */
  notify: boolean;
  /** The decider status after this evaluation (unchanged when the result is invalid). */
  status: DeciderStatus;
  /** The inputs and intermediate counts of this evaluation when it was valid. */
  observation: DeciderObservation | undefined;
  inPanic: boolean;
}

/** What the caller knows about the revision for one PA reconcile (the rest is the pipeline's own state). */
export type PipelineReconcileInput = Omit<KpaScaleInput, 'decider' | 'settings' | 'sks'> & {
  sks: { specMode: KpaScaleInput['sks']['specMode']; activatorEndpointsPopulatedSinceSeconds: number | undefined };
};

/** The KPA settings of `a`, frozen so that their checks run only at the first reconcile. */
function kpaSettings(a: RevisionAutoscaling): Readonly<KpaSettings> {
  return Object.freeze({
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
  });
}

/**
 * The decision state of one revision: collection, decider, decider status, PA status
 * and KPA settings, and the steps that move them.
 */
export class AutoscalerPipeline {
  /** The settings in force (replaced by {@link update}). */
  autoscaling: RevisionAutoscaling;
  readonly decider: Decider;
  readonly collection: MetricCollection;
  /** The multiscaler's decider status (DesiredScale, EBC). */
  status: DeciderStatus;
  /** The PodAutoscaler's status as the KPA reconciler keeps it. */
  pa: PodAutoscalerState;
  /** The SKS exists (false until the first reconcile of a new revision). */
  sksProvisioned: boolean;
  /** Frozen: checked at the first reconcile only (see `rememberFrozen`). */
  private kpa: Readonly<KpaSettings>;

  constructor(init: AutoscalerPipelineInit) {
    const a = init.autoscaling;
    const now = init.nowSeconds;
    const pre = init.existingPods === undefined ? undefined : requireCount('existingPods', init.existingPods);
    const restart = init.restart;
    if (restart !== undefined && pre !== undefined) throw new InvalidArgumentError('init', 'existingPods and restart exclude each other');
    this.autoscaling = a;
    // A fresh revision's decider cannot count pods yet (0). A revision that predates the
    // autoscaler has had a decider for a long time, so one pod does not start it in panic.
    // A restarted one counts the ready endpoints, as upstream's new decider does.
    const deciderInit =
      restart !== undefined
        ? { nowSeconds: now, readyPods: requireCount('restart.readyPods', restart.readyPods) }
        : pre === undefined
          ? { nowSeconds: now }
          : { nowSeconds: now, readyPods: Math.min(pre, 1) };
    this.decider = new Decider(a.deciderSpec, deciderInit);
    this.collection = new MetricCollection({
      stableWindowSeconds: a.deciderSpec.stableWindowSeconds,
      panicWindowSeconds: a.panicWindowSeconds,
      // TBC = −1 keeps the activator in the path, so pods are not scraped.
      scrapeTarget: a.deciderSpec.targetBurstCapacity !== -1,
      aggregationAlgorithm: a.aggregationAlgorithm,
    });
    this.status = newDeciderStatus(a.deciderSpec, a.initialScale);
    this.kpa = kpaSettings(a);
    if (restart !== undefined) {
      this.pa = { ...restart.pa };
      this.sksProvisioned = true;
    } else if (pre === undefined) {
      this.pa = newPodAutoscalerState(now);
      this.sksProvisioned = false;
    } else {
      const tbc = a.deciderSpec.targetBurstCapacity;
      this.status = {
        desiredScale: pre,
        excessBurstCapacity: tbc === 0 ? 0 : tbc < 0 ? -1 : Math.floor(pre * a.deciderSpec.totalValue - tbc),
      };
      this.pa = {
        active: pre > 0 ? 'Active' : 'Inactive',
        reason: pre > 0 ? '' : 'NoTraffic',
        lastTransitionSeconds: now - EXISTING_REVISION_AGE_SECONDS,
        scaleTargetInitialized: true,
        desiredScale: pre,
        actualScale: pre,
      };
      this.sksProvisioned = true;
    }
  }

  /** The KPA settings in force (a copy). */
  get settings(): KpaSettings {
    return { ...this.kpa };
  }

  /** Whether the revision's pods are scraped at all (not when TBC = −1: the activator reports everything). */
  get scrapes(): boolean {
    return this.autoscaling.deciderSpec.targetBurstCapacity !== -1;
  }

  get reachable(): boolean {
    return this.kpa.reachable;
  }

  /** A scraped stat (already the estimated revision total): recorded, never a poke. */
  recordScrape(stat: PodStat): void {
    this.collection.record(stat);
  }

  /**
   * A pushed stat (an activator's): recorded; returns true when it pokes the decider —
   * the revision is at DesiredScale 0 and the stat shows concurrency — in which case the
   * caller evaluates at once.
   */
  recordPushed(stat: PodStat): boolean {
    this.collection.record(stat);
    return this.status.desiredScale === 0 && stat.averageConcurrentRequests !== 0;
  }

  /** One decider evaluation, folded into the status. The caller reconciles when `notify`. */
  evaluate(nowSeconds: number, readyPods: number | undefined): PipelineEvaluation {
    const result = this.decider.scale({ nowSeconds, readyPods, metrics: this.collection });
    const { status, notify } = applyScaleResult(this.status, result);
    this.status = status;
    return {
      nowSeconds,
      readyPods,
      result,
      notify,
      status,
      observation: result.scaleValid ? this.decider.lastObservation : undefined,
      inPanic: this.decider.inPanic,
    };
  }

  /** One PA reconcile with the current decider status and settings; keeps the new PA status. */
  reconcile(input: PipelineReconcileInput): KpaScaleOutput {
    // Fields written out rather than spread: generic copies were most of a reconcile's cost.
    const sks = input.sks;
    const out = kpaReconcile(this.pa, {
      nowSeconds: input.nowSeconds,
      decider: { desiredScale: this.status.desiredScale, excessBurstCapacity: this.status.excessBurstCapacity },
      settings: this.kpa,
      pods: input.pods,
      sks: { provisioned: this.sksProvisioned, specMode: sks.specMode, activatorEndpointsPopulatedSinceSeconds: sks.activatorEndpointsPopulatedSinceSeconds },
      activatorInPath: input.activatorInPath,
      deploymentReplicas: input.deploymentReplicas,
    });
    this.pa = out.state;
    this.sksProvisioned = true;
    return out;
  }

  /**
   * The PA's spec changed in place (a patched revision annotation, or a config-autoscaler
   * change): as upstream's reconciler does, the decider takes the new DeciderSpec, the
   * metric collection resizes its windows, and the KPA reads the new bounds and timings.
   * Reachability stays as the route set it (`a` is resolved as reachable). Decider state
   * (panic, the scale-down-delay window) and the statuses carry over. Returns true if
   * anything changed; the caller reconciles then.
   */
  update(a: RevisionAutoscaling, nowSeconds: number): boolean {
    if (JSON.stringify(a) === JSON.stringify(this.autoscaling)) return false;
    const reachable = this.kpa.reachable;
    this.autoscaling = a;
    this.decider.update({ ...a.deciderSpec, reachable });
    this.collection.update(
      {
        stableWindowSeconds: a.deciderSpec.stableWindowSeconds,
        panicWindowSeconds: a.panicWindowSeconds,
        scrapeTarget: a.deciderSpec.targetBurstCapacity !== -1,
      },
      nowSeconds,
    );
    this.kpa = Object.freeze({
      ...kpaSettings(a),
      reachable,
      minScale: reachable ? a.minScale : 0,
      scaleToZeroPodRetentionPeriodSeconds: reachable ? a.scaleToZeroPodRetentionPeriodSeconds : 0,
    });
    return true;
  }

  /**
   * The PA's reachability changed (the route moved the revision to or from `reserve`).
   * An unreachable revision loses min-scale, pod retention, the initial-scale floor and
   * the scale-down rate limit and delay. Returns true if anything changed; a changed PA
   * spec then triggers a reconcile, which is the caller's to run.
   */
  setReachable(reachable: boolean): boolean {
    if (this.kpa.reachable === reachable) return false;
    const a = this.autoscaling;
    this.kpa = Object.freeze({
      ...this.kpa,
      reachable,
      minScale: reachable ? a.minScale : 0,
      scaleToZeroPodRetentionPeriodSeconds: reachable ? a.scaleToZeroPodRetentionPeriodSeconds : 0,
    });
    this.decider.update({ ...a.deciderSpec, reachable });
    return true;
  }
}
