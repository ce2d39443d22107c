/**
 * The parts of a PodAutoscaler's status that the KPA scaler reads and writes
 * (upstream `pkg/apis/autoscaling/v1alpha1/pa_lifecycle.go`): the Active condition with
 * its reason and last transition time, ScaleTargetInitialized, DesiredScale and ActualScale.
 */
import { wholeNanos } from '../duration.js';
import { InvalidArgumentError, requireFields, type FieldCheck, requireFinite, requireInteger, requireOneOf } from '../errors.js';
import { requireBoolean, requireNotAfter } from './kpa-args.js';

/** The PA Active condition: Activating = Unknown, Active = True, Inactive = False. */
export type ActiveState = 'Activating' | 'Active' | 'Inactive';
/** All {@link ActiveState} values. */
export const ACTIVE_STATES: readonly ActiveState[] = ['Activating', 'Active', 'Inactive'];

/**
 * The Active condition's reason. `''` is a condition without a reason: a fresh PA's
 * initial Unknown, and every True. `Queued` comes with Activating; `NoTraffic` and
 * `TimedOut` with Inactive.
 */
export type ActiveConditionReason = '' | 'Queued' | 'NoTraffic' | 'TimedOut';
/** All {@link ActiveConditionReason} values. */
export const ACTIVE_CONDITION_REASONS: readonly ActiveConditionReason[] = ['', 'Queued', 'NoTraffic', 'TimedOut'];

/** The status of one PodAutoscaler, as plain data. */
export interface PodAutoscalerState {
  /** The Active condition. */
  active: ActiveState;
  /** The Active condition's reason. */
  reason: ActiveConditionReason;
  /**
   * When the Active condition last changed status **or reason** (Knative's condition
   * manager keeps the time only when nothing but the time would change). ActiveFor,
   * InactiveFor and the activation timeout are measured from here.
   */
  lastTransitionSeconds: number;
  /** Set the first time ready ≥ minReady while the SKS has a public service; never cleared. */
  scaleTargetInitialized: boolean;
  /** status.desiredScale; −1 when unset or unknown. */
  desiredScale: number;
  /** status.actualScale (ready pods at the last reconcile); −1 when unset. */
  actualScale: number;
}

/** A new PA: Active is Unknown with no reason (Activating), nothing initialized, scales unset. */
export function newPodAutoscalerState(nowSeconds: number): PodAutoscalerState {
  requireFinite('nowSeconds', nowSeconds);
  return {
    active: 'Activating',
    reason: '',
    lastTransitionSeconds: nowSeconds,
    scaleTargetInitialized: false,
    desiredScale: -1,
    actualScale: -1,
  };
}

/** The checks of each {@link PodAutoscalerState} field, given the time it is observed at. */
const PA_STATE_CHECKS: { readonly [K in keyof PodAutoscalerState]: FieldCheck<PodAutoscalerState[K], number> } = {
  active: (f, v) => requireOneOf(f, v, ACTIVE_STATES),
  reason: (f, v) => requireOneOf(f, v, ACTIVE_CONDITION_REASONS),
  lastTransitionSeconds: requireNotAfter,
  scaleTargetInitialized: requireBoolean,
  desiredScale: (f, v) => requireInteger(f, v, -1),
  actualScale: (f, v) => requireInteger(f, v, -1),
};

/** Checks a {@link PodAutoscalerState} observed at `nowSeconds`; `field` prefixes error messages. */
export function validatePodAutoscalerState(s: PodAutoscalerState, nowSeconds: number, field = 'state'): PodAutoscalerState {
  if (typeof s !== 'object' || s === null) throw new InvalidArgumentError(field, 'must be an object');
  // Every reconcile checks the state it produced last time: a plainly valid one passes
  // without the table walk (whose field names cost a string each); anything else gets
  // the table's first error.
  if (plainlyValid(s, nowSeconds)) return s;
  return requireFields(s, PA_STATE_CHECKS, field, nowSeconds);
}

/** True only when every check of {@link PA_STATE_CHECKS} passes (false may still pass them). */
function plainlyValid(s: PodAutoscalerState, nowSeconds: number): boolean {
  const t = s.lastTransitionSeconds;
  return (
    ACTIVE_STATES.includes(s.active) &&
    ACTIVE_CONDITION_REASONS.includes(s.reason) &&
    typeof t === 'number' &&
    Number.isFinite(t) &&
    t <= nowSeconds &&
    typeof s.scaleTargetInitialized === 'boolean' &&
    Number.isInteger(s.desiredScale) &&
    s.desiredScale >= -1 &&
    Number.isInteger(s.actualScale) &&
    s.actualScale >= -1
  );
}

/**
 * Sets the Active condition. The transition time moves to `nowSeconds` only if the
 * status or the reason changes; re-marking the same state keeps the old time.
 */
export function markActiveCondition(
  s: PodAutoscalerState,
  active: ActiveState,
  reason: ActiveConditionReason,
  nowSeconds: number,
): PodAutoscalerState {
  if (s.active === active && s.reason === reason) return s;
  // Written out: a spread is a slow generic copy on the reconcile path.
  return { active, reason, lastTransitionSeconds: nowSeconds, scaleTargetInitialized: s.scaleTargetInitialized, desiredScale: s.desiredScale, actualScale: s.actualScale };
}

/** How long the PA has been Active (ActiveFor); −1 if it is not Active. */
export function activeForSeconds(s: PodAutoscalerState, nowSeconds: number): number {
  return s.active === 'Active' ? nowSeconds - s.lastTransitionSeconds : -1;
}

/** How long the PA has been Inactive (InactiveFor); −1 if it is not Inactive. */
export function inactiveForSeconds(s: PodAutoscalerState, nowSeconds: number): number {
  return s.active === 'Inactive' ? nowSeconds - s.lastTransitionSeconds : -1;
}

/**
 * CanFailActivation: Activating for at least `timeoutSeconds`. Upstream compares strictly, but
 * the reconcile that asks it is the requeue it scheduled a whole timeout after the one that
 * started activating, which runs after some workqueue latency and reads a transition time
 * truncated to the second by the API: it always finds the timeout strictly passed. knsim's
 * requeue lands on the very instant, so "at least" gives upstream's outcome; strictly, every
 * failed activation waited a second whole timeout (1260 s, not 630, with the defaults).
 */
export function canFailActivation(s: PodAutoscalerState, nowSeconds: number, timeoutSeconds: number): boolean {
  return s.active === 'Activating' && wholeNanos(nowSeconds - s.lastTransitionSeconds) >= wholeNanos(timeoutSeconds);
}
