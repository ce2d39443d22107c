import { describe, expect, it } from 'vitest';
import {
  activatorEndpointsPopulated,
  effectiveSksMode,
  proxyForSeconds,
  reconcileSksStatus,
  type SksMode,
} from '../../../src/core/autoscaler/sks.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

describe('effectiveSksMode', () => {
  it.each([
    // [spec, private ready, activators ready, effective]
    ['Serve', 3, 2, 'Serve'],
    ['Proxy', 3, 2, 'Proxy'],
    ['Serve', 0, 2, 'Proxy'], // no pods: activator must take the requests
    ['Proxy', 3, 0, 'Serve'], // no activators: send to the pods
    ['Serve', 0, 0, 'Serve'], // both zero: the Serve override is applied last
    ['Proxy', 0, 0, 'Serve'],
  ] as const)('spec %s, %i pods, %i activators → %s', (spec, pods, acts, want) => {
    expect(effectiveSksMode(spec, pods, acts)).toBe(want);
  });

  it.each([
    ['an unknown mode', () => effectiveSksMode('proxy' as SksMode, 1, 1)],
    ['negative pods', () => effectiveSksMode('Serve', -1, 1)],
    ['NaN activators', () => effectiveSksMode('Serve', 1, Number.NaN)],
  ])('rejects %s', (_l, f) => {
    expect(f).toThrow(InvalidArgumentError);
  });
});

describe('ActivatorEndpointsPopulated', () => {
  it.each([
    ['Proxy', 3, true],
    ['Serve', 3, false],
    ['Serve', 0, true],
    ['Proxy', 0, true],
  ] as const)('spec %s with %i ready pods → %s', (spec, pods, want) => {
    expect(activatorEndpointsPopulated(spec, pods)).toBe(want);
  });

  it('keeps its transition time while True and clears it when False', () => {
    const steps: Array<[number, SksMode, number, number | undefined]> = [
      // [now, spec mode, private ready, since after the reconcile]
      [10, 'Serve', 2, undefined],
      [20, 'Proxy', 2, 20],
      [25, 'Proxy', 1, 20],
      [30, 'Serve', 0, 20], // no pods: still True, time kept
      [40, 'Serve', 3, undefined],
      [50, 'Proxy', 3, 50],
    ];
    let since: number | undefined;
    for (const [now, specMode, ready, want] of steps) {
      const st = reconcileSksStatus({ nowSeconds: now, specMode, privateReadyPods: ready, activatorReadyEndpoints: 3, prevActivatorEndpointsPopulatedSinceSeconds: since });
      expect(st.activatorEndpointsPopulatedSinceSeconds).toBe(want);
      expect(st.endpointsPopulated).toBe(ready > 0);
      since = st.activatorEndpointsPopulatedSinceSeconds;
    }
  });

  it.each([
    [undefined, 100, 0],
    [70, 100, 30],
    [100, 100, 0],
  ])('ProxyFor(since %s, now %i) = %i', (since, now, want) => {
    expect(proxyForSeconds(since, now)).toBe(want);
  });

  it('rejects a transition in the future', () => {
    expect(() => proxyForSeconds(101, 100)).toThrow(InvalidArgumentError);
    expect(() =>
      reconcileSksStatus({ nowSeconds: 100, specMode: 'Proxy', privateReadyPods: 1, activatorReadyEndpoints: 1, prevActivatorEndpointsPopulatedSinceSeconds: 200 }),
    ).toThrow(InvalidArgumentError);
  });
});
