/**
 * `randomStream`: clients naming the same stream send the same requests (arrival times and
 * work) to different services — common random numbers inside one scenario.
 */
import { describe, expect, it } from 'vitest';
import type { ClientSpec } from '../../src/model/spec.js';
import { revision, run, service, world } from './world-fixture.js';

const open = (name: string, svc: string, randomStream?: string): ClientSpec => ({
  kind: 'open',
  name,
  service: svc,
  process: 'poisson',
  rate: { shape: 'constant', rps: 20 },
  startSeconds: 0,
  endSeconds: 60,
  ...(randomStream !== undefined ? { randomStream } : {}),
});

function arrivals(clients: ClientSpec[]) {
  const services = ['a', 'b'].map((s) => service(s, [revision({ service: s, initialPods: 2, serviceTime: { dist: 'exponential', mean: 0.05 } })]));
  const { rec } = run(world(services, clients, { duration: 61 }));
  const of = (svc: string) => rec.requests.filter((r) => r.service === svc).sort((x, y) => x.arrival - y.arrival);
  return { a: of('a'), b: of('b') };
}

describe('clients sharing a randomStream', () => {
  it('send identical arrival times and service times to both services', () => {
    const { a, b } = arrivals([open('to-a', 'a', 'load'), open('to-b', 'b', 'load')]);
    expect(a.length).toBeGreaterThan(1000);
    expect(b.map((r) => r.arrival)).toEqual(a.map((r) => r.arrival));
    expect(b.map((r) => r.serviceTime)).toEqual(a.map((r) => r.serviceTime));
  });

  it('without it, each client draws its own requests', () => {
    const { a, b } = arrivals([open('to-a', 'a'), open('to-b', 'b')]);
    expect(b.map((r) => r.arrival)).not.toEqual(a.map((r) => r.arrival));
  });

  it('a shared stream is the stream of a client of that name (the same requests as client "load" alone)', () => {
    const shared = arrivals([open('to-a', 'a', 'load')]).a.map((r) => r.arrival);
    const named = arrivals([open('load', 'a')]).a.map((r) => r.arrival);
    expect(shared).toEqual(named);
  });
});
