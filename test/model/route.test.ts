import { describe, expect, it } from 'vitest';
import { INGRESS_READY_SECONDS } from '../../src/model/service.js';
import type { ClientSpec, ServiceSpec } from '../../src/model/spec.js';
import { revision, run, service, world } from './world-fixture.js';

const uniform = (name: string, tag?: string): ClientSpec =>
  ({ kind: 'open', name, service: 'hello', tag, process: 'uniform', rate: { shape: 'constant', rps: 2 }, startSeconds: 0.25, endSeconds: 40 }) as ClientSpec;

describe('tag routes', () => {
  it('a tag the traffic no longer names answers 404 (its route stayed and kept sending to the old revision)', () => {
    const svc: ServiceSpec = {
      ...service('hello', [revision({ initialPods: 1 })]),
      traffic: [
        { atSeconds: 0, traffic: [{ revisionName: 'hello-00001', percent: 100, tag: 'canary' }] },
        { atSeconds: 20, traffic: [{ revisionName: 'hello-00001', percent: 100 }] },
      ],
    };
    const { rec } = run(world([svc], [uniform('users'), uniform('qa', 'canary')], { duration: 45 }));
    const qa = rec.requests.filter((r) => r.clientName === 'qa');
    const before = qa.filter((r) => r.arrival < 20);
    const after = qa.filter((r) => r.arrival > 20);
    expect(before).toHaveLength(40);
    expect(before.every((r) => r.status === 200 && r.revision?.spec.name === 'hello-00001')).toBe(true);
    expect(after).toHaveLength(40);
    expect(after.every((r) => r.status === 404 && r.revision === undefined)).toBe(true);
    // The default route is untouched.
    const users = rec.requests.filter((r) => r.clientName === 'users');
    expect(users).toHaveLength(80);
    expect(users.every((r) => r.status === 200)).toBe(true);
  });
});

describe('gradual rollout in the Route', () => {
  it('plans the steps when the ingress reports the 1 % split Ready, whatever the start time (a start at 63.3123 s stalled at 1 %: 64.3123 − 63.3123 is below 1 in doubles)', () => {
    const createdAt = 63.3123;
    const spec = world(
      [service('hello', [revision({ initialPods: 1 }), revision({ name: 'hello-00002', generation: 2, createdAt })], [{ latestRevision: true, percent: 100 }], 60)],
      [],
      { duration: 200 },
    );
    const { rec } = run(spec);
    const shares = rec.traffics.map((t) => ({ time: t.time, p: t.percents.get('hello-00002') ?? 0 }));
    const start = shares.find((s) => s.p > 0)!;
    expect(start).toEqual({ time: createdAt, p: 1 });
    // The case this test is about: the ingress-ready instant minus the start is not 1 in doubles.
    expect(start.time + INGRESS_READY_SECONDS - start.time).toBeLessThan(1);
    // Ready 1 s later: minStep 1 s, d = 59 s, 59 steps of round(99 / 59) = 2 %, 1 s apart.
    const second = shares.find((s) => s.p > 1)!;
    expect(second.p).toBe(3);
    expect(second.time).toBeCloseTo(createdAt + 2, 9);
    const done = shares.find((s) => s.p === 100)!;
    // 1 % + 49 steps of 2 % = 99 %, the 50th step caps at 100 %: 1 s + 50 s after the start.
    expect(done.time).toBeCloseTo(createdAt + 1 + 50, 9);
  });

  it('reconciles the Route once at each instant of the rollout, as the workqueue holds its key once (each reconcile requeued the next step again: 2, 3, … 50 reconciles at one step)', () => {
    const createdAt = 63.3123;
    const spec = world(
      [service('hello', [revision({ initialPods: 1 }), revision({ name: 'hello-00002', generation: 2, createdAt })], [{ latestRevision: true, percent: 100 }], 60)],
      [],
      { duration: 200 },
    );
    const { rec } = run(spec);
    // Every reconcile that routes records the split: count them per instant.
    const perInstant = new Map<number, number>();
    for (const t of rec.traffics) if (t.time >= createdAt) perInstant.set(t.time, (perInstant.get(t.time) ?? 0) + 1);
    // The start (1 %), the ingress reporting it Ready 1 s later (the plan), then 50 steps 1 s apart, each at
    // the instant the ingress reports the previous split Ready.
    expect([...perInstant.keys()]).toHaveLength(52);
    expect([...perInstant.values()].filter((n) => n > 1)).toEqual([]);
    const hundred = rec.traffics.filter((t) => t.percents.get('hello-00002') === 100);
    expect(hundred.map((t) => t.time - createdAt)).toEqual([expect.closeTo(51, 9)]);
  });
});
