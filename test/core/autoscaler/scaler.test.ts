import { describe, expect, it } from 'vitest';
import type { PodAutoscalerState } from '../../../src/core/autoscaler/pa-status.js';
import {
  ACTIVATOR_PROBE_REQUEUE_SECONDS,
  PROXY_MODE_REQUEUE_SECONDS,
  activationTimeoutSeconds,
  handleScaleToZero,
  scaleTarget,
  validateScalerSettings,
  type ScalerInput,
  type ScalerSettings,
} from '../../../src/core/autoscaler/scaler.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

// The fixture values of upstream's scaler tests: a 5 min stable window, a 60 s grace
// period, a 121 s progress deadline (activation timeout 151 s) and TBC 200.
const NOW = 1_700_000_000;
const SW = 300;
const GRACE = 60;
const TIMEOUT = activationTimeoutSeconds(121);

const SETTINGS: ScalerSettings = {
  minScale: 0,
  maxScale: 0,
  initialScale: 1,
  reachable: true,
  enableScaleToZero: true,
  stableWindowSeconds: SW,
  scaleToZeroGracePeriodSeconds: GRACE,
  scaleToZeroPodRetentionPeriodSeconds: 0,
  targetBurstCapacity: 200,
  activationTimeoutSeconds: TIMEOUT,
};

function pa(active: PodAutoscalerState['active'], ago: number, scaleTargetInitialized = false): PodAutoscalerState {
  const reason = active === 'Inactive' ? 'NoTraffic' : active === 'Activating' ? 'Queued' : '';
  return { active, reason, lastTransitionSeconds: NOW - ago, scaleTargetInitialized, desiredScale: -1, actualScale: -1 };
}

interface Case {
  label: string;
  desired: number;
  replicas: number;
  state: PodAutoscalerState;
  settings?: Partial<ScalerSettings>;
  sks?: Partial<Pick<ScalerInput, 'sksSpecMode' | 'activatorEndpointsPopulatedSinceSeconds'>>;
  probe?: boolean;
  want: number;
  apply: number | undefined;
  requeue?: number;
  asyncProbe?: boolean;
}

function input(c: Case): ScalerInput {
  return {
    nowSeconds: NOW,
    desiredScale: c.desired,
    state: c.state,
    settings: { ...SETTINGS, ...c.settings },
    // Upstream's fixture SKS is in Serve mode with no ActivatorEndpointsPopulated condition.
    sksSpecMode: c.sks?.sksSpecMode ?? 'Serve',
    activatorEndpointsPopulatedSinceSeconds: c.sks?.activatorEndpointsPopulatedSinceSeconds,
    activatorInPath: c.probe ?? true,
    deploymentReplicas: c.replicas,
  };
}

// Re-expresses upstream TestScaler: want = the returned scale, apply = the replica patch.
const cases: Case[] = [
  { label: 'active, idle, 1 s short of the stable window: hold 1 pod', desired: 0, replicas: 1, state: pa('Active', SW - 1), want: 1, apply: undefined, requeue: 1 },
  { label: 'custom 45 s window, 1 s short: hold 1 pod', desired: 0, replicas: 1, state: pa('Active', 44), settings: { stableWindowSeconds: 45 }, want: 1, apply: undefined, requeue: 1 },
  { label: 'custom 45 s window, active for 300 s: deactivate without probing', desired: 0, replicas: 1, state: pa('Active', SW), settings: { stableWindowSeconds: 45 }, probe: false, want: 0, apply: undefined },
  { label: '10 replicas, idle before the window ends: cut to 1', desired: 0, replicas: 10, state: pa('Active', SW - 1), want: 1, apply: 1, requeue: 1 },
  { label: 'active for a whole window: report 0, do not apply (SKS Serve, no requeue)', desired: 0, replicas: 1, state: pa('Active', SW), want: 0, apply: undefined },
  { label: 'active for a whole window, SKS already Proxy: requeue 3 s', desired: 0, replicas: 1, state: pa('Active', SW), sks: { sksSpecMode: 'Proxy' }, want: 0, apply: undefined, requeue: PROXY_MODE_REQUEUE_SECONDS },
  { label: 'custom window reached exactly', desired: 0, replicas: 1, state: pa('Active', 45), settings: { stableWindowSeconds: 45 }, want: 0, apply: undefined },
  { label: 'inactive for grace, retention 0 (annotation over a 120 s ConfigMap value)', desired: 0, replicas: 1, state: pa('Inactive', GRACE), want: 0, apply: 0 },
  { label: 'inactive for grace but retention 120 s: wait the rest of retention', desired: 0, replicas: 1, state: pa('Inactive', GRACE), settings: { scaleToZeroPodRetentionPeriodSeconds: 2 * GRACE }, want: 0, apply: undefined, requeue: GRACE },
  { label: 'inactive for grace = retention: scale to zero', desired: 0, replicas: 1, state: pa('Inactive', GRACE), settings: { scaleToZeroPodRetentionPeriodSeconds: GRACE }, want: 0, apply: 0 },
  { label: 'inactive 1 s short of grace, never proxied: wait the whole grace', desired: 0, replicas: 1, state: pa('Inactive', GRACE - 1), want: 0, apply: undefined, requeue: GRACE },
  { label: 'inactive 1 s short of grace, proxied 59 s: wait 1 s', desired: 0, replicas: 1, state: pa('Inactive', GRACE - 1), sks: { activatorEndpointsPopulatedSinceSeconds: NOW - (GRACE - 1) }, want: 0, apply: undefined, requeue: 1 },
  { label: 'proxied for grace, retention 42 s already passed: fast path', desired: 0, replicas: 1, state: pa('Inactive', GRACE - 1), settings: { scaleToZeroPodRetentionPeriodSeconds: 42 }, sks: { activatorEndpointsPopulatedSinceSeconds: NOW - GRACE }, want: 0, apply: 0 },
  { label: 'proxied for grace: fast path', desired: 0, replicas: 1, state: pa('Inactive', GRACE - 1), sks: { activatorEndpointsPopulatedSinceSeconds: NOW - GRACE }, want: 0, apply: 0 },
  { label: 'TBC -1: no probe needed', desired: 0, replicas: 1, state: pa('Inactive', GRACE), settings: { targetBurstCapacity: -1 }, probe: false, want: 0, apply: 0 },
  { label: 'probe fails: async probe, requeue 1 s', desired: 0, replicas: 1, state: pa('Inactive', GRACE), probe: false, want: 0, apply: undefined, requeue: ACTIVATOR_PROBE_REQUEUE_SECONDS, asyncProbe: true },
  { label: 'activating for half the timeout: report -1, requeue the whole timeout', desired: 0, replicas: 1, state: pa('Activating', TIMEOUT / 2), want: -1, apply: undefined, requeue: TIMEOUT },
  { label: 'activating past the timeout: scale to zero', desired: 0, replicas: 1, state: pa('Activating', TIMEOUT + 1), want: 0, apply: 0 },
  { label: 'activating past a 5 s progress deadline + 30 s', desired: 0, replicas: 1, state: pa('Activating', 36), settings: { activationTimeoutSeconds: activationTimeoutSeconds(5) }, want: 0, apply: 0 },
  { label: 'min-scale 2 before grace', desired: 0, replicas: 10, state: pa('Inactive', GRACE - 1), settings: { minScale: 2 }, want: 2, apply: 2 },
  { label: 'min-scale 2 after grace', desired: 0, replicas: 10, state: pa('Inactive', GRACE), settings: { minScale: 2 }, want: 2, apply: 2 },
  { label: 'unreachable ignores a 600 s retention', desired: 0, replicas: 1, state: pa('Inactive', GRACE), settings: { reachable: false, scaleToZeroPodRetentionPeriodSeconds: 10 * GRACE }, want: 0, apply: 0 },
  { label: 'unreachable, 1 s short of grace: waits for grace only', desired: 0, replicas: 1, state: pa('Inactive', GRACE - 1), settings: { reachable: false, scaleToZeroPodRetentionPeriodSeconds: 10 * GRACE }, want: 0, apply: undefined, requeue: GRACE },
  { label: 'unreachable ignores min-scale', desired: 0, replicas: 10, state: pa('Inactive', GRACE), settings: { minScale: 2, reachable: false }, want: 0, apply: 0 },
  { label: 'scales up', desired: 10, replicas: 1, state: pa('Activating', 0), want: 10, apply: 10 },
  { label: 'scales up to max-scale', desired: 10, replicas: 1, state: pa('Activating', 0), settings: { maxScale: 8 }, want: 8, apply: 8 },
  { label: 'scales up an inactive revision', desired: 10, replicas: 1, state: pa('Inactive', GRACE / 2), want: 10, apply: 10 },
  { label: 'inactive with no metrics: nothing', desired: -1, replicas: 0, state: pa('Inactive', 0), want: -1, apply: undefined },
  { label: 'scales from zero to one', desired: 1, replicas: 0, state: pa('Activating', 0), want: 1, apply: 1 },
  { label: 'scales from zero to ten', desired: 10, replicas: 0, state: pa('Activating', 0), want: 10, apply: 10 },
  { label: 'active with no metrics: nothing', desired: -1, replicas: 12, state: pa('Active', 0), want: -1, apply: undefined },
  { label: 'initial scale 2 attained, idle for 2 min: cut to 1 first', desired: 0, replicas: 2, state: pa('Active', 120, true), settings: { initialScale: 2 }, want: 1, apply: 1, requeue: SW - 120 },
  { label: 'initial scale 2 not reached: floor is 2', desired: 1, replicas: 0, state: pa('Activating', 0), settings: { initialScale: 2 }, want: 2, apply: 2 },
  { label: 'initial scale 5 reached by the Deployment: no patch', desired: 1, replicas: 5, state: pa('Activating', 0), settings: { initialScale: 5 }, want: 5, apply: undefined },
  { label: 'initial scale 0, inactive just now: wait the grace period', desired: 0, replicas: 0, state: pa('Inactive', 0), settings: { initialScale: 0 }, want: 0, apply: undefined, requeue: GRACE },
  { label: 'unreachable with initial scale 2: not floored, cut to 1 first', desired: 0, replicas: 2, state: pa('Active', 120), settings: { initialScale: 2, reachable: false }, want: 1, apply: 1, requeue: SW - 120 },
  // Upstream TestDisableScaleToZero (PA active, reachable).
  { label: 'scale to zero disabled: 1', desired: 0, replicas: 10, state: pa('Active', 0), settings: { enableScaleToZero: false }, want: 1, apply: 1 },
  { label: 'scale to zero disabled with min-scale 2: 2', desired: 0, replicas: 10, state: pa('Active', 0), settings: { enableScaleToZero: false, minScale: 2 }, want: 2, apply: 2 },
  { label: 'scale to zero disabled, no metrics: nothing', desired: -1, replicas: 10, state: pa('Active', 0), settings: { enableScaleToZero: false }, want: -1, apply: undefined },
  // Bounds while activating turn -1 into min (or 0 → the timeout gate).
  { label: 'activating, no metrics, min-scale 3: 3 at once', desired: -1, replicas: 1, state: pa('Activating', 0), settings: { minScale: 3 }, want: 3, apply: 3 },
  { label: 'activating, no metrics, scale to zero disabled: 1', desired: -1, replicas: 0, state: pa('Activating', 0), settings: { enableScaleToZero: false }, want: 1, apply: 1 },
  // The requeue's own instant: upstream's requeue always finds the timeout strictly passed (see canFailActivation).
  { label: 'activating exactly the timeout: scale to zero', desired: -1, replicas: 1, state: pa('Activating', TIMEOUT), want: 0, apply: 0 },
  { label: 'activating 1 s short of the timeout: requeue the whole timeout', desired: -1, replicas: 1, state: pa('Activating', TIMEOUT - 1), want: -1, apply: undefined, requeue: TIMEOUT },
];

describe('scaleTarget (scaler.scale)', () => {
  it.each(cases)('$label', (c) => {
    const got = scaleTarget(input(c));
    expect(got.want).toBe(c.want);
    expect(got.applyReplicas).toBe(c.apply);
    expect(got.requeueAfterSeconds).toBe(c.requeue);
    expect(got.asyncProbe).toBe(c.asyncProbe ?? false);
  });

  it('does not modify its input', () => {
    const c = cases[0]!;
    const i = input(c);
    const before = JSON.stringify(i);
    scaleTarget(i);
    expect(JSON.stringify(i)).toBe(before);
  });
});

// At since + d the float clock's now − since can come out a hair off d (59.99999999999999
// for 60): upstream's times are whole nanoseconds, so d has elapsed there, exactly.
describe('scaleTarget measures elapsed times in whole nanoseconds', () => {
  const at = (since: number, d: number) => ({ since, now: since + d });
  it.each([
    { label: 'active a hair under the 60 s window by float: reached, no 7e-15 s requeue', ...at(4.142857142857143, 60), active: 'Active' as const, want: 0, apply: undefined, requeue: undefined, difference: 59.99999999999999 },
    { label: 'inactive a hair under the 60 s grace by float: scale to zero', ...at(4.142857142857143, 60), active: 'Inactive' as const, want: 0, apply: 0, requeue: undefined, difference: 59.99999999999999 },
    { label: 'activating a hair under the 151 s timeout by float: reached', ...at(105.14285714285714, TIMEOUT), active: 'Activating' as const, want: 0, apply: 0, requeue: undefined, difference: 150.99999999999997 },
  ])('$label', (c) => {
    expect(c.now - c.since).toBe(c.difference);
    const state: PodAutoscalerState = { ...pa(c.active, 0), lastTransitionSeconds: c.since };
    const got = scaleTarget({ ...input({ label: c.label, desired: 0, replicas: 1, state, want: c.want, apply: c.apply }), nowSeconds: c.now, settings: { ...SETTINGS, stableWindowSeconds: 60 } });
    expect([got.want, got.applyReplicas, got.requeueAfterSeconds]).toEqual([c.want, c.apply, c.requeue]);
  });

  it('proxied a hair under the grace period by float: the fast path', () => {
    const since = 4.142857142857143;
    const now = since + GRACE;
    expect(now - since).toBe(59.99999999999999);
    const state: PodAutoscalerState = { ...pa('Inactive', 0), lastTransitionSeconds: now - 1 };
    const got = scaleTarget({ ...input({ label: '', desired: 0, replicas: 1, state, want: 0, apply: 0 }), nowSeconds: now, activatorEndpointsPopulatedSinceSeconds: since });
    expect([got.want, got.applyReplicas, got.requeueAfterSeconds]).toEqual([0, 0, undefined]);
  });
});

// The scaler reads the PA and its SKS from the informer cache: their condition times as the API
// server stored them, in whole seconds. A stretch that began at 14.38 s counts from 14 s.
describe('scaleTarget counts ActiveFor, InactiveFor, ProxyFor and the activation timeout from whole seconds', () => {
  it.each([
    { label: 'Active since 14.38 s, 60 s window, at 74 s: a whole window (stored 14 s), deactivate', active: 'Active' as const, since: 14.38, proxySince: undefined, now: 74, want: 0, apply: undefined, requeue: undefined },
    { label: 'Active since 14.38 s, at 73.5 s: hold 1 pod, requeue for 74 s', active: 'Active' as const, since: 14.38, proxySince: undefined, now: 73.5, want: 1, apply: undefined, requeue: 0.5 },
    { label: 'Inactive since 211.2 s, 60 s grace, at 271 s: scale to zero', active: 'Inactive' as const, since: 211.2, proxySince: undefined, now: 271, want: 0, apply: 0, requeue: undefined },
    { label: 'Inactive since 211.2 s, proxied since 211.3 s, at 270.5 s: requeue for 271 s', active: 'Inactive' as const, since: 211.2, proxySince: 211.3, now: 270.5, want: 0, apply: undefined, requeue: 0.5 },
    { label: 'Inactive since 211.2 s, proxied since 211.3 s, at 271 s: the fast path', active: 'Inactive' as const, since: 211.2, proxySince: 211.3, now: 271, want: 0, apply: 0, requeue: undefined },
    // CanFailActivation reads the same stored time: a reconcile at 161.5 s finds 151 s passed (since 10 s).
    { label: 'Activating since 10.7 s, 151 s timeout, at 161.5 s: timed out (stored 10 s), scale to zero', active: 'Activating' as const, since: 10.7, proxySince: undefined, now: 161.5, want: 0, apply: 0, requeue: undefined },
    { label: 'Activating since 10.7 s, at 160.9 s: not yet, requeue the whole timeout', active: 'Activating' as const, since: 10.7, proxySince: undefined, now: 160.9, want: -1, apply: undefined, requeue: TIMEOUT },
  ])('$label', (c) => {
    const state: PodAutoscalerState = { ...pa(c.active, 0), lastTransitionSeconds: c.since };
    const base = input({ label: c.label, desired: 0, replicas: 1, state, want: c.want, apply: c.apply });
    const got = scaleTarget({ ...base, nowSeconds: c.now, activatorEndpointsPopulatedSinceSeconds: c.proxySince, settings: { ...SETTINGS, stableWindowSeconds: 60 } });
    expect([got.want, got.applyReplicas]).toEqual([c.want, c.apply]);
    if (c.requeue === undefined) expect(got.requeueAfterSeconds).toBeUndefined();
    else expect(got.requeueAfterSeconds).toBeCloseTo(c.requeue, 9);
  });
});

describe('handleScaleToZero', () => {
  it.each([
    ['a non-zero scale is applied as is', 4, { desired: 4, apply: true }],
    ['0 while active past the window is reported, not applied', 0, { desired: 0, apply: false }],
  ] as const)('%s', (_l, desired, want) => {
    const got = handleScaleToZero(input({ ...cases[4]!, desired }), desired);
    expect({ desired: got.desired, apply: got.apply }).toEqual(want);
  });
});

describe('scaler input validation', () => {
  const base = input(cases[0]!);
  it.each([
    ['NaN now', { ...base, nowSeconds: Number.NaN }, 'nowSeconds'],
    ['fractional desired', { ...base, desiredScale: 1.5 }, 'desiredScale'],
    ['desired below -1', { ...base, desiredScale: -2 }, 'desiredScale'],
    ['negative replicas', { ...base, deploymentReplicas: -1 }, 'deploymentReplicas'],
    ['unknown SKS mode', { ...base, sksSpecMode: 'Both' as never }, 'sksSpecMode'],
    ['negative min-scale', { ...base, settings: { ...SETTINGS, minScale: -1 } }, 'settings.minScale'],
    ['zero stable window', { ...base, settings: { ...SETTINGS, stableWindowSeconds: 0 } }, 'settings.stableWindowSeconds'],
    ['NaN grace', { ...base, settings: { ...SETTINGS, scaleToZeroGracePeriodSeconds: Number.NaN } }, 'settings.scaleToZeroGracePeriodSeconds'],
    ['negative retention', { ...base, settings: { ...SETTINGS, scaleToZeroPodRetentionPeriodSeconds: -1 } }, 'settings.scaleToZeroPodRetentionPeriodSeconds'],
    ['TBC -2', { ...base, settings: { ...SETTINGS, targetBurstCapacity: -2 } }, 'settings.targetBurstCapacity'],
    ['transition in the future', { ...base, state: { ...base.state, lastTransitionSeconds: NOW + 1 } }, 'state.lastTransitionSeconds'],
    ['proxy since the future', { ...base, activatorEndpointsPopulatedSinceSeconds: NOW + 1 }, 'activatorEndpointsPopulatedSinceSeconds'],
    ['probe result not boolean', { ...base, activatorInPath: 1 as never }, 'activatorInPath'],
  ])('rejects %s', (_l, bad, field) => {
    expect(() => scaleTarget(bad)).toThrow(InvalidArgumentError);
    expect(() => scaleTarget(bad)).toThrow(field);
  });

  it('checks a frozen settings object once, and anything else (or anything rejected) every time', () => {
    const frozen = Object.freeze({ ...SETTINGS });
    expect(validateScalerSettings(frozen)).toBe(frozen);
    expect(validateScalerSettings(frozen)).toBe(frozen);
    const badFrozen = Object.freeze({ ...SETTINGS, stableWindowSeconds: 0 });
    for (let i = 0; i < 2; i++) expect(() => validateScalerSettings(badFrozen, 'kpa')).toThrow('kpa.stableWindowSeconds');
    // An unfrozen object may change after it was accepted, so it is checked again.
    const open = { ...SETTINGS };
    validateScalerSettings(open);
    open.minScale = -1;
    expect(() => validateScalerSettings(open)).toThrow('settings.minScale');
  });

  it('adds 30 s to the progress deadline, 0 s included, and rejects a negative one', () => {
    expect(() => activationTimeoutSeconds(-1)).toThrow(InvalidArgumentError);
    expect(activationTimeoutSeconds(0)).toBe(30);
    expect(activationTimeoutSeconds(600)).toBe(630);
  });
});
