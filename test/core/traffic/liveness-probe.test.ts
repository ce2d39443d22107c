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

  it('never kills through a probe the hang does not fail', () => {
    expect(livenessKillAt(livenessProbe({}, 'tcpSocket'), 1, 3, 60)).toBeUndefined();
    expect(livenessKillAt(livenessProbe({}, 'exec'), 1, 3, 60)).toBeUndefined();
  });

  it('refuses timing the API server would not have defaulted', () => {
    expect(() => livenessKillAt({ ...dflt, failureThreshold: 0 }, 1, 3, 60)).toThrow(/failureThreshold/);
    expect(() => livenessKillAt(dflt, Number.NaN, 3, 60)).toThrow(/anchorSeconds/);
  });
});
