import { HdrCounts } from './hdr-counts.js';

/** Latency percentiles in milliseconds, as summary.json reports them. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** The fractions (percent) of a latency CDF's points: 0.5 %, 1 %, …, 100 %. */
const CDF_POINTS = 200;
const CDF_PERCENTILES = Float64Array.from({ length: CDF_POINTS }, (_, i) => Math.min((100 * (i + 1)) / CDF_POINTS, 100));
const SUMMARY_PERCENTILES = [50, 90, 95, 99];

/** A latency in seconds as the whole microseconds (at least 1) a histogram records. */
export function microsOf(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1e6));
}

/** 1 µs resolution, 3 significant digits, any range (sparse: memory grows with the spread of values, not the range). */
export class LatencyHistogram {
  private readonly h: HdrCounts;
  /** Exact extremes (µs): HDR reports a bucket's upper edge, which can lie above the largest value recorded. */
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;
  /**
   * A run of equal values not yet in `h` (fixed service times give long runs): one
   * record per run instead of a call per value; the counts are the same.
   */
  private runUs = 0;
  private runCount = 0;

  constructor(significantDigits: 2 | 3 = 3) {
    this.h = new HdrCounts(significantDigits);
  }

  reset(): void {
    this.h.reset();
    this.runUs = 0;
    this.runCount = 0;
    this.minUs = Number.POSITIVE_INFINITY;
    this.maxUs = 0;
  }

  /** The p-th percentile in ms: HDR's value (3 significant digits) kept within the exact [min, max]. */
  percentileMs(p: number): number {
    this.flush();
    if (this.h.totalCount === 0) return 0;
    // HDR's 0th percentile is the lowest value equivalent to the smallest: at most min, so min once clamped.
    if (p <= 0) return this.minUs / 1000;
    return this.clampedMs(this.h.valuesAtPercentiles([p], this.scratch)[0]!);
  }

  /** The percentiles (ascending, each in (0, 100]) in ms, each as percentileMs gives it, in one walk; zeros when empty. */
  percentilesMs(percentiles: readonly number[]): number[] {
    // One value (a report bucket of fixed-time requests): every percentile is it, clamped to [min, max] = itself.
    if (this.singleValue()) return percentiles.map(() => this.minUs / 1000);
    this.flush();
    if (this.h.totalCount === 0) return percentiles.map(() => 0);
    return this.h.valuesAtPercentiles(percentiles, this.scratch).map((us) => this.clampedMs(us));
  }

  /** Every value recorded is the same (and there is one): percentiles need no walk over the counts. */
  private singleValue(): boolean {
    return this.minUs === this.maxUs && this.count > 0;
  }

  /** Reused output of valuesAtPercentiles (percentiles are read one histogram at a time). */
  private readonly scratch: number[] = [];

  private clampedMs(us: number): number {
    return Math.min(this.maxUs, Math.max(this.minUs, us)) / 1000;
  }

  recordSeconds(s: number): void {
    this.recordMicros(microsOf(s));
  }

  /**
   * Records a latency given as {@link microsOf} rounds it: an integer, so a caller recording one
   * latency in several histograms rounds it once, and passes no boxed double to calls not inlined.
   */
  recordMicros(us: number): void {
    if (us === this.runUs) {
      this.runCount++;
      return;
    }
    this.flush();
    this.runUs = us;
    this.runCount = 1;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  private flush(): void {
    if (this.runCount === 0) return;
    this.h.record(this.runUs, this.runCount);
    this.runCount = 0;
  }

  get count(): number {
    return this.h.totalCount + this.runCount;
  }

  add(other: LatencyHistogram): void {
    this.flush();
    other.flush();
    this.h.add(other.h);
    if (other.minUs < this.minUs) this.minUs = other.minUs;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  /** The smallest latency recorded, ms (0 when empty). */
  get minMs(): number {
    return this.count === 0 ? 0 : this.minUs / 1000;
  }

  /** Percentiles (ms, 3 decimals), each within [min, max]; max is exact; zeros when empty. */
  summary(): LatencySummary {
    this.flush();
    if (this.h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
    const [p50, p90, p95, p99] = this.percentilesMs(SUMMARY_PERCENTILES) as [number, number, number, number];
    return { p50, p90, p95, p99, max: this.maxUs / 1000 };
  }

  /** The CDF as 200 (latency ms, fraction ≤) points, for charts: every percentile in one walk over the counts. */
  cdf(): Array<{ ms: number; fraction: number }> {
    if (this.count === 0) return [];
    let values: ArrayLike<number>;
    if (this.singleValue()) values = CDF_PERCENTILES.map(() => this.minUs);
    else {
      this.flush();
      values = this.h.valuesAtPercentiles(CDF_PERCENTILES, this.scratch);
    }
    return Array.from(values, (us, i) => ({ ms: this.clampedMs(us), fraction: (100 * (i + 1)) / CDF_POINTS / 100 }));
  }
}
