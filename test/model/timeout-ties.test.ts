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

/**
 * A slot that frees at the very instant a waiting request's own timeout fires does not take that
 * request to the app: upstream the timeout handler has cancelled it, so it never starts (no
 * service start) and, waiting at an activator, is never sent to the pod. Three requests sent
 * together at 1 s to one pod with containerConcurrency 1 and a 5 s timeout: the first (10 s of
 * work) is cut at 6.001 s, which frees the slot exactly when the other two time out.
 */
describe('a slot freed at the instant a waiting request times out', () => {
  const requests = (annotations: Record<string, string>, activators = 1) => {
    const rev = revision({ initialPods: 1, annotations: { ...pinned, ...annotations }, timeout: 5, cc: 1 });
    const { rec } = run(world([service('hello', [rev])], [trace([1, 1, 1], [10, 1, 1])], { duration: 30, activators }));
    return rec.requests.slice().sort((a, b) => a.id - b.id);
  };

  it('waiting in the queue-proxy (Serve mode): both get 504 at 6.001 s without starting', () => {
    const [a, b, c] = requests({ 'autoscaling.knative.dev/target-burst-capacity': '0' });
    expect(a!.route).toBe('direct');
    expect([a!.status, b!.status, c!.status]).toEqual([STATUS_TIMEOUT, STATUS_TIMEOUT, STATUS_TIMEOUT]);
    expect(a!.serviceStart).toBeCloseTo(1.001, 9);
    for (const r of [a!, b!, c!]) expect(r.end).toBeCloseTo(6.001, 9);
    // Before: started at 6.001 s, their end, as if the app had taken them.
    expect(b!.serviceStart).toBeNaN();
    expect(c!.serviceStart).toBeNaN();
  });

  it('waiting at the activator: both get 504 at 6.001 s there, never sent to the pod', () => {
    const [a, b, c] = requests({});
    expect(a!.route).toBe('activator');
    expect([a!.status, b!.status, c!.status]).toEqual([STATUS_TIMEOUT, STATUS_TIMEOUT, STATUS_TIMEOUT]);
    for (const r of [b!, c!]) {
      expect(r.end).toBeCloseTo(6.001, 9);
      // Before: sent at 6.001 s, counted as arrivals by the pod's queue-proxy, and started there.
      expect(r.activatorOut).toBeNaN();
      expect(r.pod).toBeUndefined();
      expect(r.serviceStart).toBeNaN();
    }
  });

  it('two activators sharing the pod: the one queued there times out unstarted, and the slot goes to the next live request', () => {
    // Each activator counts the pod's one slot as its own, so the second request waits in the
    // queue-proxy; the third (0.3 s of work, due at 6.501 s) waits at the first activator.
    const rev = revision({ initialPods: 1, annotations: pinned, timeout: 5, cc: 1 });
    const { rec } = run(world([service('hello', [rev])], [trace([1, 1, 1.5], [10, 1, 0.3])], { duration: 30, activators: 2 }));
    const [a, b, c] = rec.requests.slice().sort((x, y) => x.id - y.id);
    expect(b!.podIn).toBeCloseTo(1.001, 9);
    expect([a!.status, b!.status, c!.status]).toEqual([STATUS_TIMEOUT, STATUS_TIMEOUT, STATUS_OK]);
    expect(b!.serviceStart).toBeNaN();
    expect(b!.end).toBeCloseTo(6.001, 9);
    expect(c!.serviceStart).toBeCloseTo(6.001, 9);
    expect(c!.end).toBeCloseTo(6.301, 9);
  });

  it('a request due a microsecond later still takes the slot, and its timer cuts it then', () => {
    const rev = revision({ initialPods: 1, annotations: { ...pinned, 'autoscaling.knative.dev/target-burst-capacity': '0' }, timeout: 5, cc: 1 });
    const { rec } = run(world([service('hello', [rev])], [trace([1, 1.000001], [10, 1])], { duration: 30, activators: 1 }));
    const b = rec.requests.find((r) => r.arrival > 1)!;
    expect(b.status).toBe(STATUS_TIMEOUT);
    expect(b.serviceStart).toBeCloseTo(6.001, 9);
    expect(b.end).toBeCloseTo(6.001001, 9);
  });
});
