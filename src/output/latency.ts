import * as hdr from 'hdr-histogram-js';

/** Latency percentiles in milliseconds, as summary.json reports them. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

let wasmReady = false;

/**
 * Switches new histograms to hdr-histogram-js's WebAssembly build (about 4× faster per
 * record; same algorithm, so the same numbers). Call once per process or worker before
 * a run; without it the pure JS build is used (tests do that).
 */
export async function enableFastHistograms(): Promise<void> {
  if (wasmReady) return;
  await hdr.initWebAssembly();
  wasmReady = true;
}

/** 1 µs resolution up to 1 day, 3 significant digits: a fixed-size histogram whatever the run length. */
export class LatencyHistogram {
  private readonly h: hdr.Histogram;
  private readonly wasm: boolean;
  /** Exact extremes (µs): HDR reports a bucket's upper edge, which can lie above the largest value recorded. */
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;
  /**
   * A run of equal values not yet in `h` (fixed service times give long runs): one
   * recordValueWithCount per run instead of a call per value; the counts are the same.
   */
  private runUs = 0;
  private runCount = 0;

  constructor(significantDigits: 2 | 3 = 3) {
    this.wasm = wasmReady;
    this.h = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 86_400_000_000,
      numberOfSignificantValueDigits: significantDigits,
      useWebAssembly: this.wasm,
    });
  }

  /** Frees a WebAssembly histogram's memory (a no-op for the JS build). Unusable afterwards. */
  destroy(): void {
    if (this.wasm) this.h.destroy();
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
    const v = Math.round(this.h.getValueAtPercentile(p));
    return Math.min(this.maxUs, Math.max(this.minUs, v)) / 1000;
  }

  recordSeconds(s: number): void {
    const us = Math.max(1, Math.round(s * 1e6));
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
    this.h.recordValueWithCount(this.runUs, this.runCount);
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
    const at = (p: number): number => this.percentileMs(p);
    return { p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: this.maxUs / 1000 };
  }

  /** The CDF as (latency ms, fraction ≤) points, for charts. */
  cdf(points = 200): Array<{ ms: number; fraction: number }> {
    const out: Array<{ ms: number; fraction: number }> = [];
    this.flush();
    if (this.h.totalCount === 0) return out;
    for (let i = 1; i <= points; i++) {
      const p = (100 * i) / points;
      out.push({ ms: this.percentileMs(Math.min(p, 100)), fraction: p / 100 });
    }
    return out;
  }
}
