/**
 * Common random numbers: a request's route and work come from its origin (client and request
 * index, or closed-loop user and request index), not from the order pods happen to start them.
 */
import { describe, expect, it } from 'vitest';
import type { DistributionSpec } from '../../src/engine/distributions.js';
import type { Request } from '../../src/model/request.js';
import type { ClientSpec } from '../../src/model/spec.js';
import { revision, run, service, world } from './world-fixture.js';

const lognormal: DistributionSpec = { dist: 'lognormal', median: 0.2, p99: 0.8 };
const open = (name: string, rps: number, svc = 'hello'): ClientSpec => ({
  kind: 'open',
  name,
  service: svc,
  process: 'poisson',
  rate: { shape: 'constant', rps },
  startSeconds: 5,
  endSeconds: 100,
});
const closed = (name: string, users: number): ClientSpec => ({
  kind: 'closed',
  name,
  service: 'hello',
  users,
  think: { dist: 'exponential', mean: 0.5 },
  startSeconds: 5,
  endSeconds: 100,
});

/** A request's origin: client and index for open loop, client, user and index for closed loop. */
function byOrigin(reqs: readonly Request[]): Map<string, Request> {
  const groups = new Map<string, Request[]>();
  for (const r of reqs) {
    const user = (r.owner as { index?: number }).index;
    const key = user === undefined ? r.clientName : `${r.clientName}#${user}`;
    const g = groups.get(key) ?? [];
    g.push(r);
    groups.set(key, g);
  }
  const out = new Map<string, Request>();
  for (const [key, g] of groups) {
    g.sort((a, b) => a.arrival - b.arrival || a.id - b.id);
    g.forEach((r, i) => out.set(`${key}/${i}`, r));
  }
  return out;
}

/**
 * Two revisions split 50/50, so routing is random too; a lognormal and a slower exponential app;
 * containerConcurrency 3, so fewer pods means queueing.
 */
function scenario(o: { target: string; rpsA: number }) {
  const annotations = { 'autoscaling.knative.dev/target': o.target };
  const revs = [
    revision({ name: 'hello-00001', cc: 3, serviceTime: lognormal, annotations, initialPods: 1 }),
    revision({ name: 'hello-00002', generation: 2, cc: 3, serviceTime: { dist: 'exponential', mean: 0.4 }, annotations, initialPods: 1 }),
  ];
  const traffic = [
    { revisionName: 'hello-00001', percent: 50 },
    { revisionName: 'hello-00002', percent: 50 },
  ];
  return world([service('hello', revs, traffic)], [open('a', o.rpsA), open('b', 15), closed('c', 6)], { duration: 130 });
}

describe('an autoscaler setting changes the system, not the requests', () => {
  const low = run(scenario({ target: '1', rpsA: 20 }));
  const high = run(scenario({ target: '3', rpsA: 20 }));
  const lowReqs = byOrigin(low.rec.requests);
  const highReqs = byOrigin(high.rec.requests);
  const maxReady = (r: typeof low) => Math.max(...r.rec.samples.map((s) => s.ready));

  it('the two runs really differ: pods, waiting, and how many requests the closed-loop users send', () => {
    expect(maxReady(low)).toBeGreaterThan(maxReady(high));
    const wait = (r: Request) => r.serviceStart - r.arrival;
    let slower = 0;
    for (const [key, a] of lowReqs) {
      const b = highReqs.get(key);
      if (b !== undefined && wait(b) > wait(a) + 0.001) slower++;
    }
    expect(slower).toBeGreaterThan(50);
    const sent = (m: Map<string, Request>) => [...m.keys()].filter((k) => k.startsWith('c#')).length;
    expect(sent(lowReqs)).not.toBe(sent(highReqs));
  });

  it('every request both runs sent goes to the same revision with the same service time', () => {
    let common = 0;
    for (const [key, a] of lowReqs) {
      const b = highReqs.get(key);
      if (b === undefined) continue; // a closed-loop user sent more requests in one run
      common++;
      expect(b.revision?.spec.name, key).toBe(a.revision?.spec.name);
      expect(b.serviceTime, key).toBe(a.serviceTime);
    }
    expect(common).toBeGreaterThan(0.95 * Math.min(lowReqs.size, highReqs.size));
    // Open-loop arrivals are the same in both, so none of theirs is left out.
    const openKeys = (m: Map<string, Request>) => [...m.keys()].filter((k) => !k.startsWith('c#')).sort();
    expect(openKeys(highReqs)).toEqual(openKeys(lowReqs));
  });

  it('a completed request ran for exactly its service time, which spreads as the app model says', () => {
    const done = low.rec.requests.filter((r) => r.status === 200);
    for (const r of done) expect(r.end - r.serviceStart).toBeCloseTo(r.serviceTime, 9);
    const times = new Set(done.map((r) => r.serviceTime));
    expect(times.size).toBe(done.length);
    const split = done.filter((r) => r.revision!.spec.name === 'hello-00001').length / done.length;
    expect(split).toBeGreaterThan(0.45);
    expect(split).toBeLessThan(0.55);
  });

  it('a closed-loop user thinks the same time after its k-th answer in both runs', () => {
    const thinks = (m: Map<string, Request>) => {
      const t = new Map<string, number>();
      for (const [key, r] of m) {
        const [user, k] = key.split('/') as [string, string];
        const next = m.get(`${user}/${Number(k) + 1}`);
        if (user.startsWith('c#') && next !== undefined) t.set(key, next.arrival - r.end);
      }
      return t;
    };
    const a = thinks(lowReqs);
    const b = thinks(highReqs);
    let common = 0;
    for (const [key, t] of a) {
      if (!b.has(key)) continue;
      common++;
      expect(b.get(key)!, key).toBeCloseTo(t, 9);
    }
    expect(common).toBeGreaterThan(100);
  });
});

describe('another client’s rate does not change a client’s requests', () => {
  const slow = byOrigin(run(scenario({ target: '10', rpsA: 10 })).rec.requests);
  const fast = byOrigin(run(scenario({ target: '10', rpsA: 40 })).rec.requests);

  it('client b’s requests keep their arrivals, revisions and service times', () => {
    const b = (m: Map<string, Request>) => [...m].filter(([k]) => k.startsWith('b/'));
    const bs = b(slow);
    expect(bs.length).toBeGreaterThan(1200); // 15 rps × 95 s
    expect(b(fast).length).toBe(bs.length);
    for (const [key, r] of bs) {
      const f = fast.get(key)!;
      expect(f.arrival, key).toBe(r.arrival);
      expect(f.revision?.spec.name, key).toBe(r.revision?.spec.name);
      expect(f.serviceTime, key).toBe(r.serviceTime);
    }
  });

  it('client a’s first requests keep their service times too (its later ones are new requests)', () => {
    const a = [...slow].filter(([k]) => k.startsWith('a/'));
    expect(a.length).toBeGreaterThan(800);
    // The arrival process draws from its own stream, so at 40 rps a's n-th request comes earlier but brings the same work.
    for (const [key, r] of a) expect(fast.get(key)!.serviceTime, key).toBe(r.serviceTime);
  });
});
