import { describe, expect, it } from 'vitest';
import { STATUS_OK, STATUS_TIMEOUT } from '../../src/model/request.js';
import type { ClientSpec, RevisionSpec } from '../../src/model/spec.js';
import { constant, revision, run, service, world } from './world-fixture.js';

/**
 * A response that ends at the very instant its timer fires is a 200 (the rule the fixed service
 * time follows: its completion is scheduled only when it ends at or before its deadline); one a
 * microsecond later gets 504 at the timer. The timeout handler's timer starts as the request
 * reaches the activator, 1 ms after sending; the revision timeout is 10 s.
 */
const pinned = { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' };

const trace = (arrivals: number[], durations?: number[]): ClientSpec => ({
  kind: 'trace',
  name: 'load',
  service: 'hello',
  arrivals: Float64Array.from(arrivals),
  durations: durations === undefined ? undefined : Float64Array.from(durations),
  startSeconds: 0,
  endSeconds: 100,
});

function outcomes(rev: RevisionSpec, client: ClientSpec): Array<[number, number]> {
  const { rec } = run(world([service('hello', [rev])], [client], { duration: 100, activators: 1 }));
  return rec.requests
    .slice()
    .sort((a, b) => a.arrival - b.arrival)
    .map((r) => [r.status, Math.round((r.end - r.arrival) * 1e6) / 1e6]);
}

describe('a response due at the instant of its timeout', () => {
  it('with the CPU model: 10 CPU-seconds on a 1-CPU limit end at the 10 s timeout with 200; 1 µs more of work gets 504', () => {
    const cpuRev = (work: number): RevisionSpec => ({
      ...revision({ initialPods: 1, annotations: pinned, timeout: 10, serviceTime: constant(work) }),
      resources: { user: { cpuRequestMillis: 1000, cpuLimitMillis: 1000 }, sidecars: [], queueProxy: { cpuRequestMillis: 25 } },
      work: { kind: 'cpu', waitSeconds: constant(0), parallelism: 1, ceilingMillis: 1000 },
    });
    expect(outcomes(cpuRev(10), trace([1]))).toEqual([[STATUS_OK, 10.001]]);
    expect(outcomes(cpuRev(10.000001), trace([1]))).toEqual([[STATUS_TIMEOUT, 10.001]]);
  });

  it('after a hang: 4 s of work, 1 s done when the app hangs for 6 s, ends at the 10 s timeout with 200; 1 µs more gets 504', () => {
    // Sent at 1 s, routed at 1.001 s; the hang is 2.001 s to 8.001 s, so 3 s of work are left then.
    const hung: RevisionSpec = {
      ...revision({ initialPods: 1, annotations: pinned, timeout: 10, cc: 1 }),
      faults: [
        { kind: 'hang', atSeconds: 2.001, durationSeconds: 6, pods: 1 },
        { kind: 'hang', atSeconds: 31.001, durationSeconds: 6, pods: 1 },
      ],
    };
    expect(outcomes(hung, trace([1, 30], [4, 4.000001]))).toEqual([
      [STATUS_OK, 10.001],
      [STATUS_TIMEOUT, 10.001],
    ]);
  });

  it('with a fixed service time (unchanged): 10 s of work gives 200, 10 s + 1 µs gives 504', () => {
    const rev = revision({ initialPods: 1, annotations: pinned, timeout: 10, cc: 1 });
    expect(outcomes(rev, trace([1, 30], [10, 10.000001]))).toEqual([
      [STATUS_OK, 10.001],
      [STATUS_TIMEOUT, 10.001],
    ]);
  });
});
