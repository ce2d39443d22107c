import { describe, expect, it } from 'vitest';
import { activatorProbeFoundAt, QUEUE_PROXY_PROBE_RETRY_SECONDS } from '../../../src/core/traffic/index.js';

describe('activatorProbeFoundAt: the activator finds a starting pod', () => {
  // since: the address appeared; qp: the queue-proxy listens; ready: the user container's readiness passes.
  it.each([
    // Rounds at 0.5, 0.7, … 1.1 s fail (no queue-proxy); the one at 1.3 s starts the check, which passes at 1.75 s.
    { since: 0.5, qp: 1.2, ready: 1.73, period: 0.2, found: 1.75 },
    // Ready exactly on a 50 ms step of the check.
    { since: 0.5, qp: 1.2, ready: 1.6, period: 0.2, found: 1.6 },
    // Ready before the first round reaches the queue-proxy: that round's check passes at once.
    { since: 0.5, qp: 1.2, ready: 1.25, period: 0.2, found: 1.3 },
    // The queue-proxy is up when the address appears (a container restart): the check starts then.
    { since: 10, qp: 2, ready: 12.01, period: 0.2, found: 12.05 },
    // The queue-proxy comes up exactly on a round: that round reaches it.
    { since: 0, qp: 0.6, ready: 0.6, period: 0.2, found: 0.6 },
    // A slower probe period moves only the check's start.
    { since: 0, qp: 0.1, ready: 3.02, period: 1, found: 3.05 },
  ])('since $since, queue-proxy $qp, ready $ready, period $period → $found', ({ since, qp, ready, period, found }) => {
    expect(activatorProbeFoundAt(since, qp, ready, period)).toBeCloseTo(found, 9);
  });

  it('is never later than the probe period grid from the address, and never before readiness', () => {
    for (let i = 0; i < 200; i++) {
      const since = i * 0.37;
      const qp = since + (i % 7) * 0.13;
      const ready = qp + (i % 11) * 0.071;
      const found = activatorProbeFoundAt(since, qp, ready, 0.2);
      const onPeriodGrid = since + Math.max(0, Math.ceil((ready - since) / 0.2 - 1e-9)) * 0.2;
      expect(found).toBeLessThanOrEqual(onPeriodGrid + 1e-9);
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
    expect(activatorProbeFoundAt(since, qp, ready, period)).toBe(ready);
  });

  it('refuses a probe period that is not positive', () => {
    expect(() => activatorProbeFoundAt(0, 0, 1, 0)).toThrow(/probePeriodSeconds/);
    expect(() => activatorProbeFoundAt(0, Number.NaN, 1, 0.2)).toThrow(/queueProxyUpSeconds/);
  });
});
