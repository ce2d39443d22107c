import { describe, expect, it } from 'vitest';
import { kubeletNotReadyAt, kubeletReadyAgainAt, podReadinessProbe } from '../../../src/core/traffic/index.js';

describe('podReadinessProbe: the kubelet probes the queue-proxy with the user probe as Knative and Kubernetes default it', () => {
  it.each([
    // No probe written (Knative's TCP default, no period): the API server's defaults, aggressive.
    { user: undefined, want: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1, aggressive: true } },
    // periodSeconds 0 written is the same as unset; a successThreshold is kept.
    { user: { periodSeconds: 0, successThreshold: 2 }, want: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 2, aggressive: true } },
    // A period: Knative fills in failureThreshold 3 and timeoutSeconds 1 itself.
    { user: { periodSeconds: 2 }, want: { initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1, aggressive: false } },
    { user: { periodSeconds: 2, failureThreshold: 1, timeoutSeconds: 5, successThreshold: 3 }, want: { initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 1, successThreshold: 3, aggressive: false } },
    // An initial delay is kept as written (nothing defaults it); the probe stays aggressive without a period.
    { user: { initialDelaySeconds: 10 }, want: { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1, aggressive: true } },
  ])('$user → $want', ({ user, want }) => {
    expect(podReadinessProbe(user)).toEqual(want);
  });
});

describe('kubeletNotReadyAt / kubeletReadyAgainAt: the Ready condition follows the probe ticker', () => {
  const dflt = podReadinessProbe(undefined);
  const every2 = podReadinessProbe({ periodSeconds: 2, failureThreshold: 1 });
  const every2twice = podReadinessProbe({ periodSeconds: 2, failureThreshold: 2, successThreshold: 2 });
  it.each([
    // Ticks at 3, 13, 23, 33 …; failing from 30: probes at 33, 43, 53 fail, the last one times out at 54.
    { name: 'default', p: dflt, anchor: 3, at: 30, want: 54 },
    // A failure starting on a tick: that probe fails.
    { name: 'default, on a tick', p: dflt, anchor: 0, at: 30, want: 51 },
    // Every 2 s, one failure: the next tick (ticks at 0.5, 2.5, …).
    { name: 'period 2, threshold 1', p: every2, anchor: 0.5, at: 30, want: 30.5 },
    { name: 'period 2, threshold 2', p: every2twice, anchor: 0.5, at: 30, want: 32.5 },
  ])('NotReady, $name: ticker from $anchor, failing from $at → $want', ({ p, anchor, at, want }) => {
    expect(kubeletNotReadyAt(p, anchor, at)).toBeCloseTo(want, 9);
  });

  it.each([
    // Ticks at 3, 13, …, 53: the probe from 53 waits on the queue-proxy; passing at 53.42 it answers at the 50 ms step 53.45.
    { name: 'default, probe in flight', p: dflt, anchor: 3, at: 53.42, want: 53.45 },
    // Passing 1 s or more after the last probe started: the next probe, at 63.
    { name: 'default, next tick', p: dflt, anchor: 3, at: 54, want: 63 },
    { name: 'default, between ticks', p: dflt, anchor: 3, at: 58, want: 63 },
    // Not aggressive: the next tick, at once.
    { name: 'period 2', p: every2, anchor: 0.5, at: 40.2, want: 40.5 },
    { name: 'period 2, on a tick', p: every2, anchor: 0.5, at: 40.5, want: 40.5 },
    // Two successes: the tick after the next.
    { name: 'period 2, threshold 2', p: every2twice, anchor: 0.5, at: 40.2, want: 42.5 },
  ])('Ready again, $name: ticker from $anchor, passing from $at → $want', ({ p, anchor, at, want }) => {
    expect(kubeletReadyAgainAt(p, anchor, at)).toBeCloseTo(want, 9);
  });

  // 1e-12 s after the tick at 10.142857142857142: within the grid's float slack. The probe there
  // must not come before the instant asked about, or its event would be scheduled in the past.
  it.each([
    { name: 'NotReady', f: kubeletNotReadyAt },
    { name: 'Ready again', f: kubeletReadyAgainAt },
  ])('$name a hair after a tick of a 2 s probe with thresholds 1 is that instant, not the tick before it', ({ f }) => {
    const at = 0.14285714285714285 + 10 + 1e-12;
    expect(f(every2, 0.14285714285714285, at)).toBe(at);
  });

  it('NotReady is (failureThreshold − 1) periods plus less than one period after the failure (plus the timeout when aggressive)', () => {
    for (let i = 0; i < 100; i++) {
      const anchor = i * 0.731;
      const at = 100 + i * 0.377;
      const d = kubeletNotReadyAt(dflt, anchor, at) - at;
      expect(d).toBeGreaterThanOrEqual(2 * 10 + 1 - 1e-9);
      expect(d).toBeLessThan(3 * 10 + 1);
      const r = kubeletReadyAgainAt(dflt, anchor, at) - at;
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(9 + 1e-9);
    }
  });
});
