/**
 * The status a knsim-class PodAutoscaler gets from its class reconciler (the adapter), so
 * that Knative can mark the revision Ready: the SKS's service names, knsim's desired and
 * the actual scale, and the conditions of the PodAutoscaler's living condition set —
 * Active, ScaleTargetInitialized and SKSReady, with Ready derived from them — plus
 * observedGeneration. Pure: the controller computes it after each reconcile and writes it
 * (status subresource, merge patch) only when it differs from what the PA already says.
 *
 * Also the other direction: the PA status a replica finds when it takes over (restart,
 * leader change) is adopted into the decision loop's PA state, so conditions and their
 * transition times carry on instead of starting over.
 */
import type { ActiveConditionReason, PodAutoscalerState } from '../core/autoscaler/index.js';
import { conditionJson, findCondition, happyCondition, parseTime, READY, withTransitionTime, type KnativeCondition } from './conditions.js';
import type { PodAutoscalerStatus } from './revisions.js';

export const ACTIVE = 'Active';
export const SCALE_TARGET_INITIALIZED = 'ScaleTargetInitialized';
export const SKS_READY = 'SKSReady';
/** The dependents of the PodAutoscaler's Ready condition. */
export const PA_DEPENDENTS: readonly string[] = [ACTIVE, SCALE_TARGET_INITIALIZED, SKS_READY];

const ACTIVE_MESSAGES: Record<Exclude<ActiveConditionReason, ''>, string> = {
  Queued: 'Requests are held while the revision gets its pods.',
  NoTraffic: 'The revision receives no traffic.',
  TimedOut: 'The revision could not be activated in time.',
};

/** What the status needs from the revision's ServerlessService. */
export interface SksView {
  serviceName: string;
  privateServiceName: string;
  ready: boolean;
  /** Why it is not ready ('' if it does not say). */
  notReadyMessage: string;
}

export interface PaStatusInput {
  nowSeconds: number;
  /** The PodAutoscaler's metadata.generation (becomes observedGeneration). */
  generation: number;
  /** The status the PodAutoscaler has now. */
  current: PodAutoscalerStatus;
  /** The PA state the decision loop keeps, after the reconcile. */
  state: PodAutoscalerState;
  /** The SKS, undefined while there is none (or none owned by this PA). */
  sks: SksView | undefined;
  /** Set when an SKS of that name exists but is controlled by something else. */
  notOwned?: string | undefined;
}

function activeCondition(state: PodAutoscalerState): Omit<KnativeCondition, 'lastTransitionTime'> {
  const base = { type: ACTIVE, severity: '' };
  switch (state.active) {
    case 'Active':
      return { ...base, status: 'True', reason: '', message: '' };
    case 'Activating':
      return state.reason === 'Queued' ? { ...base, status: 'Unknown', reason: 'Queued', message: ACTIVE_MESSAGES.Queued } : { ...base, status: 'Unknown', reason: '', message: '' };
    case 'Inactive': {
      const reason = state.reason === 'TimedOut' ? 'TimedOut' : 'NoTraffic';
      return { ...base, status: 'False', reason, message: ACTIVE_MESSAGES[reason] };
    }
  }
}

/** The status to write after a reconcile. */
export function desiredPodAutoscalerStatus(input: PaStatusInput): PodAutoscalerStatus {
  const { nowSeconds: now, current, state, sks } = input;
  const prev = (t: string) => findCondition(current.conditions, t);
  const previousActive = prev(ACTIVE);
  let active: KnativeCondition;
  if (input.notOwned !== undefined) {
    active = withTransitionTime(
      { type: ACTIVE, status: 'False', reason: 'NotOwned', message: `ServerlessService "${input.notOwned}" exists and is not controlled by this PodAutoscaler.`, severity: '' },
      previousActive,
      now,
    );
  } else {
    // The loop knows when Active changed; without an earlier condition to go by (a PA
    // taken over from nobody), the change is dated now.
    const at = previousActive === undefined ? now : Math.min(now, state.lastTransitionSeconds);
    active = withTransitionTime(activeCondition(state), previousActive, at);
  }
  // Once initialized, always initialized.
  const initialized = state.scaleTargetInitialized || prev(SCALE_TARGET_INITIALIZED)?.status === 'True';
  const sti = withTransitionTime(
    { type: SCALE_TARGET_INITIALIZED, status: initialized ? 'True' : 'Unknown', reason: '', message: '', severity: '' },
    prev(SCALE_TARGET_INITIALIZED),
    now,
  );
  let sksCond: Omit<KnativeCondition, 'lastTransitionTime'>;
  if (input.notOwned !== undefined) sksCond = { type: SKS_READY, status: 'Unknown', reason: 'NotOwned', message: `ServerlessService "${input.notOwned}" is not ours.`, severity: '' };
  else if (sks === undefined || sks.privateServiceName === '') sksCond = { type: SKS_READY, status: 'Unknown', reason: 'NotReady', message: 'The ServerlessService has no private service yet.', severity: '' };
  else if (sks.ready) sksCond = { type: SKS_READY, status: 'True', reason: '', message: '', severity: '' };
  else sksCond = { type: SKS_READY, status: 'Unknown', reason: 'NotReady', message: sks.notReadyMessage || 'The ServerlessService is not ready yet.', severity: '' };
  const sksReady = withTransitionTime(sksCond, prev(SKS_READY), now);
  const deps = [active, sti, sksReady];
  const ready = withTransitionTime(happyCondition(PA_DEPENDENTS, deps), prev(READY), now);
  const conditions = [...deps, ready].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const provisioned = sks !== undefined && sks.privateServiceName !== '';
  return {
    observedGeneration: input.generation,
    // Names are only taken from an SKS that has them; until then the old ones stay.
    serviceName: provisioned ? sks.serviceName : current.serviceName,
    metricsServiceName: provisioned ? sks.privateServiceName : current.metricsServiceName,
    desiredScale: state.desiredScale,
    actualScale: state.actualScale >= 0 ? state.actualScale : current.actualScale,
    conditions,
  };
}

/** The wire form of the fields the adapter owns (merge-patched under `status`). */
export function statusBody(s: PodAutoscalerStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.observedGeneration !== undefined) out['observedGeneration'] = s.observedGeneration;
  out['serviceName'] = s.serviceName;
  out['metricsServiceName'] = s.metricsServiceName;
  if (s.desiredScale !== undefined) out['desiredScale'] = s.desiredScale;
  if (s.actualScale !== undefined) out['actualScale'] = s.actualScale;
  out['conditions'] = [...s.conditions].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)).map(conditionJson);
  return out;
}

export function sameStatus(a: PodAutoscalerStatus, b: PodAutoscalerStatus): boolean {
  return JSON.stringify(statusBody(a)) === JSON.stringify(statusBody(b));
}

const isScale = (v: number | undefined): v is number => v !== undefined && Number.isInteger(v) && v >= -1;

/**
 * The loop's PA state with what a PodAutoscaler's status says taken over: the Active
 * condition (state, reason, transition time), ScaleTargetInitialized, and the scales.
 * Conditions this adapter would never write (e.g. Inactive for another reason) are left alone.
 */
export function adoptPodAutoscalerStatus(state: PodAutoscalerState, observed: PodAutoscalerStatus, nowSeconds: number): PodAutoscalerState {
  let s: PodAutoscalerState = { ...state };
  const a = findCondition(observed.conditions, ACTIVE);
  if (a !== undefined) {
    let next: Pick<PodAutoscalerState, 'active' | 'reason'> | undefined;
    if (a.status === 'True') next = { active: 'Active', reason: '' };
    else if (a.status === 'Unknown') next = { active: 'Activating', reason: a.reason === 'Queued' ? 'Queued' : '' };
    else if (a.reason === 'NoTraffic' || a.reason === 'TimedOut') next = { active: 'Inactive', reason: a.reason };
    if (next !== undefined) {
      const t = parseTime(a.lastTransitionTime);
      const unchanged = next.active === s.active && next.reason === s.reason;
      const since = t !== undefined ? t : unchanged ? s.lastTransitionSeconds : nowSeconds;
      s = { ...s, ...next, lastTransitionSeconds: Math.min(nowSeconds, since) };
    }
  }
  const i = findCondition(observed.conditions, SCALE_TARGET_INITIALIZED);
  if (i !== undefined) s.scaleTargetInitialized = i.status === 'True';
  if (isScale(observed.desiredScale)) s.desiredScale = observed.desiredScale;
  if (isScale(observed.actualScale)) s.actualScale = observed.actualScale;
  return s;
}
