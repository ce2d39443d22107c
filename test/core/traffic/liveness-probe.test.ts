import { describe, expect, it } from 'vitest';
import { livenessKillAt, livenessProbe, probeFailsWhenHung } from '../../../src/core/traffic/index.js';

describe('livenessProbe: the API server defaults what is unset or 0', () => {
  it.each([
    { written: {}, want: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, handler: 'httpGet' } },
    { written: { periodSeconds: 0, timeoutSeconds: 0, failureThreshold: 0 }, want: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, handler: 'httpGet' } },
    { written: { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 4, failureThreshold: 6 }, want: { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 4, failureThreshold: 6, handler: 'httpGet' } },
  ])('$written', ({ written, want }) => {
    expect(livenessProbe(written, 'httpGet')).toEqual(want);
  });
});

describe('probeFailsWhenHung: only a probe that waits for the app fails', () => {
  it.each([
    { handler: 'httpGet', fails: true },
    { handler: 'grpc', fails: true },
    // The kernel completes the handshake of a listening socket.
    { handler: 'tcpSocket', fails: false },
    // Its own command, untouched by the app's hang.
    { handler: 'exec', fails: false },
  ] as const)('$handler', ({ handler, fails }) => {
    expect(probeFailsWhenHung(handler)).toBe(fails);
  });
});

describe('livenessKillAt: the failureThreshold-th failing probe from the hang, known as its timeout ends', () => {
  const dflt = livenessProbe({}, 'httpGet');
  const fast = livenessProbe({ periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 5 }, 'grpc');
  const slow = livenessProbe({ periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 3 }, 'httpGet');
  const delayed = livenessProbe({ initialDelaySeconds: 30 }, 'httpGet');
  it.each([
    // Ticks at 1, 11, 21 …; hung at 60: probes at 61, 71, 81 fail; the third times out at 82.
    { name: 'default', p: dflt, anchor: 1, from: 3, hung: 60, want: 82 },
    // A probe starting exactly as the app hangs fails.
    { name: 'hung on a tick', p: dflt, anchor: 1, from: 3, hung: 61, want: 82 },
    { name: 'hung just after a tick', p: dflt, anchor: 1, from: 3, hung: 61.001, want: 92 },
    // Every 2 s from 0.5, 5 failures: 40.5, 42.5, 44.5, 46.5, 48.5 (+1).
    { name: 'every 2 s, five failures', p: fast, anchor: 0.5, from: 3, hung: 40.2, want: 49.5 },
    // A 5 s timeout on a 2 s period: each probe ends at +5 with a tick kept, so the next starts at once: 11, 16, 21 (+5).
    { name: 'timeout longer than the period', p: slow, anchor: 1, from: 3, hung: 10, want: 26 },
    // Started at 40 with a 30 s initial delay: ticks before 70 are skipped; 71, 81, 91 fail.
    { name: 'initial delay holds the first probe', p: delayed, anchor: 1, from: 70, hung: 45, want: 92 },
    { name: 'initial delay long over', p: delayed, anchor: 1, from: 70, hung: 200, want: 222 },
  ])('$name', ({ p, anchor, from, hung, want }) => {
    expect(livenessKillAt(p, anchor, from, hung)).toBeCloseTo(want, 9);
  });

  // Kubernetes takes any int32 failureThreshold: past the probes stepped one by one, each adds max(period, timeout).
  it.each([
    // Ticks at 1, 11, …; hung at 60: the first probe at 61, the 2147483647th at 61 + 2147483646 × 10, known 1 s later.
    { name: 'default timing, the int32 maximum', p: livenessProbe({ failureThreshold: 2147483647 }, 'httpGet'), want: 61 + 2147483646 * 10 + 1 },
    // A 5 s timeout on a 2 s period: each probe starts as the one before ends, 5 s apart, from 61.
    { name: 'timeout longer than the period, 5000 failures', p: livenessProbe({ periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 5000 }, 'httpGet'), want: 61 + 4999 * 5 + 5 },
    // Just past the stepped probes: the same as one more step.
    { name: 'every 10 s, 1002 failures', p: livenessProbe({ failureThreshold: 1002 }, 'httpGet'), want: 61 + 1001 * 10 + 1 },
  ])('$name', ({ p, want }) => {
    expect(livenessKillAt(p, 1, 3, 60)).toBeCloseTo(want, 3);
  });

  it('the work does not grow with failureThreshold (stepping each of an int32 maximum took a minute)', () => {
    let reads = 0;
    const p = { ...livenessProbe({ failureThreshold: 1_000_000 }, 'httpGet'), get timeoutSeconds() { reads++; return 1; } };
    expect(livenessKillAt(p, 1, 3, 60)).toBeCloseTo(61 + 999_999 * 10 + 1, 3);
    expect(reads).toBeLessThan(1100);
  });

  it('a failureThreshold past the stepped probes agrees with stepping them all', () => {
    // 1001 and 1000 probes: the first counts one at once, the second steps every one.
    const p = livenessProbe({ periodSeconds: 3, timeoutSeconds: 2, failureThreshold: 1001 }, 'grpc');
    expect(livenessKillAt(p, 0.5, 3, 100)! - livenessKillAt({ ...p, failureThreshold: 1000 }, 0.5, 3, 100)!).toBeCloseTo(3, 9);
  });

  it('never kills through a probe the hang does not fail', () => {
    expect(livenessKillAt(livenessProbe({}, 'tcpSocket'), 1, 3, 60)).toBeUndefined();
    expect(livenessKillAt(livenessProbe({}, 'exec'), 1, 3, 60)).toBeUndefined();
  });

  it('refuses timing the API server would not have defaulted', () => {
    expect(() => livenessKillAt({ ...dflt, failureThreshold: 0 }, 1, 3, 60)).toThrow(/failureThreshold/);
    expect(() => livenessKillAt(dflt, Number.NaN, 3, 60)).toThrow(/anchorSeconds/);
  });
});
