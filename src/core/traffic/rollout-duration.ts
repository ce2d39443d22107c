/**
 * Where the gradual-rollout duration comes from: the Route/Service annotation
 * `serving.knative.dev/rollout-duration` (validated by the webhook,
 * pkg/apis/serving/metadata_validation.go) or, when that is absent or zero, the
 * `rollout-duration` key of the `config-network` ConfigMap
 * (knative.dev/networking pkg/config). Zero disables gradual rollout.
 */

import { tryParseGoDuration } from '../duration.js';
import { InvalidArgumentError } from '../errors.js';
import { FieldError, type FieldPath } from '../field-error.js';
import { goParseInt } from '../strconv.js';
import { TrafficValidationError } from './validate.js';

/** The rollout-duration annotation key. */
export const ROLLOUT_DURATION_ANNOTATION = 'serving.knative.dev/rollout-duration';
/** The legacy spelling, read when the current key is absent. */
export const ROLLOUT_DURATION_ANNOTATION_LEGACY = 'serving.knative.dev/rolloutDuration';
/** The ConfigMap that holds the cluster-wide rollout duration. */
export const NETWORK_CONFIG_MAP_NAME = 'config-network';
/** The config-network key (integer seconds). */
export const NETWORK_ROLLOUT_DURATION_KEY = 'rollout-duration';
/** The legacy config-network key, overridden by the current one. */
export const NETWORK_ROLLOUT_DURATION_KEY_LEGACY = 'rolloutDuration';

const NS_PER_S = 1_000_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);

/** Go's `d.Round(time.Second) == d`, including its saturation at the int64 ends. */
function isWholeSecondsInGo(ns: bigint): boolean {
  // Go's Round saturates instead of overflowing, so the two extremes round to themselves.
  return ns % NS_PER_S === 0n || ns === MAX_INT64 || ns === MIN_INT64;
}

/**
 * Validates one rollout-duration annotation value as the webhook does and
 * returns it in whole seconds: a Go duration ("300s", "5m", "1h2m3s"), at second
 * precision, not negative. "0s" (or "0") is allowed and means no gradual rollout.
 * @param key which annotation key held the value, for the error's field path.
 * @throws {TrafficValidationError} at `metadata.annotations.<key>` when invalid.
 */
export function parseRolloutDurationAnnotation(value: string, key: string = ROLLOUT_DURATION_ANNOTATION): number {
  // Knative prints the annotation key as a field: metadata.annotations.serving.knative.dev/rollout-duration.
  const field = ['metadata', 'annotations', key];
  const r = tryParseGoDuration(value);
  if (!r.ok) throw new TrafficValidationError(`invalid value: ${value}`, [field], r.reason);
  const ns = r.nanos;
  if (!isWholeSecondsInGo(ns)) {
    throw new TrafficValidationError(`rollout-duration=${value} is not at second precision`, [field]);
  }
  if (ns < 0n) throw new TrafficValidationError(`rollout-duration=${value} must be positive`, [field]);
  // The reconciler keeps int(d.Seconds()), i.e. truncated whole seconds.
  return Number(ns / NS_PER_S);
}

/**
 * The rollout duration (seconds) set by a Route's or Service's annotations, or
 * undefined when neither the current nor the legacy key is present or the value
 * is empty. The current key wins over the legacy one.
 * @throws {TrafficValidationError} when the value present is invalid.
 */
export function rolloutDurationFromAnnotations(annotations: Readonly<Record<string, string>>): number | undefined {
  for (const key of [ROLLOUT_DURATION_ANNOTATION, ROLLOUT_DURATION_ANNOTATION_LEGACY]) {
    if (Object.prototype.hasOwnProperty.call(annotations, key)) {
      const v = annotations[key];
      if (v === undefined || v === '') return undefined;
      return parseRolloutDurationAnnotation(v, key);
    }
  }
  return undefined;
}

/**
 * Parses config-network's rollout duration, a base-10 integer number of seconds
 * ≥ 0 (no unit: "300", not "300s"). The current key overrides the legacy one;
 * absent keys give the default, 0.
 * @throws {FieldError} at `config-network[<key>]` when the value is not an integer or is negative.
 */
export function parseNetworkRolloutDuration(data: Readonly<Record<string, string>>): number {
  const at = (key: string): FieldPath => [NETWORK_CONFIG_MAP_NAME, { key }];
  let secs = 0;
  for (const key of [NETWORK_ROLLOUT_DURATION_KEY_LEGACY, NETWORK_ROLLOUT_DURATION_KEY]) {
    if (!Object.prototype.hasOwnProperty.call(data, key)) continue;
    const raw = data[key] ?? '';
    const r = goParseInt(raw, 64);
    // knsim also needs the seconds exact in a double.
    if (!r.ok || !Number.isSafeInteger(Number(r.value))) {
      const why = !r.ok && r.reason === 'syntax' ? 'invalid syntax' : 'value out of range';
      throw new FieldError(`failed to parse ${JSON.stringify(key)}: ${why} ${JSON.stringify(raw)}`, [at(key)]);
    }
    secs = Number(r.value);
  }
  if (secs < 0) {
    throw new FieldError(`${NETWORK_ROLLOUT_DURATION_KEY} must be a positive integer, but was ${secs}`, [at(NETWORK_ROLLOUT_DURATION_KEY)]);
  }
  return secs;
}

/**
 * The rollout duration the route reconciler uses: the annotation's when it is
 * set and non-zero, otherwise config-network's. 0 means gradual rollout is off.
 * @throws {InvalidArgumentError} when either value is negative, fractional or not finite.
 */
export function effectiveRolloutDuration(annotationSeconds: number | undefined, networkSeconds: number): number {
  for (const [field, v] of [
    ['annotationSeconds', annotationSeconds ?? 0],
    ['networkSeconds', networkSeconds],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(field, `must be a whole number of seconds ≥ 0, got ${String(v)}`);
  }
  return annotationSeconds !== undefined && annotationSeconds !== 0 ? annotationSeconds : networkSeconds;
}
