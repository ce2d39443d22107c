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
import { T0, addRevision, fakeCluster, replica, run, runLoopsAsleep, type Cluster, type Replica } from './support/cluster.js';
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
/** As shipped, Knative's config-deployment always names the queue-proxy image (Knative refuses it without). */
const IMAGE = { 'queue-sidecar-image': 'queue:1' };
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
    setDeployment({ ...IMAGE, 'progress-deadline': '0s' });
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

describe('a config-deployment update Knative refuses, whichever key: one line naming it, the last good config kept, no resync', () => {
  const cases: Array<{ name: string; data: Record<string, string>; line: string }> = [
    { name: 'queue-sidecar-image removed', data: { 'progress-deadline': '20s' }, line: 'queue-sidecar-image cannot be empty or unset (Knative runs it as every revision\'s queue-proxy)' },
    { name: 'queue-sidecar-image blank', data: { 'queue-sidecar-image': ' ', 'progress-deadline': '20s' }, line: 'queue-sidecar-image cannot be empty or unset (Knative runs it as every revision\'s queue-proxy)' },
    {
      name: 'a queue-proxy quantity that does not parse',
      data: { ...IMAGE, 'progress-deadline': '20s', 'queue-sidecar-memory-limit': '1GB' },
      line: 'queue-sidecar-memory-limit: failed to parse quantity: "1GB" is not a valid quantity: quantities must match <sign><digits>.<digits><suffix>, e.g. 500m, 1.5, 2Gi, 1e3 (Kubernetes: ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$)',
    },
    {
      name: 'a legacy key, parsed first as upstream does',
      data: { ...IMAGE, 'progress-deadline': 'soon', queueSidecarCPURequest: 'lots' },
      line: 'queueSidecarCPURequest: failed to parse quantity: "lots" is not a valid quantity: quantities must match <sign><digits>.<digits><suffix>, e.g. 500m, 1.5, 2Gi, 1e3 (Kubernetes: ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$)',
    },
    { name: 'a digest resolution timeout of 0', data: { ...IMAGE, 'progress-deadline': '20s', 'digest-resolution-timeout': '0s' }, line: 'digest-resolution-timeout cannot be a non-positive duration, was 0s' },
    {
      name: 'an unknown default affinity type',
      data: { ...IMAGE, 'progress-deadline': '20s', 'default-affinity-type': 'spread' },
      line: 'unsupported default-affinity-type value: "spread" (Knative takes none or prefer-spread-revision-over-nodes)',
    },
    {
      name: 'pod-is-always-schedulable not a Go boolean',
      data: { ...IMAGE, 'progress-deadline': '20s', 'pod-is-always-schedulable': 'yes' },
      line: 'pod-is-always-schedulable: failed to parse "yes": expected a boolean (true or false)',
    },
  ];
  for (const t of cases) {
    it(t.name, async () => {
      const { r, loop } = await activating();
      const spy = spyReconcile(loop);
      // A good write first: reconciled at T0 + 1, activating since then under 600 s.
      setDeployment({ ...IMAGE, 'progress-deadline': '600s', 'queue-sidecar-cpu-request': '30m' });
      await r.controller.syncDeploymentConfig();
      expect(reconciles(spy)).toEqual([{ at: 1, active: 'Activating', reason: 'Queued', applyReplicas: undefined }]);
      spy.mockClear();
      setDeployment(t.data);
      await r.controller.syncDeploymentConfig();
      await r.controller.syncDeploymentConfig();
      expect(spy.mock.calls).toEqual([]);
      expect(r.logger.lines.filter((l) => l.level !== 'info').map((l) => l.msg)).toEqual([`knative-serving/config-deployment: ${t.line}; keeping the last good config`]);
      // Still 600 s: 59 s activating gives up nothing (under the refused 20 s it would have at T0 + 51).
      await run(c, [r], 59);
      expect(loop.pa.active).toBe('Activating');
      spy.mockClear();
      // Put right: taken, and the PA reconciled under it at once (activating 59 s, past 20 + 30).
      setDeployment({ ...IMAGE, 'progress-deadline': '20s' });
      await r.controller.syncDeploymentConfig();
      expect(reconciles(spy)).toEqual([{ at: 60, active: 'Inactive', reason: 'TimedOut', applyReplicas: 0 }]);
      expect(applied(r)).toEqual([600, 20]);
    });
  }
});

describe('config-deployment watched while the controller runs', () => {
  async function running(): Promise<{ r: Replica; stop: () => Promise<void> }> {
    await addRevision(c, 'kpa-00001', { pods: 1, concurrency: 5 });
    const rv = setDeployment({ ...IMAGE, 'progress-deadline': '600s' });
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
    setDeployment({ ...IMAGE, 'progress-deadline': '120s' });
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
    setDeployment({ ...IMAGE, 'progress-deadline': '120s' });
    for (let s = 1; s <= 10; s++) {
      c.clock.advance(1);
      await until(`second ${s}: every loop asleep again`, () => runLoopsAsleep(c, w.r, s));
    }
    await until('the change applied', () => applied(w.r).length === 1);
    await w.stop();
    expect(reads()).toEqual([10]);
    expect(applied(w.r)).toEqual([120]);
  });
});

describe('config-deployment refused at the start (403 on its read)', () => {
  it('its watch is retried on the reflector\'s backoff, reported by no further line, and the ConfigMap taken once a list is answered', async () => {
    await addRevision(c, 'kpa-00001', { pods: 1, concurrency: 5 });
    setDeployment({ ...IMAGE, 'progress-deadline': '120s' });
    // RBAC that lets the controller list config-deployment only after a while: four lists refused.
    c.kube.fault({ method: 'GET', path: `/api/v1/namespaces/${KNS}/configmaps` }, { kind: 'status', status: 403, message: 'forbidden' }, 4);
    const clients = c.kube.clients();
    const r = replica(c, {
      mode: 'shadow',
      // As `knsim controller` starts after its read was refused (a warning there): Knative's 600 s meanwhile.
      reloadDeployment: { where: `${KNS}/${CM}`, load: () => loadDeploymentConfig(clients, KNS), watch: { namespace: KNS, name: CM, parse: deploymentConfigOf }, refusedAtStart: true },
    });
    const ac = new AbortController();
    const done = r.controller.run(ac.signal);
    const lists = () => c.kube.requests.filter((q) => q.method === 'GET' && q.path === `/api/v1/namespaces/${KNS}/configmaps` && q.query.get('watch') !== 'true');
    await until('the first list refused', () => lists().length === 1 && c.clock.sleepsUntil(T0 + 1) > 0);
    // Second by second until the fifth list (by 0.8 + 1.6 + 3.2 + 6.4 s, each up to doubled: at most 24 s).
    for (let s = 1; s <= 30 && lists().length < 5; s++) {
      c.clock.advance(1);
      await until(`second ${s}: every loop asleep again`, () => c.clock.sleepsUntil(T0 + s + 1) > 0 && r.controller.reconcilesInFlight === 0);
    }
    await until('the change applied', () => applied(r).length === 1);
    ac.abort();
    await done;
    const times = lists().map((q) => q.time - T0);
    expect(lists().map((q) => q.status)).toEqual([403, 403, 403, 403, 200]);
    // The reflector's waits: 0.8 s doubling, each stretched by up to 100 %; seen here at whole seconds, and a wait
    // may start a second late (the clock moved on before the refusal was handled): 0, 2, 6, 14, 22 s in one run.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.map((g, i) => g >= 0.8 * 2 ** i && g <= Math.ceil(1.6 * 2 ** i) + 1)).toEqual([true, true, true, true]);
    // Never given up for a read every 10 s, never logged again.
    expect(c.kube.requests.filter((q) => q.path.endsWith(`/configmaps/${CM}`))).toEqual([]);
    expect(r.logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
    expect(r.logger.lines.filter((l) => l.msg === 'knative-serving/config-deployment read after the refusal at the start').map((l) => l.fields)).toEqual([{ progressDeadlineSeconds: 120 }]);
    expect(applied(r)).toEqual([120]);
  });
});
