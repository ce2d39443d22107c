/**
 * A recorder that copies requests lets the world reuse answered Request objects; the run
 * must be the same as with a recorder that keeps every Request.
 */
import { describe, expect, it } from 'vitest';
import type { Recorder } from '../../src/model/recorder.js';
import type { Request } from '../../src/model/request.js';
import type { ClientSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder, revision, service, world } from './world-fixture.js';

/** What a request's record shows. */
function row(r: Request): string {
  return [r.id, r.clientName, r.revision?.spec.name ?? '', r.arrival, r.serviceStart, r.end, r.status, r.route, r.pod?.name ?? '', r.cold, r.activatorIn, r.podIn, r.serviceTime].join(',');
}

class CopyingRecorder extends MemoryRecorder {
  readonly copiesRequests = true;
  rows: string[] = [];
  objects = new Set<Request>();
  override request(req: Request): void {
    this.rows.push(row(req));
    this.objects.add(req);
  }
}

// containerConcurrency 1 and a slow exponential app: queueing at the activator and the
// queue-proxy, 503s from full breakers, client timeouts and revision timeouts (504s).
function scenario() {
  const revs = [revision({ cc: 1, timeout: 2, serviceTime: { dist: 'exponential', mean: 0.5 }, initialPods: 1, annotations: { 'autoscaling.knative.dev/target-burst-capacity': '0' } })];
  const clients: ClientSpec[] = [
    { kind: 'open', name: 'burst', service: 'hello', process: 'poisson', rate: { shape: 'constant', rps: 40 }, startSeconds: 0, endSeconds: 60, timeoutSeconds: 1.5 },
    { kind: 'closed', name: 'users', service: 'hello', users: 5, think: { dist: 'exponential', mean: 0.2 }, startSeconds: 0, endSeconds: 60 },
  ];
  return world([service('hello', revs)], clients, { duration: 90 });
}

/** Runs the scenario with a recorder that keeps every Request, and with one that lets the world reuse them. */
function runBoth(spec: () => ReturnType<typeof world>): { keep: MemoryRecorder; copy: CopyingRecorder } {
  const keep = new MemoryRecorder();
  new World(spec(), keep).run();
  const copy = new CopyingRecorder();
  new World(spec(), copy).run();
  return { keep, copy };
}

describe('reusing answered requests', () => {
  const { keep, copy } = runBoth(scenario);

  it('finishes every request the same way, in the same order, as without reuse', () => {
    // Every way a request can end here: answered, breaker full, client gave up, revision timeout.
    expect(new Set(keep.requests.map((r) => r.status))).toEqual(new Set([200, 503, -1, 504]));
    expect(copy.rows).toEqual(keep.requests.map(row));
  });

  it('really reuses objects: far fewer Requests than requests', () => {
    expect(new Set(keep.requests).size).toBe(keep.requests.length);
    expect(copy.objects.size).toBeLessThan(copy.rows.length / 5);
  });
});

// Crashes fail the requests a pod holds (its ActiveRequests list, threaded through the requests):
// reused Request objects must leave and join those lists exactly as new ones would.
function crashing() {
  const rev = { ...revision({ cc: 4, serviceTime: { dist: 'exponential', mean: 1 }, initialPods: 2 }), faults: [{ kind: 'crash' as const, atSeconds: 10, pods: 2, count: 4, uptimeSeconds: 5 }] };
  const clients: ClientSpec[] = [{ kind: 'open', name: 'load', service: 'hello', process: 'poisson', rate: { shape: 'constant', rps: 30 }, startSeconds: 0, endSeconds: 60 }];
  return world([service('hello', [rev])], clients, { duration: 90 });
}

describe('reusing answered requests when pods crash', () => {
  const { keep, copy } = runBoth(crashing);

  it('fails the requests a crashed pod held, the same ones, as without reuse', () => {
    const failed = keep.requests.filter((r) => r.status === 502).length;
    expect(failed).toBeGreaterThanOrEqual(10);
    expect(copy.rows).toEqual(keep.requests.map(row));
    expect(copy.objects.size).toBeLessThan(copy.rows.length / 5);
  });
});
