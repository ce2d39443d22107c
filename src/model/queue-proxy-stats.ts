import type { Simulation } from '../engine/simulation.js';
import { ConcurrencyMeter, emptyReport, type MeterReport } from './concurrency-meter.js';

/** The queue-proxy's report period: its stats ticker cuts a report every second. */
const REPORT_PERIOD_SECONDS = 1;

/**
 * A queue-proxy's stats: its concurrency meter and its 1 s reports. The reports fall on the
 * ticker's grid (start + 1 s, start + 2 s, …) and are cut as the ticker would cut them, but
 * without an event per tick: every report due is cut just before the meter next changes and
 * when the autoscaler reads it. An idle pod then costs nothing, and the numbers are the same.
 */
export class QueueProxyStats {
  private readonly meter: ConcurrencyMeter;
  private readonly report: MeterReport = emptyReport();
  /** When the first report is due. */
  private readonly first: number;
  /** The index k of the next report not cut yet (due at first + k × period). */
  private next = 0;
  /**
   * The last report is all zeros and nothing has come in since, with nothing inside: every
   * report due until the next request is zeros too, so a read need not cut them.
   */
  private quiet = false;

  /** When the event that started the queue-proxy (and armed its ticker) was scheduled. */
  private readonly startScheduledAt: number;

  constructor(
    private readonly sim: Simulation,
    /** When the queue-proxy started (and its ticker was armed). */
    private readonly startedAt: number,
  ) {
    this.startScheduledAt = sim.scheduledAt;
    this.meter = new ConcurrencyMeter(startedAt);
    this.first = startedAt + REPORT_PERIOD_SECONDS;
  }

  /** A request entered the breaker. */
  in(now: number, proxied: boolean): void {
    if (this.dueAt(this.next) <= now) this.catchUp(now);
    this.quiet = false;
    this.meter.in(now, proxied);
  }

  /** A request left the breaker. */
  out(now: number, proxied: boolean): void {
    if (this.dueAt(this.next) <= now) this.catchUp(now);
    this.quiet = false;
    this.meter.out(now, proxied);
  }

  /** The latest report at `now`: what a scrape reads (zeros before the first one). */
  latest(now: number): MeterReport {
    if (!this.quiet && this.dueAt(this.next) <= now) this.catchUp(now);
    return this.report;
  }

  /** Same arithmetic as the ticker's (first + k × period), so the instants are bit-identical. */
  private dueAt(k: number): number {
    return this.first + k * REPORT_PERIOD_SECONDS;
  }

  /** Cuts the reports due by now: only the first and the last of them can differ, so only those are cut. */
  private catchUp(now: number): void {
    let last = Math.max(this.next, Math.floor((now - this.first) / REPORT_PERIOD_SECONDS));
    while (this.dueAt(last + 1) <= now) last++;
    while (last >= this.next && this.dueAt(last) > now) last--;
    if (last >= this.next && this.dueAt(last) === now && !this.tickRunsFirst(last)) last--;
    if (last < this.next) return;
    this.meter.cut(this.dueAt(this.next), REPORT_PERIOD_SECONDS, this.report);
    if (last > this.next) {
      // Nothing changed since the first: the reports in between go unread and only move the period's start.
      if (last - 1 > this.next) this.meter.restartAt(this.dueAt(last - 1));
      this.meter.cut(this.dueAt(last), REPORT_PERIOD_SECONDS, this.report);
    }
    this.next = last + 1;
    const r = this.report;
    this.quiet = this.meter.current === 0 && r.averageConcurrency === 0 && r.averageProxiedConcurrency === 0 && r.requestCount === 0 && r.proxiedRequestCount === 0;
  }

  /**
   * Whether the ticker's tick k, due now, would run before the running event. Same-instant
   * events run by priority, then in the order they were scheduled, and the ticker schedules
   * tick k when tick k − 1 runs (tick 0 when the queue-proxy starts). So the one scheduled
   * earlier comes first; if both were scheduled at one instant, the one whose own scheduler
   * was scheduled earlier. Past that (chains of events exactly one period apart, aligned with
   * the ticker) the tick is taken to come first.
   */
  private tickRunsFirst(k: number): boolean {
    const sim = this.sim;
    const priority = sim.priority;
    if (priority !== 0) return priority > 0;
    const tickScheduledAt = k === 0 ? this.startedAt : this.dueAt(k - 1);
    if (sim.scheduledAt !== tickScheduledAt) return sim.scheduledAt > tickScheduledAt;
    const tickParentScheduledAt = k === 0 ? this.startScheduledAt : k === 1 ? this.startedAt : this.dueAt(k - 2);
    return sim.parentScheduledAt >= tickParentScheduledAt;
  }
}
