/**
 * capacity-spec §7 worked acceptance numbers A1–A6 and A8, reproduced exactly: the HPA
 * object Knative builds, the replica calculator, and both normalization paths, syncing
 * every 15 s from creation at t = 0.
 */
import { describe, expect, it } from 'vitest';
import {
  HpaController,
  cpuUsageMillicores,
  knativeHpaTargetProblem,
  makeKnativeHpa,
  resourceUtilizationReplicas,
  DEFAULT_HPA_CONTROLLER_CONFIG,
  type HpaPod,
  type HpaPodMetric,
} from '../../../src/core/autoscaler/index.js';
import { metrics, pods } from './fixtures.js';

const MIB = 1024 * 1024;

/** One sync of `hpa` at `now` with `n` pods each using `usage` millicores of `request`. */
function syncCpu(hpa: HpaController, now: number, current: number, usage: number, request = 1000) {
  return hpa.sync({ nowSeconds: now, currentReplicas: current, pods: pods(current, request), resourceMetrics: { cpu: metrics(Array(current).fill(usage), now) } });
}

describe('§1.2 – the metric MakeHPA builds from metric and target', () => {
  it.each([
    ['cpu 50.2 ⇒ averageUtilization ceil(50.2) = 51 %', 'cpu', 50.2, { type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: 51 } }],
    ['memory 200.9 ⇒ int64(200.9) = 200 MiB = 209 715 200 bytes', 'memory', 200.9, { type: 'Resource', resource: 'memory', target: { type: 'AverageValue', averageValueMilli: 209715200 * 1000 } }],
    ['concurrency 10.7 ⇒ Pods metric "concurrency", int64(10.7) = 10', 'concurrency', 10.7, { type: 'Pods', name: 'concurrency', target: { type: 'AverageValue', averageValueMilli: 10000 } }],
    ['rps 0.5 ⇒ int64(0.5) = 0', 'rps', 0.5, { type: 'Pods', name: 'rps', target: { type: 'AverageValue', averageValueMilli: 0 } }],
  ] as const)('%s', (_c, metric, target, want) => {
    expect(makeKnativeHpa({ metric, target, minScale: 0, maxScale: 0, windowSeconds: undefined }).metrics).toEqual([want]);
  });
  it('an averageValue of 0 is one the API server refuses, so knsim names the problem rather than build it', () => {
    expect(knativeHpaTargetProblem('rps', 0.5)).toMatch(/averageValue 0/);
    expect(knativeHpaTargetProblem('rps', 1)).toBeUndefined();
  });
  it('no target ⇒ no metric ⇒ the API default, CPU utilization 80 %; min-scale 0 ⇒ minReplicas defaulted to 1; max-scale 0 ⇒ 2147483647', () => {
    const spec = makeKnativeHpa({ metric: 'cpu', target: undefined, minScale: 0, maxScale: 0, windowSeconds: undefined });
    expect(spec).toEqual({ maxReplicas: 2147483647, metrics: [] });
    const hpa = new HpaController(spec, 0);
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } }]);
  });
});

describe('A1 – CPU scale-up in one sync (behavior nil)', () => {
  it('target "50" ⇒ averageUtilization 50, min 1 (defaulted), max 2147483647; 4 pods at 1000 m ⇒ util 100, raw 8, upper 8 ⇒ 4 → 8, status current 4 / desired 8', () => {
    const spec = makeKnativeHpa({ metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: undefined });
    expect(spec).toEqual({ maxReplicas: 2147483647, metrics: [{ type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } }] });
    const hpa = new HpaController(spec, 0);
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.nextSyncSeconds).toBe(15);
    const r = syncCpu(hpa, 15, 4, 1000);
    expect(r.status.currentMetrics).toEqual([{ metric: 'cpu', current: 100, kind: 'Utilization' }]);
    expect(r.rawReplicas).toBe(8);
    expect(r.desiredReplicas).toBe(8);
    expect(r.rescale).toBe(true);
    expect(r.status.currentReplicas).toBe(4);
    expect(r.status.desiredReplicas).toBe(8);
    expect(r.status.lastScaleTimeSeconds).toBe(15);
  });
});

describe('A2 – tolerance (4 pods, target 50)', () => {
  it.each([
    [540, 54, 4, 4],
    [560, 56, 5, 5],
    [450, 45, 4, 4],
    [370, 37, 3, 4],
  ])('%i m each ⇒ util %i, raw %i, replicas %i', (usage, util, raw, replicas) => {
    const hpa = new HpaController(makeKnativeHpa({ metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: undefined }), 0);
    const r = syncCpu(hpa, 15, 4, usage);
    expect(r.status.currentMetrics[0]?.current).toBe(util);
    expect(r.rawReplicas).toBe(raw);
    // 370 m: raw 3, but the first sync's own record {4} holds the scale-down (§2.5 stabilization).
    expect(r.desiredReplicas).toBe(replicas);
  });
});

describe('A3 – scale-down waits 300 s (behavior nil)', () => {
  it('raw 8 at T…T+60, raw 4 from T+75 ⇒ 8 through T+360 (the T+60 record is exactly 300 s old and counts), 8 → 4 at T+375 in one step', () => {
    const hpa = new HpaController(makeKnativeHpa({ metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: undefined }), 0);
    const T = 15;
    let current = 4;
    const seen: Array<[number, number, number | undefined]> = [];
    for (let t = T; t <= T + 390; t += 15) {
      // A1 at T; then 4000 m over 8 pods (50 %, within tolerance) to T+60; then 250 m per pod.
      const usage = t === T ? 1000 : t <= T + 60 ? 500 : 250;
      const r = syncCpu(hpa, t, current, usage);
      seen.push([t - T, r.desiredReplicas, r.rawReplicas]);
      current = r.desiredReplicas;
    }
    expect(seen.slice(0, 6)).toEqual([[0, 8, 8], [15, 8, 8], [30, 8, 8], [45, 8, 8], [60, 8, 8], [75, 8, 4]]);
    expect(seen.filter(([dt]) => dt <= 360).map(([, d]) => d)).toEqual(Array(25).fill(8));
    expect(seen.find(([dt]) => dt === 360)).toEqual([360, 8, 4]);
    expect(seen.find(([dt]) => dt === 375)).toEqual([375, 4, 4]);
    expect(seen.filter(([, d]) => d !== 8 && d !== 4)).toEqual([]);
    // At T+390 the 4 pods at 250 m ask for 2; the last 300 s of recommendations hold 4.
    expect(seen.at(-1)).toEqual([390, 4, 2]);
    expect(hpa.status.conditions.AbleToScale?.reason).toBe('ScaleDownStabilized');
  });
  it('at T+360 the HPA reports ScaleDownStabilized', () => {
    const hpa = new HpaController(makeKnativeHpa({ metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: undefined }), 0);
    let current = 4;
    for (let t = 15; t <= 375; t += 15) current = syncCpu(hpa, t, current, t === 15 ? 1000 : t <= 75 ? 500 : 250).desiredReplicas;
    expect(current).toBe(8);
    expect(hpa.status.conditions.AbleToScale?.reason).toBe('ScaleDownStabilized');
    expect(syncCpu(hpa, 390, 8, 250).status.conditions.AbleToScale?.reason).toBe('SucceededRescale');
  });
});

describe('A4 – legacy scale-up rate', () => {
  it('1 pod, request 200 m, using 1000 m (util 500, ratio 10) ⇒ raw 10 ⇒ 1 → 4; raw staying 10 ⇒ 4 → 8 → 10', () => {
    const hpa = new HpaController(makeKnativeHpa({ metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: undefined }), 0);
    const r1 = syncCpu(hpa, 15, 1, 1000, 200);
    expect([r1.status.currentMetrics[0]?.current, r1.rawReplicas, r1.desiredReplicas]).toEqual([500, 10, 4]);
    expect(r1.status.conditions.ScalingLimited).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    // Load that keeps raw at 10: 4 pods at 250 m (util 125), then 8 pods at 125 m (util 62).
    const r2 = syncCpu(hpa, 30, 4, 250, 200);
    expect([r2.rawReplicas, r2.desiredReplicas]).toEqual([10, 8]);
    const r3 = syncCpu(hpa, 45, 8, 125, 200);
    expect([r3.rawReplicas, r3.desiredReplicas]).toEqual([10, 10]);
    expect(r3.status.conditions.ScalingLimited).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
  });
});

describe('A5 – Knative window "20s" (behavior path)', () => {
  const spec = makeKnativeHpa({ metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: 20 });
  /** Pods whose usage makes raw = `raw` at `current` replicas with target 50 (request 1000 m). */
  const forRaw = (current: number, raw: number): number => (raw / current) * 500;

  it('sets both stabilization windows to 20 s; the API defaults fill the policies', () => {
    expect(spec.behavior).toEqual({ scaleUp: { stabilizationWindowSeconds: 20 }, scaleDown: { stabilizationWindowSeconds: 20 } });
    const hpa = new HpaController(spec, 0);
    expect(hpa.spec.behavior?.scaleUp).toEqual({ stabilizationWindowSeconds: 20, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] });
    expect(hpa.spec.behavior?.scaleDown).toEqual({ stabilizationWindowSeconds: 20, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  });

  it('raw 10 every sync: t=15 stays 1, t=30 stays 1, t=45 → 5 (limit max(1+4, 2)), t=60 → 10 (the +4 @45 is exactly 15 s old); raw 2 from S=90: 10 at S, 2 at S+15', () => {
    const hpa = new HpaController(spec, 0);
    let current = 1;
    const out: Array<[number, number]> = [];
    for (let t = 15; t <= 105; t += 15) {
      const raw = t < 90 ? 10 : 2;
      const r = syncCpu(hpa, t, current, forRaw(current, raw));
      expect(r.rawReplicas).toBe(raw);
      current = r.desiredReplicas;
      out.push([t, current]);
    }
    expect(out).toEqual([[15, 1], [30, 1], [45, 5], [60, 10], [75, 10], [90, 10], [105, 2]]);
  });

  it('at t=45 the limit is reported as ScaleUpLimit; at t=15 the scale-up is ScaleUpStabilized', () => {
    const hpa = new HpaController(spec, 0);
    const r15 = syncCpu(hpa, 15, 1, forRaw(1, 10));
    expect(r15.status.conditions.AbleToScale?.reason).toBe('ScaleUpStabilized');
    syncCpu(hpa, 30, 1, forRaw(1, 10));
    const r45 = syncCpu(hpa, 45, 1, forRaw(1, 10));
    expect(r45.desiredReplicas).toBe(5);
    expect(r45.status.conditions.ScalingLimited).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
  });
});

describe('A6 – memory target', () => {
  it('target "200" ⇒ averageValue 209 715 200 bytes; 2 pods at 300 MiB and 340 MiB ⇒ usage 320 MiB, ratio 1.6, raw 4, upper 4 ⇒ 2 → 4', () => {
    const spec = makeKnativeHpa({ metric: 'memory', target: 200, minScale: 0, maxScale: 0, windowSeconds: undefined });
    expect(spec.metrics).toEqual([{ type: 'Resource', resource: 'memory', target: { type: 'AverageValue', averageValueMilli: 209715200 * 1000 } }]);
    const hpa = new HpaController(spec, 0);
    const two: HpaPod[] = pods(2);
    const r = hpa.sync({ nowSeconds: 15, currentReplicas: 2, pods: two, resourceMetrics: { memory: metrics([300 * MIB * 1000, 340 * MIB * 1000], 15) } });
    expect(r.status.currentMetrics).toEqual([{ metric: 'memory', current: 320 * MIB * 1000, kind: 'AverageValue' }]);
    expect(r.rawReplicas).toBe(4);
    expect(r.desiredReplicas).toBe(4);
  });
});

describe('A8 – metrics lag', () => {
  // One pod's usage steps from 200 m to 1000 m at t = 18; metrics-server scrapes at 0, 15, 30, 45.
  const cumulative = (t: number): number => (t <= 18 ? 0.2 * t : 0.2 * 18 + 1.0 * (t - 18));
  const point = (t: number) => ({ timeSeconds: t, cumulativeCoreSeconds: cumulative(t) });

  it('the point after the t = 30 scrape covers [15, 30]: (200×3 + 1000×12)/15 = 840 m ⇒ util 84 ⇒ ratio 1.68 at target 50', () => {
    const u = cpuUsageMillicores(point(15), point(30));
    expect(u.windowSeconds).toBe(15);
    expect(u.millicores).toBeCloseTo(840, 9);
    const m = new Map<string, HpaPodMetric>([['p0', { valueMilli: Math.ceil(u.millicores - 1e-9), timestampSeconds: 30, windowSeconds: 15 }]]);
    const p = resourceUtilizationReplicas({ nowSeconds: 30, currentReplicas: 1, pods: pods(1), metrics: m, config: DEFAULT_HPA_CONTROLLER_CONFIG, resource: 'cpu', targetUtilization: 50 });
    expect(p.ok && [p.usage, p.ratio, p.replicas]).toEqual([84, 1.68, 2]);
  });
  it('the first point showing 1000 m is the t = 45 scrape', () => {
    expect(cpuUsageMillicores(point(0), point(15)).millicores).toBeCloseTo(200, 9);
    expect(cpuUsageMillicores(point(15), point(30)).millicores).toBeLessThan(1000);
    expect(cpuUsageMillicores(point(30), point(45)).millicores).toBeCloseTo(1000, 9);
  });
});
