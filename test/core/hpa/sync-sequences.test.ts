/**
 * Whole HPA syncs in sequence, with numbers worked by hand from upstream's reconcileAutoscaler
 * (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go): the recommendation
 * history outlives a bound change, and Knative's `window` annotation holds a scale-up for a
 * whole window (the behavior path's scale-up stabilization) as well as a scale-down.
 */
import { describe, expect, it } from 'vitest';
import { HpaController, makeKnativeHpa, type KnativeHpaSettings } from '../../../src/core/autoscaler/index.js';
import { metrics, pods } from './fixtures.js';

const CPU_50: KnativeHpaSettings = { metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: undefined };

/** One sync with `current` long-ready pods of 1000 m request, each using `millicores`. */
function sync(hpa: HpaController, now: number, current: number, millicores: number) {
  return hpa.sync({ nowSeconds: now, currentReplicas: current, pods: pods(current), resourceMetrics: { cpu: metrics(Array(current).fill(millicores), now) } });
}

describe('legacy path: recommendations outlive a max-scale change', () => {
  it('raw 8 at t=15; max-scale 3 at t=30 ⇒ 3 without a recommendation; unbounded again at t=45 with raw 1: the 8 of t=15 is within 300 s ⇒ back up, at most max(2 × 3, 4) = 6; down only once it is out', () => {
    const hpa = new HpaController(makeKnativeHpa(CPU_50), 0);
    // util 100 ⇒ ratio 2 ⇒ raw ceil(2 × 4) = 8; upper max(2 × 4, 4) = 8.
    const a = sync(hpa, 15, 4, 1000);
    expect([a.rawReplicas, a.desiredReplicas]).toEqual([8, 8]);
    hpa.updateSpec(makeKnativeHpa({ ...CPU_50, maxScale: 3 }));
    // current 8 > maxReplicas 3: moved to the bound, no metric read, nothing recorded.
    const b = sync(hpa, 30, 8, 1000);
    expect([b.rawReplicas, b.desiredReplicas]).toEqual([undefined, 3]);
    hpa.updateSpec(makeKnativeHpa(CPU_50));
    // util 10 ⇒ ratio 0.2 ⇒ raw ceil(0.6) = 1; stabilized max(1, 4 @15, 8 @15) = 8; upper max(6, 4) = 6.
    const c = sync(hpa, 45, 3, 100);
    expect([c.rawReplicas, c.desiredReplicas, c.rescale]).toEqual([1, 6, true]);
    expect(c.status.conditions.ScalingLimited).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    // t = 316: the t = 15 records are older than 300 s; 6 pods at util 10 ⇒ raw ceil(0.2 × 6) = 2,
    // stabilized max(2, 1 @45) = 2 ⇒ 6 → 2.
    const d = sync(hpa, 316, 6, 100);
    expect([d.rawReplicas, d.desiredReplicas]).toEqual([2, 2]);
  });
});

describe('behavior path: Knative window "60s" stabilizes both directions for 60 s', () => {
  // [t, current, millicores per pod, raw, desired]: 2 pods at 900 m ⇒ util 90, ratio 1.8 ⇒ raw 4 from t = 15;
  // 4 pods at 100 m from t = 90 ⇒ util 10 ⇒ raw ceil(0.8) = 1.
  const rows: Array<[number, number, number, number, number]> = [
    // The initial record {2 @15} is the lowest of the up window ⇒ held at 2 …
    [15, 2, 900, 4, 2],
    [30, 2, 900, 4, 2],
    [45, 2, 900, 4, 2],
    [60, 2, 900, 4, 2],
    // … until it is exactly 60 s old (strict cutoff): up = 4; limit max(2 + 4, ceil(2 × 2)) = 6 ⇒ 4.
    [75, 2, 900, 4, 4],
    // The raw 4s of t = 30…75 stay the highest of the down window ⇒ held at 4 …
    [90, 4, 100, 1, 4],
    [105, 4, 100, 1, 4],
    [120, 4, 100, 1, 4],
    // … until the last of them (t = 75) is exactly 60 s old: down = 1; 100 % per 15 s allows 0, min 1 ⇒ 1.
    [135, 4, 100, 1, 1],
  ];
  it('scale-up at t=75 (not 15), scale-down at t=135 (not 90)', () => {
    // One HPA through all rows: each sync depends on the ones before.
    const hpa = new HpaController(makeKnativeHpa({ ...CPU_50, windowSeconds: 60 }), 0);
    for (const [t, current, millicores, raw, desired] of rows) {
      const r = sync(hpa, t, current, millicores);
      expect([t, r.rawReplicas, r.desiredReplicas]).toEqual([t, raw, desired]);
    }
  });
});
