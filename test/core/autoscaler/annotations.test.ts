import { describe, expect, it } from 'vitest';
import {
  AnnotationError,
  AUTOSCALING_ANNOTATION_KEYS,
  HPA_CLASS,
  KPA_CLASS,
  parseAutoscalingAnnotations,
  PROGRESS_DEADLINE_ANNOTATION,
  validateAutoscalingAnnotations,
} from '../../../src/core/autoscaler/annotations.js';
import type { AutoscalingAnnotations } from '../../../src/core/autoscaler/annotations.js';
import { defaultAutoscalerConfig } from '../../../src/core/autoscaler/config.js';
import type { AutoscalerConfig } from '../../../src/core/autoscaler/types.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

const A = (name: string): string => `autoscaling.knative.dev/${name}`;
const cfgWith = (over: Partial<AutoscalerConfig> = {}): AutoscalerConfig => ({ ...defaultAutoscalerConfig, ...over });

/** Upstream's annotation_validation_test table, re-expressed: `err` is the key of the first error, if any. */
const validationCases: Array<{ name: string; ann: Record<string, string>; cfg?: Partial<AutoscalerConfig>; err?: string; says?: string }> = [
  { name: 'no annotations', ann: {} },
  { name: 'unknown .knative.dev class', ann: { [A('class')]: 'unsupported.knative.dev' }, err: A('class') },
  { name: 'class from another domain', ann: { [A('class')]: 'some.other.domain' } },
  { name: 'KPA class', ann: { [A('class')]: KPA_CLASS } },
  { name: 'HPA class', ann: { [A('class')]: HPA_CLASS } },
  { name: 'min-scale 0', ann: { [A('min-scale')]: '0' } },
  { name: 'max-scale 0', ann: { [A('max-scale')]: '0' } },
  { name: 'min-scale -1', ann: { [A('min-scale')]: '-1' }, err: A('min-scale'), says: '[0, 2147483647]' },
  { name: 'max-scale beyond int32', ann: { [A('max-scale')]: '2147483648' }, err: A('max-scale'), says: '[0, 2147483647]' },
  { name: 'max-scale -1', ann: { [A('max-scale')]: '-1' }, err: A('max-scale') },
  { name: 'min-scale not a number', ann: { [A('min-scale')]: 'foo' }, err: A('min-scale'), says: 'not a decimal integer' },
  { name: 'max-scale not a number', ann: { [A('max-scale')]: 'bar' }, err: A('max-scale') },
  { name: 'min-scale fractional', ann: { [A('min-scale')]: '1.5' }, err: A('min-scale') },
  { name: 'min-scale 5', ann: { [A('min-scale')]: '5' } },
  { name: 'max-scale 2', ann: { [A('max-scale')]: '2' } },
  { name: 'min 2, max 5', ann: { [A('min-scale')]: '2', [A('max-scale')]: '5' } },
  { name: 'min 5, max 2', ann: { [A('min-scale')]: '5', [A('max-scale')]: '2' }, err: A('max-scale'), says: 'max-scale=2 is less than min-scale=5' },
  { name: 'min 0, max 0', ann: { [A('min-scale')]: '0', [A('max-scale')]: '0' } },
  { name: 'min 5, max 0 (unbounded)', ann: { [A('min-scale')]: '5', [A('max-scale')]: '0' } },
  { name: 'max-scale above max-scale-limit', cfg: { maxScaleLimit: 10 }, ann: { [A('max-scale')]: '11' }, err: A('max-scale'), says: '[1, 10]' },
  {
    name: 'max-scale above the limit even though the default max-scale is set',
    cfg: { maxScaleLimit: 10, maxScale: 11 },
    ann: { [A('max-scale')]: '20' },
    err: A('max-scale'),
  },
  {
    name: 'explicit unlimited max-scale under a limit',
    cfg: { maxScaleLimit: 10, maxScale: 1 },
    ann: { [A('max-scale')]: '0' },
    err: A('max-scale'),
    says: 'max-scale=0 (unlimited)',
  },
  { name: 'no max-scale annotation under a limit', cfg: { maxScaleLimit: 10, maxScale: 11 }, ann: {} },
  { name: 'max-scale under the limit', cfg: { maxScaleLimit: 10 }, ann: { [A('max-scale')]: '9' } },
  { name: 'max-scale equal to the limit', cfg: { maxScaleLimit: 10 }, ann: { [A('max-scale')]: '10' } },
  { name: 'min 1 ≤ activation 2 ≤ max 3', ann: { [A('min-scale')]: '1', [A('activation-scale')]: '2', [A('max-scale')]: '3' } },
  { name: 'min-scale above activation-scale', ann: { [A('min-scale')]: '3', [A('activation-scale')]: '2' }, err: A('activation-scale'), says: 'min-scale=3 is greater than activation-scale=2' },
  { name: 'max-scale below activation-scale', ann: { [A('max-scale')]: '1', [A('activation-scale')]: '2' }, err: A('activation-scale'), says: 'max-scale=1 is less than activation-scale=2' },
  { name: 'activation-scale 1', ann: { [A('activation-scale')]: '1' }, err: A('activation-scale'), says: 'must be greater than 1' },
  { name: 'activation-scale 0', ann: { [A('activation-scale')]: '0' }, err: A('activation-scale') },
  { name: 'activation-scale not a number', ann: { [A('activation-scale')]: 'two' }, err: A('activation-scale') },
  { name: 'activation-scale with unbounded max', ann: { [A('activation-scale')]: '5', [A('max-scale')]: '0' } },
  { name: 'linear algorithm on KPA', ann: { [A('metric-aggregation-algorithm')]: 'linear', [A('class')]: KPA_CLASS } },
  { name: 'empty algorithm on KPA', ann: { [A('metric-aggregation-algorithm')]: '', [A('class')]: KPA_CLASS } },
  { name: 'weightedExponential on KPA', ann: { [A('metric-aggregation-algorithm')]: 'weightedExponential', [A('class')]: KPA_CLASS } },
  {
    name: 'unknown algorithm on KPA',
    ann: { [A('metric-aggregation-algorithm')]: 'random-selection', [A('class')]: KPA_CLASS },
    err: A('metric-aggregation-algorithm'),
  },
  { name: 'unknown algorithm on another class', ann: { [A('metric-aggregation-algorithm')]: 'random-selection', [A('class')]: 'of-keys' } },
  // Upstream only checks the algorithm when the class annotation itself says KPA.
  { name: 'unknown algorithm without a class annotation', ann: { [A('metric-aggregation-algorithm')]: 'random-selection' } },
  { name: 'panic window % -1', ann: { [A('panic-window-percentage')]: '-1' }, err: A('panic-window-percentage'), says: '[1, 100]' },
  { name: 'panic window % 202', ann: { [A('panic-window-percentage')]: '202' }, err: A('panic-window-percentage') },
  { name: 'panic window % not a number', ann: { [A('panic-window-percentage')]: 'fifty' }, err: A('panic-window-percentage') },
  { name: 'panic window % 1 and 100', ann: { [A('panic-window-percentage')]: '1', [A('panic-threshold-percentage')]: '1000' } },
  { name: 'panic threshold % 210', ann: { [A('panic-threshold-percentage')]: '210' } },
  { name: 'panic threshold % 109', ann: { [A('panic-threshold-percentage')]: '109' }, err: A('panic-threshold-percentage'), says: '[110, 1000]' },
  { name: 'panic threshold % 10009', ann: { [A('panic-threshold-percentage')]: '10009' }, err: A('panic-threshold-percentage') },
  { name: 'panic threshold % not a number', ann: { [A('panic-threshold-percentage')]: 'fifty' }, err: A('panic-threshold-percentage') },
  { name: 'target negative', ann: { [A('target')]: '-11' }, err: A('target'), says: 'at least 0.01' },
  { name: 'target 0', ann: { [A('target')]: '0' }, err: A('target') },
  { name: 'target just under 0.01', ann: { [A('target')]: '0.0099' }, err: A('target') },
  { name: 'target 0.01', ann: { [A('target')]: '0.01' } },
  { name: 'target malformed', ann: { [A('target')]: '100}' }, err: A('target'), says: 'not a number' },
  { name: 'target 11', ann: { [A('target')]: '11' } },
  { name: 'TBC -11', ann: { [A('target-burst-capacity')]: '-11' }, err: A('target-burst-capacity') },
  { name: 'TBC 0', ann: { [A('target-burst-capacity')]: '0' } },
  { name: 'TBC huge', ann: { [A('target-burst-capacity')]: '19870709' } },
  { name: 'TBC -1', ann: { [A('target-burst-capacity')]: '-1' } },
  { name: 'TBC malformed', ann: { [A('target-burst-capacity')]: 'qarashen' }, err: A('target-burst-capacity') },
  { name: 'utilization 0', ann: { [A('target-utilization-percentage')]: '0' }, err: A('target-utilization-percentage'), says: '[1, 100]' },
  { name: 'utilization 101', ann: { [A('target-utilization-percentage')]: '101' }, err: A('target-utilization-percentage') },
  { name: 'utilization malformed', ann: { [A('target-utilization-percentage')]: 'dghyak' }, err: A('target-utilization-percentage') },
  { name: 'utilization 1 and 100', ann: { [A('target-utilization-percentage')]: '100' } },
  { name: 'window malformed', ann: { [A('window')]: 'jerry-was-a-racecar-driver' }, err: A('window') },
  { name: 'window too short', ann: { [A('window')]: '1s' }, err: A('window'), says: '[6s, 3600s]' },
  { name: 'window too long', ann: { [A('window')]: '365h' }, err: A('window') },
  { name: 'window too precise', ann: { [A('window')]: '1m9s82ms' }, err: A('window'), says: 'at most second precision' },
  { name: 'window 7s with KPA', ann: { [A('window')]: '7s', [A('class')]: KPA_CLASS } },
  { name: 'window 7s with another class', ann: { [A('window')]: '7s', [A('class')]: 'test' } },
  { name: 'window too long with KPA', ann: { [A('window')]: '365h', [A('class')]: KPA_CLASS }, err: A('window') },
  { name: 'window 6s and 1h', ann: { [A('window')]: '1h' } },
  { name: 'retention 0', ann: { [A('scale-to-zero-pod-retention-period')]: '0' } },
  { name: 'retention 21m31s', ann: { [A('scale-to-zero-pod-retention-period')]: '21m31s' } },
  { name: 'retention with sub-second precision', ann: { [A('scale-to-zero-pod-retention-period')]: '1.5s' } },
  { name: 'retention 311m', ann: { [A('scale-to-zero-pod-retention-period')]: '311m' }, err: A('scale-to-zero-pod-retention-period'), says: '[0s, 3600s]' },
  { name: 'retention negative', ann: { [A('scale-to-zero-pod-retention-period')]: '-42s' }, err: A('scale-to-zero-pod-retention-period') },
  { name: 'retention malformed', ann: { [A('scale-to-zero-pod-retention-period')]: 'twenty-two-minutes-and-five-seconds' }, err: A('scale-to-zero-pod-retention-period') },
  { name: 'scale-down-delay 0', ann: { [A('scale-down-delay')]: '0' } },
  { name: 'scale-down-delay 21m31s', ann: { [A('scale-down-delay')]: '21m31s' } },
  { name: 'scale-down-delay 311m', ann: { [A('scale-down-delay')]: '311m' }, err: A('scale-down-delay') },
  { name: 'scale-down-delay 42.5s', ann: { [A('scale-down-delay')]: '42.5s' }, err: A('scale-down-delay'), says: 'at most second precision' },
  { name: 'scale-down-delay negative', ann: { [A('scale-down-delay')]: '-42s' }, err: A('scale-down-delay') },
  { name: 'scale-down-delay malformed', ann: { [A('scale-down-delay')]: 'twenty-two-minutes-and-five-seconds' }, err: A('scale-down-delay') },
  {
    name: 'all together, valid',
    ann: {
      [A('panic-threshold-percentage')]: '125',
      [A('panic-window-percentage')]: '75',
      [A('min-scale')]: '5',
      [A('max-scale')]: '8',
      [A('window')]: '1984s',
    },
  },
  { name: 'cpu metric with the default (KPA) class', ann: { [A('metric')]: 'cpu' }, err: A('metric') },
  { name: 'empty metric with the KPA class', ann: { [A('metric')]: '' }, err: A('metric') },
  { name: 'empty metric with the HPA class', ann: { [A('metric')]: '', [A('class')]: HPA_CLASS }, err: A('metric') },
  { name: 'rps metric', ann: { [A('metric')]: 'rps' } },
  { name: 'concurrency metric', ann: { [A('metric')]: 'concurrency' } },
  { name: 'cpu metric with the HPA class', ann: { [A('class')]: HPA_CLASS, [A('metric')]: 'cpu' } },
  { name: 'any metric with another class', ann: { [A('class')]: 'other', [A('metric')]: 'rps' } },
  { name: 'cpu metric when the cluster default class is HPA', cfg: { podAutoscalerClass: HPA_CLASS }, ann: { [A('metric')]: 'cpu' } },
  { name: 'initial-scale 0 not allowed by the cluster', ann: { [A('initial-scale')]: '0' }, err: A('initial-scale'), says: 'not allowed by the cluster' },
  { name: 'initial-scale 0 allowed by the cluster', cfg: { allowZeroInitialScale: true }, ann: { [A('initial-scale')]: '0' } },
  { name: 'initial-scale 2', ann: { [A('initial-scale')]: '2' } },
  { name: 'initial-scale -1', ann: { [A('initial-scale')]: '-1' }, err: A('initial-scale') },
  { name: 'initial-scale malformed', ann: { [A('initial-scale')]: 'invalid' }, err: A('initial-scale') },
  // Deviations from Go: non-finite floats, and initial-scale beyond int32.
  { name: 'NaN target (deviation)', ann: { [A('target')]: 'NaN' }, err: A('target'), says: 'finite' },
  { name: 'infinite TBC (deviation)', ann: { [A('target-burst-capacity')]: '+Inf' }, err: A('target-burst-capacity') },
  { name: 'NaN panic window % (deviation)', ann: { [A('panic-window-percentage')]: 'nan' }, err: A('panic-window-percentage') },
  { name: 'initial-scale beyond int32 (deviation)', ann: { [A('initial-scale')]: '3000000000' }, err: A('initial-scale') },
  { name: 'progress-deadline 10m', ann: { [PROGRESS_DEADLINE_ANNOTATION]: '10m' } },
  { name: 'progress-deadline empty (ignored)', ann: { [PROGRESS_DEADLINE_ANNOTATION]: '' } },
  { name: 'progress-deadline not whole seconds', ann: { [PROGRESS_DEADLINE_ANNOTATION]: '1.5s' }, err: PROGRESS_DEADLINE_ANNOTATION },
  { name: 'progress-deadline negative', ann: { [PROGRESS_DEADLINE_ANNOTATION]: '-5s' }, err: PROGRESS_DEADLINE_ANNOTATION },
  { name: 'progress-deadline malformed', ann: { [PROGRESS_DEADLINE_ANNOTATION]: 'soon' }, err: PROGRESS_DEADLINE_ANNOTATION },
];

describe('annotation validation (upstream table)', () => {
  it.each(validationCases)('$name', ({ ann, cfg, err, says }) => {
    const errors = validateAutoscalingAnnotations(ann, cfgWith(cfg));
    if (err === undefined) {
      expect(errors).toEqual([]);
      expect(() => parseAutoscalingAnnotations(ann, cfgWith(cfg))).not.toThrow();
      return;
    }
    expect(errors.length).toBeGreaterThan(0);
    const first = errors[0] as AnnotationError;
    expect(first).toBeInstanceOf(AnnotationError);
    expect(first.key).toBe(err);
    expect(first.value).toBe(ann[err]);
    expect(first.message.startsWith(`${err}=${JSON.stringify(ann[err])}: `)).toBe(true);
    expect(first.message).not.toContain('\n');
    if (says !== undefined) expect(first.message).toContain(says);
    expect(() => parseAutoscalingAnnotations(ann, cfgWith(cfg))).toThrow(first.message);
  });
});

describe('collecting every error, as upstream does', () => {
  it('reports all four problems, in upstream order', () => {
    const errors = validateAutoscalingAnnotations(
      {
        [A('panic-threshold-percentage')]: 'fifty',
        [A('panic-window-percentage')]: '-11',
        [A('min-scale')]: '-4',
        [A('max-scale')]: 'never',
      },
      cfgWith(),
    );
    expect(errors.map((e) => e.key)).toEqual([A('min-scale'), A('max-scale'), A('panic-window-percentage'), A('panic-threshold-percentage')]);
  });
  it('reports both of two malformed bounds', () => {
    const errors = validateAutoscalingAnnotations({ [A('max-scale')]: 'bar', [A('min-scale')]: 'bar' }, cfgWith());
    expect(errors.map((e) => [e.key, e.value])).toEqual([
      [A('min-scale'), 'bar'],
      [A('max-scale'), 'bar'],
    ]);
  });
  it('a malformed max-scale under a limit also counts as unlimited (two errors)', () => {
    const errors = validateAutoscalingAnnotations({ [A('max-scale')]: 'bar' }, cfgWith({ maxScaleLimit: 5 }));
    expect(errors).toHaveLength(2);
    expect(errors[1]?.message).toContain('max-scale=0 (unlimited)');
  });
});

describe('parsed values', () => {
  const cases: Array<{ name: string; ann: Record<string, string>; cfg?: Partial<AutoscalerConfig>; want: AutoscalingAnnotations }> = [
    { name: 'nothing set', ann: {}, want: {} },
    {
      name: 'every annotation, canonical keys',
      cfg: { allowZeroInitialScale: true },
      ann: {
        [A('class')]: KPA_CLASS,
        [A('metric')]: 'rps',
        [A('target')]: '12.5',
        [A('target-utilization-percentage')]: '80',
        [A('window')]: '2m',
        [A('panic-window-percentage')]: '20',
        [A('panic-threshold-percentage')]: '150',
        [A('min-scale')]: '1',
        [A('max-scale')]: '10',
        [A('initial-scale')]: '0',
        [A('activation-scale')]: '3',
        [A('scale-down-delay')]: '5m',
        [A('scale-to-zero-pod-retention-period')]: '1m30s',
        [A('target-burst-capacity')]: '-1',
        [A('metric-aggregation-algorithm')]: 'weighted-exponential',
        [PROGRESS_DEADLINE_ANNOTATION]: '2m',
      },
      want: {
        class: KPA_CLASS,
        metric: 'rps',
        target: 12.5,
        targetUtilizationPercentage: 80,
        windowSeconds: 120,
        panicWindowPercentage: 20,
        panicThresholdPercentage: 150,
        minScale: 1,
        maxScale: 10,
        initialScale: 0,
        activationScale: 3,
        scaleDownDelaySeconds: 300,
        scaleToZeroPodRetentionPeriodSeconds: 90,
        targetBurstCapacity: -1,
        metricAggregationAlgorithm: 'weighted-exponential',
        progressDeadlineSeconds: 120,
      },
    },
    {
      name: 'legacy camelCase keys',
      ann: {
        [A('minScale')]: '2',
        [A('maxScale')]: '4',
        [A('initialScale')]: '3',
        [A('panicWindowPercentage')]: '50',
        [A('panicThresholdPercentage')]: '300',
        [A('targetUtilizationPercentage')]: '90',
        [A('scaleDownDelay')]: '30s',
        [A('scaleToZeroPodRetentionPeriod')]: '10s',
        [A('targetBurstCapacity')]: '0',
        [A('metricAggregationAlgorithm')]: 'weightedExponential',
      },
      want: {
        minScale: 2,
        maxScale: 4,
        initialScale: 3,
        panicWindowPercentage: 50,
        panicThresholdPercentage: 300,
        targetUtilizationPercentage: 90,
        scaleDownDelaySeconds: 30,
        scaleToZeroPodRetentionPeriodSeconds: 10,
        targetBurstCapacity: 0,
        metricAggregationAlgorithm: 'weighted-exponential',
      },
    },
    { name: 'the canonical key wins over the legacy one', ann: { [A('min-scale')]: '1', [A('minScale')]: '7' }, want: { minScale: 1 } },
    { name: 'an unknown algorithm outside an explicit KPA class reads as linear', ann: { [A('metric-aggregation-algorithm')]: 'fancy' }, want: { metricAggregationAlgorithm: 'linear' } },
    { name: 'an empty algorithm reads as linear', ann: { [A('metric-aggregation-algorithm')]: '' }, want: { metricAggregationAlgorithm: 'linear' } },
    { name: 'empty progress-deadline counts as absent', ann: { [PROGRESS_DEADLINE_ANNOTATION]: '' }, want: {} },
    { name: 'progress-deadline 0 is allowed', ann: { [PROGRESS_DEADLINE_ANNOTATION]: '0s' }, want: { progressDeadlineSeconds: 0 } },
    {
      name: 'non-autoscaling and unknown autoscaling annotations are ignored',
      ann: { 'serving.knative.dev/creator': 'me', [A('min-scale')]: '2', [A('not-a-knob')]: 'x', [A('tick-interval')]: 'x' },
      want: { minScale: 2 },
    },
    { name: 'Go number spellings', ann: { [A('target')]: '1_0', [A('min-scale')]: '+3' }, want: { target: 10, minScale: 3 } },
    { name: 'another class and its metric', ann: { [A('class')]: HPA_CLASS, [A('metric')]: 'memory' }, want: { class: HPA_CLASS, metric: 'memory' } },
  ];
  it.each(cases)('$name', ({ ann, cfg, want }) => {
    expect(parseAutoscalingAnnotations(ann, cfgWith(cfg))).toEqual(want);
  });

  it('names the legacy key when a legacy annotation is invalid', () => {
    expect(() => parseAutoscalingAnnotations({ [A('minScale')]: '-3' }, cfgWith())).toThrow(`${A('minScale')}="-3": `);
  });

  it('lists legacy spellings after the canonical key', () => {
    expect(AUTOSCALING_ANNOTATION_KEYS.minScale).toEqual([A('min-scale'), A('minScale')]);
    expect(AUTOSCALING_ANNOTATION_KEYS.window).toEqual([A('window')]);
    expect(AUTOSCALING_ANNOTATION_KEYS.activationScale).toEqual([A('activation-scale')]);
  });
});

describe('nonsense inputs', () => {
  it.each([
    ['null annotations', null, cfgWith()],
    ['string annotations', 'min-scale=1', cfgWith()],
    ['non-string value', { [A('min-scale')]: 1 }, cfgWith()],
    ['config without maxScaleLimit', {}, { allowZeroInitialScale: false, podAutoscalerClass: KPA_CLASS }],
    ['config with NaN maxScaleLimit', {}, cfgWith({ maxScaleLimit: NaN })],
    ['config with non-boolean allowZeroInitialScale', {}, cfgWith({ allowZeroInitialScale: 'no' as unknown as boolean })],
  ])('%s → InvalidArgumentError', (_name, ann, cfg) => {
    const call = (): unknown =>
      parseAutoscalingAnnotations(ann as unknown as Record<string, string>, cfg as unknown as AutoscalerConfig);
    expect(call).toThrow(InvalidArgumentError);
  });

  it('does not read inherited properties', () => {
    const ann = Object.create({ [A('min-scale')]: '-1' }) as Record<string, string>;
    expect(parseAutoscalingAnnotations(ann, cfgWith())).toEqual({});
  });
});
