/**
 * config-deployment taken while the controller runs, as upstream's KPA controller keeps it in
 * its config store next to config-autoscaler: a stored change of it (any new resourceVersion,
 * even of a key knsim does not use) reconciles every PA at once, under the progress deadline
 * it gives, which sets when an activating PA gives up (deadline + 30 s). Watched like
 * config-autoscaler (by name, so RBAC's resourceNames can grant it); read at each revision
 * resync when the watch is refused (403).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deploymentConfigOf, loadDeploymentConfig } from '../../src/adapter/revisions.js';
import type { DecisionLoop } from '../../src/core/autoscaler/index.js';
import { T0, addRevision, fakeCluster, replica, run, type Cluster, type Replica } from './support/cluster.js';
import { until } from './support/wait.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const KNS = 'knative-serving';
const CM = 'config-deployment';
const setDeployment = (data: Record<string, string>): string =>
  String(c.kube.put('api/v1', KNS, 'configmaps', { metadata: { name: CM, namespace: KNS }, data }).metadata['resourceVersion']);
const applied = (r: Replica): Array<unknown> => r.logger.lines.filter((l) => l.msg === 'config-deployment changed; applying it').map((l) => l.fields?.['progressDeadlineSeconds']);
/** The reconciles' times (seconds since T0) and the PA state and replicas each left. */
const spyReconcile = (loop: DecisionLoop) => vi.spyOn(loop, 'reconcile');
const reconciles = (spy: ReturnType<typeof spyReconcile>) =>
  spy.mock.calls.map((call, i) => {
    const out = spy.mock.results[i]!.value as { applyReplicas?: number; output: { state: { active: string; reason: string } } };
    return { at: call[0] - T0, active: out.output.state.active, reason: out.output.state.reason, applyReplicas: out.applyReplicas };
  });

/**
 * A shadow replica of a revision created at T0 that never gets a pod (an image that cannot be
 * pulled), scale to zero allowed, config-deployment at 600 s as the controller started with it.
 */
async function activating(): Promise<{ r: Replica; loop: DecisionLoop }> {
  await addRevision(c, 'new-00001', { pods: 0, concurrency: 0, created: new Date(T0 * 1000).toISOString() });
  const rv = setDeployment({ 'progress-deadline': '600s', 'queue-sidecar-image': 'queue:1' });
  const clients = c.kube.clients();
  const r = replica(c, {
    mode: 'shadow',
    allowScaleToZero: true,
    progressDeadlineSeconds: 600,
    deploymentResourceVersion: rv,
    reloadDeployment: { where: `${KNS}/${CM}`, load: () => loadDeploymentConfig(clients, KNS) },
  });
  await r.controller.syncRevisions();
  await run(c, [r], 1);
  const [loop] = r.controller.loops();
  return { r, loop: loop! };
}

describe('config-deployment read again (ticks driven from outside)', () => {
  it('a write of a key knsim does not use resyncs at once; a 20 s deadline then times the activation out within the read', async () => {
    const { r, loop } = await activating();
    const spy = spyReconcile(loop);
    setDeployment({ 'progress-deadline': '600s', 'queue-sidecar-image': 'queue:2' });
    await r.controller.syncDeploymentConfig();
    // Reconciled at T0 + 1, in the read: activating since then.
    expect(reconciles(spy)[0]).toEqual({ at: 1, active: 'Activating', reason: 'Queued', applyReplicas: undefined });
    await run(c, [r], 59);
    // 59 s activating, under 600 + 30: nothing gives up.
    expect(loop.pa.active).toBe('Activating');
    spy.mockClear();
    setDeployment({ 'progress-deadline': '20s', 'queue-sidecar-image': 'queue:2' });
    await r.controller.syncDeploymentConfig();
    // At T0 + 60, in the read: activating for 59 s, past 20 + 30; the shadow replica would scale 1 -> 0.
    expect(reconciles(spy)).toEqual([{ at: 60, active: 'Inactive', reason: 'TimedOut', applyReplicas: 0 }]);
    expect(applied(r)).toEqual([600, 20]);
    expect(r.logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('the same object read again, or deleted: no resync; a deadline Knative refuses: one line, the last good one kept', async () => {
    const { r, loop } = await activating();
    const spy = spyReconcile(loop);
    await r.controller.syncDeploymentConfig();
    c.kube.delete('api/v1', KNS, 'configmaps', CM);
    await r.controller.syncDeploymentConfig();
    expect(spy.mock.calls).toEqual([]);
    setDeployment({ 'progress-deadline': '0s' });
    await r.controller.syncDeploymentConfig();
    await r.controller.syncDeploymentConfig();
    expect(spy.mock.calls).toEqual([]);
    expect(r.logger.lines.filter((l) => l.level !== 'info').map((l) => l.msg)).toEqual([
      'knative-serving/config-deployment: progress-deadline cannot be a non-positive duration, was 0s; keeping the last good config',
    ]);
    await run(c, [r], 59);
    expect(loop.pa.active).toBe('Activating');
    expect(applied(r)).toEqual([]);
  });
});

describe('config-deployment watched while the controller runs', () => {
  async function running(): Promise<{ r: Replica; stop: () => Promise<void> }> {
    await addRevision(c, 'kpa-00001', { pods: 1, concurrency: 5 });
    const rv = setDeployment({ 'progress-deadline': '600s' });
    const clients = c.kube.clients();
    const r = replica(c, {
      mode: 'shadow',
      // As `knsim controller` starts: from its read of it (the watch's first list is that object again, no change).
      progressDeadlineSeconds: 600,
      deploymentResourceVersion: rv,
      reloadDeployment: { where: `${KNS}/${CM}`, load: () => loadDeploymentConfig(clients, KNS), watch: { namespace: KNS, name: CM, parse: deploymentConfigOf } },
    });
    const ac = new AbortController();
    const done = r.controller.run(ac.signal);
    await until('the revisions listed, the first scrape round asleep', () => c.kube.requests.some((q) => q.path.endsWith('/revisions') && q.status === 200) && c.clock.sleepsUntil(T0 + 1) > 0);
    return {
      r,
      stop: async () => {
        ac.abort();
        await done;
      },
    };
  }
  const reads = (): number[] => c.kube.requests.filter((q) => q.path.endsWith(`/configmaps/${CM}`)).map((q) => q.time - T0);

  it('takes a write as its event arrives, with no tick and no read, and reconciles the PA then', async () => {
    const w = await running();
    await until('the config-deployment watch open', () => c.kube.watchCount('configmaps') === 1);
    const watch = c.kube.requests.find((q) => q.query.get('watch') === 'true' && q.path.endsWith('/configmaps'));
    expect(watch?.query.get('fieldSelector')).toBe(`metadata.name=${CM}`);
    const [loop] = w.r.controller.loops();
    const spy = spyReconcile(loop!);
    setDeployment({ 'progress-deadline': '120s' });
    await until('the change applied and its PA reconciled', () => applied(w.r).length === 1 && spy.mock.calls.length === 1);
    expect(c.clock.now()).toBe(T0);
    expect(applied(w.r)).toEqual([120]);
    expect(spy.mock.calls[0]![0]).toBe(T0);
    await w.stop();
    expect(reads()).toEqual([]);
  });

  it('refused (403): one warning line, then read at each revision resync', async () => {
    c.kube.fault({ method: 'GET', path: `/api/v1/namespaces/${KNS}/configmaps` }, { kind: 'status', status: 403, message: 'forbidden' }, 100);
    const w = await running();
    await until('the warning', () => w.r.logger.lines.some((l) => l.level === 'warn'));
    expect(w.r.logger.lines.filter((l) => l.level !== 'info').map((l) => l.msg)).toEqual([
      'not allowed to watch knative-serving/config-deployment (list/watch configmaps in knative-serving); reading it every 10 s instead',
    ]);
    setDeployment({ 'progress-deadline': '120s' });
    for (let s = 1; s <= 10; s++) {
      c.clock.advance(1);
      if (s === 10) await until('the 10 s read', () => reads().length === 1);
      else await new Promise((res) => setTimeout(res, 10));
    }
    await until('the change applied', () => applied(w.r).length === 1);
    await w.stop();
    expect(reads()).toEqual([10]);
    expect(applied(w.r)).toEqual([120]);
  });
});
