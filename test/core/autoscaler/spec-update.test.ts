/**
 * In-place PA spec changes: windows resized as upstream's ResizeWindow does it, the metric
 * collection following the Metric's spec, and the decision loop taking new settings.
 */
import { describe, expect, it } from 'vitest';
import {
  DecisionLoop,
  MetricCollection,
  WeightedWindowAverage,
  WindowAverage,
  parseAutoscalerConfig,
  resolveRevisionAutoscaling,
  smoothingCoefficient,
  type RevisionAutoscaling,
} from '../../../src/core/autoscaler/index.js';
import { roundTo6Digits } from '../../../src/core/autoscaler/window-average.js';

describe('WindowAverage.resize', () => {
  it.each([
    // window, values written at t = 0, 1, …, new window, resize at, read at, expected average
    { name: 'shrink keeps the newest buckets', window: 5, values: [1, 2, 3, 4, 5], to: 3, at: 4, read: 4, want: 4 },
    { name: 'grow keeps all, averaged over the old span', window: 3, values: [1, 2, 3], to: 6, at: 2, read: 2, want: 2 },
    { name: 'same window is a no-op', window: 4, values: [4, 4, 8, 8], to: 4, at: 3, read: 3, want: 6 },
    { name: 'data older than the old window is dropped', window: 3, values: [5], to: 20, at: 10, read: 10, want: 0 },
  ])('$name', ({ window, values, to, at, read, want }) => {
    const w = new WindowAverage(window);
    values.forEach((v, t) => w.record(t, v));
    w.resize(to, at);
    expect(w.average(read)).toBe(want);
  });

  it('follows upstream TestTimedFloat64BucketsResizeWindow: grow 5 → 10 s, one more second, shrink to 4 s', () => {
    const w = new WindowAverage(5);
    [1, 2, 3, 4, 5, 6].forEach((v, t) => w.record(t, v)); // the ring rolls over: 2 … 6 remain
    expect(w.average(5)).toBe(20 / 5);
    w.resize(10, 5);
    // At most 5 buckets were ever live, so the average does not change.
    expect(w.average(5)).toBe(20 / 5);
    w.record(6, 7);
    expect(w.average(6)).toBe(roundTo6Digits(27 / 6));
    w.resize(4, 6);
    // The 4 newest buckets stay (2 and 3 go).
    expect(w.average(6)).toBe((4 + 5 + 6 + 7) / 4);
    w.resize(4, 6);
    expect(w.average(6)).toBe((4 + 5 + 6 + 7) / 4);
  });

  it('after growing, new data averages with the kept buckets', () => {
    const w = new WindowAverage(3);
    [1, 2, 3].forEach((v, t) => w.record(t, v));
    w.resize(6, 2);
    w.record(3, 4);
    expect(w.average(3)).toBe(2.5); // (1 + 2 + 3 + 4) / 4
    w.record(6, 6);
    // t = 1 … 6 in the 6 s window: 2 + 3 + 4 + 0 + 0 + 6 = 15 over 6 buckets.
    expect(w.average(6)).toBe(2.5);
  });

  it.each([
    // Old window 6 s, one write at t = 0, resized at t = 10 (nothing in the old window), then
    // writes at t = 12 (10 s gap < new window). Upstream ResizeWindow clears firstWrite when no
    // data is left, so the next Record restarts the live span at its own bucket.
    { name: 'one write after the resize reads as itself', to: 30, writes: [[12, 8]], read: 12, want: 8 },
    { name: 'the live span starts at the first write after the resize', to: 30, writes: [[12, 8], [14, 4]], read: 14, want: 4 },
    { name: 'a gap longer than the new window still resets', to: 10, writes: [[12, 8]], read: 12, want: 8 },
  ])('grown after the old data expired: $name', ({ to, writes, read, want }) => {
    const w = new WindowAverage(6);
    w.record(0, 100);
    w.resize(to, 10);
    for (const [t, v] of writes) w.record(t!, v!);
    expect(w.average(read)).toBe(want);
  });

  it('the weighted average recomputes its smoothing for the new bucket count', () => {
    const w = new WeightedWindowAverage(60);
    w.record(0, 10);
    w.resize(6, 0);
    expect(w.smoothing).toBe(smoothingCoefficient(6));
    expect(w.average(0)).toBeCloseTo(10 * smoothingCoefficient(6), 12);
  });
});

describe('MetricCollection.update', () => {
  it('a shorter stable window forgets old load sooner', () => {
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6 });
    for (let t = 0; t < 30; t++) c.record({ timeSeconds: t, averageConcurrentRequests: 10, requestCount: 10 });
    for (let t = 30; t < 40; t++) c.record({ timeSeconds: t, averageConcurrentRequests: 0, requestCount: 0 });
    expect(c.stableAndPanicConcurrency(39).stable).toBe(7.5); // 300 / 40
    c.update({ stableWindowSeconds: 6, panicWindowSeconds: 3 }, 39);
    expect(c.stableAndPanicConcurrency(39)).toEqual({ stable: 0, panic: 0 });
  });
});

const kpa = (annotations: Record<string, string> = {}, cm: Record<string, string> = {}): RevisionAutoscaling =>
  resolveRevisionAutoscaling(parseAutoscalerConfig(cm), { containerConcurrency: 0, annotations });

describe('DecisionLoop.update', () => {
  const MIN3 = { 'autoscaling.knative.dev/min-scale': '3' };

  it('takes a new min-scale and owes a reconcile; the same settings change nothing', () => {
    const loop = new DecisionLoop({ revision: 'r', autoscaling: kpa(), nowSeconds: 0, existingPods: 0 });
    expect(loop.scaleBounds().min).toBe(0);
    expect(loop.update(kpa(MIN3), 10)).toBe(true);
    expect(loop.scaleBounds().min).toBe(3);
    expect(loop.reconcileDue(10)).toBe(true);
    const r = loop.reconcile(10, { pods: { ready: 0 }, deploymentReplicas: 0 });
    expect(r.applyReplicas).toBe(3);
    expect(loop.update(kpa(MIN3), 12)).toBe(false);
    expect(loop.reconcileDue(12)).toBe(false);
  });

  it('an unreachable revision keeps min-scale 0 after an update', () => {
    const loop = new DecisionLoop({ revision: 'r', autoscaling: kpa(), nowSeconds: 0, existingPods: 0 });
    loop.setReachable(false);
    expect(loop.update(kpa(MIN3), 10)).toBe(true);
    expect(loop.scaleBounds().min).toBe(0);
    expect(loop.setReachable(true)).toBe(true);
    expect(loop.scaleBounds().min).toBe(3);
  });

  it('a config-autoscaler stable window reaches the decider and the scrape order', () => {
    const loop = new DecisionLoop({ revision: 'r', autoscaling: kpa(), nowSeconds: 0, existingPods: 1 });
    expect(loop.stableWindowSeconds).toBe(60);
    loop.update(kpa({}, { 'stable-window': '6s' }), 5);
    expect(loop.stableWindowSeconds).toBe(6);
    expect(loop.autoscaling.deciderSpec.stableWindowSeconds).toBe(6);
  });
});
