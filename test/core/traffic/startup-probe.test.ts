import { describe, expect, it } from 'vitest';
import { podReadinessProbe, readyAfterStartup, startupProbe, startupProbeOutcome } from '../../../src/core/traffic/index.js';

describe('startupProbe: the API server defaults what is unset or 0', () => {
  it.each([
    { written: {}, want: { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3 } },
    { written: { periodSeconds: 0, failureThreshold: 0 }, want: { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3 } },
    { written: { initialDelaySeconds: 5, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 4 }, want: { initialDelaySeconds: 5, periodSeconds: 2, failureThreshold: 30 } },
  ])('$written', ({ written, want }) => {
    expect(startupProbe(written)).toEqual(want);
  });
});

describe('startupProbeOutcome: passes at the first tick the app answers, or the container is killed at the failureThreshold-th failure', () => {
  const dflt = startupProbe({});
  const every2 = startupProbe({ periodSeconds: 2, failureThreshold: 5 });
  const delayed = startupProbe({ initialDelaySeconds: 7, periodSeconds: 2 });
  it.each([
    // Ticker from the pod's start at 1 s: 11, 21, 31 …; running 3, answering 4: the tick at 11 passes.
    { name: 'default: the first tick', p: dflt, anchor: 1, running: 3, passes: 4, want: { startedSeconds: 11 } },
    // Answering at 25: 11 fails, 21 fails, 31 passes (2 failures < 3).
    { name: 'default: two failures, then a pass', p: dflt, anchor: 1, running: 3, passes: 25, want: { startedSeconds: 31 } },
    // Answering at 31.5: 11, 21 and 31 fail: killed at 31.
    { name: 'default: killed at the third failure', p: dflt, anchor: 1, running: 3, passes: 31.5, want: { killedSeconds: 31 } },
    // An app answering exactly at a tick passes it.
    { name: 'default: an answer on the tick', p: dflt, anchor: 1, running: 3, passes: 31, want: { startedSeconds: 31 } },
    // Never answering: killed at the third probe.
    { name: 'default: never answers', p: dflt, anchor: 1, running: 3, passes: Number.POSITIVE_INFINITY, want: { killedSeconds: 31 } },
    // The worker's first probe, at the anchor itself, comes before any container runs: the first tick after it counts.
    { name: 'running at the anchor', p: dflt, anchor: 1, running: 1, passes: 1, want: { startedSeconds: 11 } },
    // Every 2 s from 0.5, 5 failures: a restart running at 40.2, answering at 47: 40.5 … 46.5 fail (4), 48.5 passes.
    { name: 'every 2 s, a restart', p: every2, anchor: 0.5, running: 40.2, passes: 47, want: { startedSeconds: 48.5 } },
    { name: 'every 2 s, killed at the fifth failure', p: every2, anchor: 0.5, running: 40.2, passes: 49, want: { killedSeconds: 48.5 } },
    // Initial delay 7 s from the start at 3: ticks at 5 and 9 are skipped (9 < 10), 11 is the first probe.
    { name: 'initial delay', p: delayed, anchor: 1, running: 3, passes: 4, want: { startedSeconds: 11 } },
    { name: 'initial delay, killed', p: delayed, anchor: 1, running: 3, passes: 100, want: { killedSeconds: 15 } },
  ])('$name', ({ p, anchor, running, passes, want }) => {
    const got = startupProbeOutcome(p, anchor, running, passes);
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const [k, v] of Object.entries(want)) expect(got[k as keyof typeof got]).toBeCloseTo(v, 9);
  });

  it('refuses a non-finite anchor or start', () => {
    expect(() => startupProbeOutcome(dflt, Number.NaN, 3, 4)).toThrow(/anchorSeconds/);
    expect(() => startupProbeOutcome(dflt, 1, Number.NaN, 4)).toThrow(/runningSeconds/);
  });
});

describe('readyAfterStartup: Ready once started, the queue-proxy asked by the status sync the pass causes', () => {
  const dflt = podReadinessProbe(undefined);
  const every5 = podReadinessProbe({ periodSeconds: 5 });
  const delay20 = podReadinessProbe({ initialDelaySeconds: 20 });
  it.each([
    // The queue-proxy Ready at 4.6 (its own timing), started at 11: Ready at 11.
    { name: 'queue-proxy ready first', p: dflt, qpStarted: 3, passes: 4, started: 11, qpReady: 4.6, want: 11 },
    // Every 5 s from 1: the queue-proxy would pass only at the tick at 16; started at 11, the probe asked then passes.
    { name: 'the sync asks the queue-proxy', p: every5, qpStarted: 3, passes: 4, started: 11, qpReady: 16, want: 11 },
    // The queue-proxy's initial delay (to 23) still runs at 11: its own first probe decides.
    { name: 'queue-proxy initial delay', p: delay20, qpStarted: 3, passes: 4, started: 11, qpReady: 24.3, want: 24.3 },
  ])('$name', ({ p, qpStarted, passes, started, qpReady, want }) => {
    expect(readyAfterStartup(p, 1, qpStarted, passes, started, qpReady)).toBeCloseTo(want, 9);
  });
});
