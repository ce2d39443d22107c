import { describe, expect, it } from 'vitest';
import { firstReadyFollowsPodStart, kubeletFirstReadyAt, podReadinessProbe } from '../../../src/core/traffic/index.js';

describe('firstReadyFollowsPodStart: only Knative default probing keeps the podStart readiness and kubeletReadyLag phases', () => {
  it.each([
    { user: undefined, want: true },
    { user: { periodSeconds: 0 }, want: true },
    { user: { initialDelaySeconds: 0, successThreshold: 1 }, want: true },
    { user: { initialDelaySeconds: 10 }, want: false },
    { user: { periodSeconds: 10 }, want: false },
    { user: { successThreshold: 2 }, want: false },
  ])('$user → $want', ({ user, want }) => {
    expect(firstReadyFollowsPodStart(podReadinessProbe(user))).toBe(want);
  });
});

describe('kubeletFirstReadyAt: the first Ready of a new pod follows the kubelet probe worker', () => {
  const delay10 = podReadinessProbe({ initialDelaySeconds: 10 });
  const every10 = podReadinessProbe({ periodSeconds: 10 });
  const twice = podReadinessProbe({ successThreshold: 2 });
  it.each([
    // periodSeconds 10: the probe asked for at container start (2) fails, the app passing at 2.5; the next tick is 10.5.
    { name: 'period 10, app passes after start', p: every10, anchor: 0.5, started: 2, passes: 2.5, want: 10.5 },
    // The app passes as the container starts: the probe asked for then passes.
    { name: 'period 10, app passes at start', p: every10, anchor: 0.5, started: 2, passes: 2, want: 2 },
    // initialDelaySeconds 10 from a start at 2: no probe before 12; ticks at 10.5, 20.5: Ready at 20.5.
    { name: 'initial delay 10, first tick after it', p: delay10, anchor: 0.5, started: 2, passes: 2.5, want: 20.5 },
    // A tick exactly 10 s after the start is not skipped.
    { name: 'initial delay 10, tick at the delay', p: delay10, anchor: 0.5, started: 0.5, passes: 1, want: 10.5 },
    // Aggressive probing: the probe from 20.5 waits on the queue-proxy, which passes at its 50 ms step 20.9.
    { name: 'initial delay 10, app passes during the probe', p: delay10, anchor: 0.5, started: 2, passes: 20.9, want: 20.9 },
    // Passing after that probe's 1 s timeout (21.5): the next tick, 30.5.
    { name: 'initial delay 10, app passes after the probe timed out', p: delay10, anchor: 0.5, started: 2, passes: 21.6, want: 30.5 },
    // successThreshold 2: the start probe passes at 2.5 (queue-proxy step), the second success is the tick at 10.5.
    { name: 'success threshold 2', p: twice, anchor: 0.5, started: 2, passes: 2.5, want: 10.5 },
    // The tick at 10 fires while the start probe (9.8) waits: taken as that probe passes at 10.3, and passes too.
    { name: 'success threshold 2, tick while a probe waits', p: twice, anchor: 0, started: 9.8, passes: 10.3, want: 10.3 },
    // Every 3 s from 0, 5 s delay after a start at 1, three successes: 6, 9, 12.
    {
      name: 'period 3, delay 5, success threshold 3',
      p: podReadinessProbe({ periodSeconds: 3, initialDelaySeconds: 5, successThreshold: 3 }),
      anchor: 0,
      started: 1,
      passes: 1.2,
      want: 12,
    },
    // An app that passes after an hour: the next 1 s tick.
    { name: 'period 1, an hour to pass', p: podReadinessProbe({ periodSeconds: 1 }), anchor: 0, started: 5, passes: 3600.3, want: 3601 },
  ])('$name: ticker from $anchor, started $started, passing from $passes → Ready at $want', ({ p, anchor, started, passes, want }) => {
    expect(kubeletFirstReadyAt(p, anchor, started, passes)).toBeCloseTo(want, 9);
  });

  // Kubernetes takes any int32 successThreshold on a readiness probe: stepping each of 2147483647 probes hung the run for minutes.
  it.each([
    // Every 1 s from 0, the app passing at 5 as the container starts: successes at 5, 6, …; the 2147483647th at 5 + 2147483646.
    { name: 'period 1, the int32 maximum', p: podReadinessProbe({ periodSeconds: 1, successThreshold: 2147483647 }), anchor: 0, started: 5, passes: 5, want: 5 + 2147483646 },
    // Every 3 s from 0.5, started at 2 and passing at 2.5: the start probe fails (no aggressive probing with a period), then 3.5, 6.5, …
    { name: 'period 3, 5000 successes', p: podReadinessProbe({ periodSeconds: 3, successThreshold: 5000 }), anchor: 0.5, started: 2, passes: 2.5, want: 3.5 + 4999 * 3 },
  ])('$name → Ready at $want', ({ p, anchor, started, passes, want }) => {
    expect(kubeletFirstReadyAt(p, anchor, started, passes)).toBeCloseTo(want, 3);
  });

  it('a successThreshold past the stepped probes agrees with stepping them all, one period later each', () => {
    const p = podReadinessProbe({ periodSeconds: 2, initialDelaySeconds: 3, successThreshold: 1002 });
    const stepped = kubeletFirstReadyAt({ ...p, successThreshold: 1001 }, 0.25, 1, 7.7);
    expect(kubeletFirstReadyAt(p, 0.25, 1, 7.7) - stepped).toBeCloseTo(2, 9);
  });

  it('the work does not grow with successThreshold', () => {
    let reads = 0;
    const p = { ...podReadinessProbe({ periodSeconds: 1 }), get successThreshold() { reads++; return 1_000_000; } };
    expect(kubeletFirstReadyAt(p, 0, 5, 5.5)).toBeCloseTo(6 + 999_999, 3);
    expect(reads).toBeLessThan(100);
  });
});
