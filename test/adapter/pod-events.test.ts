/**
 * Upstream's KPA controller enqueues a PodAutoscaler on every add, update or delete of its
 * revision's pods (kpa/controller.go: the pods informer's handler), not only when the pod
 * counts change. An image that never pulls keeps a new revision's PA activating with one
 * Pending pod; the kubelet's pull retries update that pod without changing any count.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeKube } from './support/fake-kube.js';
import { NS, T0, addRevision, fakeCluster, replica, run, scalePatches, type Cluster, type Replica } from './support/cluster.js';
import { until } from './support/wait.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const REV = 'hello-00001';
const DEPLOY = `${REV}-deployment`;

/**
 * A new knsim-class revision whose one pod stays Pending (its image never pulls). With a 10 s
 * progress deadline its activation times out 40 s after the PA started activating: the PA
 * goes Activating at 2 s (so it may fail at 42 s), and the reconcile at 4 s requeues it at 44 s.
 */
async function neverPulls(): Promise<Replica> {
  const annotations = { 'autoscaling.knative.dev/target': '10', 'serving.knative.dev/progress-deadline': '10s' };
  await addRevision(c, REV, { knsim: true, pods: 0, concurrency: 0, replicas: 1, created: new Date(T0 * 1000).toISOString(), annotations });
  pullRetry(`${DEPLOY}-0`);
  const r = replica(c, { mode: 'apply', allowScaleToZero: true });
  await r.leader!.tryAcquireOrRenew();
  await r.controller.syncRevisions();
  return r;
}

/** The kubelet retries the pull: the Pending pod is updated (a new resourceVersion), its counts unchanged. */
const pullRetry = (pod: string): void => c.kube.addPod(NS, pod, REV, { phase: 'Pending', ready: false, ip: '' });

/** The PA's Active condition: status, reason, and its transition (seconds from T0). */
function activeCondition(): { status: string; reason: string; at: number } {
  const status = c.kube.podAutoscaler(NS, REV)!['status'] as { conditions: Array<{ type: string; status: string; reason?: string; lastTransitionTime: string }> };
  const a = status.conditions.find((x) => x.type === 'Active')!;
  return { status: a.status, reason: a.reason ?? '', at: Date.parse(a.lastTransitionTime) / 1000 - T0 };
}

/** When (seconds from T0) the PA status was patched. */
const statusPatches = (): number[] => c.kube.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith(`/podautoscalers/${REV}/status`)).map((q) => q.time - T0);

/** When (seconds from T0) the Deployment was scaled, and to what. */
const scales = (): string[] => scalePatches(c, DEPLOY).filter((q) => q.applied).map((q) => `${q.time - T0}s→${(q.body as { spec: { replicas: number } }).spec.replicas}`);

describe('a pod event reconciles its revision\'s PA', () => {
  it('ticks driven from outside: the updated pod of an activating PA past its timeout scales it to zero at the next tick, not at the requeue', async () => {
    const r = await neverPulls();
    await run(c, [r], 42);
    expect(scales()).toEqual([]);
    pullRetry(`${DEPLOY}-0`);
    await run(c, [r], 1);
    expect(scales()).toEqual(['43s→0']);
  });

  it('a pod deleted and replaced between two ticks (same counts) reconciles too', async () => {
    const r = await neverPulls();
    await run(c, [r], 42);
    c.kube.delete(FakeKube.CORE, NS, 'pods', `${DEPLOY}-0`);
    pullRetry(`${DEPLOY}-1`);
    await run(c, [r], 1);
    expect(scales()).toEqual(['43s→0']);
  });

  it('without a pod event, the PA waits for its requeue at 44 s', async () => {
    const r = await neverPulls();
    await run(c, [r], 43);
    expect(scales()).toEqual([]);
    await run(c, [r], 1);
    expect(scales()).toEqual(['44s→0']);
    // The TimedOut status write is read back at once (the PA informer's update event): no
    // longer activating, the PA is Inactive for NoTraffic (kpa.go computeActiveCondition), at 44 s.
    expect(activeCondition()).toEqual({ status: 'False', reason: 'NoTraffic', at: 44 });
    expect(statusPatches()).toEqual([2, 4, 44, 44]);
  });

  it('watched (the run loop): two update events queue one reconcile, at the next scrape; the SKS\'s status event makes the timeout requeue 42 s', async () => {
    const r = await neverPulls();
    const ac = new AbortController();
    const done = r.controller.run(ac.signal);
    await until('the pod watch', () => c.kube.watchCount('pods') === 1 && c.kube.requests.some((q) => q.path.endsWith('/revisions') && q.status === 200));
    const loop = () => r.controller.loops()[0];
    // Each second is done once every loop sleeps again and no reconcile is under way, however
    // long that takes on a busy machine (a late round would run at a later second). First the
    // quiet start: every watch open, the scrape at 0 s done (its next round due at 1 s), the
    // decide loop waiting for 2 s.
    await until('the first scrape round', () => c.kube.watchCount() === 3 && c.clock.sleepsUntil(T0 + 1) > 0 && c.clock.sleepsUntil(T0 + 2) > 0 && r.controller.reconcilesInFlight === 0);
    const asleep = c.clock.pendingSleeps;
    const second = async (s: number): Promise<void> => {
      c.clock.advance(1);
      await until(`second ${s} done`, () => c.clock.pendingSleeps >= asleep && r.controller.reconcilesInFlight === 0);
    };
    for (let s = 1; s <= 20; s++) await second(s);
    expect(activeCondition()).toEqual({ status: 'Unknown', reason: 'Queued', at: 2 });
    const reconciles = vi.spyOn(loop()!, 'reconcile');
    pullRetry(`${DEPLOY}-0`);
    pullRetry(`${DEPLOY}-0`);
    await until('the watch events queue a reconcile', () => loop()!.reconcileDue(c.clock.now()));
    await second(21);
    expect(reconciles.mock.calls.map((call) => call[0] - T0)).toEqual([21]);
    for (let s = 22; s <= 41; s++) await second(s);
    expect(scales()).toEqual([]);
    // The SKS's status event (networking names its services at 2 s) reconciled the PA at 2 s, as
    // upstream's SKS handler enqueues it, so the activation timeout's requeue (40 s) is due at 42 s.
    await second(42);
    await until('a scale write', () => scales().length > 0);
    ac.abort();
    await done;
    expect(scales()).toEqual(['42s→0']);
    expect(activeCondition()).toEqual({ status: 'False', reason: 'NoTraffic', at: 42 });
  });
});
