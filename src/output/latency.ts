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
  }

  percentileMs(p: number): number {
    return Math.round(this.h.getValueAtPercentile(p)) / 1000;
  }

  recordSeconds(s: number): void {
    this.h.recordValue(Math.max(1, Math.round(s * 1e6)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  add(other: LatencyHistogram): void {
    this.h.add(other.h);
  }

  /** Percentiles (ms, 3 decimals); zeros when empty. */
  summary(): LatencySummary {
    if (this.h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
    const at = (p: number): number => Math.round(this.h.getValueAtPercentile(p)) / 1000;
    return { p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: Math.round(this.h.maxValue) / 1000 };
  }

  /** The CDF as (latency ms, fraction ≤) points, for charts. */
  cdf(points = 200): Array<{ ms: number; fraction: number }> {
    const out: Array<{ ms: number; fraction: number }> = [];
    if (this.h.totalCount === 0) return out;
    for (let i = 1; i <= points; i++) {
      const p = (100 * i) / points;
      out.push({ ms: Math.round(this.h.getValueAtPercentile(Math.min(p, 100))) / 1000, fraction: p / 100 });
    }
    return out;
  }
}
