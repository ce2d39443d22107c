import { describe, expect, it } from 'vitest';
import { KubeletBackoff } from '../../src/model/kubelet-backoff.js';

/**
 * The kubelet's back-off entries (client-go flowcontrol.Backoff, 10 s doubling to 300 s, expired
 * more than 600 s after its last step), as kuberuntime's doBackOff and the image manager use them.
 */
describe('crash back-off: the wait before each restart', () => {
  // Each row: container exits at these times (seconds); each exit's wait, the restart at exit + wait.
  const rows: { name: string; exits: number[]; want: number[] }[] = [
    { name: 'the first exit restarts at once, then 10, 20, 40 … capped at 300 s', exits: [0, 1, 12, 33, 74, 155, 316, 617, 918], want: [0, 10, 20, 40, 80, 160, 300, 300, 300] },
    // Restarts at 0, 60 and 90: the exit at 690.5 is 600.5 s after the last restart, so the entry has expired.
    { name: 'an exit more than 600 s after the last restart counts as a first one', exits: [0, 50, 70, 690.5, 700], want: [0, 10, 20, 0, 10] },
    // Exactly 600 s after the last restart (at 90) is not more than twice the maximum: the curve goes on.
    { name: 'an exit exactly 600 s after the last restart goes on doubling', exits: [0, 50, 70, 690], want: [0, 10, 20, 40] },
  ];
  it.each(rows)('$name', ({ exits, want }) => {
    const b = new KubeletBackoff();
    const got = exits.map((at) => {
      const wait = b.restartDelay(at);
      b.restarted(at + wait);
      return wait;
    });
    expect(got).toEqual(want);
  });
});

describe('probe kills: the kubelet kills and restarts in one sync, checking the previous exit', () => {
  // Each row: the container is killed at these times (seconds); each kill's wait before the restart.
  const rows: { name: string; kills: number[]; want: number[] }[] = [
    // Kills 31 s apart: the previous exit is past its back-off (none, none, 10, 20 s) until the entry reaches 40 s.
    // The first kill takes no step; the second makes the 10 s entry, the third 20, the fourth 40; the fifth, 31 s after
    // the fourth, is within 40 s: it waits 40 s from its own exit, and that restart steps to 80.
    { name: 'restarts at once while the previous exit is past its back-off', kills: [0, 31, 62, 93, 124, 195], want: [0, 0, 0, 0, 40, 80] },
    // The previous kill 5 s before with a 10 s entry: back-off from this kill.
    { name: 'a kill soon after the previous exit waits its back-off', kills: [0, 31, 36, 47], want: [0, 0, 10, 20] },
  ];
  it.each(rows)('$name', ({ kills, want }) => {
    const b = new KubeletBackoff();
    let previous = Number.NaN;
    let restartedAt = Number.NEGATIVE_INFINITY;
    const got = kills.map((at) => {
      // Each kill comes after the previous restart (the container runs again first).
      expect(at).toBeGreaterThanOrEqual(restartedAt);
      const wait = b.killDelay(at, previous);
      restartedAt = at + wait;
      b.restarted(restartedAt);
      previous = at;
      return wait;
    });
    expect(got).toEqual(want);
  });

  it('a crash after a probe kill counts from the kill as usual', () => {
    const b = new KubeletBackoff();
    expect(b.killDelay(0, Number.NaN)).toBe(0); // no step
    b.restarted(0);
    expect(b.restartDelay(20)).toBe(0); // the first step: 10 s entry from now on
    b.restarted(20);
    expect(b.restartDelay(25)).toBe(10);
  });
});

describe('image pull back-off: the wait after each failed pull', () => {
  // Each row: pulls fail at these times; the wait after each failure.
  const rows: { name: string; failures: number[]; want: number[] }[] = [
    { name: 'the first failure waits 10 s, then 20, 40 … capped at 300 s', failures: [0, 10, 30, 70, 150, 310, 610, 910], want: [10, 20, 40, 80, 160, 300, 300, 300] },
    { name: 'a failure more than 600 s after the last one starts again at 10 s', failures: [0, 10, 640], want: [10, 20, 10] },
  ];
  it.each(rows)('$name', ({ failures, want }) => {
    const b = new KubeletBackoff();
    expect(failures.map((at) => b.pullFailed(at))).toEqual(want);
  });
});
