import { describe, expect, it } from 'vitest';
import { resolveMetricTarget, resolveWindows } from '../../../src/core/autoscaler/target.js';
import { defaultAutoscalerConfig } from '../../../src/core/autoscaler/config.js';
import type { AutoscalerConfig, ScalingMetric } from '../../../src/core/autoscaler/types.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

const cfgWith = (over: Partial<AutoscalerConfig> = {}): AutoscalerConfig => ({ ...defaultAutoscalerConfig, ...over });

type Rev = { metric: ScalingMetric; containerConcurrency: number; target?: number; targetUtilizationPercentage?: number };

describe('resolveMetricTarget: spec worked numbers (real defaults)', () => {
  const cases: Array<{ name: string; rev: Rev; target: number; total: number }> = [
    { name: 'CC=0 concurrency → 70 of 100', rev: { metric: 'concurrency', containerConcurrency: 0 }, target: 70, total: 100 },
    { name: 'CC=10 → 7 of 10', rev: { metric: 'concurrency', containerConcurrency: 10 }, target: 7, total: 10 },
    { name: 'RPS → 140 of 200', rev: { metric: 'rps', containerConcurrency: 0 }, target: 140, total: 200 },
    { name: 'RPS ignores CC', rev: { metric: 'rps', containerConcurrency: 1 }, target: 140, total: 200 },
    { name: 'target annotation 10 is still × 0.7', rev: { metric: 'concurrency', containerConcurrency: 0, target: 10 }, target: 7, total: 10 },
    {
      name: 'target 10 with utilization 100 % → 10',
      rev: { metric: 'concurrency', containerConcurrency: 0, target: 10, targetUtilizationPercentage: 100 },
      target: 10,
      total: 10,
    },
    { name: 'CC=1 → 0.7 of 1', rev: { metric: 'concurrency', containerConcurrency: 1 }, target: 0.7, total: 1 },
    { name: 'target 0.01 floors at 0.01', rev: { metric: 'concurrency', containerConcurrency: 0, target: 0.01 }, target: 0.01, total: 0.01 },
  ];
  it.each(cases)('$name', ({ rev, target, total }) => {
    expect(resolveMetricTarget(cfgWith(), rev)).toEqual({ targetValue: target, totalValue: total });
  });
});

describe('resolveMetricTarget: upstream target_test table', () => {
  // Upstream's fixture: 100 % container-concurrency utilization, RPS utilization 0.7.
  const base: Partial<AutoscalerConfig> = { containerConcurrencyTargetFraction: 1, targetUtilization: 0.7, rpsTargetDefault: 200 };
  const cases: Array<{ name: string; rev: Rev; cfg?: Partial<AutoscalerConfig>; target: number; total: number }> = [
    { name: 'defaults', rev: { metric: 'concurrency', containerConcurrency: 0 }, target: 100, total: 100 },
    { name: 'default CC, 80 % TU', rev: { metric: 'concurrency', containerConcurrency: 0 }, cfg: { containerConcurrencyTargetFraction: 0.8 }, target: 80, total: 100 },
    {
      name: 'non-default CC default and TU',
      rev: { metric: 'concurrency', containerConcurrency: 0 },
      cfg: { containerConcurrencyTargetFraction: 0.3, containerConcurrencyTargetDefault: 2 },
      target: 0.6,
      total: 2,
    },
    {
      name: 'CC 12, TU 80 %, TU annotation 75 %',
      rev: { metric: 'concurrency', containerConcurrency: 12, targetUtilizationPercentage: 75 },
      cfg: { containerConcurrencyTargetFraction: 0.8 },
      target: 9,
      total: 12,
    },
    { name: 'CC 10, TU 80 %', rev: { metric: 'concurrency', containerConcurrency: 10 }, cfg: { containerConcurrencyTargetFraction: 0.8 }, target: 8, total: 10 },
    { name: 'CC 1, TU 80 %', rev: { metric: 'concurrency', containerConcurrency: 1 }, cfg: { containerConcurrencyTargetFraction: 0.8 }, target: 0.8, total: 1 },
    { name: 'CC 1', rev: { metric: 'concurrency', containerConcurrency: 1 }, target: 1, total: 1 },
    { name: 'CC 10', rev: { metric: 'concurrency', containerConcurrency: 10 }, target: 10, total: 10 },
    { name: 'target 1', rev: { metric: 'concurrency', containerConcurrency: 0, target: 1 }, target: 1, total: 1 },
    {
      name: 'target 1 at 0.1 % utilization floors at 0.01',
      rev: { metric: 'concurrency', containerConcurrency: 0, target: 1 },
      cfg: { containerConcurrencyTargetFraction: 0.001 },
      target: 0.01,
      total: 1,
    },
    { name: 'target 1 at 75 %', rev: { metric: 'concurrency', containerConcurrency: 0, target: 1 }, cfg: { containerConcurrencyTargetFraction: 0.75 }, target: 0.75, total: 1 },
    { name: 'target 10 at 75 %', rev: { metric: 'concurrency', containerConcurrency: 0, target: 10 }, cfg: { containerConcurrencyTargetFraction: 0.75 }, target: 7.5, total: 10 },
    { name: 'CC above the target annotation', rev: { metric: 'concurrency', containerConcurrency: 10, target: 1 }, target: 1, total: 1 },
    { name: 'target above the default', rev: { metric: 'concurrency', containerConcurrency: 0, target: 500 }, target: 500, total: 500 },
    { name: 'target above CC is capped at CC', rev: { metric: 'concurrency', containerConcurrency: 1, target: 10 }, target: 1, total: 1 },
    { name: 'RPS defaults', rev: { metric: 'rps', containerConcurrency: 1 }, target: 140, total: 200 },
    { name: 'RPS target 1', rev: { metric: 'rps', containerConcurrency: 0, target: 1 }, target: 0.7, total: 1 },
    { name: 'RPS TU 75 %', rev: { metric: 'rps', containerConcurrency: 0, targetUtilizationPercentage: 75 }, target: 150, total: 200 },
    { name: 'RPS target above the default', rev: { metric: 'rps', containerConcurrency: 0, target: 300 }, target: 210, total: 300 },
    // The CC cap applies to concurrency only.
    { name: 'RPS target above CC is not capped', rev: { metric: 'rps', containerConcurrency: 5, target: 300 }, target: 210, total: 300 },
  ];
  it.each(cases)('$name', ({ rev, cfg, target, total }) => {
    expect(resolveMetricTarget(cfgWith({ ...base, ...cfg }), rev)).toEqual({ targetValue: target, totalValue: total });
  });
});

describe('resolveMetricTarget: nonsense', () => {
  const cases: Array<{ name: string; cfg?: Partial<AutoscalerConfig>; rev: Rev; field: string }> = [
    { name: 'NaN CC', rev: { metric: 'concurrency', containerConcurrency: NaN }, field: 'rev.containerConcurrency' },
    { name: 'negative CC', rev: { metric: 'concurrency', containerConcurrency: -1 }, field: 'rev.containerConcurrency' },
    { name: 'fractional CC', rev: { metric: 'concurrency', containerConcurrency: 2.5 }, field: 'rev.containerConcurrency' },
    { name: 'unknown metric', rev: { metric: 'cpu' as ScalingMetric, containerConcurrency: 0 }, field: 'rev.metric' },
    { name: 'NaN target', rev: { metric: 'concurrency', containerConcurrency: 0, target: NaN }, field: 'rev.target' },
    { name: 'target below 0.01', rev: { metric: 'concurrency', containerConcurrency: 0, target: 0.001 }, field: 'rev.target' },
    { name: 'utilization 0', rev: { metric: 'concurrency', containerConcurrency: 0, targetUtilizationPercentage: 0 }, field: 'rev.targetUtilizationPercentage' },
    { name: 'utilization 150', rev: { metric: 'rps', containerConcurrency: 0, targetUtilizationPercentage: 150 }, field: 'rev.targetUtilizationPercentage' },
    { name: 'NaN default target', cfg: { containerConcurrencyTargetDefault: NaN }, rev: { metric: 'concurrency', containerConcurrency: 0 }, field: 'cfg.containerConcurrencyTargetDefault' },
    { name: 'NaN fraction', cfg: { containerConcurrencyTargetFraction: NaN }, rev: { metric: 'concurrency', containerConcurrency: 3 }, field: 'cfg.containerConcurrencyTargetFraction' },
    { name: 'zero RPS default', cfg: { rpsTargetDefault: 0 }, rev: { metric: 'rps', containerConcurrency: 0 }, field: 'cfg.rpsTargetDefault' },
  ];
  it.each(cases)('$name → InvalidArgumentError on $field', ({ cfg, rev, field }) => {
    try {
      resolveMetricTarget(cfgWith(cfg), rev);
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as InvalidArgumentError).field).toBe(field);
    }
  });
});

describe('resolveWindows', () => {
  const cases: Array<{ name: string; cfg?: Partial<AutoscalerConfig>; ann?: { windowSeconds?: number; panicWindowPercentage?: number }; stable: number; panic: number }> = [
    { name: 'defaults: 60 s and 6 s', stable: 60, panic: 6 },
    { name: 'defaults with an empty annotation object', ann: {}, stable: 60, panic: 6 },
    { name: '10 s window at 10 % → 1 s bucket floor', ann: { windowSeconds: 10, panicWindowPercentage: 10 }, stable: 10, panic: 1 },
    { name: '6 s window at 1 % → floor of 1 s', ann: { windowSeconds: 6, panicWindowPercentage: 1 }, stable: 6, panic: 1 },
    { name: '10 m window, default 10 % → 1 m', ann: { windowSeconds: 600 }, stable: 600, panic: 60 },
    { name: '60 s at 50 % → 30 s', ann: { panicWindowPercentage: 50 }, stable: 60, panic: 30 },
    { name: '60 s at 51 % → 31 s (30.6 rounds up)', ann: { panicWindowPercentage: 51 }, stable: 60, panic: 31 },
    { name: '60 s at 50.8 % → 30 s (30.48 rounds down)', ann: { panicWindowPercentage: 50.8 }, stable: 60, panic: 30 },
    { name: 'exact half rounds away from zero: 7 s at 50 % → 4 s', ann: { windowSeconds: 7, panicWindowPercentage: 50 }, stable: 7, panic: 4 },
    { name: '25 s at 10 % → 2.5 → 3 s', ann: { windowSeconds: 25 }, stable: 25, panic: 3 },
    { name: '251 s window', ann: { windowSeconds: 251 }, stable: 251, panic: 25 },
    { name: '100 % panic window equals the stable window', ann: { panicWindowPercentage: 100 }, stable: 60, panic: 60 },
    { name: 'ConfigMap stable window and percentage', cfg: { stableWindowSeconds: 120, panicWindowPercentage: 25 }, stable: 120, panic: 30 },
    { name: 'annotation window with ConfigMap percentage', cfg: { panicWindowPercentage: 20 }, ann: { windowSeconds: 30 }, stable: 30, panic: 6 },
    { name: '1 h at 10 % → 6 min', ann: { windowSeconds: 3600 }, stable: 3600, panic: 360 },
  ];
  it.each(cases)('$name', ({ cfg, ann, stable, panic }) => {
    expect(resolveWindows(cfgWith(cfg), ann)).toEqual({ stableWindowSeconds: stable, panicWindowSeconds: panic });
  });

  it.each([
    ['NaN annotation window', cfgWith(), { windowSeconds: NaN }, 'ann.windowSeconds'],
    ['negative annotation window', cfgWith(), { windowSeconds: -60 }, 'ann.windowSeconds'],
    ['zero percentage', cfgWith(), { panicWindowPercentage: 0 }, 'ann.panicWindowPercentage'],
    ['NaN ConfigMap window', cfgWith({ stableWindowSeconds: NaN }), undefined, 'cfg.stableWindowSeconds'],
    ['infinite ConfigMap percentage', cfgWith({ panicWindowPercentage: Infinity }), undefined, 'cfg.panicWindowPercentage'],
  ] as const)('%s → InvalidArgumentError', (_name, cfg, ann, field) => {
    try {
      resolveWindows(cfg, ann);
      expect.fail('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as InvalidArgumentError).field).toBe(field);
    }
  });
});
