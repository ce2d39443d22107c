/**
 * The KPA reconciler's step after the decider (upstream
 * `pkg/reconciler/autoscaling/kpa/kpa.go` ReconcileKind, computeStatus and
 * computeActiveCondition), as one pure function of plain data.
 *
 * How to drive it (a simulator or a controller adapter). Call {@link kpaReconcile} with
 * the current PA state whenever upstream would reconcile the PodAutoscaler:
 * - the decider status was updated and the multiscaler would notify (DesiredScale
 *   changed or EBC crossed zero, see `applyScaleResult` in `initial-ebc.ts`);
 * - the revision's pod counts changed (a pod became Ready, stopped being Ready, started
 *   terminating…);
 * - the SKS changed (its spec mode was rewritten, ActivatorEndpointsPopulated flipped,
 *   its endpoints became ready);
 * - `requeueAfterSeconds` of the previous call has elapsed;
 * - the PA or its configuration changed, its status included: a call that returns a
 *   `state` different from the one it was given is followed by another (upstream's PA
 *   informer enqueues the PA on its own status write), which may scale to zero at once.
 * Reconciles are treated as instantaneous. Then act on the output: patch the Deployment
 * to `applyReplicas` if defined, write `sksMode` and `numActivators` to the SKS spec
 * (feed `sksMode` back as `sks.specMode` next time), schedule the requeue, and keep
 * `state` for the next call.
 */
import { requireFinite, requireInteger, requireNonNegative, requireOneOf, requirePositive } from '../errors.js';
import { activatorCount, MIN_ACTIVATORS } from './activators.js';
import { activeThreshold } from './bounds.js';
import { requireBoolean, requireCount, requireNotAfter } from './kpa-args.js';
import { markActiveCondition, validatePodAutoscalerState, type PodAutoscalerState } from './pa-status.js';
import { SCALE_UNKNOWN, scaleTargetChecked, validateScalerSettings, type ScalerSettings } from './scaler.js';
import { SKS_MODES, type SksMode } from './sks.js';

/** Per-revision settings for one reconcile (annotations over ConfigMaps, already resolved). */
export interface KpaSettings extends ScalerSettings {
  /** The decider spec's TotalValue (per-pod capacity used to size the activator subset). */
  totalValue: number;
  /** ConfigMap `activator-capacity`. */
  activatorCapacity: number;
}

/** Everything one PA reconcile reads besides the PA's own status. */
export interface KpaScaleInput {
  nowSeconds: number;
  /** The decider's current status (upstream Decider.Status). */
  decider: { desiredScale: number; excessBurstCapacity: number };
  settings: KpaSettings;
  /**
   * Pod counts of the revision by Kubernetes state. Only `ready` (Running, Ready, not
   * terminating) drives decisions; upstream reports the others as metrics only.
   */
  pods: { ready: number; notReady?: number; pending?: number; terminating?: number };
  sks: {
    /**
     * The SKS exists and its status names its private and public services. False for the
     * first reconcile(s) of a new revision; default true.
     */
    provisioned?: boolean;
    /** The SKS spec mode before this reconcile: the last `sksMode` returned, Proxy for a new SKS. */
    specMode: SksMode;
    /** When ActivatorEndpointsPopulated last became True (for ProxyFor); undefined while not True. */
    activatorEndpointsPopulatedSinceSeconds: number | undefined;
  };
  /**
   * Result of the synchronous probe of the public service: true iff the endpoints the
   * network currently uses for the revision are activators (SKS effectively in Proxy and
   * propagated). Only read while the PA is Inactive with desired 0, and ignored when TBC = −1.
   */
  activatorInPath: boolean;
  /** The Deployment's spec.replicas now (initial-scale at creation, then what was applied). */
  deploymentReplicas: number;
}

/** What one PA reconcile decides. */
export interface KpaScaleOutput {
  /** scaler.scale's result: the scale the PA is heading for; −1 = unknown (no metrics). */
  want: number;
  /** Patch the Deployment's replicas to this, or undefined to leave them. */
  applyReplicas: number | undefined;
  /** SKS spec mode: Serve iff want > 0 and EBC ≥ 0. */
  sksMode: SksMode;
  /** SKS spec numActivators. */
  numActivators: number;
  /** Reconcile again after this many seconds, or undefined if no requeue was asked for. */
  requeueAfterSeconds: number | undefined;
  /**
   * The activator probe failed. Upstream starts an asynchronous probe (1 s period, 45 s
   * limit) and requeues 1 s after it ends; knsim instead asks for a requeue in 1 s.
   */
  asyncProbe: boolean;
  /** The PA status after this reconcile. */
  state: PodAutoscalerState;
}

function validateKpaInput(state: PodAutoscalerState, input: KpaScaleInput): void {
  const now = requireFinite('nowSeconds', input.nowSeconds);
  validatePodAutoscalerState(state, now);
  requireInteger('decider.desiredScale', input.decider.desiredScale, -1);
  requireFinite('decider.excessBurstCapacity', input.decider.excessBurstCapacity);
  validateScalerSettings(input.settings);
  requireNonNegative('settings.totalValue', input.settings.totalValue);
  requirePositive('settings.activatorCapacity', input.settings.activatorCapacity);
  requireCount('pods.ready', input.pods.ready);
  if (input.pods.notReady !== undefined) requireCount('pods.notReady', input.pods.notReady);
  if (input.pods.pending !== undefined) requireCount('pods.pending', input.pods.pending);
  if (input.pods.terminating !== undefined) requireCount('pods.terminating', input.pods.terminating);
  if (input.sks.provisioned !== undefined) requireBoolean('sks.provisioned', input.sks.provisioned);
  requireOneOf('sks.specMode', input.sks.specMode, SKS_MODES);
  const since = input.sks.activatorEndpointsPopulatedSinceSeconds;
  if (since !== undefined) requireNotAfter('sks.activatorEndpointsPopulatedSinceSeconds', since, now);
  requireBoolean('activatorInPath', input.activatorInPath);
  requireCount('deploymentReplicas', input.deploymentReplicas);
}

/**
 * computeActiveCondition. `minReady` is {@link activeThreshold} with the initialized flag
 * as it was before this call. ScaleTargetInitialized is set when ready ≥ minReady and the
 * SKS has a public service. Then:
 * - want 0, or minReady 0 → Inactive (TimedOut if it was Activating with minReady > 0, else NoTraffic);
 * - ready < minReady → Activating (Queued) if want > 0 or not Inactive; else stays Inactive (NoTraffic);
 * - ready ≥ minReady → Active if want > 0 or not Inactive; else unchanged.
 */
export function computeActiveCondition(
  state: PodAutoscalerState,
  input: { nowSeconds: number; want: number; readyPods: number; minReady: number; hasServiceName: boolean },
): PodAutoscalerState {
  const now = requireFinite('nowSeconds', input.nowSeconds);
  validatePodAutoscalerState(state, now);
  const want = requireInteger('want', input.want, -1);
  const ready = requireCount('readyPods', input.readyPods);
  const minReady = requireCount('minReady', input.minReady);
  requireBoolean('hasServiceName', input.hasServiceName);
  return activeCondition(state, now, want, ready, minReady, input.hasServiceName);
}

/** {@link computeActiveCondition} on arguments already checked (by it, or by {@link kpaReconcile}). */
function activeCondition(state: PodAutoscalerState, now: number, want: number, ready: number, minReady: number, hasServiceName: boolean): PodAutoscalerState {
  let s = state;
  if (ready >= minReady && hasServiceName && !s.scaleTargetInitialized) {
    s = withScales(s, true, s.desiredScale, s.actualScale);
  }
  if (want === 0 || minReady === 0) {
    // Scaling to zero while activating only happens when activation timed out.
    const timedOut = s.active === 'Activating' && minReady > 0;
    return markActiveCondition(s, 'Inactive', timedOut ? 'TimedOut' : 'NoTraffic', now);
  }
  if (ready < minReady) {
    if (want > 0 || s.active !== 'Inactive') return markActiveCondition(s, 'Activating', 'Queued', now);
    // initial-scale 0 with no metrics yet: keep saying NoTraffic.
    return markActiveCondition(s, 'Inactive', 'NoTraffic', now);
  }
  if (want > 0 || s.active !== 'Inactive') return markActiveCondition(s, 'Active', '', now);
  return s;
}

/**
 * A copy of `s` with new initialized flag and scales. Written out rather than spread: a
 * spread of these objects is a slow generic copy on the reconcile path.
 */
function withScales(s: PodAutoscalerState, scaleTargetInitialized: boolean, desiredScale: number, actualScale: number): PodAutoscalerState {
  return { active: s.active, reason: s.reason, lastTransitionSeconds: s.lastTransitionSeconds, scaleTargetInitialized, desiredScale, actualScale };
}

/**
 * computeStatus: ActualScale = ready; DesiredScale = want, except that −1 never replaces a
 * known (≥ 0) value (an autoscaler restart would otherwise flap it); then the Active condition.
 * Its arguments come checked from {@link kpaReconcile}.
 */
function computeStatus(
  state: PodAutoscalerState,
  input: { nowSeconds: number; want: number; readyPods: number; hasServiceName: boolean; settings: KpaSettings },
): PodAutoscalerState {
  const desiredScale = input.want === SCALE_UNKNOWN && state.desiredScale >= 0 ? state.desiredScale : input.want;
  const s = withScales(state, state.scaleTargetInitialized, desiredScale, input.readyPods);
  const minReady = activeThreshold(input.settings, state.scaleTargetInitialized);
  return activeCondition(s, input.nowSeconds, input.want, input.readyPods, minReady, input.hasServiceName);
}

/**
 * One reconcile of a KPA-class PodAutoscaler after the decider (see the file comment for
 * when to call it). Steps, as upstream:
 * 1. SKS not provisioned yet: SKS Proxy with 2 activators, want −1, status computed with
 *    0 ready pods; nothing is scaled.
 * 2. `want` from the scaler (bounds and scale-to-zero gates, `scaleTarget`).
 * 3. SKS mode Serve iff want > 0 and the decider's EBC ≥ 0, else Proxy.
 * 4. numActivators from ready pods, TotalValue, TBC and activator capacity.
 * 5. Status: ActualScale, DesiredScale, ScaleTargetInitialized and the Active condition.
 * The input state is not modified.
 */
export function kpaReconcile(state: PodAutoscalerState, input: KpaScaleInput): KpaScaleOutput {
  validateKpaInput(state, input);
  const now = input.nowSeconds;
  const settings = input.settings;

  if (input.sks.provisioned === false) {
    // Upstream passes only `want` here, so the status sees 0 ready pods. The PA has no
    // public service name yet either, so it cannot become initialized on this path.
    const next = computeStatus(state, { nowSeconds: now, want: SCALE_UNKNOWN, readyPods: 0, hasServiceName: false, settings });
    return {
      want: SCALE_UNKNOWN,
      applyReplicas: undefined,
      sksMode: 'Proxy',
      numActivators: MIN_ACTIVATORS,
      requeueAfterSeconds: undefined,
      asyncProbe: false,
      state: next,
    };
  }

  // validateKpaInput checked every field the scaler reads.
  const decision = scaleTargetChecked({
    nowSeconds: now,
    desiredScale: input.decider.desiredScale,
    state,
    settings,
    sksSpecMode: input.sks.specMode,
    activatorEndpointsPopulatedSinceSeconds: input.sks.activatorEndpointsPopulatedSinceSeconds,
    activatorInPath: input.activatorInPath,
    deploymentReplicas: input.deploymentReplicas,
  });
  const want = decision.want;
  const sksMode: SksMode = want > 0 && input.decider.excessBurstCapacity >= 0 ? 'Serve' : 'Proxy';
  const ready = input.pods.ready;
  const numActivators = activatorCount({
    readyPods: ready,
    totalValue: settings.totalValue,
    targetBurstCapacity: settings.targetBurstCapacity,
    activatorCapacity: settings.activatorCapacity,
  });
  const next = computeStatus(state, { nowSeconds: now, want, readyPods: ready, hasServiceName: true, settings });
  return {
    want,
    applyReplicas: decision.applyReplicas,
    sksMode,
    numActivators,
    requeueAfterSeconds: decision.requeueAfterSeconds,
    asyncProbe: decision.asyncProbe,
    state: next,
  };
}
