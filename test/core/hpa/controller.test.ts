/**
 * What one HPA sync writes to its status when it does not consult the metrics
 * (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go, reconcileAutoscaler and
 * setStatus): replicas outside [min, max] are moved to the bound, a target at zero is left
 * alone, and in all three cases status.currentMetrics is empty, not the last sync's values.
 */
import { describe, expect, it } from 'vitest';
import { HpaController, makeKnativeHpa } from '../../../src/core/autoscaler/index.js';
import { metrics, pods } from './fixtures.js';

const cpuSync = (hpa: HpaController, now: number, current: number, usage: number) =>
  hpa.sync({ nowSeconds: now, currentReplicas: current, pods: pods(current), resourceMetrics: { cpu: metrics(Array(current).fill(usage), now) } });

describe('HpaController: syncs that skip the metrics leave status.currentMetrics empty', () => {
  it.each([
    // [case, spec after the first sync, current at the second sync, desired then]
    ['min-scale raised to 3 with 2 replicas ⇒ 3 (TooFew, no metric read)', { minScale: 3, maxScale: 0 }, 2, 3],
    ['max-scale lowered to 1 with 2 replicas ⇒ 1 (TooMany, no metric read)', { minScale: 0, maxScale: 1 }, 2, 1],
    ['target at 0 replicas ⇒ left alone (ScalingDisabled)', { minScale: 0, maxScale: 0 }, 0, 0],
  ] as const)('%s', (_n, bounds, current, desired) => {
    const hpa = new HpaController(makeKnativeHpa({ metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: undefined }), 0);
    const first = cpuSync(hpa, 15, 2, 600);
    expect(first.status.currentMetrics).toEqual([{ metric: 'cpu', current: 60, kind: 'Utilization' }]);
    hpa.updateSpec(makeKnativeHpa({ metric: 'cpu', target: 50, ...bounds, windowSeconds: undefined }));
    const r = cpuSync(hpa, 30, current, 900);
    expect([r.desiredReplicas, r.rawReplicas]).toEqual([desired, undefined]);
    expect(r.status.currentMetrics).toEqual([]);
  });
});

describe('HpaController: why a sync cannot compute a metric (the ScalingActive=False message, the sync\'s error)', () => {
  // kubectl describe hpa words them so: the replica calculator's error wrapped by
  // computeStatusForResourceMetricGeneric ("failed to get cpu utilization"), then by
  // computeReplicasForMetric and computeReplicasForMetrics for the sync's error.
  it.each([
    // metrics-server lists no pod at all: the metrics client fails before the replica calculator runs.
    ['metrics-server has no pod', [undefined, undefined], 'unable to get metrics for resource cpu: no metrics returned from resource metrics API'],
    // Some pods have metrics, but only unready ones (v1.33+ wording).
    ['only an unready pod has a metric', [500, undefined], 'did not receive metrics for targeted pods (pods might be unready)'],
  ] as const)('cpu utilization, %s', (_n, values, message) => {
    const hpa = new HpaController(makeKnativeHpa({ metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: undefined }), 0);
    const ps = pods(2).map((p, i) => (i === 0 ? { ...p, ready: false } : p));
    const r = hpa.sync({ nowSeconds: 15, currentReplicas: 2, pods: ps, resourceMetrics: { cpu: metrics([...values], 15) } });
    expect(r.rescale).toBe(false);
    expect(r.error).toBe(`invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: ${message}`);
    expect(r.status.conditions.ScalingActive).toEqual({
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message: `the HPA was unable to compute the replica count: failed to get cpu utilization: ${message}`,
    });
  });
  it('memory (an AverageValue target): "usage", not "utilization"', () => {
    const hpa = new HpaController(makeKnativeHpa({ metric: 'memory', target: 200, minScale: 0, maxScale: 0, windowSeconds: undefined }), 0);
    const r = hpa.sync({ nowSeconds: 15, currentReplicas: 2, pods: pods(2), resourceMetrics: { memory: new Map() } });
    expect(r.status.conditions.ScalingActive?.message).toBe(
      'the HPA was unable to compute the replica count: failed to get memory usage: unable to get metrics for resource memory: no metrics returned from resource metrics API',
    );
  });
  it('a custom Pods metric with no custom-metrics adapter (Knative ships none)', () => {
    const hpa = new HpaController(makeKnativeHpa({ metric: 'concurrency', target: 10, minScale: 0, maxScale: 0, windowSeconds: undefined }), 0);
    const r = hpa.sync({ nowSeconds: 15, currentReplicas: 2, pods: pods(2), resourceMetrics: {} });
    const inner = 'unable to get metric concurrency: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered';
    expect([r.rescale, r.desiredReplicas]).toEqual([false, 2]);
    expect(r.error).toBe(`invalid metrics (1 invalid out of 1), first error is: failed to get pods metric value: ${inner}`);
    expect(r.status.conditions.ScalingActive).toEqual({ status: 'False', reason: 'FailedGetPodsMetric', message: `the HPA was unable to compute the replica count: ${inner}` });
  });
});

describe('HpaController: the ScalingActive=True message names the metric', () => {
  // computeReplicasForMetrics takes a valid proposal while it holds 0 replicas, so idle pods
  // (a proposal of 0, then floored at minReplicas) still name the metric they were computed from.
  it.each([
    ['busy pods (proposal 4)', 900, 4],
    ['idle pods (proposal 0)', 0, 0],
  ] as const)('%s', (_n, usage, raw) => {
    const hpa = new HpaController(makeKnativeHpa({ metric: 'cpu', target: 50, minScale: 0, maxScale: 0, windowSeconds: undefined }), 0);
    const r = cpuSync(hpa, 15, 2, usage);
    expect(r.rawReplicas).toBe(raw);
    expect(r.status.conditions.ScalingActive).toEqual({
      status: 'True',
      reason: 'ValidMetricFound',
      message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
    });
  });
});
