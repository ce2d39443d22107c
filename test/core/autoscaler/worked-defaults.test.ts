/**
 * The KPA spec's §5.4 worked defaults and capacity spec A7(b), run through the decider and the
 * KPA reconciler with the settings a CC = 0 revision resolves to under the real ConfigMap
 * defaults (target 70, total 100, TBC 211, panic ×2, up rate 1000, down rate 2, 60 s / 6 s).
 */
import { describe, expect, it } from 'vitest';
import {
  Decider,
  defaultAutoscalerConfig,
  kpaReconcile,
  resolveRevisionAutoscaling,
  type MetricSource,
  type PodAutoscalerState,
} from '../../../src/core/autoscaler/index.js';

const rev = resolveRevisionAutoscaling(defaultAutoscalerConfig, { containerConcurrency: 0 });
const spec = rev.deciderSpec;
const T = 1000;

/** Stable and panic concurrency fixed at `stable` and `panic`. */
const observed = (stable: number, panic = stable): MetricSource => ({
  stableAndPanicConcurrency: () => ({ stable, panic }),
  stableAndPanicRPS: () => ({ stable, panic }),
});

/** The SKS mode the KPA picks for this decider status, on a long-Active PA with `ready` pods. */
function sksMode(desired: number, ebc: number, ready: number): string {
  const pa: PodAutoscalerState = { active: 'Active', reason: '', lastTransitionSeconds: T - 3600, scaleTargetInitialized: true, desiredScale: desired, actualScale: ready };
  return kpaReconcile(pa, {
    nowSeconds: T,
    decider: { desiredScale: desired, excessBurstCapacity: ebc },
    settings: {
      minScale: rev.minScale,
      maxScale: rev.maxScale,
      initialScale: rev.initialScale,
      reachable: spec.reachable,
      enableScaleToZero: rev.enableScaleToZero,
      stableWindowSeconds: spec.stableWindowSeconds,
      scaleToZeroGracePeriodSeconds: rev.scaleToZeroGracePeriodSeconds,
      scaleToZeroPodRetentionPeriodSeconds: rev.scaleToZeroPodRetentionPeriodSeconds,
      targetBurstCapacity: spec.targetBurstCapacity,
      activationTimeoutSeconds: rev.activationTimeoutSeconds,
      totalValue: spec.totalValue,
      activatorCapacity: rev.activatorCapacity,
    },
    pods: { ready },
    sks: { specMode: 'Proxy', activatorEndpointsPopulatedSinceSeconds: T - 3600 },
    activatorInPath: true,
    deploymentReplicas: ready,
  }).sksMode;
}

describe('the defaults the worked numbers assume', () => {
  it('CC 0: target 70, total 100, TBC 211, panic 2.0, up 1000, down 2, windows 60 s / 6 s', () => {
    expect([spec.targetValue, spec.totalValue, spec.targetBurstCapacity, spec.panicThreshold, spec.maxScaleUpRate, spec.maxScaleDownRate]).toEqual([70, 100, 211, 2, 1000, 2]);
    expect([spec.stableWindowSeconds, rev.panicWindowSeconds]).toEqual([60, 6]);
  });
});

describe('KPA spec §5.4 and capacity spec A7(b): one evaluation with the defaults', () => {
  it.each([
    // [case, ready, stable, panic, desired, panicking, EBC, SKS mode]
    ['§5.4 cold start: 1 request, 0 ready ⇒ R 1, desired 1, 1/1 < 2 no panic, EBC floor(0 − 211 − 1)', 0, 1, 1, 1, false, -212, 'Proxy'],
    ['§5.4 burst: 300 in flight, 1 ready ⇒ dP ceil(300/70) = 5, 5/1 ≥ 2 panic, EBC floor(100 − 211 − 300)', 1, 300, 300, 5, true, -411, 'Proxy'],
    ['§5.4 steady 3 pods, no load ⇒ EBC floor(300 − 211 − 0) = 89 ≥ 0: Serve', 3, 0, 0, 1, false, 89, 'Serve'],
    ['§5.4 steady 2 pods, no load ⇒ EBC −11: Proxy', 2, 0, 0, 1, false, -11, 'Proxy'],
    ['A7(b): 280 in flight, 2 ready ⇒ desired ceil(280/70) = 4, 4/2 ≥ 2 panic, EBC floor(200 − 211 − 280)', 2, 280, 280, 4, true, -291, 'Proxy'],
    ['A7(b): both Pending pods Ready ⇒ EBC 400 − 211 − 280 = −91, still Proxy', 4, 280, 280, 4, false, -91, 'Proxy'],
    ['A7(b): a 5th ready pod ⇒ EBC +9: Serve', 5, 280, 280, 4, false, 9, 'Serve'],
  ] as const)('%s', (_c, ready, stable, panic, desired, panicking, ebc, mode) => {
    // Created with at most one ready pod so the decider does not start in panic.
    const d = new Decider(spec, { nowSeconds: T - 2, readyPods: Math.min(ready, 1) });
    const r = d.scale({ nowSeconds: T, readyPods: ready, metrics: observed(stable, panic) });
    expect(r).toEqual({ desiredPodCount: desired, excessBurstCapacity: ebc, scaleValid: true });
    expect(d.inPanic).toBe(panicking);
    expect(sksMode(desired, ebc, ready)).toBe(mode);
  });
});

describe('KPA spec §5.4: idle scale-down speed with the default down rate 2', () => {
  it('desired shrinks by at most floor(R/2) per tick as the ready count follows: 8 → 4 → 2 → 1 → 0', () => {
    const d = new Decider(spec, { nowSeconds: T - 2, readyPods: 1 });
    const chain: number[] = [8];
    for (let i = 0; i < 4; i++) chain.push(d.scale({ nowSeconds: T + 2 * i, readyPods: chain.at(-1)!, metrics: observed(0) }).desiredPodCount);
    expect(chain).toEqual([8, 4, 2, 1, 0]);
  });
});
