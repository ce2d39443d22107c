import { describe, expect, it } from 'vitest';
import { computeActiveCondition, kpaReconcile, type KpaScaleInput, type KpaSettings } from '../../../src/core/autoscaler/kpa.js';
import {
  activeForSeconds,
  canFailActivation,
  inactiveForSeconds,
  markActiveCondition,
  newPodAutoscalerState,
  type ActiveConditionReason,
  type ActiveState,
  type PodAutoscalerState,
} from '../../../src/core/autoscaler/pa-status.js';
import { activationTimeoutSeconds } from '../../../src/core/autoscaler/scaler.js';
import { reconcileSksStatus, type SksMode } from '../../../src/core/autoscaler/sks.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

const NOW = 1_700_000_000;
const HOUR = 3600;

// Upstream kpa_test fixtures: CC 0 with a container-concurrency-target-default of 10
// (TotalValue 10), TBC 200, a 5 min stable window, 60 s grace, 121 s progress deadline.
const KPA_TEST: KpaSettings = {
  minScale: 0,
  maxScale: 0,
  initialScale: 1,
  reachable: true,
  enableScaleToZero: true,
  stableWindowSeconds: 300,
  scaleToZeroGracePeriodSeconds: 60,
  scaleToZeroPodRetentionPeriodSeconds: 0,
  targetBurstCapacity: 200,
  activationTimeoutSeconds: activationTimeoutSeconds(121),
  totalValue: 10,
  activatorCapacity: 100,
};

function pa(
  active: ActiveState,
  opts: { ago?: number; reason?: ActiveConditionReason; initialized?: boolean; desired?: number; actual?: number } = {},
): PodAutoscalerState {
  const reason = opts.reason ?? (active === 'Inactive' ? 'NoTraffic' : active === 'Activating' ? 'Queued' : '');
  return {
    active,
    reason,
    lastTransitionSeconds: NOW - (opts.ago ?? 0),
    scaleTargetInitialized: opts.initialized ?? false,
    desiredScale: opts.desired ?? -1,
    actualScale: opts.actual ?? -1,
  };
}

interface Case {
  name: string;
  state: PodAutoscalerState;
  decider: { desiredScale: number; excessBurstCapacity: number };
  ready: number;
  replicas: number;
  settings?: Partial<KpaSettings>;
  sksMode?: SksMode;
  provisioned?: boolean;
  want: {
    want: number;
    apply: number | undefined;
    mode: SksMode;
    activators: number;
    active: ActiveState;
    reason: ActiveConditionReason;
    transitioned: boolean; // whether lastTransitionSeconds moved to NOW
    initialized: boolean;
    desiredScale: number;
  };
}

// Re-expresses upstream kpa TestReconcile rows (and TestComputeStatus) in knsim terms.
const cases: Case[] = [
  {
    name: 'steady state: nothing to patch, Serve with EBC 0',
    state: pa('Active', { ago: HOUR, initialized: true, desired: 11, actual: 1 }),
    decider: { desiredScale: 11, excessBurstCapacity: 0 },
    ready: 1, replicas: 11,
    want: { want: 11, apply: undefined, mode: 'Serve', activators: 3, active: 'Active', reason: '', transitioned: false, initialized: true, desiredScale: 11 },
  },
  {
    name: 'scale up deployment from its default 1 replica',
    state: pa('Active', { ago: HOUR, initialized: true, desired: 11 }),
    decider: { desiredScale: 11, excessBurstCapacity: 0 },
    ready: 1, replicas: 1,
    want: { want: 11, apply: 11, mode: 'Serve', activators: 3, active: 'Active', reason: '', transitioned: false, initialized: true, desiredScale: 11 },
  },
  {
    name: 'pa activates: inactive with desired 11 and no ready pod goes Activating',
    state: pa('Inactive', { ago: HOUR, initialized: true, desired: 0 }),
    decider: { desiredScale: 11, excessBurstCapacity: 0 },
    ready: 0, replicas: 11, sksMode: 'Proxy',
    want: { want: 11, apply: undefined, mode: 'Serve', activators: 2, active: 'Activating', reason: 'Queued', transitioned: true, initialized: true, desiredScale: 11 },
  },
  {
    name: 'sks does not exist: Proxy with 2 activators, desired scale kept, Activating',
    state: pa('Active', { ago: HOUR, desired: 11, actual: 1 }),
    decider: { desiredScale: 11, excessBurstCapacity: 0 },
    ready: 1, replicas: 11, provisioned: false,
    want: { want: -1, apply: undefined, mode: 'Proxy', activators: 2, active: 'Activating', reason: 'Queued', transitioned: true, initialized: false, desiredScale: 11 },
  },
  {
    name: 'min-scale 2, reachable, 1 ready: stays Activating',
    state: pa('Activating', { reason: '', ago: 5 }),
    decider: { desiredScale: 11, excessBurstCapacity: 0 },
    ready: 1, replicas: 11, settings: { minScale: 2 },
    want: { want: 11, apply: undefined, mode: 'Serve', activators: 3, active: 'Activating', reason: 'Queued', transitioned: true, initialized: false, desiredScale: 11 },
  },
  {
    name: 'min-scale 2, unreachable, 1 ready: Active (min ignored)',
    state: pa('Activating', { reason: '', ago: 5 }),
    decider: { desiredScale: 11, excessBurstCapacity: 0 },
    ready: 1, replicas: 11, settings: { minScale: 2, reachable: false },
    want: { want: 11, apply: undefined, mode: 'Serve', activators: 3, active: 'Active', reason: '', transitioned: true, initialized: true, desiredScale: 11 },
  },
  {
    name: 'min-scale 2, reachable, 2 ready: Active',
    state: pa('Activating', { ago: 5 }),
    decider: { desiredScale: 11, excessBurstCapacity: 0 },
    ready: 2, replicas: 11, settings: { minScale: 2 },
    want: { want: 11, apply: undefined, mode: 'Serve', activators: 3, active: 'Active', reason: '', transitioned: true, initialized: true, desiredScale: 11 },
  },
  {
    name: 'steady not serving: at zero already, nothing changes',
    state: pa('Inactive', { ago: HOUR, initialized: true, desired: 0, actual: 0 }),
    decider: { desiredScale: 0, excessBurstCapacity: 0 },
    ready: 0, replicas: 0, sksMode: 'Proxy',
    want: { want: 0, apply: undefined, mode: 'Proxy', activators: 2, active: 'Inactive', reason: 'NoTraffic', transitioned: false, initialized: true, desiredScale: 0 },
  },
  {
    name: 'steady not serving with 1 replica left: patch to 0',
    state: pa('Inactive', { ago: HOUR, initialized: true, desired: 0 }),
    decider: { desiredScale: 0, excessBurstCapacity: 0 },
    ready: 0, replicas: 1, sksMode: 'Proxy',
    want: { want: 0, apply: 0, mode: 'Proxy', activators: 2, active: 'Inactive', reason: 'NoTraffic', transitioned: false, initialized: true, desiredScale: 0 },
  },
  {
    name: 'from serving to proxy: active for long, desired 0 → Inactive, Proxy, no patch',
    state: pa('Active', { ago: HOUR, desired: 0 }),
    decider: { desiredScale: 0, excessBurstCapacity: 0 },
    ready: 1, replicas: 1, sksMode: 'Serve',
    want: { want: 0, apply: undefined, mode: 'Proxy', activators: 3, active: 'Inactive', reason: 'NoTraffic', transitioned: true, initialized: true, desiredScale: 0 },
  },
  {
    name: 'scaling to 0 but not active for a stable window: hold 1, stay Serve',
    state: pa('Active', { initialized: true, desired: 1 }),
    decider: { desiredScale: 0, excessBurstCapacity: 0 },
    ready: 1, replicas: 1,
    want: { want: 1, apply: undefined, mode: 'Serve', activators: 3, active: 'Active', reason: '', transitioned: false, initialized: true, desiredScale: 1 },
  },
  {
    name: 'activation failure: activating for an hour → patch 0, Inactive TimedOut',
    state: pa('Activating', { ago: HOUR, desired: 0 }),
    decider: { desiredScale: 0, excessBurstCapacity: 0 },
    ready: 1, replicas: 1,
    want: { want: 0, apply: 0, mode: 'Proxy', activators: 3, active: 'Inactive', reason: 'TimedOut', transitioned: true, initialized: true, desiredScale: 0 },
  },
  {
    name: 'want -1, underscaled, inactive: no-op',
    state: pa('Inactive', { ago: HOUR, initialized: true, desired: -1, actual: 10 }),
    decider: { desiredScale: -1, excessBurstCapacity: 0 },
    ready: 10, replicas: 10, settings: { minScale: 11 }, sksMode: 'Proxy',
    want: { want: -1, apply: undefined, mode: 'Proxy', activators: 3, active: 'Inactive', reason: 'NoTraffic', transitioned: false, initialized: true, desiredScale: -1 },
  },
  {
    name: 'want 1, underscaled, inactive: patch to min-scale 11, Activating',
    state: pa('Inactive', { ago: HOUR, initialized: true, desired: -1 }),
    decider: { desiredScale: 1, excessBurstCapacity: 0 },
    ready: 10, replicas: 10, settings: { minScale: 11 }, sksMode: 'Proxy',
    want: { want: 11, apply: 11, mode: 'Serve', activators: 3, active: 'Activating', reason: 'Queued', transitioned: true, initialized: true, desiredScale: 11 },
  },
  {
    name: 'underscaled, activating: patch to min-scale',
    state: pa('Activating', { ago: 10, desired: 11 }),
    decider: { desiredScale: 2, excessBurstCapacity: 0 },
    ready: 10, replicas: 10, settings: { minScale: 11 },
    want: { want: 11, apply: 11, mode: 'Serve', activators: 3, active: 'Activating', reason: 'Queued', transitioned: false, initialized: false, desiredScale: 11 },
  },
  {
    name: 'underscaled, active: patch to min-scale, back to Activating',
    state: pa('Active', { ago: HOUR, initialized: true, desired: 11 }),
    decider: { desiredScale: 11, excessBurstCapacity: 0 },
    ready: 10, replicas: 10, settings: { minScale: 11 },
    want: { want: 11, apply: 11, mode: 'Serve', activators: 3, active: 'Activating', reason: 'Queued', transitioned: true, initialized: true, desiredScale: 11 },
  },
  {
    name: 'overscaled, inactive, desired 0: min-scale wins, patch 11, Active',
    state: pa('Inactive', { ago: HOUR, initialized: true, desired: -1 }),
    decider: { desiredScale: 0, excessBurstCapacity: 0 },
    ready: 12, replicas: 12, settings: { minScale: 11 }, sksMode: 'Proxy',
    want: { want: 11, apply: 11, mode: 'Serve', activators: 4, active: 'Active', reason: '', transitioned: true, initialized: true, desiredScale: 11 },
  },
  {
    name: 'above min-scale for real, active: no-op',
    state: pa('Active', { ago: HOUR, initialized: true, desired: 12 }),
    decider: { desiredScale: 12, excessBurstCapacity: 0 },
    ready: 12, replicas: 12, settings: { minScale: 11 },
    want: { want: 12, apply: undefined, mode: 'Serve', activators: 4, active: 'Active', reason: '', transitioned: false, initialized: true, desiredScale: 12 },
  },
  {
    name: 'above min-scale, desired 1: patch down to 11',
    state: pa('Active', { ago: HOUR, initialized: true, desired: 12 }),
    decider: { desiredScale: 1, excessBurstCapacity: 0 },
    ready: 12, replicas: 12, settings: { minScale: 11 },
    want: { want: 11, apply: 11, mode: 'Serve', activators: 4, active: 'Active', reason: '', transitioned: false, initialized: true, desiredScale: 11 },
  },
  {
    name: 'scaled to 0, no scale data: no-op, stays Proxy',
    state: pa('Inactive', { ago: HOUR, initialized: true, desired: -1, actual: 0 }),
    decider: { desiredScale: -1, excessBurstCapacity: 0 },
    ready: 0, replicas: 11, sksMode: 'Proxy',
    want: { want: -1, apply: undefined, mode: 'Proxy', activators: 2, active: 'Inactive', reason: 'NoTraffic', transitioned: false, initialized: true, desiredScale: -1 },
  },
  {
    name: 'at zero, metrics lost after a restart: DesiredScale 0 is kept',
    state: pa('Inactive', { ago: HOUR, initialized: true, desired: 0, actual: 0 }),
    decider: { desiredScale: -1, excessBurstCapacity: -211 },
    ready: 0, replicas: 0, sksMode: 'Proxy',
    want: { want: -1, apply: undefined, mode: 'Proxy', activators: 2, active: 'Inactive', reason: 'NoTraffic', transitioned: false, initialized: true, desiredScale: 0 },
  },
  {
    name: 'steady, not enough burst capacity (EBC -42): Proxy',
    state: pa('Active', { ago: HOUR, initialized: true, desired: 11 }),
    decider: { desiredScale: 11, excessBurstCapacity: -42 },
    ready: 1, replicas: 11, sksMode: 'Proxy',
    want: { want: 11, apply: undefined, mode: 'Proxy', activators: 3, active: 'Active', reason: '', transitioned: false, initialized: true, desiredScale: 11 },
  },
  {
    name: 'initial scale 20 > min-scale 11 not reached: patch 20, still Activating',
    state: pa('Activating', { ago: 10, desired: 11, actual: 11 }),
    decider: { desiredScale: 11, excessBurstCapacity: -42 },
    ready: 11, replicas: 11, settings: { minScale: 11, initialScale: 20 }, sksMode: 'Proxy',
    want: { want: 20, apply: 20, mode: 'Proxy', activators: 4, active: 'Activating', reason: 'Queued', transitioned: false, initialized: false, desiredScale: 20 },
  },
  {
    name: 'initial scale 20 reached: Active and initialized (the floor applies this once more)',
    state: pa('Activating', { ago: 10, desired: 11, actual: 20 }),
    decider: { desiredScale: 11, excessBurstCapacity: -42 },
    ready: 20, replicas: 11, settings: { initialScale: 20 }, sksMode: 'Proxy',
    want: { want: 20, apply: 20, mode: 'Proxy', activators: 4, active: 'Active', reason: '', transitioned: true, initialized: true, desiredScale: 20 },
  },
  {
    name: 'initial scale 0: new PA with no metrics goes Inactive and initialized',
    state: pa('Activating', { reason: '' }),
    decider: { desiredScale: -1, excessBurstCapacity: 0 },
    ready: 0, replicas: 0, settings: { initialScale: 0 }, sksMode: 'Proxy',
    want: { want: -1, apply: undefined, mode: 'Proxy', activators: 2, active: 'Inactive', reason: 'NoTraffic', transitioned: true, initialized: true, desiredScale: -1 },
  },
  {
    name: 'initial scale 0 without a public service: Inactive, not initialized',
    state: pa('Activating', { reason: '' }),
    decider: { desiredScale: -1, excessBurstCapacity: 0 },
    ready: 0, replicas: 0, settings: { initialScale: 0 }, sksMode: 'Proxy', provisioned: false,
    want: { want: -1, apply: undefined, mode: 'Proxy', activators: 2, active: 'Inactive', reason: 'NoTraffic', transitioned: true, initialized: false, desiredScale: -1 },
  },
  {
    name: 'initial scale 0, already initialized, no metrics: Activating',
    state: pa('Activating', { reason: '', initialized: true }),
    decider: { desiredScale: -1, excessBurstCapacity: 0 },
    ready: 0, replicas: 0, settings: { initialScale: 0 }, sksMode: 'Proxy',
    want: { want: -1, apply: undefined, mode: 'Proxy', activators: 2, active: 'Activating', reason: 'Queued', transitioned: true, initialized: true, desiredScale: -1 },
  },
  {
    name: 'initial scale 0, scaled to 2 with 2 ready: Active',
    state: pa('Activating', { reason: '', initialized: true, desired: 2, actual: 2 }),
    decider: { desiredScale: 2, excessBurstCapacity: -42 },
    ready: 2, replicas: 2, settings: { initialScale: 0 }, sksMode: 'Proxy',
    want: { want: 2, apply: undefined, mode: 'Proxy', activators: 3, active: 'Active', reason: '', transitioned: true, initialized: true, desiredScale: 2 },
  },
  {
    name: 'no metrics after a restart: DesiredScale keeps its known value',
    state: pa('Active', { ago: HOUR, initialized: true, desired: 2, actual: 1 }),
    decider: { desiredScale: -1, excessBurstCapacity: 0 },
    ready: 2, replicas: 2,
    want: { want: -1, apply: undefined, mode: 'Proxy', activators: 3, active: 'Active', reason: '', transitioned: false, initialized: true, desiredScale: 2 },
  },
];

function reconcileInput(c: Case): KpaScaleInput {
  return {
    nowSeconds: NOW,
    decider: c.decider,
    settings: { ...KPA_TEST, ...c.settings },
    pods: { ready: c.ready },
    sks: { specMode: c.sksMode ?? 'Serve', activatorEndpointsPopulatedSinceSeconds: undefined, ...(c.provisioned === undefined ? {} : { provisioned: c.provisioned }) },
    activatorInPath: true,
    deploymentReplicas: c.replicas,
  };
}

describe('kpaReconcile (upstream TestReconcile rows)', () => {
  it.each(cases)('$name', (c) => {
    const out = kpaReconcile(c.state, reconcileInput(c));
    expect(out.want).toBe(c.want.want);
    expect(out.applyReplicas).toBe(c.want.apply);
    expect(out.sksMode).toBe(c.want.mode);
    expect(out.numActivators).toBe(c.want.activators);
    expect(out.state.active).toBe(c.want.active);
    expect(out.state.reason).toBe(c.want.reason);
    expect(out.state.lastTransitionSeconds).toBe(c.want.transitioned ? NOW : c.state.lastTransitionSeconds);
    expect(out.state.scaleTargetInitialized).toBe(c.want.initialized);
    expect(out.state.desiredScale).toBe(c.want.desiredScale);
    expect(out.state.actualScale).toBe(c.provisioned === false ? 0 : c.ready);
  });

  it('does not modify the state it is given', () => {
    const c = cases[9]!;
    const before = JSON.stringify(c.state);
    kpaReconcile(c.state, reconcileInput(c));
    expect(JSON.stringify(c.state)).toBe(before);
  });

  it.each([
    ['a NaN clock', (i: KpaScaleInput) => ({ ...i, nowSeconds: Number.NaN }), 'nowSeconds'],
    ['negative ready pods', (i: KpaScaleInput) => ({ ...i, pods: { ready: -1 } }), 'pods.ready'],
    ['fractional pending pods', (i: KpaScaleInput) => ({ ...i, pods: { ready: 1, pending: 0.5 } }), 'pods.pending'],
    ['a NaN EBC', (i: KpaScaleInput) => ({ ...i, decider: { desiredScale: 1, excessBurstCapacity: Number.NaN } }), 'decider.excessBurstCapacity'],
    ['desired scale -3', (i: KpaScaleInput) => ({ ...i, decider: { desiredScale: -3, excessBurstCapacity: 0 } }), 'decider.desiredScale'],
    ['a zero activator capacity', (i: KpaScaleInput) => ({ ...i, settings: { ...i.settings, activatorCapacity: 0 } }), 'settings.activatorCapacity'],
    ['an unknown SKS mode', (i: KpaScaleInput) => ({ ...i, sks: { ...i.sks, specMode: 'serve' as SksMode } }), 'sks.specMode'],
    ['negative replicas', (i: KpaScaleInput) => ({ ...i, deploymentReplicas: -1 }), 'deploymentReplicas'],
  ])('rejects %s', (_l, mutate, field) => {
    const bad = mutate(reconcileInput(cases[0]!));
    expect(() => kpaReconcile(cases[0]!.state, bad)).toThrow(InvalidArgumentError);
    expect(() => kpaReconcile(cases[0]!.state, bad)).toThrow(field);
  });

  it('rejects a state with an unknown condition', () => {
    const bad = { ...cases[0]!.state, active: 'Ready' as ActiveState };
    expect(() => kpaReconcile(bad, reconcileInput(cases[0]!))).toThrow(InvalidArgumentError);
  });

  // The state check has a fast path for plainly valid states: each bad field still fails, by name.
  it.each([
    ['an unknown reason', { reason: 'Idle' }, 'state.reason'],
    ['a transition in the future', { lastTransitionSeconds: NOW + 1 }, 'state.lastTransitionSeconds'],
    ['a NaN transition', { lastTransitionSeconds: Number.NaN }, 'state.lastTransitionSeconds'],
    ['a non-boolean initialized flag', { scaleTargetInitialized: 1 }, 'state.scaleTargetInitialized'],
    ['desired scale -2', { desiredScale: -2 }, 'state.desiredScale'],
    ['a fractional actual scale', { actualScale: 0.5 }, 'state.actualScale'],
    ['an infinite actual scale', { actualScale: Number.POSITIVE_INFINITY }, 'state.actualScale'],
  ])('rejects a state with %s', (_l, patch, field) => {
    const bad = { ...cases[0]!.state, ...patch } as PodAutoscalerState;
    expect(() => kpaReconcile(bad, reconcileInput(cases[0]!))).toThrow(InvalidArgumentError);
    expect(() => kpaReconcile(bad, reconcileInput(cases[0]!))).toThrow(field);
  });
});

describe('computeActiveCondition', () => {
  const t = NOW;
  it.each([
    // [prior, want, ready, minReady, → active, reason]
    ['want 0 while active', pa('Active'), 0, 3, 1, 'Inactive', 'NoTraffic'],
    ['want 0 while activating (timed out)', pa('Activating'), 0, 0, 1, 'Inactive', 'TimedOut'],
    ['minReady 0 while activating', pa('Activating'), -1, 0, 0, 'Inactive', 'NoTraffic'],
    ['want > 0, too few ready', pa('Inactive'), 3, 1, 2, 'Activating', 'Queued'],
    ['want -1, too few ready, active', pa('Active'), -1, 0, 1, 'Activating', 'Queued'],
    ['want -1, too few ready, inactive', pa('Inactive'), -1, 0, 1, 'Inactive', 'NoTraffic'],
    ['want > 0, enough ready', pa('Activating'), 2, 2, 2, 'Active', ''],
    ['want -1, enough ready, activating', pa('Activating'), -1, 1, 1, 'Active', ''],
    ['want -1, enough ready, inactive: unchanged', pa('Inactive', { reason: 'TimedOut' }), -1, 1, 1, 'Inactive', 'TimedOut'],
  ] as const)('%s', (_l, prior, want, ready, minReady, active, reason) => {
    const got = computeActiveCondition(prior, { nowSeconds: t, want, readyPods: ready, minReady, hasServiceName: true });
    expect(got.active).toBe(active);
    expect(got.reason).toBe(reason);
  });

  it('marks ScaleTargetInitialized only with a public service', () => {
    const base = { nowSeconds: t, want: 1, readyPods: 1, minReady: 1 };
    expect(computeActiveCondition(pa('Activating'), { ...base, hasServiceName: false }).scaleTargetInitialized).toBe(false);
    expect(computeActiveCondition(pa('Activating'), { ...base, hasServiceName: true }).scaleTargetInitialized).toBe(true);
  });

  it('rejects nonsense', () => {
    const base = { nowSeconds: t, want: 1, readyPods: 1, minReady: 1, hasServiceName: true };
    expect(() => computeActiveCondition(pa('Active'), { ...base, readyPods: -1 })).toThrow(InvalidArgumentError);
    expect(() => computeActiveCondition(pa('Active'), { ...base, minReady: Number.NaN })).toThrow(InvalidArgumentError);
  });
});

describe('PA status helpers', () => {
  it('a new PA is Activating with no reason and unset scales', () => {
    expect(newPodAutoscalerState(42)).toEqual({
      active: 'Activating', reason: '', lastTransitionSeconds: 42, scaleTargetInitialized: false, desiredScale: -1, actualScale: -1,
    });
    expect(() => newPodAutoscalerState(Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['same status and reason keeps the time', 'Inactive', 'NoTraffic', 100],
    ['a new reason moves the time', 'Inactive', 'TimedOut', 250],
    ['a new status moves the time', 'Active', '', 250],
  ] as const)('%s', (_l, active, reason, want) => {
    const s: PodAutoscalerState = { ...newPodAutoscalerState(0), active: 'Inactive', reason: 'NoTraffic', lastTransitionSeconds: 100 };
    expect(markActiveCondition(s, active, reason, 250).lastTransitionSeconds).toBe(want);
  });

  it('measures time in the current status only', () => {
    const active = { ...newPodAutoscalerState(100), active: 'Active' as const, reason: '' as const };
    expect(activeForSeconds(active, 160)).toBe(60);
    expect(inactiveForSeconds(active, 160)).toBe(-1);
    const activating = newPodAutoscalerState(100);
    expect(canFailActivation(activating, 729.5, 630)).toBe(false);
    // At least the timeout: the requeue a whole timeout later (see canFailActivation).
    expect(canFailActivation(activating, 730, 630)).toBe(true);
  });
});

// A tiny event loop around kpaReconcile for the timelines of spec §7.6/§10: pods follow
// replicas at once, the SKS reconciles at once, the activator is in the path
// `propagationSeconds` after the SKS effectively switched to Proxy, and the PA is
// reconciled on decider changes, pod count changes, SKS status changes and requeues.
interface World {
  t: number;
  state: PodAutoscalerState;
  replicas: number;
  sksSpec: SksMode;
  proxySince: number | undefined; // ActivatorEndpointsPopulated True since
  effectiveProxySince: number | undefined; // effective mode Proxy since
  decider: { desiredScale: number; excessBurstCapacity: number };
  requeueAt: number | undefined;
  zeroAt: number | undefined;
  log: string[];
}

function runTimeline(opts: {
  settings: KpaSettings;
  start: { state: PodAutoscalerState; replicas: number; sksSpec: SksMode; proxySince: number | undefined };
  ebc: (ready: number) => number;
  events: Array<{ at: number; desiredScale: number }>;
  propagationSeconds: number;
  until: number;
}): World {
  const w: World = {
    t: 0,
    state: opts.start.state,
    replicas: opts.start.replicas,
    sksSpec: opts.start.sksSpec,
    proxySince: opts.start.proxySince,
    effectiveProxySince: opts.start.proxySince,
    decider: { desiredScale: opts.start.replicas, excessBurstCapacity: opts.ebc(opts.start.replicas) },
    requeueAt: undefined,
    zeroAt: undefined,
    log: [],
  };
  for (let t = 0; t <= opts.until; t += 0.5) {
    w.t = t;
    let trigger = w.requeueAt !== undefined && t >= w.requeueAt;
    if (trigger) w.requeueAt = undefined;
    for (const e of opts.events) {
      if (e.at === t) {
        w.decider = { desiredScale: e.desiredScale, excessBurstCapacity: opts.ebc(w.replicas) };
        trigger = true;
      }
    }
    for (let i = 0; trigger && i < 10; i++) {
      trigger = false;
      const out = kpaReconcile(w.state, {
        nowSeconds: t,
        decider: w.decider,
        settings: opts.settings,
        pods: { ready: w.replicas },
        sks: { specMode: w.sksSpec, activatorEndpointsPopulatedSinceSeconds: w.proxySince },
        activatorInPath: w.effectiveProxySince !== undefined && t - w.effectiveProxySince >= opts.propagationSeconds,
        deploymentReplicas: w.replicas,
      });
      w.state = out.state;
      if (out.requeueAfterSeconds !== undefined) {
        const at = t + out.requeueAfterSeconds;
        w.requeueAt = w.requeueAt === undefined ? at : Math.min(w.requeueAt, at);
      }
      w.log.push(`${t}: want=${out.want} apply=${String(out.applyReplicas)} ${out.sksMode} ${out.state.active}`);
      if (out.applyReplicas !== undefined) {
        w.replicas = out.applyReplicas;
        if (w.replicas === 0 && w.zeroAt === undefined) w.zeroAt = t;
        w.decider = { ...w.decider, excessBurstCapacity: opts.ebc(w.replicas) };
        trigger = true; // pod counts changed
      }
      if (out.sksMode !== w.sksSpec) {
        w.sksSpec = out.sksMode;
        const sks = reconcileSksStatus({
          nowSeconds: t,
          specMode: w.sksSpec,
          privateReadyPods: w.replicas,
          activatorReadyEndpoints: 3,
          prevActivatorEndpointsPopulatedSinceSeconds: w.proxySince,
        });
        w.proxySince = sks.activatorEndpointsPopulatedSinceSeconds;
        if (sks.effectiveMode === 'Proxy') w.effectiveProxySince ??= t;
        else w.effectiveProxySince = undefined;
        trigger = true; // SKS status changed
      }
    }
  }
  return w;
}

describe('idle revision going to zero (spec §7.6)', () => {
  // Defaults: 60 s window, 30 s grace, TBC 211, total 100.
  const DEFAULTS: KpaSettings = {
    ...KPA_TEST,
    stableWindowSeconds: 60,
    scaleToZeroGracePeriodSeconds: 30,
    targetBurstCapacity: 211,
    totalValue: 100,
    activationTimeoutSeconds: activationTimeoutSeconds(600),
  };
  const longActive = { ...pa('Active', { initialized: true, desired: 1, actual: 1 }), lastTransitionSeconds: -1000 };
  const ebcDefault = (ready: number) => Math.floor(ready * 100 - 211);

  it.each([
    // [label, settings, start, ebc, propagation, idle at, → Inactive at, zero at]
    ['1 pod, SKS Proxy all along: 3 s after deactivating', DEFAULTS, { sksSpec: 'Proxy' as SksMode, proxySince: -1000, state: longActive }, ebcDefault, 0, 100, 100, 103],
    ['retention 90 s: waits for retention', { ...DEFAULTS, scaleToZeroPodRetentionPeriodSeconds: 90 }, { sksSpec: 'Proxy' as SksMode, proxySince: -1000, state: longActive }, ebcDefault, 0, 100, 100, 190],
    ['unreachable: retention 90 s is ignored', { ...DEFAULTS, reachable: false, scaleToZeroPodRetentionPeriodSeconds: 90 }, { sksSpec: 'Proxy' as SksMode, proxySince: -1000, state: longActive }, ebcDefault, 0, 100, 100, 103],
    ['TBC 0, SKS in Serve: waits for the grace period', { ...DEFAULTS, targetBurstCapacity: 0 }, { sksSpec: 'Serve' as SksMode, proxySince: undefined, state: longActive }, () => 0, 1, 100, 100, 130],
    ['active only 40 s: holds 1 pod until a stable window of activity', DEFAULTS, { sksSpec: 'Proxy' as SksMode, proxySince: -1000, state: { ...longActive, lastTransitionSeconds: 60 } }, ebcDefault, 0, 100, 120, 123],
  ])('%s', (_l, settings, start, ebc, propagation, idleAt, inactiveAt, zeroAt) => {
    const w = runTimeline({
      settings,
      start: { ...start, replicas: 1 },
      ebc,
      events: [{ at: idleAt, desiredScale: 0 }],
      propagationSeconds: propagation,
      until: 400,
    });
    expect(w.zeroAt, w.log.join('\n')).toBe(zeroAt);
    expect(w.state.active).toBe('Inactive');
    expect(w.state.reason).toBe('NoTraffic');
    expect(w.state.lastTransitionSeconds).toBe(inactiveAt);
    expect(w.replicas).toBe(0);
  });
});

describe('activation timeout (spec §7.4, §10)', () => {
  it('a revision whose pod never gets ready is scaled to 0 as TimedOut at the requeue a whole timeout after it started activating', () => {
    const settings: KpaSettings = { ...KPA_TEST, activationTimeoutSeconds: activationTimeoutSeconds(600) };
    let state = newPodAutoscalerState(0);
    const step = (t: number) => {
      const out = kpaReconcile(state, {
        nowSeconds: t,
        decider: { desiredScale: -1, excessBurstCapacity: -111 },
        settings,
        pods: { ready: 0, pending: 1 },
        sks: { specMode: 'Proxy', activatorEndpointsPopulatedSinceSeconds: 0 },
        activatorInPath: true,
        deploymentReplicas: 1,
      });
      state = out.state;
      return out;
    };
    const first = step(0);
    expect([first.want, first.applyReplicas, first.requeueAfterSeconds, state.active, state.reason]).toEqual([-1, undefined, 630, 'Activating', 'Queued']);
    // Before the timeout: nothing, and the requeue asked for is still the whole timeout.
    const early = step(300);
    expect([early.want, early.applyReplicas, early.requeueAfterSeconds]).toEqual([-1, undefined, 630]);
    // The requeue at 630 finds the timeout passed, as upstream's always does (it runs after some
    // latency and reads a transition time truncated to the second); a strict reading waited until 1260.
    const second = step(630);
    expect([second.want, second.applyReplicas, second.sksMode, state.active, state.reason, state.lastTransitionSeconds]).toEqual([0, 0, 'Proxy', 'Inactive', 'TimedOut', 630]);
  });
});

describe('scale from zero (spec §7.7)', () => {
  it('inactive at 0, desired 1: patch 1 and Activating; pod Ready: Active', () => {
    const settings: KpaSettings = { ...KPA_TEST, targetBurstCapacity: 211, totalValue: 100 };
    const inactive = pa('Inactive', { ago: HOUR, initialized: true, desired: 0, actual: 0 });
    const input = (t: number, ready: number, replicas: number): KpaScaleInput => ({
      nowSeconds: t,
      decider: { desiredScale: 1, excessBurstCapacity: Math.floor(ready * 100 - 211 - 1) },
      settings,
      pods: { ready },
      sks: { specMode: 'Proxy', activatorEndpointsPopulatedSinceSeconds: NOW - HOUR },
      activatorInPath: true,
      deploymentReplicas: replicas,
    });
    const a = kpaReconcile(inactive, input(NOW, 0, 0));
    expect([a.want, a.applyReplicas, a.sksMode, a.numActivators, a.state.active]).toEqual([1, 1, 'Proxy', 3, 'Activating']);
    const b = kpaReconcile(a.state, input(NOW + 7, 1, 1));
    expect([b.want, b.applyReplicas, b.sksMode, b.numActivators, b.state.active, b.state.lastTransitionSeconds]).toEqual([1, undefined, 'Proxy', 4, 'Active', NOW + 7]);
  });
});
