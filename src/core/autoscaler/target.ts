/**
 * Per-revision metric target and averaging windows, after knative/serving
 * pkg/reconciler/autoscaling/resources/target.go (ResolveMetricTarget) and
 * metric.go (StableWindow, MakeMetric's panic window).
 */

import type { AutoscalerConfig, ScalingMetric } from './types.js';
import { SCALING_METRICS } from './types.js';
import { InvalidArgumentError, requireFinite, requireInteger, requireOneOf, requirePositive } from '../errors.js';
import { TARGET_MIN } from './annotations.js';

/** The metric bucket size: the panic window is never shorter than this (seconds). */
export const BUCKET_SIZE_SECONDS = 1;

const NANOS_PER_SECOND = 1e9;

/**
 * Resolves what the decider aims for per pod:
 * - `totalValue`: the most a pod should get — the `target` annotation if set
 *   (capped at containerConcurrency for the concurrency metric when CC > 0),
 *   else CC, else `container-concurrency-target-default` when CC = 0, or
 *   `requests-per-second-target-default` for RPS;
 * - `targetValue`: `max(0.01, totalValue × utilization)`, where utilization is
 *   the `target-utilization-percentage` annotation / 100 if set, else
 *   `container-concurrency-target-percentage` (concurrency) or the fixed 0.7 (RPS).
 *
 * So CC = 0 gives 70/100, CC = 10 gives 7/10, RPS gives 140/200, and a
 * `target` of 10 still yields 7 unless utilization is 100 %.
 * @throws InvalidArgumentError on NaN, a negative or fractional CC, an unknown
 *   metric, a target below 0.01 or a utilization outside [1, 100].
 */
export function resolveMetricTarget(
  cfg: AutoscalerConfig,
  rev: { metric: ScalingMetric; containerConcurrency: number; target?: number; targetUtilizationPercentage?: number },
): { targetValue: number; totalValue: number } {
  const metric = requireOneOf('rev.metric', rev.metric, SCALING_METRICS);
  const cc = requireInteger('rev.containerConcurrency', rev.containerConcurrency, 0);

  let total: number;
  let utilization: number;
  if (metric === 'rps') {
    total = requirePositive('cfg.rpsTargetDefault', cfg.rpsTargetDefault);
    utilization = requirePositive('cfg.targetUtilization', cfg.targetUtilization);
  } else {
    // CC = 0 means "unlimited", so the soft default stands in for it.
    total = cc !== 0 ? cc : requirePositive('cfg.containerConcurrencyTargetDefault', cfg.containerConcurrencyTargetDefault);
    utilization = requirePositive('cfg.containerConcurrencyTargetFraction', cfg.containerConcurrencyTargetFraction);
  }

  if (rev.target !== undefined) {
    const target = requireFinite('rev.target', rev.target);
    if (target < TARGET_MIN) throw new InvalidArgumentError('rev.target', `must be ≥ ${TARGET_MIN}, got ${target}`);
    // Never aim above what containerConcurrency lets a pod take.
    total = metric === 'concurrency' && cc !== 0 ? Math.min(target, cc) : target;
  }
  if (rev.targetUtilizationPercentage !== undefined) {
    const tu = requireFinite('rev.targetUtilizationPercentage', rev.targetUtilizationPercentage);
    if (tu < 1 || tu > 100) throw new InvalidArgumentError('rev.targetUtilizationPercentage', `must be in [1, 100], got ${tu}`);
    utilization = tu / 100;
  }
  return { targetValue: Math.max(TARGET_MIN, total * utilization), totalValue: total };
}

/**
 * Resolves the stable window (the `window` annotation, else `stable-window`)
 * and the panic window the metric collector uses:
 * `stable × panic-window-percentage / 100`, truncated to a nanosecond, rounded
 * to the nearest whole second (halves away from zero, like Go's
 * Duration.Round) and at least one bucket (1 s). 60 s at 10 % gives 6 s, at
 * 51 % gives 31 s; 10 s at 10 % gives 1 s.
 * @throws InvalidArgumentError on a non-positive or non-finite window or percentage.
 */
export function resolveWindows(
  cfg: AutoscalerConfig,
  ann?: { windowSeconds?: number; panicWindowPercentage?: number },
): { stableWindowSeconds: number; panicWindowSeconds: number } {
  const stable = requirePositive(
    ann?.windowSeconds !== undefined ? 'ann.windowSeconds' : 'cfg.stableWindowSeconds',
    ann?.windowSeconds ?? cfg.stableWindowSeconds,
  );
  const pct = requirePositive(
    ann?.panicWindowPercentage !== undefined ? 'ann.panicWindowPercentage' : 'cfg.panicWindowPercentage',
    ann?.panicWindowPercentage ?? cfg.panicWindowPercentage,
  );
  // Mirror Go: float64(stableNanos) * pct / 100, converted to an integer Duration (truncation).
  const stableNanos = Math.round(stable * NANOS_PER_SECOND);
  const panicNanos = Math.trunc((stableNanos * pct) / 100);
  const panicSeconds = roundToWholeUnits(panicNanos, NANOS_PER_SECOND);
  return { stableWindowSeconds: stable, panicWindowSeconds: Math.max(BUCKET_SIZE_SECONDS, panicSeconds) };
}

/** Go's Duration.Round(m) (halves away from zero) for non-negative integer nanoseconds, in units of m. */
function roundToWholeUnits(nanos: number, m: number): number {
  const rem = nanos % m;
  const down = (nanos - rem) / m;
  return rem + rem < m ? down : down + 1;
}
