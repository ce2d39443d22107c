/**
 * The run loop's PodAutoscaler and ServerlessService informers enqueue the PA as upstream's
 * KPA controller does (kpa/controller.go): every event of the PA itself, whoever wrote what
 * (a status, label or annotation patch leaves its generation as it was), and every event of
 * an SKS the PA controls. The reconcile then runs at the next scrape tick (one a second), not
 * at the next decide tick (every 2 s), nor never. The events of the controller's own status
 * writes enqueue nothing more: the follow-up reconciles already ran for them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DecisionLoop } from '../../src/core/autoscaler/index.js';
import { FakeKube } from './support/fake-kube.js';
import { NS, T0, addRevision, fakeCluster, replica, run, type Cluster, type Replica } from './support/cluster.js';
import { until } from './support/wait.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const REV = 'hello-00001';
type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };

const pa = (): Obj => c.kube.get(FakeKube.PA, NS, 'podautoscalers', REV) as Obj;
const sks = (): Obj => c.kube.get(FakeKube.NET, NS, 'serverlessservices', REV) as Obj;
/** Another writer's update: the object as stored with `change` made to it (a new resourceVersion, the generation as the spec says). */
const patch = (prefix: string, plural: string, o: Obj, change: (o: Obj) => Obj): void => void c.kube.put(prefix, NS, plural, change(structuredClone(o)));
const withLabel = (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, labels: { ...(o.metadata['labels'] as object), team: 'serving' } } });
const withAnnotation = (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata['annotations'] as object), 'example.com/owner': 'ops' } } });

/** When (seconds from T0) `method` requests were sent to `path`'s end. */
const sent = (method: string, pathEnd: string): number[] => c.kube.requests.filter((q) => q.method === method && q.path.endsWith(pathEnd)).map((q) => q.time - T0);

/**
 * A knsim-class revision taken over with 1 pod at concurrency 5 (target 10: it wants 1), run
 * by the run loop on the fake clock. Each `second` is done once every loop sleeps again and no
 * reconcile is under way. Returns at 10 s, settled (the PA Ready, the SKS in Serve), with a
 * spy on the loop's reconciles.
 */
async function settled(): Promise<{ r: Replica; loop: DecisionLoop; reconciles: () => number[]; second: () => Promise<void>; secondDone: () => Promise<void>; stop: () => Promise<void> }> {
  await addRevision(c, REV, { knsim: true, pods: 1, concurrency: 5, annotations: { 'autoscaling.knative.dev/target': '10' } });
  const r = replica(c, { mode: 'apply' });
  const ac = new AbortController();
  const done = r.controller.run(ac.signal);
  await until('every watch open, the first scrape round done', () => c.kube.watchCount() === 3 && c.clock.sleepsUntil(T0 + 1) > 0 && c.clock.sleepsUntil(T0 + 2) > 0 && r.controller.reconcilesInFlight === 0);
  const asleep = c.clock.pendingSleeps;
  /** The current second is done: every loop asleep again, no reconcile under way. */
  const secondDone = async (): Promise<void> => {
    const t = c.clock.now();
    await until(`second ${t - T0} done`, () => c.clock.pendingSleeps >= asleep && c.clock.sleepsUntil(t + 1) > 0 && r.controller.reconcilesInFlight === 0);
  };
  const second = async (): Promise<void> => {
    c.clock.advance(1);
    await secondDone();
  };
  for (let s = 1; s <= 10; s++) await second();
  const loop = r.controller.loops()[0]!;
  const spy = vi.spyOn(loop, 'reconcile');
  return {
    r,
    loop,
    reconciles: () => spy.mock.calls.map((call) => call[0] - T0),
    second,
    secondDone,
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

describe('informer events enqueue the PA, reconciled at the next scrape tick', () => {
  it('settled: nothing reconciles tick after tick, and the own status writes\' events enqueue nothing', async () => {
    const w = await settled();
    const ready = (pa()['status'] as { conditions: Array<{ type: string; status: string }> }).conditions.find((x) => x.type === 'Ready');
    expect(ready?.status).toBe('True');
    // Target-burst-capacity 211 (the default) keeps the activators in the path.
    expect((sks()['spec'] as { mode: string }).mode).toBe('Proxy');
    // Every status write came back as a watch event; none of them enqueued the PA again.
    const written = sent('PATCH', `/podautoscalers/${REV}/status`);
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((t) => t <= 4)).toBe(true);
    for (let s = 11; s <= 20; s++) await w.second();
    expect(w.reconciles()).toEqual([]);
    await w.stop();
  });

  // Each change is made at 10 s (a decide tick just done); 11 s is a scrape tick only. `want`:
  // the seconds of the loop's reconciles in 11–13 s.
  const cases: Array<{ name: string; change: () => void; want: number[]; then?: () => void }> = [
    { name: 'no change', change: () => {}, want: [] },
    { name: 'another controller labels the PA (its generation unchanged)', change: () => patch(FakeKube.PA, 'podautoscalers', pa(), withLabel), want: [11] },
    { name: 'another controller annotates the PA', change: () => patch(FakeKube.PA, 'podautoscalers', pa(), withAnnotation), want: [11] },
    {
      // Taken over as someone else's status (adopted), then written back as the loop has it: one more step reads the write back.
      name: 'another writer patches the PA status (desiredScale 7): written back at 11 s',
      change: () => patch(FakeKube.PA, 'podautoscalers', pa(), (o) => ({ ...o, status: { ...(o['status'] as object), desiredScale: 7 } })),
      want: [11, 11],
      then: () => {
        expect((pa()['status'] as { desiredScale: number }).desiredScale).toBe(1);
        expect(sent('PATCH', `/podautoscalers/${REV}/status`).filter((t) => t > 10)).toEqual([11]);
      },
    },
    { name: 'the PA\'s SKS labelled (nothing the reconcile acts on changed)', change: () => patch(FakeKube.NET, 'serverlessservices', sks(), withLabel), want: [11] },
    {
      // 11 s: created (and the status, activating again, written and read back), then once more for
      // the create's own SKS event, which came while that reconcile ran (the workqueue's dirty key).
      // 12 s: networking's status of the new SKS (an event) brings the PA back: the SKS spec and
      // the status, Ready once the SKS is, each read back, and again for the SKS event meanwhile.
      name: 'the PA\'s SKS deleted: created again at 11 s, not at the 12 s decide tick',
      change: () => c.kube.delete(FakeKube.NET, NS, 'serverlessservices', REV),
      want: [11, 11, 11, 12, 12, 12, 12],
      then: () => {
        expect(sent('POST', '/serverlessservices').filter((t) => t > 10)).toEqual([11]);
        expect((sks()['spec'] as { mode: string }).mode).toBe('Proxy');
      },
    },
    {
      name: 'an SKS that no PA controls (filtered out)',
      change: () => c.kube.put(FakeKube.NET, NS, 'serverlessservices', { metadata: { name: 'other' }, spec: { mode: 'Proxy' } }),
      want: [],
    },
    {
      name: 'an SKS another PodAutoscaler controls (its owner, not this PA, is enqueued)',
      change: () =>
        c.kube.put(FakeKube.NET, NS, 'serverlessservices', {
          metadata: { name: 'other', ownerReferences: [{ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', name: 'other', uid: 'uid-x', controller: true }] },
          spec: { mode: 'Proxy' },
        }),
      want: [],
    },
    {
      // Networking's status write of it, at 11 s, is an event too.
      name: 'an SKS with another name that this PA controls (the owner is enqueued)',
      change: () => {
        const p = pa();
        c.kube.put(FakeKube.NET, NS, 'serverlessservices', {
          metadata: { name: 'extra', ownerReferences: [{ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', name: REV, uid: p.metadata['uid'], controller: true }] },
          spec: { mode: 'Proxy' },
        });
      },
      want: [11, 12],
    },
  ];
  for (const t of cases) {
    it(t.name, async () => {
      const w = await settled();
      t.change();
      await until('the event seen', () => t.want.length === 0 || w.loop.reconcileDue(c.clock.now()));
      expect(w.reconciles()).toEqual([]);
      await w.second();
      t.then?.();
      await w.second();
      await w.second();
      expect(w.reconciles()).toEqual(t.want);
      await w.stop();
    });
  }
});

describe('an own status write whose watch event arrives before its reply', () => {
  // The status written back at 11 s (see 'another writer patches the PA status' above), its reply held
  // by the API server until its watch event has reached the controller.
  it('is matched to the reply: no extra reconcile, no version left awaited', async () => {
    const w = await settled();
    // The PA informer's events as they reach the controller (the spy calls through).
    const spy = vi.spyOn(w.r.controller as unknown as { paEvent: (ns: string, obj: unknown, type: string) => void }, 'paEvent');
    const events = (): string[] => spy.mock.calls.map((call) => String((call[1] as Obj).metadata['resourceVersion']));
    c.kube.fault({ method: 'PATCH', path: `/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/${NS}/podautoscalers/${REV}/status` }, { kind: 'hold-reply' });
    patch(FakeKube.PA, 'podautoscalers', pa(), (o) => ({ ...o, status: { ...(o['status'] as object), desiredScale: 7 } }));
    const foreign = String(pa().metadata['resourceVersion']);
    await until('the foreign write seen', () => events().includes(foreign));
    c.clock.advance(1);
    await until('the write back done, its reply held', () => c.kube.heldReplies === 1);
    const written = String(pa().metadata['resourceVersion']);
    expect(written).not.toBe(foreign);
    await until('the write\'s own event delivered before its reply', () => events().includes(written));
    c.kube.releaseReplies();
    await w.secondDone();
    await w.second();
    await w.second();
    expect(w.reconciles()).toEqual([11, 11]);
    expect((pa()['status'] as { desiredScale: number }).desiredScale).toBe(1);
    expect(sent('PATCH', `/podautoscalers/${REV}/status`).filter((t) => t > 10)).toEqual([11]);
    expect(w.r.controller.ownStatusWritesAwaited).toBe(0);
    await w.stop();
  });
});

describe('ticks driven from outside (no informers): a PA listed with another resourceVersion is its update event', () => {
  const cases: Array<{ name: string; change: () => void; want: number[] }> = [
    { name: 'nothing written', change: () => {}, want: [] },
    { name: 'labelled by another controller', change: () => patch(FakeKube.PA, 'podautoscalers', pa(), withLabel), want: [12] },
    { name: 'its status patched by another writer (desiredScale 7)', change: () => patch(FakeKube.PA, 'podautoscalers', pa(), (o) => ({ ...o, status: { ...(o['status'] as object), desiredScale: 7 } })), want: [12, 12] },
  ];
  for (const t of cases) {
    it(t.name, async () => {
      await addRevision(c, REV, { knsim: true, pods: 1, concurrency: 5, annotations: { 'autoscaling.knative.dev/target': '10' } });
      const r = replica(c, { mode: 'apply' });
      await r.leader!.tryAcquireOrRenew();
      await r.controller.syncRevisions();
      await run(c, [r], 10);
      const spy = vi.spyOn(r.controller.loops()[0]!, 'reconcile');
      t.change();
      // 11 s scrapes only; the PAs are listed at the 12 s decide tick.
      await run(c, [r], 3);
      expect(spy.mock.calls.map((call) => call[0] - T0)).toEqual(t.want);
      expect((pa()['status'] as { desiredScale: number }).desiredScale).toBe(1);
    });
  }
});
