/**
 * What one activator pushes to the autoscaler for a revision (pkg/activator/handler/concurrency_reporter.go):
 * on the first request with no entry, {1, 1} at once; every second after, the average concurrency and the
 * request count of that second, with the poke's 1 taken back from the first of them (concurrency floored
 * at 0); an entry whose second averaged 0 with nothing held is dropped, so the next request pokes again.
 */
import { describe, expect, it } from 'vitest';
import { RevisionAutoscaler } from '../../src/model/autoscaler.js';
import type { ClientSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder, revision, service, world } from './world-fixture.js';

/** Three 5 s requests at 10 s, one 0.5 s request at 30 s (each reaches the activator 1 ms later). */
const trace: ClientSpec = {
  kind: 'trace',
  name: 'load',
  service: 'hello',
  arrivals: Float64Array.from([10, 10, 10, 30]),
  durations: Float64Array.from([5, 5, 5, 0.5]),
  startSeconds: 0,
  endSeconds: 60,
};

function pushes(): Array<[number, number, number]> {
  // One activator always in the path (TBC -1), one pod kept by min-scale; CC 0 serves all three at once.
  const annotations = { 'autoscaling.knative.dev/target-burst-capacity': '-1', 'autoscaling.knative.dev/min-scale': '1' };
  const spec = world([service('hello', [revision({ cc: 0, initialPods: 1, annotations })])], [trace], { duration: 60, activators: 1 });
  const got: Array<[number, number, number]> = [];
  const proto = RevisionAutoscaler.prototype;
  const original = proto.onActivatorStat;
  proto.onActivatorStat = function (this: RevisionAutoscaler, now: number, concurrency: number, requestCount: number): void {
    got.push([now, concurrency, requestCount]);
    original.call(this, now, concurrency, requestCount);
  };
  try {
    new World(spec, new MemoryRecorder()).run();
  } finally {
    proto.onActivatorStat = original;
  }
  return got;
}

describe('activator stats pushed to the autoscaler', () => {
  const got = pushes();
  // The report ticker's phase is drawn from the seed: the first report after the poke is at p ∈ (10.001, 11.001].
  const p = got[1]![0];

  it('reports on its own 1 s grid', () => {
    expect(p).toBeGreaterThan(10.001);
    expect(p).toBeLessThanOrEqual(11.001);
  });

  it('pokes {1, 1} at the first request, takes the 1 back from the next report, then reports each second until an idle one', () => {
    // Three held from 10.001 to 15.001. The report that holds 15.001 averages 3 × the part of its second before it.
    const k = Math.ceil(15.001 - p); // reports after the first one, up to the one holding 15.001
    const expected: Array<[number, number, number]> = [
      [10.001, 1, 1],
      [p, 3 - 1, 3 - 1],
      ...Array.from({ length: k - 1 }, (_, i): [number, number, number] => [p + i + 1, 3, 0]),
      [p + k, 3 * (15.001 - (p + k - 1)), 0],
      // A second averaging 0 with nothing held: the last report, and the entry is dropped.
      [p + k + 1, 0, 0],
      // The next request has no entry: a new poke, and its 1 taken back again (0.5 s held: 0.5 − 1 floors at 0).
      [30.001, 1, 1],
    ];
    expect(got.length).toBeGreaterThanOrEqual(expected.length);
    got.slice(0, expected.length).forEach(([t, c, n], i) => {
      expect(t, `push ${i} time`).toBeCloseTo(expected[i]![0], 9);
      expect(c, `push ${i} concurrency`).toBeCloseTo(expected[i]![1], 9);
      expect(n, `push ${i} count`).toBe(expected[i]![2]);
    });
    const after = got.slice(expected.length);
    expect(after[0]![0]).toBeGreaterThan(30.001);
    expect(after[0]![1]).toBe(0);
    expect(after[0]![2]).toBe(0);
  });
});
