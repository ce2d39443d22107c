import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.js';
import { LatencyHistogram } from '../../src/output/latency.js';

/** The same values recorded one call each into a bare HDR histogram (what LatencyHistogram did before runs were batched). */
function reference(valuesUs: number[]): hdr.Histogram {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 86_400_000_000, numberOfSignificantValueDigits: 3 });
  for (const v of valuesUs) h.recordValue(v);
  return h;
}

describe('LatencyHistogram', () => {
  // Runs of equal latencies (fixed service times) are recorded as one count per run; nothing read may change.
  it.each([
    ['all equal', (_i: number, _r: RandomStream) => 0.1],
    // HDR's bucket for 123,457 µs ends above it: the single-value answer must still be the value itself.
    ['all equal, inside an HDR bucket', (_i: number, _r: RandomStream) => 0.1234567],
    ['runs of equal values', (i: number, _r: RandomStream) => 0.1 + Math.floor(i / 37) * 0.001],
    ['every value different', (_i: number, r: RandomStream) => r.exponential(0.2)],
  ])('%s: percentiles, count, min and CDF equal a value-by-value HDR histogram, read mid-stream too', (_name, value) => {
    const r = new RandomStream(5, 'latency');
    const h = new LatencyHistogram();
    const us: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const s = value(i, r);
      h.recordSeconds(s);
      us.push(Math.max(1, Math.round(s * 1e6)));
      if (i === 2_500) expect(h.percentileMs(50)).toBe(Math.min(Math.max(...us), Math.max(Math.min(...us), Math.round(reference(us).getValueAtPercentile(50)))) / 1000);
    }
    const ref = reference(us);
    const clamp = (v: number): number => Math.min(Math.max(...us), Math.max(Math.min(...us), v)) / 1000;
    expect(h.count).toBe(5_000);
    expect(h.minMs).toBe(Math.min(...us) / 1000);
    for (const p of [50, 90, 99, 100]) expect(h.percentileMs(p)).toBe(clamp(Math.round(ref.getValueAtPercentile(p))));
    expect(h.percentilesMs([50, 90, 99, 100])).toEqual([50, 90, 99, 100].map((p) => clamp(Math.round(ref.getValueAtPercentile(p)))));
    expect(h.percentileMs(0)).toBe(clamp(Math.round(ref.getValueAtPercentile(0))));
    // The CDF's 200 points, read in one walk, are the 200 single lookups.
    const cdf = h.cdf();
    expect(cdf).toHaveLength(200);
    expect(cdf).toEqual(Array.from({ length: 200 }, (_, i) => ({ ms: clamp(Math.round(ref.getValueAtPercentile((i + 1) / 2))), fraction: (i + 1) / 200 })));
    const merged = new LatencyHistogram();
    merged.recordSeconds(0.1);
    merged.add(h);
    expect(merged.count).toBe(5_001);
    h.reset();
    expect(h.count).toBe(0);
    h.recordSeconds(us[0]! / 1e6);
    expect(h.count).toBe(1);
    expect(h.minMs).toBe(us[0]! / 1000);
    expect(h.summary().max).toBe(us[0]! / 1000);
  });
});
