import { CFS_PERIOD_SECONDS, cfsPeriodIndex, cfsQuotaPerPeriod } from '../core/capacity/index.js';
import type { Simulation } from '../engine/simulation.js';

/** The pod whose CPU the quota throttles (PodResources with the CPU model and a limit). */
export interface CfsThrottled {
  /** Cores its requests use now (0 while throttled). */
  cpuInUse(): number;
  /** Whether some request is in its CPU phase. */
  hasCpuWork(): boolean;
  /** The quota ran out or a new period began at `now`: take the new rate, reschedule, reshare the node. */
  throttleChanged(now: number): void;
}

/**
 * The CFS quota of one pod's user container (sched-bwc.rst): its requests run at full speed
 * until it has used `quota` CPU-seconds in the current period, then not at all until the period
 * ends; each period starts afresh (no burst, no carry-over). Periods lie on one grid of whole
 * periods (cfs-period.ts). Events only while it matters: the quota's exhaustion while the pod
 * runs, the period's end while it runs or is throttled; an idle pod has none, and its next CPU
 * use finds where it is on the grid by the clock.
 */
export class CfsBandwidth {
  /** Set while the period's quota is spent; cleared only by the event at its end, which also reshares the node. */
  throttled = false;
  /** While throttled: the end of the period whose quota is spent. */
  private throttledUntil = Number.NaN;
  /** CPU-seconds used in the current period, up to `t`. */
  private used = 0;
  private t = 0;
  private periodEnd = Number.NEGATIVE_INFINITY;
  /** The pending event: its time and kind; a newer one supersedes it (its generation no longer matches). */
  private gen = 0;
  private pendingAt = Number.NaN;
  private pendingEnd = false;
  /** Times the quota ran out (cpu.stat nr_throttled). */
  throttledPeriods = 0;

  readonly quota: number;

  constructor(
    private readonly sim: Simulation,
    quotaMillis: number,
    private readonly pod: CfsThrottled,
    private readonly period = CFS_PERIOD_SECONDS,
  ) {
    this.quota = cfsQuotaPerPeriod(quotaMillis, period);
  }

  /**
   * The pod's CPU queue caught up to `now` at `throughput` cores since the last call (nothing has
   * changed yet): count the use, and start a new period if `now` is in one. A throttled pod has
   * used nothing since, and stays throttled until its event (due at this same instant) runs.
   */
  advanced(now: number, throughput: number): void {
    if (now >= this.periodEnd) {
      const k = cfsPeriodIndex(now, this.period);
      // The rate held since the last change, across the boundary: only its part after it counts.
      this.used = throughput * (now - k * this.period);
      this.periodEnd = (k + 1) * this.period;
    } else {
      this.used += throughput * (now - this.t);
    }
    this.t = now;
  }

  /** After any change to the pod's CPU (its queue is at `now`): the next event it needs, if any. */
  reschedule(now: number): void {
    let at = Number.NaN;
    let end = true;
    if (this.throttled) at = this.throttledUntil;
    else if (this.pod.hasCpuWork()) {
      const rate = this.pod.cpuInUse();
      const out = rate > 0 ? now + Math.max(0, this.quota - this.used) / rate : Number.POSITIVE_INFINITY;
      if (out < this.periodEnd) {
        at = out;
        end = false;
      } else at = this.periodEnd;
    }
    if (at === this.pendingAt && end === this.pendingEnd) return;
    this.gen++;
    this.pendingAt = at;
    this.pendingEnd = end;
    if (!Number.isNaN(at)) this.sim.at(at, CfsBandwidth.fire, { self: this, gen: this.gen });
  }

  private static fire(this: void, e: { self: CfsBandwidth; gen: number }): void {
    const self = e.self;
    if (e.gen !== self.gen) return; // superseded
    self.pendingAt = Number.NaN;
    const now = self.sim.now;
    if (!self.pendingEnd) {
      // The quota is spent (nothing changed since this was scheduled): the queue stops.
      self.throttled = true;
      self.throttledUntil = self.periodEnd;
      self.throttledPeriods++;
    } else self.throttled = false;
    // The pod's queue catches up (advanced: the new period, if not yet), re-rates and reshares the node.
    self.pod.throttleChanged(now);
  }
}
