/**
 * Argument checks shared by the KPA reconciler files (bounds, scaler, kpa, sks,
 * activators). They add the few shapes `../errors.js` does not cover.
 */
import { InvalidArgumentError, requireFinite, requireInteger } from '../errors.js';

/** Throws unless `v` is a whole number ≥ 0 (a count of pods, replicas, trackers…). */
export function requireCount(field: string, v: number): number {
  return requireInteger(field, v, 0);
}

/** Throws unless `v` is a boolean. */
export function requireBoolean(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new InvalidArgumentError(field, `must be a boolean, got ${String(v)}`);
  return v;
}

/** Throws unless `v` is a valid target burst capacity: ≥ 0, or exactly −1 (activator always in path). */
export function requireTargetBurstCapacity(field: string, v: number): number {
  requireFinite(field, v);
  if (v < 0 && v !== -1) throw new InvalidArgumentError(field, `must be ≥ 0 or exactly -1, got ${v}`);
  return v;
}

/** Throws unless `then` is finite and not after `now` (a condition cannot change in the future). */
export function requireNotAfter(field: string, then: number, now: number): number {
  requireFinite(field, then);
  if (then > now) throw new InvalidArgumentError(field, `must not be after now (${now}), got ${then}`);
  return then;
}
