import { describe, expect, it } from 'vitest';
import { getInitialScale, resolveRevisionAutoscaling } from '../../../src/core/autoscaler/revision.js';
import type { RevisionAutoscaling, RevisionAutoscalingInput } from '../../../src/core/autoscaler/revision.js';
import { AnnotationError, HPA_CLASS, KPA_CLASS, PROGRESS_DEADLINE_ANNOTATION } from '../../../src/core/autoscaler/annotations.js';
import { defaultAutoscalerConfig, parseAutoscalerConfig } from '../../../src/core/autoscaler/config.js';
import type { AutoscalerConfig, DeciderSpec } from '../../../src/core/autoscaler/types.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

const A = (name: string): string => `autoscaling.knative.dev/${name}`;
const cfgWith = (over: Partial<AutoscalerConfig> = {}): AutoscalerConfig => ({ ...defaultAutoscalerConfig, ...over });

describe('resolveRevisionAutoscaling with the real defaults', () => {
  it('resolves a plain CC=0 revision completely', () => {
    const want: RevisionAutoscaling = {
      class: KPA_CLASS,
      metric: 'concurrency',
      aggregationAlgorithm: 'linear',
      deciderSpec: {
        scalingMetric: 'concurrency',
        targetValue: 70,
        totalValue: 100,
        targetBurstCapacity: 211,
        panicThreshold: 2,
        maxScaleUpRate: 1000,
        maxScaleDownRate: 2,
        stableWindowSeconds: 60,
        scaleDownDelaySeconds: 0,
        activationScale: 0,
        reachable: true,
      },
      panicWindowSeconds: 6,
      minScale: 0,
      maxScale: 0,
      initialScale: 1,
      activationScale: 0,
      scaleToZeroPodRetentionPeriodSeconds: 0,
      scaleToZeroGracePeriodSeconds: 30,
      enableScaleToZero: true,
      activatorCapacity: 100,
      containerConcurrency: 0,
      progressDeadlineSeconds: 600,
      activationTimeoutSeconds: 630,
    };
    expect(resolveRevisionAutoscaling(parseAutoscalerConfig({}), { containerConcurrency: 0 })).toEqual(want);
  });

  const worked: Array<{ name: string; rev: RevisionAutoscalingInput; target: number; total: number; panic: number }> = [
    { name: 'CC=10 → 7 of 10', rev: { containerConcurrency: 10 }, target: 7, total: 10, panic: 6 },
    { name: 'RPS → 140 of 200', rev: { containerConcurrency: 0, annotations: { [A('metric')]: 'rps' } }, target: 140, total: 200, panic: 6 },
    { name: 'target 10 → 7', rev: { containerConcurrency: 0, annotations: { [A('target')]: '10' } }, target: 7, total: 10, panic: 6 },
    {
      name: 'target 10 at 100 % utilization → 10',
      rev: { containerConcurrency: 0, annotations: { [A('target')]: '10', [A('target-utilization-percentage')]: '100' } },
      target: 10,
      total: 10,
      panic: 6,
    },
    { name: 'panic window 51 % of 60 s → 31 s', rev: { containerConcurrency: 0, annotations: { [A('panic-window-percentage')]: '51' } }, target: 70, total: 100, panic: 31 },
    { name: 'window 10 s at 10 % → 1 s', rev: { containerConcurrency: 0, annotations: { [A('window')]: '10s' } }, target: 70, total: 100, panic: 1 },
    { name: 'legacy panicWindowPercentage', rev: { containerConcurrency: 0, annotations: { [A('panicWindowPercentage')]: '50' } }, target: 70, total: 100, panic: 30 },
  ];
  it.each(worked)('$name', ({ rev, target, total, panic }) => {
    const r = resolveRevisionAutoscaling(cfgWith(), rev);
    expect([r.deciderSpec.targetValue, r.deciderSpec.totalValue, r.panicWindowSeconds]).toEqual([target, total, panic]);
  });
});

describe('DeciderSpec (upstream decider_test table)', () => {
  // Upstream's fixture config: full utilization, up-rate 10, RPS default 100, activator capacity 811.
  const fixture = cfgWith({
    containerConcurrencyTargetFraction: 1,
    containerConcurrencyTargetDefault: 100,
    targetBurstCapacity: 211,
    maxScaleUpRate: 10,
    maxScaleDownRate: 2,
    rpsTargetDefault: 100,
    activatorCapacity: 811,
    targetUtilization: 1,
    stableWindowSeconds: 60,
    panicThresholdPercentage: 200,
    panicWindowPercentage: 10,
    scaleToZeroGracePeriodSeconds: 30,
    initialScale: 1,
  });
  const spec = (over: Partial<DeciderSpec>): DeciderSpec => ({
    scalingMetric: 'concurrency',
    targetValue: 100,
    totalValue: 100,
    targetBurstCapacity: 211,
    panicThreshold: 2,
    maxScaleUpRate: 10,
    maxScaleDownRate: 2,
    stableWindowSeconds: 60,
    scaleDownDelaySeconds: 0,
    activationScale: 0,
    reachable: true,
    ...over,
  });
  const cases: Array<{
    name: string;
    rev: RevisionAutoscalingInput;
    cfg?: Partial<AutoscalerConfig>;
    want: DeciderSpec;
    initialScale?: number;
    activatorCapacity?: number;
  }> = [
    { name: 'defaults', rev: { containerConcurrency: 0 }, want: spec({}) },
    { name: 'unreachable', rev: { containerConcurrency: 0, reachable: false }, want: spec({ reachable: false }) },
    { name: 'explicitly reachable', rev: { containerConcurrency: 0, reachable: true }, want: spec({}) },
    { name: 'utilization below 1', rev: { containerConcurrency: 0 }, cfg: { containerConcurrencyTargetFraction: 0.8 }, want: spec({ targetValue: 80 }) },
    {
      name: 'scale up and down rates',
      rev: { containerConcurrency: 0 },
      cfg: { maxScaleUpRate: 19.84, maxScaleDownRate: 19.88 },
      want: spec({ maxScaleUpRate: 19.84, maxScaleDownRate: 19.88 }),
    },
    { name: 'CC 1', rev: { containerConcurrency: 1 }, want: spec({ targetValue: 1, totalValue: 1 }) },
    { name: 'target annotation 1', rev: { containerConcurrency: 0, annotations: { [A('target')]: '1' } }, want: spec({ targetValue: 1, totalValue: 1 }) },
    {
      name: 'CC 100 and utilization below 1',
      rev: { containerConcurrency: 100 },
      cfg: { containerConcurrencyTargetFraction: 0.8 },
      want: spec({ targetValue: 80, totalValue: 100 }),
    },
    {
      name: 'TBC from the ConfigMap',
      rev: { containerConcurrency: 120 },
      cfg: { targetBurstCapacity: 63, containerConcurrencyTargetFraction: 0.8 },
      want: spec({ targetValue: 96, totalValue: 120, targetBurstCapacity: 63 }),
    },
    { name: 'activator capacity override', rev: { containerConcurrency: 0 }, cfg: { activatorCapacity: 420 }, want: spec({}), activatorCapacity: 420 },
    {
      name: 'TBC annotation beats the ConfigMap',
      rev: { containerConcurrency: 120, annotations: { [A('target-burst-capacity')]: '211' } },
      cfg: { targetBurstCapacity: 63, containerConcurrencyTargetFraction: 0.8 },
      want: spec({ targetValue: 96, totalValue: 120, targetBurstCapacity: 211 }),
    },
    {
      name: 'CC above the target annotation',
      rev: { containerConcurrency: 10, annotations: { [A('target')]: '1' } },
      want: spec({ targetValue: 1, totalValue: 1 }),
    },
    {
      name: 'target annotation above CC is capped',
      rev: { containerConcurrency: 1, annotations: { [A('target')]: '10' } },
      want: spec({ targetValue: 1, totalValue: 1 }),
    },
    {
      name: 'higher panic threshold',
      rev: { containerConcurrency: 0, annotations: { [A('target')]: '10', [A('panic-threshold-percentage')]: '400' } },
      want: spec({ targetValue: 10, totalValue: 10, panicThreshold: 4 }),
    },
    {
      name: 'rps metric',
      rev: { containerConcurrency: 0, annotations: { [A('metric')]: 'rps' } },
      want: spec({ scalingMetric: 'rps' }),
    },
    { name: 'scale-down delay from the ConfigMap', rev: { containerConcurrency: 0 }, cfg: { scaleDownDelaySeconds: 300 }, want: spec({ scaleDownDelaySeconds: 300 }) },
    {
      name: 'scale-down delay annotation beats the ConfigMap',
      rev: { containerConcurrency: 0, annotations: { [A('scale-down-delay')]: '10m' } },
      cfg: { scaleDownDelaySeconds: 300 },
      want: spec({ scaleDownDelaySeconds: 600 }),
    },
    { name: 'initial scale', rev: { containerConcurrency: 0, annotations: { [A('initial-scale')]: '2' } }, want: spec({}), initialScale: 2 },
    { name: 'activation scale', rev: { containerConcurrency: 0, annotations: { [A('activation-scale')]: '3' } }, want: spec({ activationScale: 3 }) },
    {
      name: 'window annotation sets the stable window',
      rev: { containerConcurrency: 0, annotations: { [A('window')]: '251s' } },
      want: spec({ stableWindowSeconds: 251 }),
    },
    {
      name: 'panic threshold from the ConfigMap is not range-checked',
      rev: { containerConcurrency: 0 },
      cfg: { panicThresholdPercentage: 150 },
      want: spec({ panicThreshold: 1.5 }),
    },
    {
      name: 'scale-down delay is kept for unreachable revisions (the decider ignores it)',
      rev: { containerConcurrency: 0, reachable: false, annotations: { [A('scale-down-delay')]: '30s' } },
      want: spec({ scaleDownDelaySeconds: 30, reachable: false }),
    },
  ];
  it.each(cases)('$name', ({ rev, cfg, want, initialScale, activatorCapacity }) => {
    const r = resolveRevisionAutoscaling({ ...fixture, ...cfg }, rev);
    expect(r.deciderSpec).toEqual(want);
    expect(r.activationScale).toBe(want.activationScale);
    expect(r.initialScale).toBe(initialScale ?? 1);
    expect(r.activatorCapacity).toBe(activatorCapacity ?? 811);
  });
});

describe('ScaleBounds (upstream pa_lifecycle table)', () => {
  const cases: Array<{ name: string; min?: string; max?: string; cfg?: Partial<AutoscalerConfig>; reachable?: boolean; wantMin: number; wantMax: number }> = [
    { name: 'both present', min: '1', max: '100', wantMin: 1, wantMax: 100 },
    { name: 'both absent', wantMin: 0, wantMax: 0 },
    { name: 'only min', min: '1', wantMin: 1, wantMax: 0 },
    { name: 'only min, ConfigMap max', min: '1', cfg: { maxScale: 10 }, wantMin: 1, wantMax: 10 },
    { name: 'annotation max beats ConfigMap max', max: '5', cfg: { maxScale: 10 }, wantMin: 0, wantMax: 5 },
    { name: 'only max', max: '1', wantMin: 0, wantMax: 1 },
    { name: 'reachable', min: '1', max: '100', reachable: true, wantMin: 1, wantMax: 100 },
    { name: 'unreachable drops min', min: '1', max: '100', reachable: false, wantMin: 0, wantMax: 100 },
    { name: 'ConfigMap min, unreachable', cfg: { minScale: 2 }, reachable: false, wantMin: 0, wantMax: 0 },
    { name: 'ConfigMap min, reachable', cfg: { minScale: 2 }, wantMin: 2, wantMax: 0 },
    { name: 'annotation min 0 beats ConfigMap min', min: '0', cfg: { minScale: 2 }, wantMin: 0, wantMax: 0 },
    // max-scale-limit only validates; it never becomes a bound itself.
    { name: 'limit with ConfigMap max', cfg: { maxScale: 5, maxScaleLimit: 20 }, wantMin: 0, wantMax: 5 },
    { name: 'limit with annotation max', max: '15', cfg: { maxScale: 5, maxScaleLimit: 20 }, wantMin: 0, wantMax: 15 },
    // Validation compares annotations with each other only, so an annotation min may exceed the ConfigMap max.
    { name: 'annotation min above ConfigMap max', min: '5', cfg: { maxScale: 3 }, wantMin: 5, wantMax: 3 },
  ];
  it.each(cases)('$name', ({ min, max, cfg, reachable, wantMin, wantMax }) => {
    const annotations: Record<string, string> = {};
    if (min !== undefined) annotations[A('min-scale')] = min;
    if (max !== undefined) annotations[A('max-scale')] = max;
    const r = resolveRevisionAutoscaling(cfgWith(cfg), { containerConcurrency: 0, annotations, ...(reachable !== undefined ? { reachable } : {}) });
    expect([r.minScale, r.maxScale]).toEqual([wantMin, wantMax]);
  });

  it('malformed bounds are refused rather than read as unset', () => {
    expect(() => resolveRevisionAutoscaling(cfgWith(), { containerConcurrency: 0, annotations: { [A('min-scale')]: 'ham' } })).toThrow(AnnotationError);
  });
});

describe('GetInitialScale', () => {
  it.each([
    ['not set', cfgWith(), undefined, 1],
    ['annotation beats the cluster', cfgWith(), 2, 2],
    ['zero allowed by the cluster', cfgWith({ allowZeroInitialScale: true }), 0, 0],
    ['zero not allowed falls back to the cluster value', cfgWith({ allowZeroInitialScale: false }), 0, 1],
    ['zero not allowed, cluster initial scale 3', cfgWith({ initialScale: 3 }), 0, 3],
    ['not set, cluster initial scale 0', cfgWith({ allowZeroInitialScale: true, initialScale: 0 }), undefined, 0],
  ] as const)('%s', (_name, cfg, ann, want) => {
    expect(getInitialScale(cfg, ann)).toBe(want);
  });

  it.each([
    ['via annotation', cfgWith(), { [A('initial-scale')]: '5' }, 5],
    ['legacy key', cfgWith(), { [A('initialScale')]: '4' }, 4],
    ['zero where allowed', cfgWith({ allowZeroInitialScale: true }), { [A('initial-scale')]: '0' }, 0],
    ['ConfigMap value', cfgWith({ initialScale: 3 }), {}, 3],
  ] as const)('resolveRevisionAutoscaling initial scale: %s', (_name, cfg, annotations, want) => {
    expect(resolveRevisionAutoscaling(cfg, { containerConcurrency: 0, annotations }).initialScale).toBe(want);
  });

  it('a zero initial-scale the cluster forbids is refused at admission', () => {
    expect(() => resolveRevisionAutoscaling(cfgWith(), { containerConcurrency: 0, annotations: { [A('initial-scale')]: '0' } })).toThrow(AnnotationError);
  });

  it.each([-1, 1.5, NaN])('getInitialScale rejects %d', (v) => {
    expect(() => getInitialScale(cfgWith(), v)).toThrow(InvalidArgumentError);
  });
});

describe('scale-to-zero settings and timeouts', () => {
  const cases: Array<{ name: string; rev: RevisionAutoscalingInput; cfg?: Partial<AutoscalerConfig>; retention: number; grace: number; enable: boolean; pd: number; timeout: number }> = [
    { name: 'defaults', rev: { containerConcurrency: 0 }, retention: 0, grace: 30, enable: true, pd: 600, timeout: 630 },
    {
      name: 'retention annotation',
      rev: { containerConcurrency: 0, annotations: { [A('scale-to-zero-pod-retention-period')]: '1m30s' } },
      retention: 90,
      grace: 30,
      enable: true,
      pd: 600,
      timeout: 630,
    },
    { name: 'retention from the ConfigMap', rev: { containerConcurrency: 0 }, cfg: { scaleToZeroPodRetentionPeriodSeconds: 45 }, retention: 45, grace: 30, enable: true, pd: 600, timeout: 630 },
    {
      name: 'unreachable revisions keep no last pod',
      rev: { containerConcurrency: 0, reachable: false, annotations: { [A('scale-to-zero-pod-retention-period')]: '1m30s' } },
      retention: 0,
      grace: 30,
      enable: true,
      pd: 600,
      timeout: 630,
    },
    {
      name: 'grace period and scale-to-zero toggle come from the ConfigMap',
      rev: { containerConcurrency: 0 },
      cfg: { scaleToZeroGracePeriodSeconds: 45, enableScaleToZero: false },
      retention: 0,
      grace: 45,
      enable: false,
      pd: 600,
      timeout: 630,
    },
    { name: 'config-deployment progress deadline', rev: { containerConcurrency: 0, progressDeadlineSeconds: 300 }, retention: 0, grace: 30, enable: true, pd: 300, timeout: 330 },
    {
      name: 'progress-deadline annotation beats config-deployment',
      rev: { containerConcurrency: 0, progressDeadlineSeconds: 300, annotations: { [PROGRESS_DEADLINE_ANNOTATION]: '2m' } },
      retention: 0,
      grace: 30,
      enable: true,
      pd: 120,
      timeout: 150,
    },
    {
      name: 'a 0s progress-deadline annotation leaves the 30 s buffer',
      rev: { containerConcurrency: 0, annotations: { [PROGRESS_DEADLINE_ANNOTATION]: '0s' } },
      retention: 0,
      grace: 30,
      enable: true,
      pd: 0,
      timeout: 30,
    },
    {
      name: 'an empty progress-deadline annotation is ignored',
      rev: { containerConcurrency: 0, annotations: { [PROGRESS_DEADLINE_ANNOTATION]: '' } },
      retention: 0,
      grace: 30,
      enable: true,
      pd: 600,
      timeout: 630,
    },
  ];
  it.each(cases)('$name', ({ rev, cfg, retention, grace, enable, pd, timeout }) => {
    const r = resolveRevisionAutoscaling(cfgWith(cfg), rev);
    expect([r.scaleToZeroPodRetentionPeriodSeconds, r.scaleToZeroGracePeriodSeconds, r.enableScaleToZero, r.progressDeadlineSeconds, r.activationTimeoutSeconds]).toEqual([
      retention,
      grace,
      enable,
      pd,
      timeout,
    ]);
  });

  it.each([
    ['absent', {}, 'linear'],
    ['linear', { [A('metric-aggregation-algorithm')]: 'linear' }, 'linear'],
    ['weighted-exponential', { [A('metric-aggregation-algorithm')]: 'weighted-exponential' }, 'weighted-exponential'],
    ['legacy key, alternative spelling', { [A('metricAggregationAlgorithm')]: 'weightedExponential' }, 'weighted-exponential'],
    ['unknown value without a class annotation', { [A('metric-aggregation-algorithm')]: 'fancy' }, 'linear'],
  ] as const)('aggregation algorithm: %s', (_name, annotations, want) => {
    expect(resolveRevisionAutoscaling(cfgWith(), { containerConcurrency: 0, annotations }).aggregationAlgorithm).toBe(want);
  });
});

describe('classes and errors', () => {
  it('accepts an explicit KPA class while the cluster default is HPA', () => {
    const r = resolveRevisionAutoscaling(cfgWith({ podAutoscalerClass: HPA_CLASS }), { containerConcurrency: 0, annotations: { [A('class')]: KPA_CLASS } });
    expect(r.class).toBe(KPA_CLASS);
  });

  it.each([
    ['HPA class annotation', cfgWith(), { [A('class')]: HPA_CLASS }],
    ['custom class annotation', cfgWith(), { [A('class')]: 'example.com/custom' }],
    ['HPA cluster default', cfgWith({ podAutoscalerClass: HPA_CLASS }), {}],
  ] as const)('%s is not simulated → InvalidArgumentError', (_name, cfg, annotations) => {
    expect(() => resolveRevisionAutoscaling(cfg, { containerConcurrency: 0, annotations })).toThrow(InvalidArgumentError);
  });

  it.each([
    ['window not whole seconds', { [A('window')]: '61984ms' }, A('window')],
    ['cpu metric on KPA', { [A('metric')]: 'cpu' }, A('metric')],
    ['activation-scale above max-scale', { [A('activation-scale')]: '5', [A('max-scale')]: '3' }, A('activation-scale')],
    ['max-scale above the cluster limit', { [A('max-scale')]: '50' }, A('max-scale')],
  ] as const)('invalid annotation (%s) → AnnotationError', (_name, annotations, key) => {
    const cfg = cfgWith({ maxScaleLimit: 20, maxScale: 10 });
    try {
      resolveRevisionAutoscaling(cfg, { containerConcurrency: 0, annotations });
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(AnnotationError);
      expect((e as AnnotationError).key).toBe(key);
    }
  });

  const nonsense: Array<[string, AutoscalerConfig, RevisionAutoscalingInput, string]> = [
    ['NaN CC', cfgWith(), { containerConcurrency: NaN }, 'rev.containerConcurrency'],
    ['negative CC', cfgWith(), { containerConcurrency: -1 }, 'rev.containerConcurrency'],
    ['fractional CC', cfgWith(), { containerConcurrency: 0.5 }, 'rev.containerConcurrency'],
    ['non-boolean reachable', cfgWith(), { containerConcurrency: 0, reachable: 'yes' as unknown as boolean }, 'rev.reachable'],
    ['zero progress deadline', cfgWith(), { containerConcurrency: 0, progressDeadlineSeconds: 0 }, 'rev.progressDeadlineSeconds'],
    ['NaN panic threshold', cfgWith({ panicThresholdPercentage: NaN }), { containerConcurrency: 0 }, 'cfg.panicThresholdPercentage'],
    ['TBC -5', cfgWith({ targetBurstCapacity: -5 }), { containerConcurrency: 0 }, 'cfg.targetBurstCapacity'],
    ['NaN stable window', cfgWith({ stableWindowSeconds: NaN }), { containerConcurrency: 0 }, 'cfg.stableWindowSeconds'],
    ['fractional max-scale', cfgWith({ maxScale: 2.5 }), { containerConcurrency: 0 }, 'cfg.maxScale'],
    ['zero activator capacity', cfgWith({ activatorCapacity: 0 }), { containerConcurrency: 0 }, 'cfg.activatorCapacity'],
  ];
  it.each(nonsense)('%s → InvalidArgumentError on %s', (_name, cfg, rev, field) => {
    try {
      resolveRevisionAutoscaling(cfg, rev);
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as InvalidArgumentError).field).toBe(field);
    }
  });
});
