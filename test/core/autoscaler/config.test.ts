import { describe, expect, it } from 'vitest';
import {
  AUTOSCALER_CONFIG_KEYS,
  AutoscalerConfigError,
  checkAutoscalerConfigValues,
  defaultAutoscalerConfig,
  parseAutoscalerConfig,
  validateAutoscalerConfig,
} from '../../../src/core/autoscaler/config.js';
import type { AutoscalerConfig } from '../../../src/core/autoscaler/types.js';

const withDefaults = (over: Partial<AutoscalerConfig>): AutoscalerConfig => ({ ...defaultAutoscalerConfig, ...over });

/** The `_example` block of config/core/configmaps/autoscaler.yaml, unindented into keys. */
const EXAMPLE_KEYS: Record<string, string> = {
  'container-concurrency-target-percentage': '70',
  'container-concurrency-target-default': '100',
  'requests-per-second-target-default': '200',
  'target-burst-capacity': '211',
  'stable-window': '60s',
  'panic-window-percentage': '10.0',
  'panic-threshold-percentage': '200.0',
  'max-scale-up-rate': '1000.0',
  'max-scale-down-rate': '2.0',
  'enable-scale-to-zero': 'true',
  'scale-to-zero-grace-period': '30s',
  'scale-to-zero-pod-retention-period': '0s',
  'pod-autoscaler-class': 'kpa.autoscaling.knative.dev',
  'activator-capacity': '100.0',
  'initial-scale': '1',
  'allow-zero-initial-scale': 'false',
  'min-scale': '0',
  'max-scale': '0',
  'scale-down-delay': '0s',
  'max-scale-limit': '0',
};

describe('defaultAutoscalerConfig', () => {
  it('holds the upstream defaults', () => {
    expect(defaultAutoscalerConfig).toEqual({
      enableScaleToZero: true,
      containerConcurrencyTargetFraction: 0.7,
      containerConcurrencyTargetDefault: 100,
      rpsTargetDefault: 200,
      targetUtilization: 0.7,
      targetBurstCapacity: 211,
      activatorCapacity: 100,
      stableWindowSeconds: 60,
      panicWindowPercentage: 10,
      panicThresholdPercentage: 200,
      maxScaleUpRate: 1000,
      maxScaleDownRate: 2,
      scaleToZeroGracePeriodSeconds: 30,
      scaleToZeroPodRetentionPeriodSeconds: 0,
      scaleDownDelaySeconds: 0,
      initialScale: 1,
      allowZeroInitialScale: false,
      minScale: 0,
      maxScale: 0,
      maxScaleLimit: 0,
      podAutoscalerClass: 'kpa.autoscaling.knative.dev',
    });
  });
  it('is frozen and itself valid', () => {
    expect(Object.isFrozen(defaultAutoscalerConfig)).toBe(true);
    expect(validateAutoscalerConfig(defaultAutoscalerConfig)).toBe(defaultAutoscalerConfig);
  });
  it('lists every key upstream reads', () => {
    expect([...AUTOSCALER_CONFIG_KEYS].sort()).toEqual(Object.keys(EXAMPLE_KEYS).sort());
  });
});

describe('parseAutoscalerConfig: accepted ConfigMaps', () => {
  const cases: Array<{ name: string; data: Record<string, string>; want: AutoscalerConfig }> = [
    { name: 'empty data gives the defaults', data: {}, want: withDefaults({}) },
    {
      name: 'the shipped ConfigMap (only _example) gives the defaults',
      data: { _example: '# a long comment block\ncontainer-concurrency-target-percentage: "5"\nstable-window: "junk"\n' },
      want: withDefaults({}),
    },
    { name: 'the example values give the defaults', data: { ...EXAMPLE_KEYS, _example: 'ignored' }, want: withDefaults({}) },
    {
      name: 'overridden',
      data: {
        'enable-scale-to-zero': 'true',
        'max-scale-down-rate': '3.0',
        'max-scale-up-rate': '1.01',
        'container-concurrency-target-percentage': '0.71',
        'container-concurrency-target-default': '10.5',
        'requests-per-second-target-default': '10.11',
        'target-burst-capacity': '12345',
        'scale-down-delay': '15m',
        'stable-window': '5m',
        'tick-interval': '2s',
        'panic-window-percentage': '10',
        'panic-threshold-percentage': '200',
        'pod-autoscaler-class': 'some.class',
        'activator-capacity': '905',
        'scale-to-zero-pod-retention-period': '2m3s',
      },
      want: withDefaults({
        targetBurstCapacity: 12345,
        containerConcurrencyTargetDefault: 10.5,
        containerConcurrencyTargetFraction: 0.71,
        rpsTargetDefault: 10.11,
        maxScaleDownRate: 3,
        maxScaleUpRate: 1.01,
        scaleDownDelaySeconds: 900,
        stableWindowSeconds: 300,
        activatorCapacity: 905,
        podAutoscalerClass: 'some.class',
        scaleToZeroPodRetentionPeriodSeconds: 123,
      }),
    },
    {
      name: 'minimum',
      data: {
        'max-scale-up-rate': '1.001',
        'container-concurrency-target-percentage': '0.5',
        'container-concurrency-target-default': '10.0',
        'target-burst-capacity': '0',
        'stable-window': '5m',
        'tick-interval': '2s',
        'panic-window-percentage': '10',
        'panic-threshold-percentage': '200',
        'activator-capacity': '1',
      },
      want: withDefaults({
        containerConcurrencyTargetFraction: 0.5,
        containerConcurrencyTargetDefault: 10,
        maxScaleUpRate: 1.001,
        targetBurstCapacity: 0,
        stableWindowSeconds: 300,
        activatorCapacity: 1,
      }),
    },
    {
      name: 'target percentage given as a percent',
      data: { 'container-concurrency-target-percentage': '55' },
      want: withDefaults({ containerConcurrencyTargetFraction: 0.55 }),
    },
    {
      name: 'target percentage "1" is a fraction: 100 %',
      data: { 'container-concurrency-target-percentage': '1' },
      want: withDefaults({ containerConcurrencyTargetFraction: 1 }),
    },
    {
      name: 'target percentage 100 is 100 %',
      data: { 'container-concurrency-target-percentage': '100' },
      want: withDefaults({ containerConcurrencyTargetFraction: 1 }),
    },
    { name: 'TBC -1 (unlimited)', data: { 'target-burst-capacity': '-1' }, want: withDefaults({ targetBurstCapacity: -1 }) },
    { name: 'booleans in upper case', data: { 'enable-scale-to-zero': 'TRUE' }, want: withDefaults({}) },
    {
      name: 'toggles flipped',
      data: { 'enable-scale-to-zero': 'false', 'min-scale': '1', 'max-scale': '2' },
      want: withDefaults({ enableScaleToZero: false, minScale: 1, maxScale: 2 }),
    },
    {
      name: 'explicit grace period',
      data: { 'enable-scale-to-zero': 'false', 'scale-to-zero-grace-period': '33s', 'min-scale': '1', 'max-scale': '2' },
      want: withDefaults({ enableScaleToZero: false, scaleToZeroGracePeriodSeconds: 33, minScale: 1, maxScale: 2 }),
    },
    {
      name: 'grace period and retention need not be whole seconds',
      data: { 'scale-to-zero-grace-period': '1500ms', 'scale-to-zero-pod-retention-period': '2.5s' },
      want: withDefaults({ scaleToZeroGracePeriodSeconds: 1.5, scaleToZeroPodRetentionPeriodSeconds: 2.5 }),
    },
    {
      name: 'zero initial scale when allowed',
      data: { 'allow-zero-initial-scale': 'true', 'initial-scale': '0' },
      want: withDefaults({ allowZeroInitialScale: true, initialScale: 0 }),
    },
    { name: 'default max-scale', data: { 'max-scale': '10' }, want: withDefaults({ maxScale: 10 }) },
    { name: 'min-scale without max-scale', data: { 'min-scale': '4' }, want: withDefaults({ minScale: 4 }) },
    {
      name: 'max-scale under max-scale-limit',
      data: { 'max-scale': '10', 'max-scale-limit': '11' },
      want: withDefaults({ maxScale: 10, maxScaleLimit: 11 }),
    },
    {
      name: 'max-scale equal to max-scale-limit',
      data: { 'max-scale': '11', 'max-scale-limit': '11' },
      want: withDefaults({ maxScale: 11, maxScaleLimit: 11 }),
    },
    { name: 'min-scale equal to max-scale', data: { 'min-scale': '3', 'max-scale': '3' }, want: withDefaults({ minScale: 3, maxScale: 3 }) },
    {
      name: 'stable window 6s (lower bound)',
      data: { 'stable-window': '6s' },
      want: withDefaults({ stableWindowSeconds: 6 }),
    },
    { name: 'stable window 1h (upper bound)', data: { 'stable-window': '1h' }, want: withDefaults({ stableWindowSeconds: 3600 }) },
    { name: 'panic window percentage 1..100', data: { 'panic-window-percentage': '100' }, want: withDefaults({ panicWindowPercentage: 100 }) },
    // Upstream does not range-check the ConfigMap panic threshold.
    { name: 'panic threshold is not range-checked', data: { 'panic-threshold-percentage': '50' }, want: withDefaults({ panicThresholdPercentage: 50 }) },
    {
      name: 'class is trimmed',
      data: { 'pod-autoscaler-class': '  hpa.autoscaling.knative.dev \n' },
      want: withDefaults({ podAutoscalerClass: 'hpa.autoscaling.knative.dev' }),
    },
    // Go's TrimSpace: NEL is a space, the byte-order mark is not (JavaScript's trim has it the other way round).
    {
      name: 'class is trimmed of Go spaces only',
      data: { 'pod-autoscaler-class': '\u0085kpa.autoscaling.knative.dev\u0085' },
      want: withDefaults({ podAutoscalerClass: 'kpa.autoscaling.knative.dev' }),
    },
    {
      name: 'a byte-order mark stays in the class',
      data: { 'pod-autoscaler-class': '\ufeffkpa.autoscaling.knative.dev' },
      want: withDefaults({ podAutoscalerClass: '\ufeffkpa.autoscaling.knative.dev' }),
    },
    { name: 'empty class string', data: { 'pod-autoscaler-class': '' }, want: withDefaults({ podAutoscalerClass: '' }) },
    {
      name: 'Go number spellings',
      data: { 'container-concurrency-target-default': '1_000', 'max-scale-up-rate': '0x1p4', 'initial-scale': '+3', 'min-scale': '-0' },
      want: withDefaults({ containerConcurrencyTargetDefault: 1000, maxScaleUpRate: 16, initialScale: 3 }),
    },
    {
      name: 'retired and unknown keys are ignored',
      data: { 'tick-interval': 'garbage', 'panic-window': 'garbage', 'no-such-key': 'x', 'Stable-Window': 'x' },
      want: withDefaults({}),
    },
    {
      name: 'the ConfigMap 1s-precision check uses exact nanoseconds',
      data: { 'scale-down-delay': '1.0000000001s' },
      want: withDefaults({ scaleDownDelaySeconds: 1 }),
    },
  ];
  it.each(cases)('$name', ({ data, want }) => {
    expect(parseAutoscalerConfig(data)).toEqual(want);
  });

  it('returns a fresh, mutable object', () => {
    const a = parseAutoscalerConfig({});
    a.minScale = 5;
    expect(parseAutoscalerConfig({}).minScale).toBe(0);
    expect(defaultAutoscalerConfig.minScale).toBe(0);
  });

  it.each(['1', 't', 'T', 'true', 'TRUE', 'True'])('enable-scale-to-zero %j is true', (v) => {
    expect(parseAutoscalerConfig({ 'enable-scale-to-zero': v }).enableScaleToZero).toBe(true);
  });
  it.each(['0', 'f', 'F', 'false', 'FALSE', 'False'])('enable-scale-to-zero %j is false', (v) => {
    expect(parseAutoscalerConfig({ 'enable-scale-to-zero': v }).enableScaleToZero).toBe(false);
  });
});

describe('parseAutoscalerConfig: rejected ConfigMaps', () => {
  const cases: Array<{ name: string; data: Record<string, string>; key: string }> = [
    { name: 'malformed float', data: { 'max-scale-up-rate': 'not a float' }, key: 'max-scale-up-rate' },
    { name: 'negative scale-down-delay', data: { 'scale-down-delay': '-1m23s' }, key: 'scale-down-delay' },
    { name: 'negative retention', data: { 'scale-to-zero-pod-retention-period': '-4m11s' }, key: 'scale-to-zero-pod-retention-period' },
    { name: 'malformed duration', data: { 'stable-window': 'not a duration' }, key: 'stable-window' },
    { name: 'duration without unit', data: { 'stable-window': '60' }, key: 'stable-window' },
    { name: 'TBC below -1', data: { 'target-burst-capacity': '-11' }, key: 'target-burst-capacity' },
    { name: 'TBC between -1 and 0', data: { 'target-burst-capacity': '-0.5' }, key: 'target-burst-capacity' },
    { name: 'target % negative', data: { 'container-concurrency-target-percentage': '-42' }, key: 'container-concurrency-target-percentage' },
    { name: 'target % zero', data: { 'container-concurrency-target-percentage': '0' }, key: 'container-concurrency-target-percentage' },
    { name: 'target % too big', data: { 'container-concurrency-target-percentage': '142.4' }, key: 'container-concurrency-target-percentage' },
    { name: 'RPS target negative', data: { 'requests-per-second-target-default': '-5.25' }, key: 'requests-per-second-target-default' },
    { name: 'RPS target below 0.01', data: { 'requests-per-second-target-default': '0.009' }, key: 'requests-per-second-target-default' },
    { name: 'max scale-up rate 1', data: { 'max-scale-up-rate': '1' }, key: 'max-scale-up-rate' },
    { name: 'max scale-down rate negative', data: { 'max-scale-down-rate': '-55' }, key: 'max-scale-down-rate' },
    { name: 'max scale-down rate 1', data: { 'max-scale-down-rate': '1' }, key: 'max-scale-down-rate' },
    { name: 'stable window too big', data: { 'stable-window': '1h1s' }, key: 'stable-window' },
    { name: 'stable window too small', data: { 'stable-window': '1s' }, key: 'stable-window' },
    { name: 'stable window just under 6s', data: { 'stable-window': '5999ms' }, key: 'stable-window' },
    { name: 'stable window not whole seconds', data: { 'stable-window': '61984ms' }, key: 'stable-window' },
    { name: 'scale-down-delay not whole seconds', data: { 'scale-down-delay': '61984ms' }, key: 'scale-down-delay' },
    { name: 'activator capacity below 1', data: { 'activator-capacity': '0.95' }, key: 'activator-capacity' },
    { name: 'panic window % too small', data: { 'panic-window-percentage': '0.1' }, key: 'panic-window-percentage' },
    {
      name: 'panic window % too big (the old panic-window key does not matter)',
      data: { 'stable-window': '12s', 'panic-window': '3s', 'panic-window-percentage': '110' },
      key: 'panic-window-percentage',
    },
    {
      name: 'utilization × default target < 0.01',
      data: { 'container-concurrency-target-percentage': '1', 'container-concurrency-target-default': '0.001' },
      key: 'container-concurrency-target-default',
    },
    { name: 'zero grace period', data: { 'stable-window': '12s', 'scale-to-zero-grace-period': '0s' }, key: 'scale-to-zero-grace-period' },
    { name: 'negative grace period', data: { 'scale-to-zero-grace-period': '-1s' }, key: 'scale-to-zero-grace-period' },
    { name: 'initial scale 0 not allowed', data: { 'allow-zero-initial-scale': 'false', 'initial-scale': '0' }, key: 'initial-scale' },
    { name: 'initial scale 0 by default not allowed', data: { 'initial-scale': '0' }, key: 'initial-scale' },
    { name: 'negative initial scale', data: { 'allow-zero-initial-scale': 'true', 'initial-scale': '-1' }, key: 'initial-scale' },
    { name: 'non-integer initial scale', data: { 'initial-scale': 'invalid' }, key: 'initial-scale' },
    { name: 'fractional initial scale', data: { 'initial-scale': '1.0' }, key: 'initial-scale' },
    { name: 'initial scale beyond int32', data: { 'initial-scale': '2147483648' }, key: 'initial-scale' },
    { name: 'bad allow-zero-initial-scale', data: { 'allow-zero-initial-scale': 'invalid' }, key: 'allow-zero-initial-scale' },
    { name: 'boolean with odd casing', data: { 'enable-scale-to-zero': 'tRuE' }, key: 'enable-scale-to-zero' },
    { name: 'boolean "yes"', data: { 'enable-scale-to-zero': 'yes' }, key: 'enable-scale-to-zero' },
    { name: 'negative min-scale', data: { 'min-scale': '-1' }, key: 'min-scale' },
    { name: 'negative max-scale', data: { 'max-scale': '-1' }, key: 'max-scale' },
    { name: 'max-scale above max-scale-limit', data: { 'max-scale': '10', 'max-scale-limit': '9' }, key: 'max-scale' },
    { name: 'negative max-scale-limit', data: { 'max-scale-limit': '-9' }, key: 'max-scale-limit' },
    { name: 'unlimited max-scale under a limit', data: { 'max-scale': '0', 'max-scale-limit': '11' }, key: 'max-scale' },
    { name: 'limit with no max-scale at all', data: { 'max-scale-limit': '11' }, key: 'max-scale' },
    { name: 'min-scale above max-scale', data: { 'min-scale': '4', 'max-scale': '3' }, key: 'min-scale' },
    // knsim's rule (upstream takes it; below 0 it acts as 0), checked after upstream's.
    { name: 'negative panic threshold', data: { 'panic-threshold-percentage': '-5' }, key: 'panic-threshold-percentage' },
    { name: 'upstream rules first', data: { 'panic-threshold-percentage': '-5', 'min-scale': '-1' }, key: 'min-scale' },
    // Empty values are not "unset": Go's parsers reject "".
    { name: 'empty float', data: { 'max-scale-up-rate': '' }, key: 'max-scale-up-rate' },
    { name: 'empty int', data: { 'min-scale': '' }, key: 'min-scale' },
    { name: 'empty bool', data: { 'enable-scale-to-zero': '' }, key: 'enable-scale-to-zero' },
    { name: 'empty duration', data: { 'stable-window': '' }, key: 'stable-window' },
    { name: 'whitespace is not trimmed', data: { 'max-scale': ' 5' }, key: 'max-scale' },
    // Deviation from Go (which accepts them and lets NaN slip through every check).
    { name: 'NaN float', data: { 'max-scale-up-rate': 'NaN' }, key: 'max-scale-up-rate' },
    { name: 'infinite float', data: { 'target-burst-capacity': 'Inf' }, key: 'target-burst-capacity' },
    { name: 'float overflow', data: { 'activator-capacity': '1e400' }, key: 'activator-capacity' },
  ];
  it.each(cases)('$name → error on $key', ({ data, key }) => {
    let caught: unknown;
    try {
      parseAutoscalerConfig(data);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AutoscalerConfigError);
    const err = caught as AutoscalerConfigError;
    expect(err.key).toBe(key);
    expect(err.message).toContain(key);
    expect(err.message).not.toContain('\n');
    if (Object.prototype.hasOwnProperty.call(data, key)) expect(err.message).toContain(JSON.stringify(data[key]));
  });

  it('reports the first rule broken in upstream order', () => {
    // Grace period is checked before the stable window.
    expect(() => parseAutoscalerConfig({ 'stable-window': '1s', 'scale-to-zero-grace-period': '0s' })).toThrow(/scale-to-zero-grace-period/);
    // A parse failure wins over any range rule.
    expect(() => parseAutoscalerConfig({ 'scale-to-zero-grace-period': '0s', 'max-scale-up-rate': 'x' })).toThrow(/max-scale-up-rate/);
  });

  it('messages quote the value and the rule on one line', () => {
    expect(() => parseAutoscalerConfig({ 'stable-window': '61984ms' })).toThrow(
      'config-autoscaler: stable-window="61984ms": must be specified with at most second precision',
    );
    expect(() => parseAutoscalerConfig({ 'max-scale-up-rate': '1' })).toThrow('config-autoscaler: max-scale-up-rate="1": must be greater than 1.0');
    // A cross-key rule quotes the effective value when the key itself was absent.
    expect(() => parseAutoscalerConfig({ 'max-scale-limit': '11' })).toThrow('config-autoscaler: max-scale="0": must be in the [1, max-scale-limit (11)] range');
  });

  it('rejects non-string values and non-object data', () => {
    expect(() => parseAutoscalerConfig({ 'min-scale': 3 } as unknown as Record<string, string>)).toThrow(AutoscalerConfigError);
    expect(() => parseAutoscalerConfig(null as unknown as Record<string, string>)).toThrow(AutoscalerConfigError);
  });

  it('does not read inherited properties as keys', () => {
    const data = Object.create({ 'min-scale': '-5' }) as Record<string, string>;
    expect(parseAutoscalerConfig(data).minScale).toBe(0);
  });
});

describe('validateAutoscalerConfig (typed configs)', () => {
  const bad: Array<{ name: string; over: Partial<AutoscalerConfig>; key: string }> = [
    { name: 'NaN rate', over: { maxScaleUpRate: NaN }, key: 'max-scale-up-rate' },
    { name: 'infinite TBC', over: { targetBurstCapacity: Infinity }, key: 'target-burst-capacity' },
    { name: 'fractional min-scale', over: { minScale: 1.5 }, key: 'min-scale' },
    { name: 'string in a number field', over: { stableWindowSeconds: '60' as unknown as number }, key: 'stable-window' },
    { name: 'non-boolean toggle', over: { enableScaleToZero: 'true' as unknown as boolean }, key: 'enable-scale-to-zero' },
    { name: 'stable window not whole seconds', over: { stableWindowSeconds: 61.984 }, key: 'stable-window' },
    { name: 'scale-down-delay not whole seconds', over: { scaleDownDelaySeconds: 0.5 }, key: 'scale-down-delay' },
    { name: 'fraction above 1 (no percent conversion for typed configs)', over: { containerConcurrencyTargetFraction: 70 }, key: 'container-concurrency-target-percentage' },
    { name: 'NaN utilization', over: { targetUtilization: NaN }, key: 'targetUtilization' },
    { name: 'min above max', over: { minScale: 5, maxScale: 2 }, key: 'min-scale' },
  ];
  it.each(bad)('$name → AutoscalerConfigError on $key', ({ over, key }) => {
    expect(() => validateAutoscalerConfig(withDefaults(over))).toThrow(AutoscalerConfigError);
    try {
      validateAutoscalerConfig(withDefaults(over));
    } catch (e) {
      expect((e as AutoscalerConfigError).key).toBe(key);
    }
  });
  it('accepts a valid custom config unchanged', () => {
    const cfg = withDefaults({ stableWindowSeconds: 120, minScale: 2, maxScale: 5, maxScaleLimit: 10 });
    expect(validateAutoscalerConfig(cfg)).toBe(cfg);
  });
});

describe('checkAutoscalerConfigValue(s): values given on their own or together', () => {
  it.each([
    // Valid on its own: the cluster's ConfigMap may hold the partner that makes it valid.
    { values: { 'initial-scale': '0' }, error: undefined },
    { values: { 'min-scale': '5' }, error: undefined },
    { values: { 'min-scale': '5', 'max-scale': '0' }, error: undefined },
    { values: { 'min-scale': '2', 'max-scale': '5' }, error: undefined },
    { values: { 'stable-window': '2s' }, error: 'stable-window' },
    // Both keys of a rule given: nothing else can rescue it.
    { values: { 'min-scale': '5', 'max-scale': '2' }, error: 'min-scale' },
    { values: { 'max-scale': '20', 'max-scale-limit': '10' }, error: 'max-scale' },
    { values: { 'initial-scale': '0', 'allow-zero-initial-scale': 'false' }, error: 'initial-scale' },
    { values: { 'container-concurrency-target-default': '0.012', 'container-concurrency-target-percentage': '50' }, error: 'container-concurrency-target-default' },
  ])('$values → error at $error', ({ values, error }) => {
    let key: string | undefined;
    try {
      checkAutoscalerConfigValues(values);
    } catch (e) {
      if (!(e instanceof AutoscalerConfigError)) throw e;
      key = e.key;
    }
    expect(key).toBe(error);
  });
});
