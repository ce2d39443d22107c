/**
 * A closed loop's `qps`, hey's `-q`: each user waits on its own ticker (period 1e6 / qps whole
 * microseconds, the first tick one period after the start) before each request; a tick that comes
 * while the user waits for an answer is held, later ones are dropped, so no burst follows a slow answer.
 */
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { estimateWork } from '../../src/scenario/work-estimate.js';
import { MemoryRecorder } from './world-fixture.js';

type Obj = Record<string, any>;

function scenario(closed: Obj, serviceTime: string, extra: Obj = {}): Obj {
  return {
    name: 'qps',
    duration: '60s',
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'hello' },
          spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '5' } }, spec: { containers: [{ image: 'app' }] } } },
        },
        initialPods: 5,
        app: { serviceTime, ...extra },
      },
    ],
    clients: [{ name: 'hey', service: 'hello', closed }],
  };
}

/** The send times (sorted) of the run's requests. */
function sends(value: Obj): number[] {
  const rec = new MemoryRecorder();
  new World(scenarioFromValue(value, 's.yaml').world, rec).run();
  return rec.requests.map((r) => r.arrival).sort((a, b) => a - b);
}

describe('closed loop with qps (hey -q)', () => {
  it('paces each user to its ticks when the answers come sooner: 4 users × -q 3 send on start + k × 0.333333 s', () => {
    const t = sends(scenario({ users: 4, qps: 3 }, '100ms'));
    // Ticks 1..179 land before 60 s with their answers (tick 180, at 59.99994 s, reaches the ingress after the end).
    expect(t.length).toBe(4 * 179);
    for (let k = 1; k <= 179; k++) for (let u = 0; u < 4; u++) expect(t[(k - 1) * 4 + u]).toBeCloseTo(k * 0.333333, 9);
  });

  it('lets a slow service set the pace: -q 4 with 350 ms answers sends every 351 ms, not 4 per second', () => {
    const t = sends(scenario({ users: 1, qps: 4 }, '350ms'));
    expect(t[0]).toBeCloseTo(0.25, 9);
    for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeCloseTo(0.351, 9);
    // 0.25 + k × 0.351 < 60 for k ≤ 170; the last one is still in flight at the end.
    expect(t.length).toBe(170);
  });

  it('holds one tick through a slow answer and drops the rest: no burst after it', () => {
    // The first request (at 0.25 s) starts in a 20× slowdown and takes 2 s; the ones after take 100 ms.
    const t = sends(scenario({ users: 1, qps: 4 }, '100ms', { faults: [{ kind: 'slowdown', at: '0s', duration: '300ms', factor: 20 }] }));
    expect(t[0]).toBeCloseTo(0.25, 9);
    // Its answer at 2.251 s takes the held tick (0.5 s) at once; the next request waits for the tick at 2.5 s.
    expect(t[1]).toBeCloseTo(2.251, 9);
    expect(t[2]).toBeCloseTo(2.5, 9);
    expect(t[3]).toBeCloseTo(2.75, 9);
  });

  it('the work estimate counts at most one request per tick', () => {
    const e = estimateWork({ world: scenarioFromValue(scenario({ users: 4, qps: 2 }, '10ms'), 's.yaml').world, file: 's.yaml' });
    // 4 users × 60 s / 0.5 s per request, not 60 s / 11 ms.
    expect(e.requestsPerClient).toEqual([480]);
  });

  it('refuses a qps whose tick period would be 0 µs (hey would never send)', () => {
    expect(() => scenarioFromValue(scenario({ users: 1, qps: 2e6 }, '10ms'), 's.yaml')).toThrow('s.yaml: clients[0].closed.qps: must be ≤ 1000000, got the number 2000000');
  });
});
