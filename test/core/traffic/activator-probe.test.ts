import { describe, expect, it } from 'vitest';
import { activatorProbeFoundAt, activatorProbeRoundAtOrAfter, QUEUE_PROXY_PROBE_RETRY_SECONDS } from '../../../src/core/traffic/index.js';

describe('activatorProbeFoundAt: the activator finds a starting pod', () => {
  // since: the address appeared; anchor: the revision watcher's ticker started; qp: the queue-proxy
  // listens; ready: the user container's readiness passes.
  it.each([
    // A watcher made with the pod's address: rounds at 0.5, 0.7, … 1.1 s fail (no queue-proxy); the one at 1.3 s starts the check, which passes at 1.75 s.
    { since: 0.5, anchor: 0.5, qp: 1.2, ready: 1.73, period: 0.2, found: 1.75 },
    // Ready exactly on a 50 ms step of the check.
    { since: 0.5, anchor: 0.5, qp: 1.2, ready: 1.6, period: 0.2, found: 1.6 },
    // Ready before the first round reaches the queue-proxy: that round's check passes at once.
    { since: 0.5, anchor: 0.5, qp: 1.2, ready: 1.25, period: 0.2, found: 1.3 },
    // A revision whose watcher ticks from 0: no round at 1.3 (a grid of the pod's own would have one), the one at 1.4 reaches the queue-proxy.
    { since: 0.5, anchor: 0, qp: 1.25, ready: 1.25, period: 0.2, found: 1.4 },
    // Ticks from 0.05 put a round on the queue-proxy's start, so the check passes at once.
    { since: 0.5, anchor: 0.05, qp: 1.25, ready: 1.25, period: 0.2, found: 1.25 },
    // The check's 50 ms steps follow the revision's tick (1.2), not the address (1.33 on a grid of the pod's own: found 1.73).
    { since: 0.53, anchor: 0, qp: 1.2, ready: 1.73, period: 0.2, found: 1.75 },
    // The queue-proxy is up when the address appears (a container restart): the Endpoints change's round starts the check then.
    { since: 10, anchor: 0, qp: 2, ready: 12.01, period: 0.2, found: 12.05 },
    // The queue-proxy comes up exactly on a tick: that round reaches it.
    { since: 0, anchor: 0, qp: 0.6, ready: 0.6, period: 0.2, found: 0.6 },
    // A slower probe period moves only the check's start.
    { since: 0, anchor: 0, qp: 0.1, ready: 3.02, period: 1, found: 3.05 },
  ])('since $since, ticks from $anchor, queue-proxy $qp, ready $ready, period $period → $found', ({ since, anchor, qp, ready, period, found }) => {
    expect(activatorProbeFoundAt({ sinceSeconds: since, tickerAnchorSeconds: anchor, probePeriodSeconds: period }, qp, ready)).toBeCloseTo(found, 9);
  });

  it('is never later than the revision tick after readiness (or the check\'s step, with the queue-proxy up from the start), and never before readiness', () => {
    for (let i = 0; i < 200; i++) {
      const anchor = (i % 5) * 0.03;
      const since = anchor + i * 0.37;
      const qp = since + (i % 7) * 0.13;
      const ready = qp + (i % 11) * 0.071;
      const found = activatorProbeFoundAt({ sinceSeconds: since, tickerAnchorSeconds: anchor, probePeriodSeconds: 0.2 }, qp, ready);
      // The queue-proxy up as the address appears: the check's steps run from the address; otherwise from a tick.
      const step = (from: number, by: number): number => from + Math.max(0, Math.ceil((ready - from) / by - 1e-9)) * by;
      const onTick = qp <= since ? step(since, QUEUE_PROXY_PROBE_RETRY_SECONDS) : step(anchor, 0.2);
      expect(found).toBeLessThanOrEqual(onTick + 1e-9);
      expect(found).toBeGreaterThanOrEqual(ready);
      expect(found - ready).toBeLessThan(Math.max(0.2, QUEUE_PROXY_PROBE_RETRY_SECONDS) + 1e-9);
    }
  });

  // 3 × 0.05 is 0.15000000000000002, 1e-12 s before this readiness: the step within the grid's
  // float slack. Found then, the pod would be found before it is ready, and the event that
  // marks it found scheduled in the past (knsim stopped with an internal error).
  it.each([
    { since: 0, qp: 0, ready: 0.150000000001, period: 0.2 },
    { since: 77.2, qp: 77.2, ready: 77.2 + 0.15 + 1e-12, period: 0.2 },
  ])('a readiness a hair after a 50 ms step of the check is found at readiness, not before ($ready)', ({ since, qp, ready, period }) => {
    expect(activatorProbeFoundAt({ sinceSeconds: since, tickerAnchorSeconds: 0, probePeriodSeconds: period }, qp, ready)).toBe(ready);
  });

  it('refuses a probe period that is not positive, and times that are not numbers', () => {
    expect(() => activatorProbeFoundAt({ sinceSeconds: 0, tickerAnchorSeconds: 0, probePeriodSeconds: 0 }, 0, 1)).toThrow(/probePeriodSeconds/);
    expect(() => activatorProbeFoundAt({ sinceSeconds: 0, tickerAnchorSeconds: 0, probePeriodSeconds: 0.2 }, Number.NaN, 1)).toThrow(/queueProxyUpSeconds/);
    expect(() => activatorProbeFoundAt({ sinceSeconds: 0, tickerAnchorSeconds: Number.NaN, probePeriodSeconds: 0.2 }, 0, 1)).toThrow(/tickerAnchorSeconds/);
  });
});

describe('activatorProbeRoundAtOrAfter: a pod is probed as its Endpoints change, then on the revision ticks', () => {
  const rounds = { sinceSeconds: 3.03, tickerAnchorSeconds: 1, probePeriodSeconds: 0.2 };
  it.each([
    { t: 0, want: 3.03 },
    { t: 3.03, want: 3.03 },
    // The next tick after the address: 1 + 11 × 0.2, not 3.03 + 0.2.
    { t: 3.04, want: 3.2 },
    { t: 3.2, want: 3.2 },
    { t: 3.21, want: 3.4 },
  ])('first round at or after $t → $want', ({ t, want }) => {
    expect(activatorProbeRoundAtOrAfter(rounds, t)).toBeCloseTo(want, 9);
  });
});
