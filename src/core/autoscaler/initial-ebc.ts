/**
 * The multiscaler's side of the decider status (upstream `scaling/multiscaler.go`):
 * the status a new decider starts with, and when a new evaluation is worth waking the
 * PodAutoscaler reconciler for.
 */
import { requireFinite, requireInteger, requireNonNegative } from '../errors.js';
import { requireBoolean, requireCount, requireTargetBurstCapacity } from './kpa-args.js';
import type { ScaleResult } from './types.js';

/** The decider status the KPA reads (upstream scaling.DeciderStatus). */
export interface DeciderStatus {
  /** −1 until the first valid evaluation. */
  desiredScale: number;
  /** Negative means the activator must stay in the request path. */
  excessBurstCapacity: number;
}

/**
 * EBC before any evaluation: TBC itself when TBC is −1 or 0, otherwise
 * `trunc(initialScale × totalValue − TBC)` (Go's int32 conversion truncates toward zero).
 * Defaults (1 × 100 − 211) give −111, so a new revision starts behind the activator;
 * initial-scale 2, total 25, TBC 42 give 8.
 */
export function initialExcessBurstCapacity(spec: { targetBurstCapacity: number; totalValue: number }, initialScale: number): number {
  const tbc = requireTargetBurstCapacity('spec.targetBurstCapacity', spec.targetBurstCapacity);
  const total = requireNonNegative('spec.totalValue', spec.totalValue);
  const scale = requireCount('initialScale', initialScale);
  if (tbc === -1 || tbc === 0) return tbc;
  const ebc = Math.trunc(scale * total - tbc);
  return ebc === 0 ? 0 : ebc; // no −0
}

/** The status of a just-created decider: DesiredScale −1 and the initial EBC. */
export function newDeciderStatus(spec: { targetBurstCapacity: number; totalValue: number }, initialScale: number): DeciderStatus {
  return { desiredScale: -1, excessBurstCapacity: initialExcessBurstCapacity(spec, initialScale) };
}

/** Whether two EBC values are on the same side of zero; 0 counts as non-negative. */
export function sameSign(a: number, b: number): boolean {
  requireFinite('a', a);
  requireFinite('b', b);
  return (a < 0) === (b < 0);
}

/**
 * Folds one decider evaluation into the status. An invalid result changes nothing.
 * A valid one always stores both values, but `notify` (wake the PA reconciler) is true
 * only if DesiredScale changed or EBC crossed zero — EBC wobbling on one side of zero
 * does not cause a reconcile.
 */
export function applyScaleResult(prev: DeciderStatus, result: ScaleResult): { status: DeciderStatus; notify: boolean } {
  requireInteger('prev.desiredScale', prev.desiredScale, -1);
  requireFinite('prev.excessBurstCapacity', prev.excessBurstCapacity);
  requireBoolean('result.scaleValid', result.scaleValid);
  if (!result.scaleValid) return { status: { ...prev }, notify: false };
  requireInteger('result.desiredPodCount', result.desiredPodCount, 0);
  requireFinite('result.excessBurstCapacity', result.excessBurstCapacity);
  const notify =
    prev.desiredScale !== result.desiredPodCount || !sameSign(prev.excessBurstCapacity, result.excessBurstCapacity);
  return { status: { desiredScale: result.desiredPodCount, excessBurstCapacity: result.excessBurstCapacity }, notify };
}

/** Just the notify rule of {@link applyScaleResult}. */
export function shouldNotifyPodAutoscaler(prev: DeciderStatus, result: ScaleResult): boolean {
  return applyScaleResult(prev, result).notify;
}
