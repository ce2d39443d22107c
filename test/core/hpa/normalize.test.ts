/**
 * Upstream's normalization cases (horizontal_test.go: TestNormalizeDesiredReplicas,
 * TestNormalizeDesiredReplicasWithBehavior, TestScalingWithRules, stabilization tests),
 * re-expressed: bounds, the legacy scale-up limit, behavior policies with periods and
 * selectPolicy, and both stabilization windows with their strict cutoffs.
 */
import { describe, expect, it } from 'vitest';
import { HpaNormalizer, resolveHpaSpec, type HpaBehavior } from '../../../src/core/autoscaler/index.js';

describe('legacy normalization (behavior nil)', () => {
  it.each([
    ['within range', 1, 10, 5, 7, 7, 'DesiredWithinRange'],
    ['above max', 1, 6, 5, 8, 6, 'TooManyReplicas'],
    ['below min', 3, 10, 5, 1, 5, 'DesiredWithinRange'],
    ['scale-up limit max(2×3, 4) = 6', 1, 100, 3, 20, 6, 'ScaleUpLimit'],
    ['scale-up limit minimum 4 from 1', 1, 100, 1, 20, 4, 'ScaleUpLimit'],
    ['max below the scale-up limit', 1, 5, 3, 20, 5, 'TooManyReplicas'],
  ] as const)('%s: min %i max %i current %i raw %i ⇒ %i (%s)', (_n, min, max, current, raw, want, reason) => {
    const n = new HpaNormalizer();
    // Only the first record (current) lies in the window, as at a first sync.
    n.recordInitial(current, 0);
    const r = n.normalizeLegacy(resolveHpaSpec({ minReplicas: min, maxReplicas: max }), current, raw, 0, 300);
    expect([r.desired, r.scalingLimited.reason]).toEqual([want, reason]);
  });
  it('a raw value below min with no higher history ⇒ min, TooFewReplicas', () => {
    const n = new HpaNormalizer();
    const r = n.normalizeLegacy(resolveHpaSpec({ minReplicas: 2, maxReplicas: 10 }), 3, 1, 1000, 300);
    expect([r.desired, r.scalingLimited.reason, r.scalingLimited.status]).toEqual([2, 'TooFewReplicas', 'True']);
  });
  it('stabilization keeps the highest recommendation of the last 300 s; one 301 s old is out', () => {
    const spec = resolveHpaSpec({ maxReplicas: 100 });
    const n = new HpaNormalizer();
    n.normalizeLegacy(spec, 10, 9, 0, 300);
    expect(n.normalizeLegacy(spec, 10, 3, 300, 300).desired).toBe(9);
    expect(n.normalizeLegacy(spec, 10, 3, 301, 300).desired).toBe(3);
  });
});

/** A normalizer whose history holds `events` (signed replica changes at times) and no recommendations in the way. */
function withEvents(behavior: HpaBehavior, events: Array<[number, number]>) {
  const spec = resolveHpaSpec({ maxReplicas: 1000, minReplicas: 1, behavior });
  const n = new HpaNormalizer();
  for (const [t, change] of events) n.storeScaleEvent(spec, 100, 100 + change, t);
  return { spec, n };
}

describe('behavior normalization: policies and periods', () => {
  it.each<[string, HpaBehavior, Array<[number, number]>, number, number, number, string]>([
    ['default scale-up: max(current + 4, 2 × current)', {}, [], 10, 50, 20, 'ScaleUpLimit'],
    ['default scale-up from 1: max(1 + 4, 2) = 5', {}, [], 1, 50, 5, 'ScaleUpLimit'],
    ['scale-up selectPolicy Min: min(+4, ×2)', { scaleUp: { selectPolicy: 'Min' } }, [], 10, 50, 14, 'ScaleUpLimit'],
    ['scale-up Disabled ⇒ current', { scaleUp: { selectPolicy: 'Disabled' } }, [], 10, 50, 10, 'ScaleUpLimit'],
    ['scale-up Pods 1 per 60 s after +3 within the period ⇒ start 7, limit 8 < current ⇒ stays 10', { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } }, [[20, 3]], 10, 50, 10, 'ScaleUpLimit'],
    ['scale-up Percent 50 per 60 s, +3 exactly 60 s old is out ⇒ ceil(10 × 1.5) = 15', { scaleUp: { policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } }, [[0, 3]], 10, 50, 15, 'ScaleUpLimit'],
    ['scale-up within the limit', {}, [], 10, 12, 12, 'DesiredWithinRange'],
    ['default scale-down: 100 % per 15 s ⇒ straight to the recommendation', { scaleDown: { stabilizationWindowSeconds: 0 } }, [], 10, 2, 2, 'DesiredWithinRange'],
    ['scale-down Percent 10 per 60 s ⇒ floor(100 × 0.9) = 90', { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] } }, [], 100, 5, 90, 'ScaleDownLimit'],
    ['scale-down Pods 5 per 60 s after −3 within the period ⇒ start 103, limit 98', { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 5, periodSeconds: 60 }] } }, [[30, -3]], 100, 5, 98, 'ScaleDownLimit'],
    ['scale-down Max of Pods 5 and Percent 20 ⇒ the larger change, 80', { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 5, periodSeconds: 60 }, { type: 'Percent', value: 20, periodSeconds: 60 }] } }, [], 100, 5, 80, 'ScaleDownLimit'],
    ['scale-down Min of Pods 5 and Percent 20 ⇒ the smaller change, 95', { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 5, periodSeconds: 60 }, { type: 'Percent', value: 20, periodSeconds: 60 }] } }, [], 100, 5, 95, 'ScaleDownLimit'],
    ['scale-down Disabled ⇒ current', { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled' } }, [], 100, 5, 100, 'ScaleDownLimit'],
    ['scale-down below min ⇒ min', { scaleDown: { stabilizationWindowSeconds: 0 } }, [], 3, 0, 1, 'TooFewReplicas'],
  ])('%s', (_n, behavior, events, current, raw, want, reason) => {
    const { spec, n } = withEvents(behavior, events);
    const r = n.normalizeWithBehavior(spec, current, raw, 60);
    expect([r.desired, r.scalingLimited.reason]).toEqual([want, reason]);
  });
});

describe('behavior normalization: stabilization windows', () => {
  const spec = resolveHpaSpec({ maxReplicas: 100, behavior: { scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 120 } } });
  it('scale-up takes the lowest recommendation of its window; a record exactly 60 s old is out', () => {
    const n = new HpaNormalizer();
    n.normalizeWithBehavior(spec, 4, 6, 0);
    expect(n.normalizeWithBehavior(spec, 4, 10, 59).desired).toBe(6);
    const m = new HpaNormalizer();
    m.normalizeWithBehavior(spec, 4, 6, 0);
    expect(m.normalizeWithBehavior(spec, 4, 8, 60).desired).toBe(8);
  });
  it('scale-down takes the highest recommendation of its window', () => {
    const n = new HpaNormalizer();
    n.normalizeWithBehavior(spec, 10, 8, 0);
    const r = n.normalizeWithBehavior(spec, 10, 3, 119);
    expect([r.desired, r.ableToScale.reason]).toEqual([8, 'ScaleDownStabilized']);
    expect(n.normalizeWithBehavior(spec, 8, 3, 240).desired).toBe(3);
  });
  it('scale-down with no window set uses the controller flag (300 s)', () => {
    expect(resolveHpaSpec({ maxReplicas: 5, behavior: {} }).behavior?.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(resolveHpaSpec({ maxReplicas: 5, behavior: {} }, { syncPeriodSeconds: 15, tolerance: 0.1, downscaleStabilizationSeconds: 60, cpuInitializationPeriodSeconds: 300, initialReadinessDelaySeconds: 30 }).behavior?.scaleDown.stabilizationWindowSeconds).toBe(60);
  });
  it('the recommendation between the windows is the current scale (no flapping)', () => {
    const n = new HpaNormalizer();
    n.normalizeWithBehavior(spec, 5, 3, 0);
    n.normalizeWithBehavior(spec, 5, 8, 10);
    // up window min(3, 8, 6) = 3 < current; down window max = 8 > current ⇒ stays 5.
    expect(n.normalizeWithBehavior(spec, 5, 6, 20).desired).toBe(5);
  });
  it('refuses policies the API server refuses', () => {
    expect(() => resolveHpaSpec({ maxReplicas: 5, behavior: { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] } } })).toThrow(/scaleUp.policies\[0\].value/);
    expect(() => resolveHpaSpec({ maxReplicas: 5, behavior: { scaleDown: { policies: [{ type: 'Percent', value: 10, periodSeconds: 1801 }] } } })).toThrow(/at most 1800/);
    expect(() => resolveHpaSpec({ minReplicas: 6, maxReplicas: 5 })).toThrow(/maxReplicas: must be ≥ minReplicas/);
  });
});
