import { requireFinite, requirePositive } from '../errors.js';
import { roundTo6Digits, smoothingCoefficient } from './window-average.js';

/** Which of a pair's two values a read is about. */
export type WindowChannel = 0 | 1;

/**
 * Two window averages of the same length that are always written at the same instants:
 * a revision's concurrency and RPS, which every stat feeds together (upstream keeps two
 * `TimedFloat64Buckets` of each length). Their write times, first and last write and
 * ring slot are then always the same, so one ring holds both, each bucket's two values
 * side by side (channel 0 at 2·slot, channel 1 at 2·slot + 1): half the objects and
 * buffers of two {@link WindowAverage}s, and each write touches one cache line, not two.
 *
 * Every channel reads float-for-float what a WindowAverage given the same writes reads:
 * each step below is that class's, done once per channel in the same order.
 */
export class PairedWindowAverage {
  protected windowSeconds: number;
  protected readonly granularity: number;
  /** Buckets of the window (as many as a WindowAverage's); `buckets.length` is twice that. */
  protected size: number;
  protected buckets: Float64Array;
  protected firstWrite = 0;
  protected lastWrite = Number.NEGATIVE_INFINITY;
  protected lastSlot = 0;
  protected total0 = 0;
  protected total1 = 0;

  constructor(windowSeconds: number, granularitySeconds = 1) {
    requirePositive('windowSeconds', windowSeconds);
    requirePositive('granularitySeconds', granularitySeconds);
    this.windowSeconds = windowSeconds;
    this.granularity = granularitySeconds;
    this.size = Math.ceil(windowSeconds / granularitySeconds);
    this.buckets = new Float64Array(2 * this.size);
  }

  protected index(t: number): number {
    return Math.floor(t / this.granularity);
  }

  protected slot(idx: number): number {
    const n = this.size;
    return ((idx % n) + n) % n;
  }

  /** The ring slot of bucket `lastWrite − back`, for 0 ≤ back < size. */
  protected slotBefore(back: number): number {
    const s = this.lastSlot - back;
    return s < 0 ? s + this.size : s;
  }

  /** Adds `value0` to channel 0 and `value1` to channel 1 at `timeSeconds`. */
  record(timeSeconds: number, value0: number, value1: number): void {
    requireFinite('timeSeconds', timeSeconds);
    requireFinite('value', value0);
    requireFinite('value', value1);
    this.add(timeSeconds, value0, value1);
  }

  /**
   * {@link record} for a caller that has checked all three numbers are finite (the metric
   * collection, which checks each stat's fields once for both its windows). The checks
   * here would repeat that work on every stat and use up V8's inlining budget in the caller.
   */
  add(timeSeconds: number, value0: number, value1: number): void {
    const b = this.index(timeSeconds);
    const buckets = this.buckets;
    if (b === this.lastWrite) {
      const s = 2 * this.lastSlot;
      buckets[s] = buckets[s]! + value0;
      this.total0 += value0;
      buckets[s + 1] = buckets[s + 1]! + value1;
      this.total1 += value1;
    } else if (b === this.lastWrite + 1 && this.granularity < this.windowSeconds && this.firstWrite !== Number.NEGATIVE_INFINITY) {
      let slot = this.lastSlot + 1;
      if (slot === this.size) slot = 0;
      const s = 2 * slot;
      this.total0 -= buckets[s]!;
      buckets[s] = 0 + value0; // a cleared bucket plus the value (so −0 is stored as 0)
      this.total0 += value0;
      this.total1 -= buckets[s + 1]!;
      buckets[s + 1] = 0 + value1;
      this.total1 += value1;
      this.lastSlot = slot;
      this.lastWrite = b;
    } else this.recordElsewhere(b, value0, value1);
  }

  /** record() of a bucket that is neither the newest nor the one after it. */
  private recordElsewhere(b: number, value0: number, value1: number): void {
    const g = this.granularity;
    const buckets = this.buckets;
    let slot = this.lastSlot;
    if (b !== this.lastWrite) {
      // Older than a whole window behind the newest write: it can no longer matter.
      if (b * g + this.windowSeconds <= this.lastWrite * g) return;
      if (this.firstWrite === Number.NEGATIVE_INFINITY || this.lastWrite === Number.NEGATIVE_INFINITY || this.firstWrite > b) this.firstWrite = b;
      if (b > this.lastWrite) {
        if ((b - this.lastWrite) * g >= this.windowSeconds) {
          // A full window of silence: start over.
          this.firstWrite = b;
          buckets.fill(0);
          this.total0 = 0;
          this.total1 = 0;
          slot = this.slot(b);
        } else {
          // Clear the slots from the one after the newest write up to b's, a window ago.
          for (let i = this.lastWrite + 1; i <= b; i++) {
            if (++slot === this.size) slot = 0;
            const s = 2 * slot;
            this.total0 -= buckets[s]!;
            buckets[s] = 0;
            this.total1 -= buckets[s + 1]!;
            buckets[s + 1] = 0;
          }
        }
        this.lastSlot = slot;
        this.lastWrite = b;
      } else {
        // A late write inside the window.
        slot = this.slotBefore(this.lastWrite - b);
      }
    }
    const s = 2 * slot;
    buckets[s] = buckets[s]! + value0;
    this.total0 += value0;
    buckets[s + 1] = buckets[s + 1]! + value1;
    this.total1 += value1;
  }

  /** Channel `channel`'s linear average at `nowSeconds` (WindowAverage.average). */
  average(nowSeconds: number, channel: WindowChannel): number {
    requireFinite('nowSeconds', nowSeconds);
    const now = this.index(nowSeconds);
    const d = now - this.lastWrite; // in buckets
    const liveSpan = this.lastWrite - this.firstWrite + 1; // +1: both ends inclusive
    const total = channel === 0 ? this.total0 : this.total1;
    if (d <= 0) return roundTo6Digits(total / Math.min(liveSpan, this.size));
    if (d * this.granularity < this.windowSeconds) {
      // Buckets after the newest write up to now are stale ring slots from a window ago.
      let sum = total;
      let slot = this.lastSlot;
      for (let i = this.lastWrite + 1; i <= now; i++) {
        if (++slot === this.size) slot = 0;
        sum -= this.buckets[2 * slot + channel]!;
      }
      return roundTo6Digits(sum / Math.min(liveSpan, this.size - d));
    }
    return 0;
  }

  isEmpty(nowSeconds: number): boolean {
    requireFinite('nowSeconds', nowSeconds);
    return (this.index(nowSeconds) - this.lastWrite) * this.granularity > this.windowSeconds;
  }

  /** A new window length at `nowSeconds`, for both channels (WindowAverage.resize, upstream ResizeWindow). */
  resize(windowSeconds: number, nowSeconds: number): void {
    requirePositive('windowSeconds', windowSeconds);
    requireFinite('nowSeconds', nowSeconds);
    if (windowSeconds === this.windowSeconds) return;
    const size = Math.ceil(windowSeconds / this.granularity);
    const next = new Float64Array(2 * size);
    const old = this.buckets;
    let total0 = 0;
    let total1 = 0;
    if (this.lastWrite !== Number.NEGATIVE_INFINITY && (this.index(nowSeconds) - this.lastWrite) * this.granularity <= this.windowSeconds) {
      const keep = Math.min(size, this.size);
      for (let i = 0; i < keep; i++) {
        const idx = this.lastWrite - i;
        const from = 2 * this.slot(idx);
        const to = 2 * (((idx % size) + size) % size);
        const v0 = old[from]!;
        const v1 = old[from + 1]!;
        next[to] = v0;
        next[to + 1] = v1;
        total0 += v0;
        total1 += v1;
      }
      // Upstream assumes data as far back as the old window reached.
      this.firstWrite = this.lastWrite - (this.size - 1);
    } else {
      // No data left: the next record starts the live span at its own bucket.
      this.firstWrite = Number.NEGATIVE_INFINITY;
    }
    this.windowSeconds = windowSeconds;
    this.size = size;
    this.buckets = next;
    this.total0 = total0;
    this.total1 = total1;
    if (this.lastWrite !== Number.NEGATIVE_INFINITY) this.lastSlot = this.slot(this.lastWrite);
  }
}

/** The weighted-exponential reading of a pair (WeightedWindowAverage.average, per channel). */
export class WeightedPairedWindowAverage extends PairedWindowAverage {
  smoothing: number;

  constructor(windowSeconds: number, granularitySeconds = 1) {
    super(windowSeconds, granularitySeconds);
    this.smoothing = smoothingCoefficient(this.size);
  }

  override resize(windowSeconds: number, nowSeconds: number): void {
    super.resize(windowSeconds, nowSeconds);
    this.smoothing = smoothingCoefficient(this.size);
  }

  override average(nowSeconds: number, channel: WindowChannel): number {
    if (this.isEmpty(nowSeconds)) return 0;
    const now = this.index(nowSeconds);
    const a = this.smoothing;
    let multiplier = a;
    let count = this.size;
    if (now > this.lastWrite) {
      const missing = now - this.lastWrite;
      multiplier *= Math.pow(1 - a, missing);
      count -= missing;
    }
    let sum = 0;
    for (let i = 0; i < count; i++) {
      sum += this.buckets[2 * this.slotBefore(i) + channel]! * multiplier;
      multiplier *= 1 - a;
    }
    return sum;
  }
}
