import { describe, expect, it } from 'vitest';
import { kubeletReadyAfterRestart, podReadinessProbe, type RestartFacts } from '../../../src/core/traffic/index.js';

const dflt = podReadinessProbe(undefined);
const every2 = podReadinessProbe({ periodSeconds: 2, failureThreshold: 1 });
const delay10 = podReadinessProbe({ initialDelaySeconds: 10 });

/** A pod Ready when its app stopped answering at 30 s, its queue-proxy up since 0. */
const facts = (over: Partial<RestartFacts>): RestartFacts => ({
  queueProxyReady: true,
  downSinceSeconds: 30,
  queueProxyStartedSeconds: 0,
  runningSeconds: 31,
  passesSeconds: 31.5,
  userContainerProbed: false,
  ...over,
});

describe('kubeletReadyAfterRestart: the pod is Ready again as the container runs, or at the queue-proxy probe after the app answers', () => {
  it.each([
    // Default probe, ticks at 3, 13, 23 …: failing from 30 the queue-proxy would be NotReady at 54 (probe from 53).
    // Restarted at once: the app answers at 31.5, long before: Ready as the container runs.
    { name: 'default, short outage', p: dflt, anchor: 3, f: facts({}), want: { readyAt: 31 } },
    // Back-off 40 s: the queue-proxy failed at 54; the restart's status sync asks for a probe at 71, held until the app answers at 71.5.
    { name: 'default, long outage, app answers within the probe', p: dflt, anchor: 3, f: facts({ runningSeconds: 71, passesSeconds: 71.5 }), want: { readyAt: 71.5 } },
    // The app answers at 74.2: the probe from 71 times out at 72, the tick at 73 at 74; the tick at 83 passes.
    { name: 'default, long outage, next tick', p: dflt, anchor: 3, f: facts({ runningSeconds: 71, passesSeconds: 74.2 }), want: { readyAt: 83 } },
    // Running at 53.7, before the queue-proxy's third failure (53 → 54), the app answering only at 54.2:
    // Ready, NotReady at 54, Ready again at the tick at 63 (the probe from 53 had timed out).
    {
      name: 'default, the queue-proxy fails after the restart',
      p: dflt,
      anchor: 3,
      f: facts({ runningSeconds: 53.7, passesSeconds: 54.2 }),
      want: { readyAt: 53.7, notReadyAt: 54, readyAgainAt: 63 },
    },
    // The app answers at 53.9, inside the probe from 53: that third probe passes, the queue-proxy never fails.
    { name: 'default, the third probe passes', p: dflt, anchor: 3, f: facts({ runningSeconds: 53.7, passesSeconds: 53.9 }), want: { readyAt: 53.7 } },
    // Not Ready when the app stopped (e.g. still starting): the probe asked at the restart decides.
    { name: 'default, queue-proxy not ready before', p: dflt, anchor: 3, f: facts({ queueProxyReady: false }), want: { readyAt: 31.5 } },
    // Every 2 s, one failure: ticks at 30.5, 32.5 …; the probe at 30.5 fails, so the restart's probe at 31 does too; Ready at 32.5.
    { name: 'period 2, threshold 1, failed', p: every2, anchor: 0.5, f: facts({}), want: { readyAt: 32.5 } },
    // The app answers at 30.4, before the tick at 30.5: no failure, Ready as it runs at 30.2.
    { name: 'period 2, threshold 1, in time', p: every2, anchor: 0.5, f: facts({ runningSeconds: 30.2, passesSeconds: 30.4 }), want: { readyAt: 30.2 } },
    // The queue-proxy's initial delay (from its start at 25) still runs at the restart: its first probe is the tick at 43.
    {
      name: 'queue-proxy initial delay',
      p: delay10,
      anchor: 3,
      f: facts({ queueProxyReady: false, queueProxyStartedSeconds: 25 }),
      want: { readyAt: 43 },
    },
    // An exec probe on the user container: its own probe at the start (31) fails, the tick at 33 passes.
    { name: 'user container probed, short outage', p: dflt, anchor: 3, f: facts({ userContainerProbed: true }), want: { readyAt: 33 } },
    // Its initialDelaySeconds counts from the restart: nothing before 41, the tick at 43.
    { name: 'user container probed, initial delay', p: delay10, anchor: 3, f: facts({ userContainerProbed: true }), want: { readyAt: 43 } },
    // Long outage: both the user container's probe and the queue-proxy's pass at the tick at 83.
    {
      name: 'user container probed, long outage',
      p: dflt,
      anchor: 3,
      f: facts({ userContainerProbed: true, runningSeconds: 71, passesSeconds: 74.2 }),
      want: { readyAt: 83 },
    },
    // A startup probe that passes at 35 (startupProbeOutcome): the container is ready from then, the queue-proxy never failed.
    { name: 'startup probe, short outage', p: dflt, anchor: 3, f: facts({ startedSeconds: 35 }), want: { readyAt: 35 } },
    // Long outage: the queue-proxy failed at 54 and would pass only at the tick at 83; the startup probe passing at 80
    // syncs the status, which asks the queue-proxy's probe then, and it passes (the app answers since 74.2).
    {
      name: 'startup probe, long outage: its status sync asks the queue-proxy',
      p: dflt,
      anchor: 3,
      f: facts({ runningSeconds: 71, passesSeconds: 74.2, startedSeconds: 80 }),
      want: { readyAt: 80 },
    },
  ])('$name', ({ p, anchor, f, want }) => {
    const got = kubeletReadyAfterRestart(p, anchor, f);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) expect(got[k as keyof typeof got]).toBeCloseTo(v, 9);
  });

  it('refuses a non-finite instant', () => {
    expect(() => kubeletReadyAfterRestart(dflt, 0, facts({ passesSeconds: Number.NaN }))).toThrow(/passesSeconds/);
  });
});
