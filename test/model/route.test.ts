import { describe, expect, it } from 'vitest';
import { INGRESS_READY_SECONDS } from '../../src/model/service.js';
import type { ClientSpec, ServiceSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { constant, fastPodStart, MemoryRecorder, revision, run, service, world } from './world-fixture.js';

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
    // the instant the ingress reports the previous split Ready, and the ingress reporting the last one Ready.
    expect([...perInstant.keys()]).toHaveLength(53);
    expect([...perInstant.values()].filter((n) => n > 1)).toEqual([]);
    const hundred = rec.traffics.filter((t) => t.percents.get('hello-00002') === 100);
    // 100 % from the last step on; the reconcile 1 s later keeps it.
    expect(hundred.map((t) => t.time - createdAt)).toEqual([expect.closeTo(51, 9), expect.closeTo(52, 9)]);
  });
});

/** Samples each named revision's PA reachability (its routing state: active or not) at the given instants. */
function reachability(spec: ReturnType<typeof world>, names: string[], times: number[]): Record<string, boolean | undefined>[] {
  const w = new World(spec, new MemoryRecorder());
  const out: Record<string, boolean | undefined>[] = [];
  const svc = w.services.get('hello')!;
  for (const t of times) {
    w.sim.at(t, () => {
      out.push(Object.fromEntries(names.map((n) => [n, svc.revisions.find((r) => r.spec.name === n)?.autoscaler.reachable])));
    }, undefined);
  }
  w.run();
  return out;
}

describe('labeler: when a revision leaves the Route', () => {
  const slowStart = { ...fastPodStart, scheduling: constant(20) };

  it('keeps the served revision active while the new target is not ready (the Route keeps its status.traffic; it went reserve at the traffic change)', () => {
    const svc: ServiceSpec = {
      ...service('hello', [
        revision({ initialPods: 1, annotations: { 'autoscaling.knative.dev/min-scale': '1' } }),
        revision({ name: 'hello-00002', generation: 2, createdAt: 10, podStart: slowStart, initialPods: undefined }),
      ]),
      traffic: [
        { atSeconds: 0, traffic: [] },
        { atSeconds: 10, traffic: [{ revisionName: 'hello-00002', percent: 100 }] },
      ],
    };
    const spec = world([svc], [], { duration: 60 });
    const { rec } = run(spec);
    // hello-00002 is Ready (initial scale reached) and takes the traffic at switch.
    const at = rec.traffics.find((t) => t.percents.get('hello-00002') === 100)!.time;
    expect(at).toBeGreaterThan(30);
    const [before, justAfter, later] = reachability(spec, ['hello-00001', 'hello-00002'], [20, at + 0.5, at + 1.5]);
    // Not ready yet: the Route fails on its target and programs nothing new, so hello-00001 still serves.
    expect(before).toEqual({ 'hello-00001': true, 'hello-00002': true });
    // The Route is Ready only once the ingress reports the new split (1 s): then the labeler clears hello-00001.
    expect(justAfter).toEqual({ 'hello-00001': true, 'hello-00002': true });
    expect(later).toEqual({ 'hello-00001': false, 'hello-00002': true });
  });

  it('clears a revision drained by a rollout only when the rollout is done and the ingress reports Ready (it went reserve at its last step)', () => {
    const spec = world(
      [service('hello', [revision({ initialPods: 1 }), revision({ name: 'hello-00002', generation: 2, createdAt: 10, initialPods: undefined })], [{ latestRevision: true, percent: 100 }], 20)],
      [],
      { duration: 80 },
    );
    const { rec } = run(spec);
    const done = rec.traffics.find((t) => t.percents.get('hello-00002') === 100)!.time;
    const [justAfter, later] = reachability(spec, ['hello-00001'], [done + 0.5, done + 1.5]);
    expect(justAfter).toEqual({ 'hello-00001': true });
    expect(later).toEqual({ 'hello-00001': false });
  });

  it('keeps the revision a third one drains mid-rollout active until the rollout ends (the Route is not Ready while it rolls)', () => {
    const spec = world(
      [
        service(
          'hello',
          [
            revision({ initialPods: 1 }),
            revision({ name: 'hello-00002', generation: 2, createdAt: 10, initialPods: undefined }),
            revision({ name: 'hello-00003', generation: 3, createdAt: 20, initialPods: undefined }),
          ],
          [{ latestRevision: true, percent: 100 }],
          60,
        ),
      ],
      [],
      { duration: 200 },
    );
    const { rec } = run(spec);
    // hello-00003 drains hello-00002 first (newest-but-one), which leaves the split while hello-00003 still rolls.
    const gone = rec.traffics.find((t) => t.time > 20 && !t.percents.has('hello-00002'))!.time;
    const done = rec.traffics.find((t) => t.percents.get('hello-00003') === 100)!.time;
    expect(done - gone).toBeGreaterThan(5);
    const [mid, later] = reachability(spec, ['hello-00001', 'hello-00002'], [gone + 2, done + 1.5]);
    expect(mid).toEqual({ 'hello-00001': true, 'hello-00002': true });
    expect(later).toEqual({ 'hello-00001': false, 'hello-00002': false });
  });
});

describe('rollout duration changed by a Service update', () => {
  const twoRevisions = (durations: { atSeconds: number; seconds: number }[], initial: number): ServiceSpec => ({
    ...service('hello', [revision({ initialPods: 1 }), revision({ name: 'hello-00002', generation: 2, createdAt: 10, initialPods: undefined })], [{ latestRevision: true, percent: 100 }], initial),
    rolloutDurationChanges: durations,
  });
  const share = (rec: ReturnType<typeof run>['rec'], t: number): number => rec.traffics.filter((x) => x.time <= t).at(-1)!.percents.get('hello-00002') ?? 0;

  it('0 mid-rollout ends the rollout at once: the Route programs the traffic block as written (the change was ignored)', () => {
    const { rec } = run(world([twoRevisions([{ atSeconds: 30, seconds: 0 }], 100)], [], { duration: 60 }));
    const before = share(rec, 29.9);
    expect(before).toBeGreaterThan(1);
    expect(before).toBeLessThan(50);
    expect(share(rec, 30)).toBe(100);
    expect(rec.traffics.filter((x) => x.time >= 30).every((x) => x.percents.get('hello-00002') === 100)).toBe(true);
  });

  it('set after the revision was created, it still applies to that revision\'s rollout (the Route reads it when the revision turns ready)', () => {
    const { rec } = run(world([twoRevisions([{ atSeconds: 11, seconds: 100 }], 0)], [], { duration: 60 }));
    const first = rec.traffics.find((x) => (x.percents.get('hello-00002') ?? 0) > 0)!;
    expect(first.percents.get('hello-00002')).toBe(1);
    expect(share(rec, 59)).toBeLessThan(100);
  });
});
