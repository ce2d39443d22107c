/**
 * Scale bounds of the KPA scaler (upstream `kpa/scaler.go` applyBounds and the bound
 * selection in `scale`, `PodAutoscaler.ScaleBounds`, and `kpa.go` activeThreshold).
 * The decider never sees min/max/initial-scale; they are applied here, after it.
 */
import { rememberFrozen, requireFields, requireInteger, type FieldCheck } from '../errors.js';
import { requireBoolean, requireCount } from './kpa-args.js';

/**
 * Clamps a desired scale into [min, max]; `max = 0` means no upper bound.
 * The lower bound is checked first, so −1 (unknown) becomes `min` — this is how a
 * PA that is still activating gets its min-scale or initial-scale at once.
 * If `min > max` (an annotation min-scale above the ConfigMap max-scale, or initial-scale above
 * max-scale) `min` wins, as upstream.
 */
export function applyBounds(min: number, max: number, desired: number): number {
  requireCount('min', min);
  requireCount('max', max);
  requireInteger('desired', desired, -1);
  if (desired < min) return min;
  if (max !== 0 && desired > max) return max;
  return desired;
}

/** The per-revision inputs that decide the KPA's floor and ceiling. */
export interface ScaleBoundsSettings {
  /** min-scale: annotation, else the ConfigMap `min-scale`. */
  minScale: number;
  /** max-scale: annotation, else the ConfigMap `max-scale`; 0 = unlimited. */
  maxScale: number;
  /** initial-scale as resolved by GetInitialScale (annotation, else ConfigMap). */
  initialScale: number;
  /** `PA.spec.reachability ≠ Unreachable` (Unknown counts as reachable). */
  reachable: boolean;
}

const SCALE_BOUNDS_CHECKS: { readonly [K in keyof ScaleBoundsSettings]: FieldCheck<ScaleBoundsSettings[K]> } = {
  minScale: requireCount,
  maxScale: requireCount,
  initialScale: requireCount,
  reachable: requireBoolean,
};

/** Checks a {@link ScaleBoundsSettings}; `field` prefixes error messages. A frozen one is checked once. */
export const validateScaleBoundsSettings = rememberFrozen((s: ScaleBoundsSettings, field = 'settings'): ScaleBoundsSettings => {
  // min > max is not rejected: webhook validation only compares the two annotations, so an
  // annotation min above the ConfigMap max gets through, and then min wins in applyBounds.
  return requireFields(s, SCALE_BOUNDS_CHECKS, field);
});

/**
 * The (min, max) that `scaler.scale` clamps the decider's output into:
 * - min-scale is dropped (0) for an unreachable revision, so a `reserve` revision can go to zero;
 * - until the scale target has been initialized once, an initial-scale above 1 is also a floor
 *   (ignored when unreachable, since 2026-01);
 * - max is passed through, 0 meaning unlimited.
 */
export function effectiveScaleBounds(
  settings: ScaleBoundsSettings,
  scaleTargetInitialized: boolean,
): { min: number; max: number } {
  validateScaleBoundsSettings(settings);
  requireBoolean('scaleTargetInitialized', scaleTargetInitialized);
  let min = settings.reachable ? settings.minScale : 0;
  if (settings.initialScale > 1 && !scaleTargetInitialized && settings.reachable) {
    min = Math.max(min, settings.initialScale);
  }
  return { min, max: settings.maxScale };
}

/**
 * How many ready pods the PA needs to count as Active ("minReady"):
 * `max(min, initialScale)` until ScaleTargetInitialized, then `max(min, 1)`.
 * min is 0 when unreachable; initial-scale still counts here even when unreachable
 * (upstream only drops it from the scaler's floor).
 */
export function activeThreshold(settings: ScaleBoundsSettings, scaleTargetInitialized: boolean): number {
  validateScaleBoundsSettings(settings);
  requireBoolean('scaleTargetInitialized', scaleTargetInitialized);
  const min = settings.reachable ? settings.minScale : 0;
  return scaleTargetInitialized ? Math.max(min, 1) : Math.max(min, settings.initialScale);
}
