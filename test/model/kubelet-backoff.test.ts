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
      b.restarted(at + wait, at);
      return wait;
    });
    expect(got).toEqual(want);
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
