import { InvalidArgumentError, requireFinite, requirePositive } from '../errors.js';

/** Digits the linear average is rounded to (upstream rounds half away from zero since 2025-06). */
const AVERAGE_PRECISION = 1e6;

/** Rounds to 6 decimals, halves away from zero (Go's math.Round), never returning -0. */
export function roundTo6Digits(v: number): number {
  const r = (Math.sign(v) * Math.round(Math.abs(v) * AVERAGE_PRECISION)) / AVERAGE_PRECISION;
  return r === 0 ? 0 : r;
}

/** Common surface of the two averaging algorithms, so a collection can hold either. */
export interface WindowAverager {
  record(timeSeconds: number, value: number): void;
  average(nowSeconds: number): number;
  isEmpty(nowSeconds: number): boolean;
  /** Changes the window length at `nowSeconds`, keeping the newest buckets that fit (upstream ResizeWindow). */
  resize(windowSeconds: number, nowSeconds: number): void;
}

/**
 * Linear bucketed window average (upstream `TimedFloat64Buckets`).
 *
 * Values are summed into buckets of `granularitySeconds`; the average divides the
 * window total by the number of buckets that have been "live" since the first write,
 * so a fresh window is averaged over its partial length, gaps count as zeros and
 * a window of silence resets it. Bucket index = floor(t / granularity).
 */
export class WindowAverage implements WindowAverager {
  protected windowSeconds: number;
  protected readonly granularity: number;
  protected buckets: Float64Array;
  /** Bucket index (not time) of the first write of the current run, and of the newest write. */
  protected firstWrite = 0;
  protected lastWrite = Number.NEGATIVE_INFINITY;
  /**
   * The ring slot of `lastWrite`. Slots near it are reached by stepping from here, which
   * spares the hot paths a modulo of a large bucket index per bucket.
   */
  protected lastSlot = 0;
  protected total = 0;

  constructor(windowSeconds: number, granularitySeconds = 1) {
    requirePositive('windowSeconds', windowSeconds);
    requirePositive('granularitySeconds', granularitySeconds);
    this.windowSeconds = windowSeconds;
    this.granularity = granularitySeconds;
    this.buckets = new Float64Array(Math.ceil(windowSeconds / granularitySeconds));
  }

  protected index(t: number): number {
    return Math.floor(t / this.granularity);
  }

  protected slot(idx: number): number {
    const n = this.buckets.length;
    return ((idx % n) + n) % n;
  }

  /** The ring slot of bucket `lastWrite − back`, for 0 ≤ back < buckets. */
  protected slotBefore(back: number): number {
    const s = this.lastSlot - back;
    return s < 0 ? s + this.buckets.length : s;
  }

  record(timeSeconds: number, value: number): void {
    requireFinite('timeSeconds', timeSeconds);
    requireFinite('value', value);
    const b = this.index(timeSeconds);
    const buckets = this.buckets;
    // The common cases inline (another stat in the newest bucket, or the next bucket of a
    // window longer than one), the rest in recordElsewhere: the whole is too large for V8
    // to inline into a caller that records into several windows.
    if (b === this.lastWrite) {
      const s = this.lastSlot;
      buckets[s] = buckets[s]! + value;
      this.total += value;
    } else if (b === this.lastWrite + 1 && this.granularity < this.windowSeconds && this.firstWrite !== Number.NEGATIVE_INFINITY) {
      let s = this.lastSlot + 1;
      if (s === buckets.length) s = 0;
      this.total -= buckets[s]!;
      // 0 + value, as a cleared bucket plus the value (so −0 is stored as 0).
      buckets[s] = 0 + value;
      this.total += value;
      this.lastSlot = s;
      this.lastWrite = b;
    } else this.recordElsewhere(b, value);
  }

  /** record() of a bucket that is neither the newest nor the one after it. */
  private recordElsewhere(b: number, value: number): void {
    const g = this.granularity;
    const buckets = this.buckets;
    if (b !== this.lastWrite) {
      // Older than a whole window behind the newest write: it can no longer matter.
      if (b * g + this.windowSeconds <= this.lastWrite * g) return;
      // −∞: no first write known (never written, or cleared by a resize that found no data).
      if (this.firstWrite === Number.NEGATIVE_INFINITY || this.lastWrite === Number.NEGATIVE_INFINITY || this.firstWrite > b) this.firstWrite = b;
      if (b > this.lastWrite) {
        if ((b - this.lastWrite) * g >= this.windowSeconds) {
          // A full window of silence: start over.
          this.firstWrite = b;
          buckets.fill(0);
          this.total = 0;
          this.lastSlot = this.slot(b);
        } else {
          // Clear the slots from the one after the newest write up to b's, a window ago.
          const n = buckets.length;
          let s = this.lastSlot;
          for (let i = this.lastWrite + 1; i <= b; i++) {
            if (++s === n) s = 0;
            this.total -= buckets[s]!;
            buckets[s] = 0;
          }
          this.lastSlot = s;
        }
        this.lastWrite = b;
      } else {
        // A late write inside the window: less than a window (so fewer than `n` buckets) back.
        const s = this.slotBefore(this.lastWrite - b);
        buckets[s] = buckets[s]! + value;
        this.total += value;
        return;
      }
    }
    const s = this.lastSlot;
    buckets[s] = buckets[s]! + value;
    this.total += value;
  }

  average(nowSeconds: number): number {
    requireFinite('nowSeconds', nowSeconds);
    const now = this.index(nowSeconds);
    const g = this.granularity;
    const d = now - this.lastWrite; // in buckets
    const liveSpan = this.lastWrite - this.firstWrite + 1; // +1: both ends inclusive
    if (d <= 0) {
      return roundTo6Digits(this.total / Math.min(liveSpan, this.buckets.length));
    }
    if (d * g < this.windowSeconds) {
      // Buckets after the newest write up to now are stale ring slots from a window ago.
      const n = this.buckets.length;
      let sum = this.total;
      let s = this.lastSlot;
      for (let i = this.lastWrite + 1; i <= now; i++) {
        if (++s === n) s = 0;
        sum -= this.buckets[s]!;
      }
      return roundTo6Digits(sum / Math.min(liveSpan, this.buckets.length - d));
    }
    return 0;
  }

  isEmpty(nowSeconds: number): boolean {
    requireFinite('nowSeconds', nowSeconds);
    return (this.index(nowSeconds) - this.lastWrite) * this.granularity > this.windowSeconds;
  }

  /**
   * A new window length, as upstream's ResizeWindow does it: when the old window still
   * holds data at `nowSeconds`, the newest min(old, new) buckets move over and the live
   * span is taken to be the whole old window; otherwise the buckets start empty.
   */
  resize(windowSeconds: number, nowSeconds: number): void {
    requirePositive('windowSeconds', windowSeconds);
    requireFinite('nowSeconds', nowSeconds);
    if (windowSeconds === this.windowSeconds) return;
    const next = new Float64Array(Math.ceil(windowSeconds / this.granularity));
    const old = this.buckets;
    let total = 0;
    if (this.lastWrite !== Number.NEGATIVE_INFINITY && (this.index(nowSeconds) - this.lastWrite) * this.granularity <= this.windowSeconds) {
      const keep = Math.min(next.length, old.length);
      for (let i = 0; i < keep; i++) {
        const idx = this.lastWrite - i;
        const v = old[this.slot(idx)]!;
        next[((idx % next.length) + next.length) % next.length] = v;
        total += v;
      }
      // Upstream assumes data as far back as the old window reached.
      this.firstWrite = this.lastWrite - (old.length - 1);
    } else {
      // No data left: upstream (aggregation/bucketing.go ResizeWindow) resets firstWrite to
      // the zero time, so the next record starts the live span at its own bucket even when
      // it comes less than the new window after the last write.
      this.firstWrite = Number.NEGATIVE_INFINITY;
    }
    this.windowSeconds = windowSeconds;
    this.buckets = next;
    this.total = total;
    if (this.lastWrite !== Number.NEGATIVE_INFINITY) this.lastSlot = this.slot(this.lastWrite);
  }
}

/** Upstream's precision target and floor for the exponential smoothing coefficient. */
const WEIGHT_PRECISION = 0.9999;
const MIN_SMOOTHING = 0.2;

/** α = max(1 − (1 − 0.9999)^(1/n), 0.2) for a window of n buckets. */
export function smoothingCoefficient(buckets: number): number {
  if (!(buckets >= 1)) throw new InvalidArgumentError('buckets', `must be ≥ 1, got ${buckets}`);
  return Math.max(1 - Math.pow(1 - WEIGHT_PRECISION, 1 / buckets), MIN_SMOOTHING);
}

/**
 * Weighted-exponential window average (upstream `WeightedFloat64Buckets`, annotation
 * `metric-aggregation-algorithm: weighted-exponential`). Records like the linear
 * average; reads weight the newest bucket by α and each older one by another (1 − α).
 * As upstream, the result is neither normalised nor rounded: one sample v reads as α·v.
 */
export class WeightedWindowAverage extends WindowAverage {
  smoothing: number;

  constructor(windowSeconds: number, granularitySeconds = 1) {
    super(windowSeconds, granularitySeconds);
    this.smoothing = smoothingCoefficient(this.buckets.length);
  }

  override resize(windowSeconds: number, nowSeconds: number): void {
    super.resize(windowSeconds, nowSeconds);
    this.smoothing = smoothingCoefficient(this.buckets.length);
  }

  override average(nowSeconds: number): number {
    if (this.isEmpty(nowSeconds)) return 0;
    const now = this.index(nowSeconds);
    const a = this.smoothing;
    let multiplier = a;
    let count = this.buckets.length;
    if (now > this.lastWrite) {
      const missing = now - this.lastWrite;
      multiplier *= Math.pow(1 - a, missing);
      count -= missing;
    }
    let sum = 0;
    for (let i = 0; i < count; i++) {
      sum += this.buckets[this.slotBefore(i)]! * multiplier;
      multiplier *= 1 - a;
    }
    return sum;
  }
}
