/**
 * The published contract of knsim/autoscaler and knsim/traffic (issue "Core library"):
 * external regression suites use these exact names and shapes. This file must keep
 * compiling and passing; a rename breaks it.
 */
import { describe, expect, it } from 'vitest';
import * as autoscaler from '../../src/core/autoscaler/index.js';
import * as traffic from '../../src/core/traffic/index.js';
import {
  AutoscalerConfigError,
  Decider,
  MetricCollection,
  NoDataError,
  WindowAverage,
  activatorCount,
  defaultAutoscalerConfig,
  initialExcessBurstCapacity,
  parseAutoscalerConfig,
  populationMeanSampleSize,
  resolveMetricTarget,
  resolveWindows,
  type AutoscalerClass,
  type AutoscalerConfig,
  type DecisionRecord,
  type DeciderSpec,
  type MetricSource,
  type PodStat,
  type ScaleResult,
  type ScalingMetric,
} from '../../src/core/autoscaler/index.js';

describe('knsim/autoscaler published names', () => {
  it('exports every name of the contract', () => {
    for (const name of [
      'defaultAutoscalerConfig', 'AutoscalerConfigError', 'parseAutoscalerConfig', 'resolveMetricTarget', 'resolveWindows',
      'populationMeanSampleSize', 'WindowAverage', 'NoDataError', 'MetricCollection', 'Decider', 'initialExcessBurstCapacity',
      'activatorCount', 'kpaReconcile', 'newPodAutoscalerState', 'assignSlice', 'lbPolicyFor', 'effectiveSksMode',
      'resolveRevisionAutoscaling', 'parseAutoscalingAnnotations', 'InvalidArgumentError',
      'DecisionLoop', 'AutoscalerClassRegistry', 'defaultAutoscalerClasses', 'kpaClass',
      'AUTOSCALER_API_VERSION', 'defineAutoscaler', 'userAutoscalerClass',
    ]) {
      expect(autoscaler, name).toHaveProperty(name);
    }
  });

  it('has the contract shapes', () => {
    const cfg: AutoscalerConfig = parseAutoscalerConfig({});
    expect(cfg).toEqual(defaultAutoscalerConfig);
    const metric: ScalingMetric = 'concurrency';
    expect(resolveMetricTarget(cfg, { metric, containerConcurrency: 0 })).toEqual({ targetValue: 70, totalValue: 100 });
    expect(resolveWindows(cfg)).toEqual({ stableWindowSeconds: 60, panicWindowSeconds: 6 });
    expect(resolveWindows(cfg, { windowSeconds: 60, panicWindowPercentage: 51 }).panicWindowSeconds).toBe(31);
    expect(populationMeanSampleSize(100)).toBe(14);
    const w = new WindowAverage(60);
    w.record(0, 1);
    expect([w.average(0), w.isEmpty(61)]).toEqual([1, true]);
    const stat: PodStat = { timeSeconds: 0, averageConcurrentRequests: 140, requestCount: 1 };
    const metrics: MetricSource = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6, scrapeTarget: true });
    (metrics as MetricCollection).record(stat);
    const spec: DeciderSpec = {
      scalingMetric: 'concurrency', targetValue: 70, totalValue: 100, targetBurstCapacity: 211, panicThreshold: 2,
      maxScaleUpRate: 1000, maxScaleDownRate: 2, stableWindowSeconds: 60, scaleDownDelaySeconds: 0, activationScale: 0, reachable: true,
    };
    const d = new Decider(spec, { nowSeconds: 0, readyPods: 1 });
    const r: ScaleResult = d.scale({ nowSeconds: 0, readyPods: 1, metrics });
    expect(r).toEqual({ desiredPodCount: 2, excessBurstCapacity: -251, scaleValid: true });
    expect([d.inPanic, d.panicTimeSeconds, d.maxPanicPods]).toEqual([true, 0, 2]);
    d.update({ ...spec, targetValue: 140 });
    expect(d.scale({ nowSeconds: 2, readyPods: undefined, metrics })).toEqual({ desiredPodCount: 0, excessBurstCapacity: 0, scaleValid: false });
    expect(initialExcessBurstCapacity({ targetBurstCapacity: 211, totalValue: 100 }, 1)).toBe(-111);
    expect(activatorCount({ readyPods: 1, totalValue: 100, targetBurstCapacity: 211, activatorCapacity: 100 })).toBe(4);
    expect(new NoDataError()).toBeInstanceOf(Error);
    try {
      parseAutoscalerConfig({ 'stable-window': '61984ms' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AutoscalerConfigError);
      expect((e as AutoscalerConfigError).key).toBe('stable-window');
    }
  });
});

describe('knsim/autoscaler decision loop and class seam', () => {
  it('drives the KPA class by its annotation value and emits plain decision records', () => {
    const kpa: AutoscalerClass = autoscaler.kpaClass;
    expect(kpa.name).toBe('kpa.autoscaling.knative.dev');
    const a = autoscaler.resolveRevisionAutoscaling(defaultAutoscalerConfig, { containerConcurrency: 0 });
    const loop = new autoscaler.DecisionLoop({ revision: 'r-1', autoscaling: a, nowSeconds: 0, existingPods: 1 });
    loop.recordScrape({ timeSeconds: 1, averageConcurrentRequests: 140, requestCount: 140 });
    const tick = loop.tick(loop.nextTickSeconds, 1);
    const rec: DecisionRecord = loop.record(tick, loop.sksSpec);
    expect(rec).toMatchObject({ time: 2, revision: 'r-1', valid: true, readyPods: 1, observedStable: 140, desired: 2, inPanic: true, poke: false });
  });
});

describe('knsim/traffic published names', () => {
  it('exports validation, resolution, the per-request pick, rollouts and the labeler', () => {
    for (const name of [
      'validateTraffic', 'assertValidTraffic', 'makeRouteTraffic', 'TrafficValidationError', 'resolveTraffic', 'buildSplit',
      'pickRevision', 'reconcileRollout', 'ingressSplits', 'revisionPercents', 'InvalidArgumentError',
      'routedRevisions', 'nextRoutingState',
    ]) {
      expect(traffic, name).toHaveProperty(name);
    }
    const split = traffic.buildSplit([{ revisionName: 'a', percent: 90 }, { revisionName: 'b', percent: 10 }]);
    expect([traffic.pickRevision(split, 0.89), traffic.pickRevision(split, 0.9)]).toEqual(['a', 'b']);
  });
});
