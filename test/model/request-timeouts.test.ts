import { describe, expect, it } from 'vitest';
import type { ClientSpec, RevisionSpec } from '../../src/model/spec.js';
import { constant, revision, run, service, world } from './world-fixture.js';

const uniform = (): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps: 1 }, startSeconds: 0.5, endSeconds: 10.5 }) as ClientSpec;

/** Ten requests, 1 s apart, to one warm pod whose app takes 3 s per request. */
function outcomes(timeouts: Pick<RevisionSpec, 'responseStartTimeoutSeconds' | 'idleTimeoutSeconds'>): { status: number; latency: number }[] {
  const rev = { ...revision({ initialPods: 1, cc: 10, timeout: 300, serviceTime: constant(3) }), ...timeouts };
  const { rec } = run(world([service('hello', [rev])], [uniform()], { duration: 30 }));
  return rec.requests.map((r) => ({ status: r.status, latency: Math.round((r.end - r.arrival) * 1e6) / 1e6 }));
}

describe('response-start and idle timeouts (the app writes its response only when done)', () => {
  it('without them, the 3 s requests finish under the 300 s revision timeout', () => {
    const r = outcomes({});
    expect(r).toHaveLength(10);
    // 1 ms ingress hop + 3 s of work.
    expect(r.every((q) => q.status === 200 && q.latency === 3.001)).toBe(true);
  });

  it('a 2 s responseStartTimeoutSeconds answers 504 2 s after the request came in (it was ignored: 200 after 3 s)', () => {
    const r = outcomes({ responseStartTimeoutSeconds: 2 });
    expect(r).toHaveLength(10);
    expect(r.every((q) => q.status === 504 && q.latency === 2.001)).toBe(true);
  });

  it('a 2 s idleTimeoutSeconds does the same: nothing was written for 2 s', () => {
    const r = outcomes({ idleTimeoutSeconds: 2 });
    expect(r.every((q) => q.status === 504 && q.latency === 2.001)).toBe(true);
  });

  it('longer ones, or 0 (no timer), leave the requests alone', () => {
    for (const t of [{ responseStartTimeoutSeconds: 5 }, { idleTimeoutSeconds: 4 }, { responseStartTimeoutSeconds: 0, idleTimeoutSeconds: 0 }]) {
      const r = outcomes(t);
      expect(r.every((q) => q.status === 200 && q.latency === 3.001)).toBe(true);
    }
  });
});
