/**
 * The `config-autoscaler` ConfigMap: defaults, parsing and validation, after
 * knative/serving pkg/autoscaler/config/config.go.
 *
 * Upstream reads each known key with Go's strconv/time parsers (no trimming,
 * except for the class string), ignores every other key (`_example`,
 * `tick-interval`, `panic-window`, typos), turns a
 * `container-concurrency-target-percentage` above 1 into a fraction, and then
 * applies its validation rules in a fixed order; the first broken rule is the
 * error. This module does the same.
 */

import type { AutoscalerConfig } from './types.js';
import { FieldError } from '../field-error.js';
import { goParseBool, goParseFloat, goParseInt, goTrimSpace } from '../strconv.js';
import { isWholeSeconds, nanosToSeconds, tryParseGoDuration } from '../duration.js';
import {
  KPA_CLASS,
  PANIC_WINDOW_PERCENTAGE_MAX,
  PANIC_WINDOW_PERCENTAGE_MIN,
  TARGET_MIN,
  WINDOW_MAX_SECONDS,
  WINDOW_MIN_SECONDS,
} from './annotations.js';

/** Name of the ConfigMap this module parses. */
export const AUTOSCALER_CONFIG_MAP_NAME = 'config-autoscaler';

/** Upstream's hard-coded target utilization for non-concurrency metrics (RPS). */
export const DEFAULT_TARGET_UTILIZATION = 0.7;

/** Upstream defaults of `config-autoscaler` (the values an empty ConfigMap yields). */
export const defaultAutoscalerConfig: Readonly<AutoscalerConfig> = Object.freeze({
  enableScaleToZero: true,
  containerConcurrencyTargetFraction: DEFAULT_TARGET_UTILIZATION,
  containerConcurrencyTargetDefault: 100,
  rpsTargetDefault: 200,
  targetUtilization: DEFAULT_TARGET_UTILIZATION,
  // 211 is prime, so it is never a multiple of the targets (knative/serving#12774).
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
  podAutoscalerClass: KPA_CLASS,
});

/**
 * A `config-autoscaler` value that upstream would refuse: a {@link FieldError}
 * at `config-autoscaler[<key>]`. `key` is the offending ConfigMap key (for a
 * rule relating two keys, one of them); the one-line message names the key,
 * the value and the rule.
 */
export class AutoscalerConfigError extends FieldError {
  override name = 'AutoscalerConfigError';
  /** The ConfigMap key at fault, e.g. `stable-window`. */
  readonly key: string;
  /** The value as written in the ConfigMap (or, if the key was absent, the effective value). */
  readonly value: string;
  constructor(key: string, value: string, rule: string) {
    super(rule, [[AUTOSCALER_CONFIG_MAP_NAME, { key }]]);
    this.message = `${AUTOSCALER_CONFIG_MAP_NAME}: ${key}=${JSON.stringify(value)}: ${rule}`;
    this.key = key;
    this.value = value;
  }
}

type Kind = 'string' | 'bool' | 'float' | 'int32' | 'duration';

/** One ConfigMap key and the config field it fills; listed in upstream's parse order. */
interface KeySpec {
  readonly key: string;
  readonly field: keyof AutoscalerConfig;
  readonly kind: Kind;
}

const KEYS: readonly KeySpec[] = [
  { key: 'pod-autoscaler-class', field: 'podAutoscalerClass', kind: 'string' },
  { key: 'enable-scale-to-zero', field: 'enableScaleToZero', kind: 'bool' },
  { key: 'allow-zero-initial-scale', field: 'allowZeroInitialScale', kind: 'bool' },
  { key: 'max-scale-up-rate', field: 'maxScaleUpRate', kind: 'float' },
  { key: 'max-scale-down-rate', field: 'maxScaleDownRate', kind: 'float' },
  { key: 'container-concurrency-target-percentage', field: 'containerConcurrencyTargetFraction', kind: 'float' },
  { key: 'container-concurrency-target-default', field: 'containerConcurrencyTargetDefault', kind: 'float' },
  { key: 'requests-per-second-target-default', field: 'rpsTargetDefault', kind: 'float' },
  { key: 'target-burst-capacity', field: 'targetBurstCapacity', kind: 'float' },
  { key: 'panic-window-percentage', field: 'panicWindowPercentage', kind: 'float' },
  { key: 'activator-capacity', field: 'activatorCapacity', kind: 'float' },
  { key: 'panic-threshold-percentage', field: 'panicThresholdPercentage', kind: 'float' },
  { key: 'initial-scale', field: 'initialScale', kind: 'int32' },
  { key: 'min-scale', field: 'minScale', kind: 'int32' },
  { key: 'max-scale', field: 'maxScale', kind: 'int32' },
  { key: 'max-scale-limit', field: 'maxScaleLimit', kind: 'int32' },
  { key: 'stable-window', field: 'stableWindowSeconds', kind: 'duration' },
  { key: 'scale-down-delay', field: 'scaleDownDelaySeconds', kind: 'duration' },
  { key: 'scale-to-zero-grace-period', field: 'scaleToZeroGracePeriodSeconds', kind: 'duration' },
  { key: 'scale-to-zero-pod-retention-period', field: 'scaleToZeroPodRetentionPeriodSeconds', kind: 'duration' },
];

/** The ConfigMap keys upstream reads; everything else is ignored. */
export const AUTOSCALER_CONFIG_KEYS: readonly string[] = KEYS.map((k) => k.key);

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Where validation gets the text to quote and, for parsed durations, the exact nanoseconds. */
interface Provenance {
  raw(key: string): string | undefined;
  nanos(key: string): bigint | undefined;
}

const NO_PROVENANCE: Provenance = { raw: () => undefined, nanos: () => undefined };

/**
 * Parses `config-autoscaler` data the way upstream's NewConfigFromMap does:
 * absent keys keep their defaults, unknown keys are ignored, values are not
 * trimmed (except `pod-autoscaler-class`), an empty value for a numeric,
 * boolean or duration key is an error.
 *
 * Deviation: Go would accept "NaN"/"Inf" floats (and NaN slips through every
 * range check); knsim rejects non-finite numbers.
 * @throws AutoscalerConfigError for the first malformed value or broken rule.
 */
export function parseAutoscalerConfig(data: Readonly<Record<string, string>>): AutoscalerConfig {
  if (data === null || typeof data !== 'object') {
    throw new AutoscalerConfigError('data', String(data), 'ConfigMap data must be an object of strings');
  }
  const cfg: AutoscalerConfig = { ...defaultAutoscalerConfig };
  const nanos = new Map<string, bigint>();
  // The key table guarantees each field receives a value of its own kind.
  const fields = cfg as unknown as Record<keyof AutoscalerConfig, string | number | boolean>;
  const set = (field: keyof AutoscalerConfig, v: string | number | boolean): void => {
    fields[field] = v;
  };

  for (const spec of KEYS) {
    if (!hasOwn(data, spec.key)) continue;
    const raw: unknown = data[spec.key];
    if (typeof raw !== 'string') {
      throw new AutoscalerConfigError(spec.key, String(raw), `ConfigMap values must be strings, got ${typeof raw}`);
    }
    const bad = (rule: string): never => {
      throw new AutoscalerConfigError(spec.key, raw, rule);
    };
    switch (spec.kind) {
      case 'string':
        set(spec.field, goTrimSpace(raw));
        break;
      case 'bool': {
        const r = goParseBool(raw);
        if (!r.ok) bad('not a boolean (accepted: true, false, 1, 0, t, f, True, FALSE, …)');
        else set(spec.field, r.value);
        break;
      }
      case 'float': {
        const r = goParseFloat(raw);
        if (!r.ok) bad(r.reason === 'range' ? 'number out of float64 range' : 'not a number');
        else if (!Number.isFinite(r.value)) bad('must be a finite number');
        else set(spec.field, r.value);
        break;
      }
      case 'int32': {
        const r = goParseInt(raw, 32);
        if (!r.ok) bad(r.reason === 'range' ? 'integer out of int32 range' : 'not a decimal integer');
        else set(spec.field, Number(r.value));
        break;
      }
      case 'duration': {
        const r = tryParseGoDuration(raw);
        if (!r.ok) bad(r.reason);
        else {
          nanos.set(spec.key, r.nanos);
          set(spec.field, nanosToSeconds(r.nanos));
        }
        break;
      }
    }
  }

  // Legacy: values in (0, 1] are fractions, larger ones are percentages.
  if (cfg.containerConcurrencyTargetFraction > 1) cfg.containerConcurrencyTargetFraction /= 100;

  validate(cfg, {
    raw: (key) => (hasOwn(data, key) ? data[key] : undefined),
    nanos: (key) => nanos.get(key),
  });
  return cfg;
}

/**
 * For a key whose own error may come from a rule relating it to another key, that other
 * key set so the rule holds for any valid value: initial-scale 0 needs
 * allow-zero-initial-scale, and a target default is multiplied by the target percentage.
 */
const LENIENT_PARTNERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'initial-scale': { 'allow-zero-initial-scale': 'true' },
  'container-concurrency-target-default': { 'container-concurrency-target-percentage': '100' },
};

/**
 * Checks one `config-autoscaler` value by the rules it breaks on its own, whatever the
 * ConfigMap's other keys hold: its syntax and its range (`stable-window=2s` is below 6s).
 * A rule relating it to another key (initial-scale 0 without allow-zero-initial-scale,
 * max-scale-limit with max-scale) is left to {@link parseAutoscalerConfig} of the whole
 * ConfigMap. Keys upstream ignores pass.
 * @throws AutoscalerConfigError naming `key`.
 */
export function checkAutoscalerConfigValue(key: string, value: string): void {
  if (!AUTOSCALER_CONFIG_KEYS.includes(key)) return;
  try {
    parseAutoscalerConfig({ ...LENIENT_PARTNERS[key], [key]: value });
  } catch (e) {
    // Reported at another key: a relation with a default that the real ConfigMap may not share.
    if (e instanceof AutoscalerConfigError && e.key !== key) return;
    throw e;
  }
}

/** The keys of each validation rule that relates two keys (see {@link validate}). */
const RELATED_KEYS: readonly (readonly [string, string])[] = [
  ['initial-scale', 'allow-zero-initial-scale'],
  ['container-concurrency-target-default', 'container-concurrency-target-percentage'],
  ['max-scale', 'max-scale-limit'],
  ['min-scale', 'max-scale'],
];

/**
 * Checks `config-autoscaler` values given together (e.g. as overrides of the cluster's
 * ConfigMap): each by {@link checkAutoscalerConfigValue}, then every rule relating two keys
 * that are both given (`min-scale=5` with `max-scale=2`), which no other value can rescue.
 * A rule with one key given is left to the whole ConfigMap, as for one value.
 * @throws AutoscalerConfigError naming the key upstream reports.
 */
export function checkAutoscalerConfigValues(values: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(values)) checkAutoscalerConfigValue(key, value);
  for (const [a, b] of RELATED_KEYS) {
    const va = values[a];
    const vb = values[b];
    if (va !== undefined && vb !== undefined) parseAutoscalerConfig({ [a]: va, [b]: vb });
  }
}

/**
 * Applies upstream's `config-autoscaler` validation rules to an already typed
 * config (for example one assembled in code or from a scenario file), after
 * checking that every field has the right type and is finite.
 * @returns `cfg` itself when valid.
 * @throws AutoscalerConfigError naming the ConfigMap key of the first broken rule.
 */
export function validateAutoscalerConfig(cfg: Readonly<AutoscalerConfig>): Readonly<AutoscalerConfig> {
  if (cfg === null || typeof cfg !== 'object') {
    throw new AutoscalerConfigError('config', String(cfg), 'must be an AutoscalerConfig object');
  }
  for (const spec of KEYS) {
    const v: unknown = cfg[spec.field];
    const bad = (rule: string): never => {
      throw new AutoscalerConfigError(spec.key, String(v), rule);
    };
    switch (spec.kind) {
      case 'string':
        if (typeof v !== 'string') bad('must be a string');
        break;
      case 'bool':
        if (typeof v !== 'boolean') bad('must be a boolean');
        break;
      case 'float':
      case 'duration':
        if (typeof v !== 'number' || !Number.isFinite(v)) bad('must be a finite number');
        break;
      case 'int32':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) bad('must be an int32 integer');
        break;
    }
  }
  const tu: unknown = cfg.targetUtilization;
  if (typeof tu !== 'number' || !Number.isFinite(tu) || tu <= 0) {
    throw new AutoscalerConfigError('targetUtilization', String(tu), 'must be a finite number > 0 (not settable in the ConfigMap; upstream fixes it at 0.7)');
  }
  validate(cfg, NO_PROVENANCE);
  return cfg;
}

/** Upstream's validation rules, in upstream's order (so the same rule is reported first). */
function validate(cfg: Readonly<AutoscalerConfig>, from: Provenance): void {
  const text = (key: string, effective: number | boolean | string): string => from.raw(key) ?? String(effective);
  const fail = (key: string, effective: number | boolean | string, rule: string): never => {
    throw new AutoscalerConfigError(key, text(key, effective), rule);
  };
  const wholeSeconds = (key: string, seconds: number): boolean => {
    const ns = from.nanos(key);
    return ns !== undefined ? isWholeSeconds(ns) : Number.isInteger(seconds);
  };

  if (cfg.scaleToZeroGracePeriodSeconds <= 0) {
    fail('scale-to-zero-grace-period', cfg.scaleToZeroGracePeriodSeconds, 'must be positive');
  }
  if (cfg.scaleDownDelaySeconds < 0) fail('scale-down-delay', cfg.scaleDownDelaySeconds, 'cannot be negative');
  if (!wholeSeconds('scale-down-delay', cfg.scaleDownDelaySeconds)) {
    fail('scale-down-delay', cfg.scaleDownDelaySeconds, 'must be specified with at most second precision');
  }
  if (cfg.scaleToZeroPodRetentionPeriodSeconds < 0) {
    fail('scale-to-zero-pod-retention-period', cfg.scaleToZeroPodRetentionPeriodSeconds, 'cannot be negative');
  }
  if (cfg.targetBurstCapacity < 0 && cfg.targetBurstCapacity !== -1) {
    fail('target-burst-capacity', cfg.targetBurstCapacity, 'must be either non-negative or -1 (for unlimited)');
  }
  const fraction = cfg.containerConcurrencyTargetFraction;
  if (fraction <= 0 || fraction > 1) {
    fail(
      'container-concurrency-target-percentage',
      fraction,
      `is outside of the valid range (0, 100] (values in (0, 1] are read as fractions, larger ones as percentages; resulting fraction ${fraction})`,
    );
  }
  const defaultTarget = fraction * cfg.containerConcurrencyTargetDefault;
  if (defaultTarget < TARGET_MIN) {
    fail(
      'container-concurrency-target-default',
      cfg.containerConcurrencyTargetDefault,
      `times container-concurrency-target-percentage (fraction ${fraction}) yields a target concurrency of ${defaultTarget}, which must be at least ${TARGET_MIN}`,
    );
  }
  if (cfg.rpsTargetDefault < TARGET_MIN) {
    fail('requests-per-second-target-default', cfg.rpsTargetDefault, `must be at least ${TARGET_MIN}`);
  }
  if (cfg.activatorCapacity < 1) fail('activator-capacity', cfg.activatorCapacity, 'must be at least 1');
  if (cfg.maxScaleUpRate <= 1) fail('max-scale-up-rate', cfg.maxScaleUpRate, 'must be greater than 1.0');
  if (cfg.maxScaleDownRate <= 1) fail('max-scale-down-rate', cfg.maxScaleDownRate, 'must be greater than 1.0');
  if (cfg.stableWindowSeconds < WINDOW_MIN_SECONDS || cfg.stableWindowSeconds > WINDOW_MAX_SECONDS) {
    fail('stable-window', cfg.stableWindowSeconds, `must be in the [${WINDOW_MIN_SECONDS}s, ${WINDOW_MAX_SECONDS}s] range`);
  }
  if (!wholeSeconds('stable-window', cfg.stableWindowSeconds)) {
    fail('stable-window', cfg.stableWindowSeconds, 'must be specified with at most second precision');
  }
  if (cfg.panicWindowPercentage < PANIC_WINDOW_PERCENTAGE_MIN || cfg.panicWindowPercentage > PANIC_WINDOW_PERCENTAGE_MAX) {
    fail('panic-window-percentage', cfg.panicWindowPercentage, `must be in the [${PANIC_WINDOW_PERCENTAGE_MIN}, ${PANIC_WINDOW_PERCENTAGE_MAX}] interval`);
  }
  if (cfg.initialScale < 0 || (cfg.initialScale === 0 && !cfg.allowZeroInitialScale)) {
    fail('initial-scale', cfg.initialScale, 'must be at least 1, or at least 0 when allow-zero-initial-scale is true');
  }
  if (cfg.minScale < 0) fail('min-scale', cfg.minScale, 'must be at least 0');
  // A cluster-wide limit forces an explicit default max-scale.
  const lowestMaxScale = cfg.maxScaleLimit > 0 ? 1 : 0;
  if (cfg.maxScale < lowestMaxScale || (cfg.maxScaleLimit > 0 && cfg.maxScale > cfg.maxScaleLimit)) {
    fail(
      'max-scale',
      cfg.maxScale,
      cfg.maxScaleLimit > 0
        ? `must be in the [1, max-scale-limit (${cfg.maxScaleLimit})] range when max-scale-limit is set`
        : 'must be at least 0',
    );
  }
  if (cfg.maxScaleLimit < 0) fail('max-scale-limit', cfg.maxScaleLimit, 'must be at least 0');
  if (cfg.minScale > cfg.maxScale && cfg.maxScale > 0) {
    fail('min-scale', cfg.minScale, `must not be greater than max-scale (${cfg.maxScale})`);
  }
  // knsim's own rule, after upstream's: upstream takes any threshold, and one below 0
  // behaves exactly as 0 (every tick is over it), so 0 says the same thing truly.
  if (cfg.panicThresholdPercentage < 0) {
    fail(
      'panic-threshold-percentage',
      cfg.panicThresholdPercentage,
      'must be at least 0 (Knative does not check this key, but a threshold below 0 acts as 0, panicking on every tick; write 0)',
    );
  }
}
