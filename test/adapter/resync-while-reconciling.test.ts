/**
 * A PA enqueued while its reconcile is under way runs once more as soon as that reconcile
 * ends, as client-go's workqueue does (a key being processed is marked dirty and handed out
 * again at Done): a config-autoscaler change that arrives while a scale write is in flight
 * reconciles the PA at that same instant, under the new config, not at the next tick.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isScaleAction } from '../../src/adapter/controller.js';
import { loadAutoscalerConfig } from '../../src/adapter/revisions.js';
import type { DecisionLoop } from '../../src/core/autoscaler/index.js';
import { NS, T0, addRevision, fakeCluster, replica, run, scalePatches, setConcurrency, type Cluster, type Replica } from './support/cluster.js';
import { until } from './support/wait.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const REV = 'own-00001';
const DEPLOY = `${REV}-deployment`;
const setConfig = (data: Record<string, string>): void => {
  c.kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: 'config-autoscaler', namespace: 'knative-serving' }, data });
};

/** Each loop.reconcile: when (seconds since T0), under which min-scale, and what it would scale to. */
function recordReconciles(loop: DecisionLoop): Array<{ at: number; min: number; applyReplicas: number | undefined }> {
  const calls: Array<{ at: number; min: number; applyReplicas: number | undefined }> = [];
  const original = loop.reconcile.bind(loop);
  vi.spyOn(loop, 'reconcile').mockImplementation((now, input) => {
    const min = loop.scaleBounds().min;
    const r = original(now, input);
    calls.push({ at: now - T0, min, applyReplicas: r.applyReplicas });
    return r;
  });
  return calls;
}

/** A leading apply-mode replica of a knsim-class revision (target 10, one pod at 5), settled. */
async function settled(): Promise<{ r: Replica; loop: DecisionLoop }> {
  await addRevision(c, REV, { knsim: true, pods: 1, concurrency: 5, annotations: { 'autoscaling.knative.dev/target': '10' } });
  setConfig({});
  const clients = c.kube.clients();
  const r = replica(c, { mode: 'apply', reloadConfig: { where: 'knative-serving/config-autoscaler', load: () => loadAutoscalerConfig(clients, 'knative-serving', {}) } });
  await r.leader!.tryAcquireOrRenew();
  await r.controller.syncRevisions();
  await r.controller.syncConfig();
  await run(c, [r], 10);
  const [loop] = r.controller.loops();
  expect(c.kube.replicas(NS, DEPLOY)).toBe(1);
  return { r, loop: loop! };
}

describe('a config change while the PA reconciles', () => {
  it('the resync finds it busy; it runs again the moment the scale write in flight is answered, with the new min-scale', async () => {
    const { r, loop } = await settled();
    const calls = recordReconciles(loop);
    // 15 at target 10: the decider wants 2 pods, and the decide tick at T0 + 12 scales 1 -> 2.
    setConcurrency(c, REV, 15);
    await run(c, [r], 1);
    c.kube.fault({ method: 'PATCH', path: `/apis/apps/v1/namespaces/${NS}/deployments/${DEPLOY}/scale` }, { kind: 'hold-reply' });
    c.clock.advance(1);
    const tick = r.controller.scrapeTick().then(() => r.controller.decideTick());
    await until('the scale write sent, its answer held', () => c.kube.heldReplies === 1);
    expect(calls).toEqual([{ at: 12, min: 1, applyReplicas: 2 }]);

    setConfig({ 'min-scale': '3' });
    await r.controller.syncConfig();
    // Busy: the resync's reconcile did not run a step of its own (yet).
    expect(calls).toHaveLength(1);

    c.kube.releaseReplies();
    await tick;
    // The clock still at T0 + 12: the steps that read back the reconcile's two status writes
    // (desiredScale 2, scale 2 -> 3 under the new min-scale; desiredScale 3, nothing to do),
    // then the resync's own reconcile, rerun as the first one ended.
    expect(c.clock.now()).toBe(T0 + 12);
    expect(calls).toEqual([
      { at: 12, min: 1, applyReplicas: 2 },
      { at: 12, min: 3, applyReplicas: 3 },
      { at: 12, min: 3, applyReplicas: undefined },
      { at: 12, min: 3, applyReplicas: undefined },
    ]);
    expect(scalePatches(c, DEPLOY).map((q) => (q.body as { spec: { replicas: number } }).spec.replicas)).toEqual([2, 3]);
    expect(c.kube.replicas(NS, DEPLOY)).toBe(3);
    // The decide tick's row, with both of its reconcile's writes (it said only the last, `scale 2->3`), then the
    // resync's, written by its rerun at that instant; the tick's row is one scale action in the run's count.
    const rows = r.rows.filter((x) => x.time === T0 + 12);
    expect(rows.map((x) => [x.action, x.replicas])).toEqual([['scale 1->2->3', 3], ['config-autoscaler: none', 3]]);
    expect(rows.map((x) => isScaleAction(x.action))).toEqual([true, false]);
    // Nothing was left pending for the next tick.
    expect(loop.reconcileDue(c.clock.now())).toBe(false);
  });
});
