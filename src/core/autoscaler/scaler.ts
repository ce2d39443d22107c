/**
 * The KPA scaler (upstream `pkg/reconciler/autoscaling/kpa/scaler.go`): turns the
 * decider's DesiredScale into a replica count for the Deployment, applying the scale
 * bounds and the scale-to-zero gates. Pure: the clock, the activator probe result and
 * the Deployment's replicas are inputs; requeues and patches are outputs.
 */
import { wholeNanos } from '../duration.js';
import { rememberFrozen, requireFields, type FieldCheck, requireFinite, requireInteger, requireNonNegative, requireOneOf, requirePositive } from '../errors.js';
import { applyBounds, effectiveScaleBounds, validateScaleBoundsSettings, type ScaleBoundsSettings } from './bounds.js';
import { requireBoolean, requireCount, requireNotAfter, requireTargetBurstCapacity } from './kpa-args.js';
import { canFailActivation, validatePodAutoscalerState, type PodAutoscalerState } from './pa-status.js';
import { SKS_MODES, type SksMode } from './sks.js';

/** DesiredScale value meaning "no metrics yet". */
export const SCALE_UNKNOWN = -1;

/**
 * The KPA gives an activating revision this much longer than its progress deadline
 * before scaling it to zero, so the revision reconciler can report pod failures first.
 */
export const ACTIVATION_TIMEOUT_BUFFER_SECONDS = 30;

/**
 * Requeue after deciding to deactivate while the SKS is already in Proxy mode: the SKS
 * spec will not change, so nothing else would trigger the next reconcile.
 */
export const PROXY_MODE_REQUEUE_SECONDS = 3;

/**
 * Requeue after a failed activator probe. Upstream starts an asynchronous probe (every
 * 1 s, up to 45 s) and requeues 1 s after it ends; knsim models that as "re-probe in 1 s".
 */
export const ACTIVATOR_PROBE_REQUEUE_SECONDS = 1;

/**
 * The activation timeout: `progressDeadline + 30 s` (default 600 + 30 = 630 s). A 0 s
 * progress deadline (the annotation allows it) leaves the 30 s buffer.
 */
export function activationTimeoutSeconds(progressDeadlineSeconds: number): number {
  return requireNonNegative('progressDeadlineSeconds', progressDeadlineSeconds) + ACTIVATION_TIMEOUT_BUFFER_SECONDS;
}

/** Per-revision settings the scaler needs (annotation, else ConfigMap, already resolved). */
export interface ScalerSettings extends ScaleBoundsSettings {
  /** ConfigMap `enable-scale-to-zero`. */
  enableScaleToZero: boolean;
  /** Stable window (annotation `window`, else ConfigMap `stable-window`). */
  stableWindowSeconds: number;
  /** ConfigMap `scale-to-zero-grace-period`: an upper bound on waiting for the activator. */
  scaleToZeroGracePeriodSeconds: number;
  /** `scale-to-zero-pod-retention-period` (annotation, else ConfigMap): a lower bound for the last pod. */
  scaleToZeroPodRetentionPeriodSeconds: number;
  /** Target burst capacity (annotation, else ConfigMap); −1 skips the activator probe. */
  targetBurstCapacity: number;
  /** See {@link activationTimeoutSeconds}. */
  activationTimeoutSeconds: number;
}

/** The checks of the {@link ScalerSettings} fields beyond the bounds. */
const SCALER_SETTINGS_CHECKS: { readonly [K in Exclude<keyof ScalerSettings, keyof ScaleBoundsSettings>]: FieldCheck<ScalerSettings[K]> } = {
  enableScaleToZero: requireBoolean,
  stableWindowSeconds: requirePositive,
  scaleToZeroGracePeriodSeconds: requirePositive,
  scaleToZeroPodRetentionPeriodSeconds: requireNonNegative,
  targetBurstCapacity: requireTargetBurstCapacity,
  activationTimeoutSeconds: requirePositive,
};

/** Checks a {@link ScalerSettings}; `field` prefixes error messages. A frozen one is checked once. */
export const validateScalerSettings = rememberFrozen((s: ScalerSettings, field = 'settings'): ScalerSettings => {
  validateScaleBoundsSettings(s, field);
  return requireFields(s, SCALER_SETTINGS_CHECKS, field);
});

/** Everything one `scaler.scale` call reads. */
export interface ScalerInput {
  nowSeconds: number;
  /** The decider's DesiredScale (−1 = unknown). */
  desiredScale: number;
  /** The PA status before this reconcile. */
  state: PodAutoscalerState;
  settings: ScalerSettings;
  /** The SKS **spec** mode before this reconcile (what the KPA last wrote; Proxy for a new SKS). */
  sksSpecMode: SksMode;
  /** When the SKS condition ActivatorEndpointsPopulated became True; undefined while it is not True. */
  activatorEndpointsPopulatedSinceSeconds: number | undefined;
  /**
   * Result of probing the revision's public service: true iff an activator answers, i.e.
   * the public endpoints that the network actually uses are activators. Ignored when TBC = −1.
   */
  activatorInPath: boolean;
  /** The Deployment's spec.replicas now (upstream treats an unset value as 1). */
  deploymentReplicas: number;
}

/** Checks a {@link ScalerInput}. */
export function validateScalerInput(input: ScalerInput): ScalerInput {
  const now = requireFinite('nowSeconds', input.nowSeconds);
  requireInteger('desiredScale', input.desiredScale, -1);
  validatePodAutoscalerState(input.state, now);
  validateScalerSettings(input.settings);
  requireOneOf('sksSpecMode', input.sksSpecMode, SKS_MODES);
  if (input.activatorEndpointsPopulatedSinceSeconds !== undefined) {
    requireNotAfter('activatorEndpointsPopulatedSinceSeconds', input.activatorEndpointsPopulatedSinceSeconds, now);
  }
  requireBoolean('activatorInPath', input.activatorInPath);
  requireCount('deploymentReplicas', input.deploymentReplicas);
  return input;
}

/** Outcome of the scale-to-zero gates for one bounded desired scale. */
export interface ScaleToZeroDecision {
  /** The scale to report (and to apply if `apply`). −1 while activating and not timed out. */
  desired: number;
  /** Whether the Deployment should be scaled to `desired`. */
  apply: boolean;
  /** Reconcile again after this many seconds; undefined = no requeue asked for. */
  requeueAfterSeconds: number | undefined;
  /** The activator probe failed; upstream would (re)start an asynchronous probe. */
  asyncProbe: boolean;
}

/**
 * handleScaleToZero: the gates between "the bounded desired scale is 0" and actually
 * patching the Deployment to 0.
 * - desired ≠ 0: apply it. enable-scale-to-zero false: apply 1.
 * - Activating: apply 0 only after strictly more than the activation timeout (the PA then
 *   goes Inactive/TimedOut); otherwise report −1 and requeue after the whole timeout.
 * - Active: after a stable window of being Active report 0 without applying (the PA goes
 *   Inactive and the SKS to Proxy; requeue 3 s if the SKS is already Proxy); before that,
 *   apply 1 and requeue when the window is up.
 * - Inactive: the activator must answer the probe (assumed with TBC −1); then 0 is applied
 *   once Inactive for max(grace, retention), or once past retention and the activator has
 *   been in the path for the grace period (`grace − proxyFor ≤ 0`). Otherwise requeue.
 * ActiveFor, InactiveFor, ProxyFor and the activation timeout count from the PA's and the
 * SKS's condition times as the scaler reads them, from the informer cache: stored by the API
 * server in whole seconds (the reconcile that set them wrote them before any later one reads
 * them), so a stretch that began at 211.2 s counts from 211 s, and its requeue lands a
 * fraction earlier.
 */
export function handleScaleToZero(input: ScalerInput, desired: number): ScaleToZeroDecision {
  validateScalerInput(input);
  return scaleToZero(input, requireInteger('desired', desired, -1));
}

/** Seconds from `since` to `now`, `since` read back as the API server stored it (whole seconds, RFC 3339). */
function storedFor(since: number, now: number): number {
  return now - Math.floor(since);
}

/** `pa` with its Active condition's transition time as the scaler reads it back (see {@link storedFor}). */
function storedState(pa: PodAutoscalerState): PodAutoscalerState {
  return { ...pa, lastTransitionSeconds: Math.floor(pa.lastTransitionSeconds) };
}

/** {@link handleScaleToZero} on arguments already checked (by it, or by {@link scaleTarget}). */
function scaleToZero(input: ScalerInput, desired: number): ScaleToZeroDecision {
  const s = input.settings;
  const now = input.nowSeconds;
  const pa = input.state;
  if (desired !== 0) return { desired, apply: true, requeueAfterSeconds: undefined, asyncProbe: false };
  if (!s.enableScaleToZero) return { desired: 1, apply: true, requeueAfterSeconds: undefined, asyncProbe: false };

  switch (pa.active) {
    case 'Activating':
      // Timed from the stored transition time too, like ActiveFor below.
      if (canFailActivation(storedState(pa), now, s.activationTimeoutSeconds)) {
        return { desired, apply: true, requeueAfterSeconds: undefined, asyncProbe: false };
      }
      // Upstream requeues after the full timeout, not the remainder.
      return { desired: SCALE_UNKNOWN, apply: false, requeueAfterSeconds: s.activationTimeoutSeconds, asyncProbe: false };

    case 'Active': {
      const af = storedFor(pa.lastTransitionSeconds, now);
      if (wholeNanos(af) >= wholeNanos(s.stableWindowSeconds)) {
        const requeue = input.sksSpecMode === 'Proxy' ? PROXY_MODE_REQUEUE_SECONDS : undefined;
        return { desired, apply: false, requeueAfterSeconds: requeue, asyncProbe: false };
      }
      // Keep one pod until the revision has been active for a whole stable window.
      return { desired: 1, apply: true, requeueAfterSeconds: s.stableWindowSeconds - af, asyncProbe: false };
    }

    case 'Inactive': {
      const inPath = s.targetBurstCapacity === -1 || input.activatorInPath;
      if (!inPath) {
        return { desired, apply: false, requeueAfterSeconds: ACTIVATOR_PROBE_REQUEUE_SECONDS, asyncProbe: true };
      }
      const retention = s.reachable ? s.scaleToZeroPodRetentionPeriodSeconds : 0;
      const inactiveFor = storedFor(pa.lastTransitionSeconds, now);
      if (wholeNanos(inactiveFor) >= wholeNanos(Math.max(s.scaleToZeroGracePeriodSeconds, retention))) {
        return { desired, apply: true, requeueAfterSeconds: undefined, asyncProbe: false };
      }
      if (retention > 0 && wholeNanos(inactiveFor) < wholeNanos(retention)) {
        return { desired, apply: false, requeueAfterSeconds: retention - inactiveFor, asyncProbe: false };
      }
      const since = input.activatorEndpointsPopulatedSinceSeconds;
      const to = s.scaleToZeroGracePeriodSeconds - (since === undefined ? 0 : storedFor(since, now));
      if (wholeNanos(to) <= 0) return { desired, apply: true, requeueAfterSeconds: undefined, asyncProbe: false };
      return { desired, apply: false, requeueAfterSeconds: to, asyncProbe: false };
    }
  }
}

/** Outcome of one `scaler.scale`. */
export interface ScalerDecision {
  /** The scale the reconciler goes on with (SKS mode, status, Active condition); −1 = unknown. */
  want: number;
  /** Patch Deployment spec.replicas to this; undefined = leave it (not applying, or already equal). */
  applyReplicas: number | undefined;
  /** Reconcile again after this many seconds; undefined = no requeue asked for. */
  requeueAfterSeconds: number | undefined;
  /** See {@link ScaleToZeroDecision.asyncProbe}. */
  asyncProbe: boolean;
}

/**
 * scaler.scale: −1 passes through untouched unless the PA is Activating; otherwise the
 * bounds of {@link effectiveScaleBounds} are applied (so −1 while activating becomes min),
 * then {@link handleScaleToZero}; a Deployment already at the result is not patched.
 */
export function scaleTarget(input: ScalerInput): ScalerDecision {
  return scaleTargetChecked(validateScalerInput(input));
}

/**
 * {@link scaleTarget} on an input already checked: `kpaReconcile` checks the same fields
 * (its state, desired scale, settings, SKS and replicas), and checking twice per reconcile
 * was a third of its cost.
 */
export function scaleTargetChecked(input: ScalerInput): ScalerDecision {
  const pa = input.state;
  if (input.desiredScale < 0 && pa.active !== 'Activating') {
    return { want: input.desiredScale, applyReplicas: undefined, requeueAfterSeconds: undefined, asyncProbe: false };
  }
  const { min, max } = effectiveScaleBounds(input.settings, pa.scaleTargetInitialized);
  const bounded = applyBounds(min, max, input.desiredScale);
  const z = scaleToZero(input, bounded);
  const applyReplicas = z.apply && z.desired !== input.deploymentReplicas ? z.desired : undefined;
  return { want: z.desired, applyReplicas, requeueAfterSeconds: z.requeueAfterSeconds, asyncProbe: z.asyncProbe };
}
