import { InvalidArgumentError, requireFinite, requireInteger } from '../errors.js';
import type { MetricSource } from './collection.js';
import { validateDeciderSpec } from './decider-spec.js';
import { DelayWindow } from './delay-window.js';
import type { DeciderSpec, ScaleResult } from './types.js';

/** The multiscaler ticks each decider every 2 s; the scale-down-delay window uses slots of the same size. */
export const DECIDER_PERIOD_SECONDS = 2;

const INVALID: Readonly<ScaleResult> = Object.freeze({ desiredPodCount: 0, excessBurstCapacity: 0, scaleValid: false });

/** What one valid evaluation observed, for traces and charts. */
export interface DeciderObservation {
  nowSeconds: number;
  readyPods: number;
  observedStable: number;
  observedPanic: number;
  desiredStable: number;
  desiredPanic: number;
}

/**
 * The KPA decider for one revision (upstream `scaling.autoscaler`): stable and panic
 * windows, rate limits, activation scale, the panic ratchet, scale-down delay and
 * excess burst capacity. Min/max/initial-scale are applied later by the KPA scaler.
 *
 * All state is explicit and time comes from the caller, so the same sequence of
 * calls gives the same results in a simulation and in a controller.
 */
export class Decider {
  private spec: DeciderSpec;
  private panicTime: number | undefined;
  private maxPanic: number;
  // Created only at construction and only for a positive delay, as upstream: a later
  // update that changes the delay does not add, remove or resize it.
  private readonly delayWindow: DelayWindow | undefined;
  private observation: DeciderObservation | undefined;

  /**
   * @param init.readyPods ready pods at creation; undefined when they could not be
   * counted (counts as 0). More than one starts the decider in panic, so a restarted
   * autoscaler does not scale down before it has a stable window of history.
   */
  constructor(spec: DeciderSpec, init: { nowSeconds: number; readyPods?: number }) {
    this.spec = validateDeciderSpec({ ...spec });
    requireFinite('init.nowSeconds', init.nowSeconds);
    const ready = init.readyPods === undefined ? 0 : requireInteger('init.readyPods', init.readyPods, 0);
    this.panicTime = ready > 1 ? init.nowSeconds : undefined;
    this.maxPanic = ready;
    this.delayWindow =
      spec.scaleDownDelaySeconds > 0 ? new DelayWindow(spec.scaleDownDelaySeconds, DECIDER_PERIOD_SECONDS) : undefined;
  }

  get inPanic(): boolean {
    return this.panicTime !== undefined;
  }

  /** When the panic was last started or extended; undefined when not panicking. */
  get panicTimeSeconds(): number | undefined {
    return this.panicTime;
  }

  get maxPanicPods(): number {
    return this.maxPanic;
  }

  /** The spec in force (a copy). */
  get currentSpec(): DeciderSpec {
    return { ...this.spec };
  }

  /** The inputs and intermediate counts of the last valid evaluation. */
  get lastObservation(): DeciderObservation | undefined {
    return this.observation;
  }

  /** Replaces the spec; panic state and the delay window carry over. */
  update(spec: DeciderSpec): void {
    this.spec = validateDeciderSpec({ ...spec });
  }

  /**
   * One evaluation. `readyPods` undefined means the count could not be read (a
   * not-found pod list is 0, not undefined); that, or metrics throwing anything,
   * gives an invalid result and changes no state.
   */
  scale(input: { nowSeconds: number; readyPods: number | undefined; metrics: MetricSource }): ScaleResult {
    const now = requireFinite('nowSeconds', input.nowSeconds);
    if (input.readyPods === undefined) return { ...INVALID };
    const ready = requireInteger('readyPods', input.readyPods, 0);
    const spec = this.spec;

    const metrics = input.metrics;
    // Upstream's ErrNoData, asked first where the source can tell (no exception per tick).
    if (metrics.hasData !== undefined && !metrics.hasData(now, spec.scalingMetric)) return { ...INVALID };
    let observed: { stable: number; panic: number };
    try {
      observed =
        spec.scalingMetric === 'rps'
          ? metrics.stableAndPanicRPS(now)
          : metrics.stableAndPanicConcurrency(now);
    } catch {
      return { ...INVALID };
    }
    const stable = observed.stable;
    const panic = observed.panic;
    if (!Number.isFinite(stable) || !Number.isFinite(panic) || stable < 0 || panic < 0) {
      throw new InvalidArgumentError('metrics', `observed values must be finite and ≥ 0, got stable=${stable} panic=${panic}`);
    }

    // Zero ready pods still allow growth and give a panic ratio.
    const r = Math.max(1, ready);
    // The ceiling lets even a tiny rate add one pod.
    const maxUp = Math.ceil(spec.maxScaleUpRate * r);
    const maxDown = spec.reachable ? Math.floor(r / spec.maxScaleDownRate) : 0;

    const rawStable = Math.ceil(stable / spec.targetValue);
    const rawPanic = Math.ceil(panic / spec.targetValue);
    let desiredStable = Math.min(Math.max(rawStable, maxDown), maxUp);
    let desiredPanic = Math.min(Math.max(rawPanic, maxDown), maxUp);

    // A non-zero count is raised to the activation scale; zero stays zero so scale to
    // zero still works. The up-rate clamp is deliberately not re-applied.
    if (spec.activationScale > 1) {
      if (rawStable > 0 && desiredStable < spec.activationScale) desiredStable = spec.activationScale;
      if (rawPanic > 0 && desiredPanic < spec.activationScale) desiredPanic = spec.activationScale;
    }

    // Compared on the rounded-up panic pod count against the ready pods.
    const overThreshold = rawPanic / r >= spec.panicThreshold;
    if (overThreshold) {
      this.panicTime = now; // start, or extend
    } else if (this.panicTime !== undefined && this.panicTime + spec.stableWindowSeconds < now) {
      // The surge has had a whole stable window to reach the stable average.
      this.panicTime = undefined;
      this.maxPanic = 0;
    }

    let desired = desiredStable;
    if (this.panicTime !== undefined) {
      // Stable can exceed panic; provision for the larger, and never go down in panic.
      desired = Math.max(desiredStable, desiredPanic);
      if (desired > this.maxPanic) this.maxPanic = desired;
      desired = this.maxPanic;
    }

    if (spec.reachable && this.delayWindow !== undefined) {
      this.delayWindow.record(now, desired);
      desired = this.delayWindow.current();
    }

    let ebc: number;
    if (spec.targetBurstCapacity === 0) ebc = 0;
    else if (spec.targetBurstCapacity > 0) ebc = Math.floor(ready * spec.totalValue - spec.targetBurstCapacity - panic);
    else ebc = -1;

    this.observation = { nowSeconds: now, readyPods: ready, observedStable: stable, observedPanic: panic, desiredStable, desiredPanic };
    return { desiredPodCount: desired, excessBurstCapacity: ebc === 0 ? 0 : ebc, scaleValid: true };
  }
}
