/**
 * Upstream's replica calculator cases (kubernetes/kubernetes pkg/controller/podautoscaler
 * replica_calculator_test.go), re-expressed as tables: tolerance, unready and Pending pods,
 * missing metrics, ignored pods, CPU initialization, average-value metrics.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HPA_CONTROLLER_CONFIG as CFG,
  averageValueReplicas,
  groupPods,
  resourceUtilizationReplicas,
  type HpaPod,
} from '../../../src/core/autoscaler/index.js';
import { metrics, pod } from './fixtures.js';

const NOW = 0;
const NOT_READY: Partial<HpaPod> = { ready: false };

interface Row {
  name: string;
  current: number;
  pods: HpaPod[];
  values: Array<number | undefined>;
  target: number;
  want: number;
  usage: number;
}

const UTILIZATION: Row[] = [
  { name: 'scale up: 300/500/700 m of 1 core at target 30 ⇒ util 50 ⇒ 5', current: 3, pods: [pod('p0'), pod('p1'), pod('p2')], values: [300, 500, 700], target: 30, want: 5, usage: 50 },
  { name: 'scale up with an unready pod: its usage counts as 0 ⇒ 4 (not 5)', current: 3, pods: [pod('p0', NOT_READY), pod('p1'), pod('p2')], values: [300, 500, 700], target: 30, want: 4, usage: 60 },
  { name: 'scale up that unready pods would reverse ⇒ no change', current: 3, pods: [pod('p0'), pod('p1', NOT_READY), pod('p2', NOT_READY)], values: [400, 500, 700], target: 30, want: 3, usage: 40 },
  { name: 'Pending pods are unready: 4 ready at 1000 m, 4 Pending, target 50 ⇒ util 50 after filling ⇒ stays 8 (A7a)', current: 8, pods: [0, 1, 2, 3].map((i) => pod(`p${i}`)).concat([4, 5, 6, 7].map((i) => pod(`p${i}`, { phase: 'Pending' }))), values: [1000, 1000, 1000, 1000], target: 50, want: 8, usage: 100 },
  { name: 'Pending pods are left out of a scale-down: 4 ready at 250 m ⇒ 2 (A7a)', current: 8, pods: [0, 1, 2, 3].map((i) => pod(`p${i}`)).concat([4, 5, 6, 7].map((i) => pod(`p${i}`, { phase: 'Pending' }))), values: [250, 250, 250, 250], target: 50, want: 2, usage: 25 },
  { name: 'failed pods are ignored', current: 2, pods: [pod('p0'), pod('p1'), pod('p2', { phase: 'Failed' }), pod('p3', { phase: 'Failed' })], values: [500, 700, 100, 100], target: 30, want: 4, usage: 60 },
  { name: 'terminating pods are ignored', current: 2, pods: [pod('p0'), pod('p1'), pod('p2', { deleting: true }), pod('p3', { deleting: true })], values: [500, 700, 100, 100], target: 30, want: 4, usage: 60 },
  { name: 'scale down: 100/300/500/250/250 m at target 50 ⇒ util 28 ⇒ 3', current: 5, pods: [0, 1, 2, 3, 4].map((i) => pod(`p${i}`)), values: [100, 300, 500, 250, 250], target: 50, want: 3, usage: 28 },
  { name: 'tolerance: requests 900/1000/1100 m, usage 1010/1030/1020 at target 100 ⇒ util 102 ⇒ no change', current: 3, pods: [pod('p0', {}, 900), pod('p1', {}, 1000), pod('p2', {}, 1100)], values: [1010, 1030, 1020], target: 100, want: 3, usage: 102 },
  { name: 'tolerance edge: util 45 at target 50 is inside (float64 0.9 = 1 − 0.1)', current: 4, pods: [0, 1, 2, 3].map((i) => pod(`p${i}`)), values: [450, 450, 450, 450], target: 50, want: 4, usage: 45 },
  { name: 'tolerance edge: util 55 at target 50 is inside (1.1 = 1 + 0.1)', current: 4, pods: [0, 1, 2, 3].map((i) => pod(`p${i}`)), values: [550, 550, 550, 550], target: 50, want: 4, usage: 55 },
  { name: 'missing metric, ratio exactly 1 ⇒ no change', current: 2, pods: [pod('p0'), pod('p1')], values: [1000, undefined], target: 100, want: 2, usage: 100 },
  { name: 'missing metric on a scale-up counts as 0 ⇒ 95 % within tolerance ⇒ no change', current: 2, pods: [pod('p0'), pod('p1')], values: [1900, undefined], target: 100, want: 2, usage: 190 },
  { name: 'missing metric on a scale-down counts as 100 % of its request ⇒ 80 % ⇒ 2', current: 2, pods: [pod('p0'), pod('p1')], values: [600, undefined], target: 100, want: 2, usage: 60 },
  { name: 'missing metric on a scale-down with target above 100 counts as the target (150 %)', current: 3, pods: [pod('p0'), pod('p1'), pod('p2')], values: [300, 300, undefined], target: 150, want: 2, usage: 30 },
  { name: 'missing and unready on a would-be scale-down that reverses ⇒ no change', current: 3, pods: [pod('p0', NOT_READY), pod('p1'), pod('p2')], values: [100, undefined, 450], target: 50, want: 3, usage: 45 },
  { name: 'missing and unready pods on a scale-up both count 0 ⇒ 4', current: 3, pods: [pod('p0', NOT_READY), pod('p1'), pod('p2')], values: [100, 2000, undefined], target: 50, want: 4, usage: 200 },
  { name: 'missing on a scale-down, unready left out ⇒ 3', current: 4, pods: [pod('p0', NOT_READY), pod('p1'), pod('p2'), pod('p3')], values: [100, 100, 100, undefined], target: 50, want: 3, usage: 10 },
  { name: 'metrics of pods the selector does not list have no request, so the utilization skips them ⇒ util 587 ⇒ 24', current: 4, pods: [0, 1, 2, 3].map((i) => pod(`p${i}`)), values: [4000, 9500, 3000, 7000, 3200, 2000], target: 100, want: 24, usage: 587 },
];

describe('resourceUtilizationReplicas (GetResourceReplicas)', () => {
  it.each(UTILIZATION)('$name', ({ current, pods, values, target, want, usage }) => {
    const p = resourceUtilizationReplicas({ nowSeconds: NOW, currentReplicas: current, pods, metrics: metrics(values, NOW), config: CFG, resource: 'cpu', targetUtilization: target });
    expect(p.ok).toBe(true);
    if (p.ok) expect([p.replicas, p.usage]).toEqual([want, usage]);
  });

  it.each([
    ['no pods', [] as HpaPod[], [500], 'no pods returned by selector while calculating replica count'],
    ['no metrics for ready pods', [pod('p0', NOT_READY)], [500], 'did not receive metrics for targeted pods (pods might be unready)'],
    // Upstream's calculateRequests names the first container without one, and the pod, unquoted.
    ['a pod without a CPU request', [pod('p0'), pod('p1', { requestsMilli: {} })], [500, 500], 'missing request for cpu in container user-container of Pod p1'],
    ['a sidecar without a CPU request', [pod('p0', { requestsMilli: {}, withoutRequest: { cpu: 'envoy' } }), pod('p1')], [500, 500], 'missing request for cpu in container envoy of Pod p0'],
  ])('fails with %s', (_n, pods, values, message) => {
    const p = resourceUtilizationReplicas({ nowSeconds: NOW, currentReplicas: 2, pods, metrics: metrics(values, NOW), config: CFG, resource: 'cpu', targetUtilization: 50 });
    expect(p).toMatchObject({ ok: false, message });
  });
});

describe('groupPods: CPU readiness during and after the initialization period', () => {
  const m = (ts: number) => new Map([['p', { valueMilli: 100, timestampSeconds: ts, windowSeconds: 15 }]]);
  it.each([
    ['started 60 s ago, Ready, metric covers a full window since Ready', { startTimeSeconds: 940, readyLastTransitionSeconds: 950, ready: true }, 1000, 'ready'],
    ['started 60 s ago, Ready 10 s ago: metric window not yet full (hot CPU)', { startTimeSeconds: 940, readyLastTransitionSeconds: 990, ready: true }, 1000, 'unready'],
    ['started 60 s ago, not Ready', { startTimeSeconds: 940, readyLastTransitionSeconds: 940, ready: false }, 1000, 'unready'],
    ['no Ready condition', { startTimeSeconds: 0, ready: undefined }, 1000, 'unready'],
    ['no start time', { startTimeSeconds: undefined, ready: true }, 1000, 'unready'],
    ['started long ago, not Ready and never was (transition within 30 s of start)', { startTimeSeconds: 0, readyLastTransitionSeconds: 20, ready: false }, 1000, 'unready'],
    ['started long ago, not Ready but was Ready once (transition 100 s after start)', { startTimeSeconds: 0, readyLastTransitionSeconds: 100, ready: false }, 1000, 'ready'],
    ['started exactly 300 s ago: past the initialization period', { startTimeSeconds: 700, readyLastTransitionSeconds: 995, ready: true }, 1000, 'ready'],
  ] as const)('%s ⇒ %s', (_n, over, now, want) => {
    const g = groupPods([pod('p', over)], m(now), 'cpu', now, CFG);
    expect(g.readyCount === 1 ? 'ready' : 'unready').toBe(want);
    // Memory and custom metrics skip the CPU readiness rule.
    expect(groupPods([pod('p', over)], m(now), 'memory', now, CFG).readyCount).toBe(1);
  });
});

describe('averageValueReplicas (memory and Pods metrics)', () => {
  it.each([
    ['custom metric scale up: 20/10/30 at target 15 ⇒ avg 20 ⇒ 4', [pod('p0'), pod('p1'), pod('p2')], [20000, 10000, 30000], 15000, 4, 20000],
    ['custom metric ignores CPU readiness: an unready Running pod counts ⇒ 6', [pod('p0', NOT_READY), pod('p1'), pod('p2')], [50000, 10000, 30000], 15000, 6, 30000],
    ['custom metric scale down: 12/12/12 at target 20 ⇒ 2', [pod('p0'), pod('p1'), pod('p2')], [12000, 12000, 12000], 20000, 2, 12000],
    ['custom metric within tolerance', [pod('p0'), pod('p1'), pod('p2')], [21000, 21000, 21000], 20000, 3, 21000],
    ['missing pod on a scale-down counts as exactly the target ⇒ 2 (not 1)', [pod('p0'), pod('p1'), pod('p2')], [1000, 1000, undefined], 10000, 2, 1000],
    ['Pending pods count 0 on a scale-up ⇒ ratio 1.0 after filling ⇒ 3 (not 4)', [pod('p0'), pod('p1', { phase: 'Pending' }), pod('p2', { phase: 'Pending' }), pod('p3', { phase: 'Pending' })], [40000], 10000, 3, 40000],
  ] as const)('%s', (_n, pods, values, target, want, usage) => {
    const p = averageValueReplicas({ nowSeconds: NOW, currentReplicas: 3, pods: [...pods], metrics: metrics([...values], NOW), config: CFG, resource: undefined, targetMilli: target });
    expect(p.ok && [p.replicas, p.usage]).toEqual([want, usage]);
  });
});

describe('a metric of a pod the lister does not have (deleted since, or not seen yet)', () => {
  // calcPlainMetricReplicas removes only ignored and unready pods' metrics: the extraneous one
  // is in the average, and in len(metrics) when missing or unready pods are rebalanced.
  const ghost = (v: number) => ({ valueMilli: v, timestampSeconds: NOW, windowSeconds: 15 });
  it.each([
    // avg (100 + 300) / 2 = 200 at target 100 ⇒ ratio 2 ⇒ ⌈2 × 1 ready⌉ = 2
    ['counts in the average value', [pod('p0')], new Map([['p0', ghost(100000)], ['gone', ghost(300000)]]), 1, 2, 200000],
    // p1 missing on a scale-up counts 0: avg (300 + 0 + 300) / 3 = 200 ⇒ ⌈2 × 3 metrics⌉ = 6
    ['counts in the rebalanced proposal', [pod('p0'), pod('p1')], new Map([['p0', ghost(300000)], ['gone', ghost(300000)]]), 2, 6, 300000],
  ] as const)('%s', (_n, pods, m, current, want, usage) => {
    const p = averageValueReplicas({ nowSeconds: NOW, currentReplicas: current, pods: [...pods], metrics: m, config: CFG, resource: undefined, targetMilli: 100000 });
    expect(p.ok && [p.replicas, p.usage]).toEqual([want, usage]);
  });
});

describe('averageValueReplicas: missing pods when the usage is exactly at the target', () => {
  // calcPlainMetricReplicas (v1.33+) fills missing pods only on a strict scale-up (ratio > 1)
  // or scale-down (ratio < 1); at ratio 1 they stay out, so the ratio stays 1 and nothing changes.
  it.each([
    ['custom metric: 2 pods at 10, 2 missing, current 4', undefined, [10000, 10000, undefined, undefined], 10000, 4],
    ['memory: 1 pod at 200 MiB, 1 missing, current 2', 'memory', [200 * 1048576000, undefined], 200 * 1048576000, 2],
    ['custom metric: 3 pods at 5, 3 missing, current 6', undefined, [5000, 5000, 5000, undefined, undefined, undefined], 5000, 6],
  ] as const)('%s ⇒ stays', (_n, resource, values, target, current) => {
    const p = averageValueReplicas({ nowSeconds: NOW, currentReplicas: current, pods: values.map((_, i) => pod(`p${i}`)), metrics: metrics([...values], NOW), config: CFG, resource, targetMilli: target });
    expect(p.ok && [p.replicas, p.usage]).toEqual([current, target]);
  });
});

describe('the calculators reject what no sync could see, naming the field', () => {
  // Each of these came back as a proposal of Infinity, NaN or −3 replicas, or as a BigInt RangeError.
  const base = { nowSeconds: NOW, currentReplicas: 2, pods: [pod('p0'), pod('p1')], metrics: metrics([900, 700], NOW), config: CFG, resource: 'cpu' as const, targetUtilization: 50 };
  it('accepts the base case: util ⌊100 × 1600 / 2000⌋ = 80 at target 50 ⇒ ⌈1.6 × 2⌉ = 4', () => {
    const p = resourceUtilizationReplicas(base);
    expect(p.ok && [p.replicas, p.usage]).toEqual([4, 80]);
  });
  it.each([
    ['a target of 0', { targetUtilization: 0 }, 'targetUtilization: must be ≥ 1, got 0'],
    ['a NaN target', { targetUtilization: NaN }, 'targetUtilization: must be a finite number, got NaN'],
    ['a negative target', { targetUtilization: -50 }, 'targetUtilization: must be ≥ 1, got -50'],
    ['a NaN time', { nowSeconds: NaN }, 'nowSeconds: must be a finite number, got NaN'],
    ['a negative spec.replicas', { currentReplicas: -1 }, 'currentReplicas: must be ≥ 0, got -1'],
    ['a fractional spec.replicas', { currentReplicas: 1.5 }, 'currentReplicas: must be an integer, got 1.5'],
    ['a NaN tolerance', { config: { ...CFG, tolerance: NaN } }, 'cfg.tolerance: must be a finite number, got NaN'],
    ['a NaN metric', { metrics: metrics([NaN, 700], NOW) }, 'metrics["p0"].valueMilli: must be a finite number, got NaN'],
    ['a fractional metric', { metrics: metrics([900.5, 700], NOW) }, 'metrics["p0"].valueMilli: must be an integer, got 900.5'],
    ['a negative CPU metric', { metrics: metrics([-900, 700], NOW) }, 'metrics["p0"].valueMilli: must be ≥ 0, got -900'],
    ['a negative request', { pods: [pod('p0'), pod('p1', {}, -1000)] }, 'pods[1].requestsMilli.cpu: must be ≥ 0, got -1000'],
    ['an unknown resource', { resource: 'gpu' }, 'resource: must be one of "cpu", "memory", got "gpu"'],
  ] as const)('%s', (_n, over, message) => {
    expect(() => resourceUtilizationReplicas({ ...base, ...over } as Parameters<typeof resourceUtilizationReplicas>[0])).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', message }),
    );
  });
  it.each([
    [0, 'targetMilli: must be ≥ 1, got 0'],
    [NaN, 'targetMilli: must be a finite number, got NaN'],
    [0.5, 'targetMilli: must be an integer, got 0.5'],
  ])('averageValueReplicas with a target of %s milli-units', (targetMilli, message) => {
    expect(() => averageValueReplicas({ ...base, resource: undefined, targetMilli })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message }));
  });
});
