import { describe, expect, it } from 'vitest';
import { nextTickAfter, roundEndsAt, roundProbe, type RoundProbe } from '../../../src/core/traffic/index.js';

const NaN_ = Number.NaN;

describe('roundProbe: one address probed in a round (revision_backends.go probePodIPs, queue readiness/probe.go)', () => {
  it.each([
    // No queue-proxy listening yet: connection refused, back at once.
    { name: 'queue-proxy not up', s: 1.0, qp: 1.2, ready: 1.73, from: NaN_, aggressive: true, want: { kind: 'fails' }, checkFrom: NaN_ },
    { name: 'queue-proxy not known to be up', s: 1.0, qp: NaN_, ready: NaN_, from: NaN_, aggressive: true, want: { kind: 'fails' }, checkFrom: NaN_ },
    // The round starts the check at 1.2; the container passes at 1.73, the check's step at 1.75 is after the 300 ms timeout (1.5).
    { name: 'check outlasts the timeout', s: 1.2, qp: 1.2, ready: 1.73, from: NaN_, aggressive: true, want: { kind: 'waits' }, checkFrom: 1.2 },
    // The next round (1.5) waits on the same check: it answers at 1.75.
    { name: 'joins the running check', s: 1.5, qp: 1.2, ready: 1.73, from: 1.2, aggressive: true, want: { kind: 'passes', atSeconds: 1.75 }, checkFrom: 1.2 },
    // Ready on a step exactly 300 ms in: still this round's answer.
    { name: 'answer on the timeout', s: 1.2, qp: 1.2, ready: 1.5, from: NaN_, aggressive: true, want: { kind: 'passes', atSeconds: 1.5 }, checkFrom: 1.2 },
    // A check that answered at 1.75 with no probe left waiting: the round at 2.0 starts a new one that passes at once.
    { name: 'check over before the round', s: 2.0, qp: 1.2, ready: 1.73, from: 1.2, aggressive: true, want: { kind: 'passes', atSeconds: 2.0 }, checkFrom: 1.2 },
    // Readiness not known yet (the app still starting): the probe waits.
    { name: 'readiness unknown', s: 1.4, qp: 1.2, ready: NaN_, from: 1.2, aggressive: true, want: { kind: 'waits' }, checkFrom: 1.2 },
    // With periodSeconds the queue-proxy checks once: a container not passing yet fails the probe at once.
    { name: 'single check, not yet', s: 1.4, qp: 1.2, ready: 1.73, from: NaN_, aggressive: false, want: { kind: 'fails' }, checkFrom: NaN_ },
    { name: 'single check, passing', s: 1.8, qp: 1.2, ready: 1.73, from: NaN_, aggressive: false, want: { kind: 'passes', atSeconds: 1.8 }, checkFrom: NaN_ },
  ])('$name', ({ s, qp, ready, from, aggressive, want, checkFrom }) => {
    const r = roundProbe({ roundSeconds: s, queueProxyUpSeconds: qp, readySeconds: ready, checkFromSeconds: from, aggressive });
    if (r.probe.kind === 'passes') expect(r.probe.atSeconds).toBeCloseTo((want as { atSeconds: number }).atSeconds, 9);
    expect(r.probe.kind).toBe(want.kind);
    expect(r.checkFromSeconds).toEqual(checkFrom);
  });
});

describe('roundEndsAt: a round hands on its finds when its slowest probe is back', () => {
  const fails: RoundProbe = { kind: 'fails' };
  it.each([
    { name: 'every probe fails at once', probes: [fails, fails], end: 1.2 },
    { name: 'one pod found at 1.35, another refused', probes: [{ kind: 'passes', atSeconds: 1.35 } as RoundProbe, fails], end: 1.35 },
    { name: 'two found: the later one', probes: [{ kind: 'passes', atSeconds: 1.25 } as RoundProbe, { kind: 'passes', atSeconds: 1.4 } as RoundProbe], end: 1.4 },
    // A pod found at 1.25 waits with the round for another pod's check to the 300 ms timeout.
    { name: 'a find waits for a probe to its timeout', probes: [{ kind: 'passes', atSeconds: 1.25 } as RoundProbe, { kind: 'waits' } as RoundProbe], end: 1.5 },
    { name: 'no probe', probes: [], end: 1.2 },
  ])('$name → $end', ({ probes, end }) => {
    expect(roundEndsAt(1.2, probes)).toBeCloseTo(end, 9);
  });
});

describe('nextTickAfter: the ticker keeps one tick for a watcher busy in a round', () => {
  it.each([
    // Started at 0: first tick at 0.2.
    { anchor: 0, lastRead: 0, next: 0.2 },
    // Read at 1.5 (the tick of 1.4, kept while a round ran): the next is 1.6.
    { anchor: 0, lastRead: 1.5, next: 1.6 },
    // Read exactly on a tick (float 0.6000000000000001): the next one, not the same.
    { anchor: 0, lastRead: 0.2 * 3, next: 0.8 },
    { anchor: 0.05, lastRead: 1.0, next: 1.05 },
    // A watcher made at 10.3 ticks at 10.5, 10.7, …
    { anchor: 10.3, lastRead: 10.3, next: 10.5 },
  ])('ticks from $anchor, last read at $lastRead → $next', ({ anchor, lastRead, next }) => {
    expect(nextTickAfter(anchor, 0.2, lastRead)).toBeCloseTo(next, 9);
  });

  it('rejects a period that is not positive', () => {
    expect(() => nextTickAfter(0, 0, 1)).toThrow(/periodSeconds/);
  });
});
