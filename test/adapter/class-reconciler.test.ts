/**
 * Apply mode as the reconciler of the knsim PodAutoscaler class, against the fake API
 * server (which plays Knative's SKS reconciler too): the revision's ServerlessService
 * (exactly one, owned by the PA, its mode and activators as knsim's KPA step decides) and
 * the PodAutoscaler's status (status subresource, merge patch, Knative's conditions), under
 * faults, in dry-run and shadow mode, and with two replicas.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { happyCondition, type KnativeCondition } from '../../src/adapter/conditions.js';
import { adoptPodAutoscalerStatus, desiredPodAutoscalerStatus } from '../../src/adapter/podautoscaler-status.js';
import type { PodAutoscalerStatus } from '../../src/adapter/revisions.js';
import { newPodAutoscalerState } from '../../src/core/autoscaler/index.js';
import { FakeKube, HANG_TIMEOUT_SECONDS, type Fault, type RecordedRequest } from './support/fake-kube.js';
import { NS, T0, addRevision, fakeCluster, replica, run, scalePatches, setConcurrency, type Cluster, type Replica } from './support/cluster.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const REV = 'hello-00001';
const DEPLOY = `${REV}-deployment`;
const SKS_PATH = `/apis/networking.internal.knative.dev/v1alpha1/namespaces/${NS}/serverlessservices`;
const PA_PATH = `/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/${NS}/podautoscalers`;
const STATUS_PATH = `${PA_PATH}/${REV}/status`;
const NOW_ISO = new Date(T0 * 1000).toISOString();

type Cond = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };
type Status = { observedGeneration?: number; serviceName?: string; metricsServiceName?: string; desiredScale?: number; actualScale?: number; conditions?: Cond[] };

const paStatus = (name = REV): Status => (c.kube.podAutoscaler(NS, name)?.['status'] ?? {}) as Status;
const cond = (s: Status, type: string): Cond | undefined => s.conditions?.find((x) => x.type === type);
const condStatus = (s: Status, type: string): string | undefined => cond(s, type)?.status;
const sksList = () => c.kube.serverlessServices(NS);
const sksOf = (name = REV) => sksList().find((s) => s.metadata['name'] === name);
const sksSpec = (name = REV) => sksOf(name)?.['spec'] as { mode: string; numActivators: number } | undefined;
const statusWrites = (): RecordedRequest[] => c.kube.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith('/status'));
const sksWrites = (): RecordedRequest[] => c.kube.requests.filter((q) => q.method !== 'GET' && q.path.startsWith(SKS_PATH));

/** A brand-new knsim-class revision: its PA, a Deployment at `replicas`, no pods yet. */
async function newRevision(name: string, annotations: Record<string, string> = {}, replicas = 1): Promise<void> {
  await addRevision(c, name, { knsim: true, pods: 0, concurrency: 0, replicas, created: NOW_ISO, annotations: { 'autoscaling.knative.dev/target': '10', ...annotations } });
}

/** Plays the Deployment controller: the revision gets as many ready pods as the Deployment's replicas. */
async function followDeployment(rev: string, concurrency: number): Promise<void> {
  const want = c.kube.replicas(NS, `${rev}-deployment`) ?? 0;
  for (let i = 0; ; i++) {
    const pod = `${rev}-deployment-${i}`;
    const exists = c.kube.get(FakeKube.CORE, NS, 'pods', pod) !== undefined;
    if (i < want && !exists) {
      c.kube.addPod(NS, pod, rev);
      if (!c.qps.byPod.has(pod)) await c.qps.add(pod, { averageConcurrentRequests: concurrency, requestCount: concurrency });
    } else if (i >= want && exists) c.kube.delete(FakeKube.CORE, NS, 'pods', pod);
    else if (i >= want) break;
  }
}

/** Runs second by second, with pods following the Deployments of `revs`. */
async function runFollowing(reps: readonly Replica[], seconds: number, revs: Record<string, number>, opts: Parameters<typeof run>[3] = {}): Promise<void> {
  for (let s = 0; s < seconds; s++) {
    await run(c, reps, 1, opts);
    for (const [rev, conc] of Object.entries(revs)) await followDeployment(rev, conc);
  }
}

async function leader(token = 'replica-a', o: Parameters<typeof replica>[1] = { mode: 'apply' }): Promise<Replica> {
  const r = replica(c, { ...o, token });
  await r.leader!.tryAcquireOrRenew();
  await r.controller.syncRevisions();
  return r;
}

/**
 * Every PA status write: a merge patch of the status subresource carrying only the
 * resourceVersion and the status; the four conditions, Ready derived from the other three;
 * observedGeneration; ScaleTargetInitialized never taken back; and no applied write
 * repeating the status the PA already had.
 */
function checkStatusWrites(name = REV): Array<Status> {
  const applied: Status[] = [];
  for (const q of c.kube.requests.filter((r) => r.method === 'PATCH' && r.path === `${PA_PATH}/${name}/status`)) {
    expect(q.contentType).toBe('application/merge-patch+json');
    const body = q.body as { metadata: { resourceVersion?: string }; status: Status };
    expect(Object.keys(body).sort()).toEqual(['metadata', 'status']);
    expect(Object.keys(body.metadata)).toEqual(['resourceVersion']);
    const s = body.status;
    expect(s.conditions!.map((x) => x.type)).toEqual(['Active', 'Ready', 'SKSReady', 'ScaleTargetInitialized']);
    const deps = ['Active', 'SKSReady', 'ScaleTargetInitialized'].map((t) => condStatus(s, t));
    const ready = condStatus(s, 'Ready');
    if (deps.every((x) => x === 'True')) expect(ready).toBe('True');
    else if (deps.includes('False')) expect(ready).toBe('False');
    else expect(ready).toBe('Unknown');
    expect(s.observedGeneration).toBe(1);
    if (q.applied) {
      const prev = applied.at(-1);
      if (prev) {
        expect(JSON.stringify(s), `write #${q.seq} repeats the status`).not.toBe(JSON.stringify(prev));
        if (condStatus(prev, 'ScaleTargetInitialized') === 'True') expect(condStatus(s, 'ScaleTargetInitialized')).toBe('True');
      }
      applied.push(s);
    }
  }
  return applied;
}

/** Exactly one SKS for the PA, created by exactly one POST that took effect, owned by the PA. */
function checkOneSks(name = REV): void {
  expect(sksList().filter((s) => s.metadata['name'] === name).length).toBe(1);
  expect(sksWrites().filter((q) => q.method === 'POST' && q.applied && (q.body as { metadata: { name: string } }).metadata.name === name).length).toBe(1);
  const pa = c.kube.podAutoscaler(NS, name)!;
  expect(sksOf(name)!.metadata['ownerReferences']).toEqual([
    { apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', name, uid: pa.metadata['uid'], controller: true, blockOwnerDeletion: true },
  ]);
}

describe('a new knsim-class revision', () => {
  it('gets one SKS owned by its PA, and a PA status that ends Ready', async () => {
    await newRevision(REV, { 'autoscaling.knative.dev/metric': 'concurrency' });
    const r = await leader();
    await run(c, [r], 2);
    // The first reconcile creates the SKS: Proxy with the KPA's two activators until it decides.
    const posts = sksWrites().filter((q) => q.method === 'POST');
    expect(posts.length).toBe(1);
    expect(posts[0]!.path).toBe(SKS_PATH);
    const pa = c.kube.podAutoscaler(NS, REV)!;
    expect(posts[0]!.body).toEqual({
      apiVersion: 'networking.internal.knative.dev/v1alpha1',
      kind: 'ServerlessService',
      metadata: {
        name: REV,
        namespace: NS,
        labels: { 'serving.knative.dev/revision': REV, 'serving.knative.dev/service': 'hello' },
        annotations: { 'autoscaling.knative.dev/metric': 'concurrency' },
        ownerReferences: [{ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', name: REV, uid: pa.metadata['uid'], controller: true, blockOwnerDeletion: true }],
      },
      spec: { mode: 'Proxy', numActivators: 2, objectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: DEPLOY }, protocolType: 'http1' },
    });
    // The status names no service yet and says why it is not ready.
    let s = paStatus();
    expect(s).toMatchObject({ observedGeneration: 1, serviceName: '', metricsServiceName: '', desiredScale: -1, actualScale: 0 });
    expect(cond(s, 'SKSReady')).toMatchObject({ status: 'Unknown', reason: 'NotReady' });
    expect(cond(s, 'Active')).toMatchObject({ status: 'Unknown', reason: 'Queued' });
    expect(condStatus(s, 'ScaleTargetInitialized')).toBe('Unknown');
    expect(condStatus(s, 'Ready')).toBe('Unknown');

    // Knative's networking fills the SKS status in; the pod comes up and reports load.
    await runFollowing([r], 20, { [REV]: 5 });
    s = paStatus();
    expect(s).toMatchObject({ observedGeneration: 1, serviceName: REV, metricsServiceName: `${REV}-private`, desiredScale: 1, actualScale: 1 });
    for (const t of ['Active', 'SKSReady', 'ScaleTargetInitialized', 'Ready']) expect(condStatus(s, t), t).toBe('True');
    checkOneSks();
    checkStatusWrites();
    // Every status write went to the status subresource; the PA itself was never written.
    expect(c.kube.writes().filter((q) => q.path.startsWith(PA_PATH)).every((q) => q.path === STATUS_PATH)).toBe(true);
    expect(statusWrites().every((q) => q.token === 'replica-a' && q.status === 200)).toBe(true);

    // Steady: nothing changes, nothing is written.
    const before = c.kube.writes().filter((q) => !q.path.includes('/leases')).length;
    await runFollowing([r], 30, { [REV]: 5 });
    expect(c.kube.writes().filter((q) => !q.path.includes('/leases')).length).toBe(before);
    expect(r.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('is ScaleTargetInitialized (and Active) only once min-scale pods are ready', async () => {
    await newRevision(REV, { 'autoscaling.knative.dev/min-scale': '3' });
    const r = await leader();
    await run(c, [r], 4);
    // The KPA scales to min-scale at once (activating: unknown → min).
    expect(c.kube.replicas(NS, DEPLOY)).toBe(3);
    const seen: Array<[number, string | undefined, string | undefined]> = [];
    for (let ready = 1; ready <= 3; ready++) {
      c.kube.addPod(NS, `${DEPLOY}-${ready - 1}`, REV);
      await c.qps.add(`${DEPLOY}-${ready - 1}`, { averageConcurrentRequests: 2, requestCount: 2 });
      await run(c, [r], 4);
      const s = paStatus();
      expect(s.actualScale).toBe(ready);
      seen.push([ready, condStatus(s, 'ScaleTargetInitialized'), condStatus(s, 'Active')]);
    }
    expect(seen).toEqual([
      [1, 'Unknown', 'Unknown'],
      [2, 'Unknown', 'Unknown'],
      [3, 'True', 'True'],
    ]);
    expect(condStatus(paStatus(), 'Ready')).toBe('True');
    // Once initialized, it stays so: a pod going away does not take it back.
    c.kube.delete(FakeKube.CORE, NS, 'pods', `${DEPLOY}-2`);
    await run(c, [r], 6);
    expect(paStatus().actualScale).toBe(2);
    expect(condStatus(paStatus(), 'ScaleTargetInitialized')).toBe('True');
    expect(cond(paStatus(), 'Active')).toMatchObject({ status: 'Unknown', reason: 'Queued' });
    checkStatusWrites();
    checkOneSks();
  });
});

describe('the SKS follows knsim\'s decision', () => {
  it('Serve while the burst capacity is covered (EBC ≥ 0), Proxy when it is not, with the KPA\'s activator count', async () => {
    const tbc10 = { 'autoscaling.knative.dev/target': '10', 'autoscaling.knative.dev/target-burst-capacity': '10', 'autoscaling.knative.dev/max-scale': '2' };
    await addRevision(c, REV, { knsim: true, pods: 2, concurrency: 2, annotations: tbc10 });
    await addRevision(c, 'low-00001', { knsim: true, pods: 2, concurrency: 2, annotations: { 'autoscaling.knative.dev/target': '10' } });
    const r = await leader();
    await run(c, [r], 20);
    // 2 pods × 10 − TBC 10 − 4 in flight = 6 ≥ 0: Serve. Activators: ceil((2 × 10 + 10) / 100) → the minimum 2.
    expect(sksSpec(REV)).toMatchObject({ mode: 'Serve', numActivators: 2 });
    // Default TBC 211: 20 − 211 − 4 < 0 keeps the activators in the path, ceil((20 + 211) / 100) = 3 of them.
    expect(sksSpec('low-00001')).toMatchObject({ mode: 'Proxy', numActivators: 3 });
    // Load rises beyond what 2 pods (max-scale) absorb with TBC 10 to spare: back to Proxy.
    setConcurrency(c, REV, 9);
    await run(c, [r], 10);
    expect(sksSpec(REV)).toMatchObject({ mode: 'Proxy' });
    expect(r.rows.filter((x) => x.revision === REV).at(-1)!.excessBurstCapacity).toBeLessThan(0);
    setConcurrency(c, REV, 2);
    await run(c, [r], 80);
    expect(sksSpec(REV)).toMatchObject({ mode: 'Serve' });
    // Each change was one merge patch of the spec, guarded by the resourceVersion.
    const patches = sksWrites().filter((q) => q.method === 'PATCH' && q.path === `${SKS_PATH}/${REV}` && q.applied);
    expect(patches.map((q) => (q.body as { spec: { mode: string } }).spec.mode)).toContain('Proxy');
    for (const p of patches) {
      expect(p.contentType).toBe('application/merge-patch+json');
      expect((p.body as { metadata: { resourceVersion?: string } }).metadata.resourceVersion).toMatch(/^\d+$/);
    }
    checkOneSks(REV);
    checkOneSks('low-00001');
  });

  it('Proxy at zero: scale to zero waits for the grace period after the SKS reports the activators in the path', async () => {
    // TBC 0: the activators are only in the path at zero, so the SKS serves while there are pods.
    await addRevision(c, REV, { knsim: true, pods: 1, concurrency: 3, annotations: { 'autoscaling.knative.dev/target': '10', 'autoscaling.knative.dev/target-burst-capacity': '0' } });
    const r = await leader('replica-a', { mode: 'apply', allowScaleToZero: true });
    await runFollowing([r], 10, { [REV]: 3 });
    expect(sksSpec()).toMatchObject({ mode: 'Serve' });
    setConcurrency(c, REV, 0);
    await runFollowing([r], 150, { [REV]: 0 });
    expect(c.kube.replicas(NS, DEPLOY)).toBe(0);
    expect(sksSpec()).toMatchObject({ mode: 'Proxy' });
    const toProxy = sksWrites().find((q) => q.method === 'PATCH' && (q.body as { spec: { mode: string } }).spec.mode === 'Proxy')!;
    const zero = scalePatches(c, DEPLOY).find((q) => (q.body as { spec: { replicas: number } }).spec.replicas === 0)!;
    // The SKS went to Proxy when the PA went inactive; ActivatorEndpointsPopulated turned True
    // then, and the Deployment went to zero a grace period (30 s) later.
    expect(zero.time - toProxy.time).toBeGreaterThanOrEqual(30);
    expect(zero.time - toProxy.time).toBeLessThan(34);
    const s = paStatus();
    expect(cond(s, 'Active')).toMatchObject({ status: 'False', reason: 'NoTraffic' });
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'NoTraffic' });
    expect(s).toMatchObject({ desiredScale: 0, actualScale: 0 });
    expect(condStatus(s, 'ScaleTargetInitialized')).toBe('True');
    checkStatusWrites();
  });
});

describe('faults', () => {
  const cases: Array<[string, { method: string; path: RegExp }, Fault]> = [
    ['SKS create: 500', { method: 'POST', path: /\/serverlessservices$/ }, { kind: 'status', status: 500 }],
    ['SKS create: 409', { method: 'POST', path: /\/serverlessservices$/ }, { kind: 'status', status: 409 }],
    ['SKS create: timeout after it took effect', { method: 'POST', path: /\/serverlessservices$/ }, { kind: 'hang-after' }],
    ['SKS create: dropped after it took effect', { method: 'POST', path: /\/serverlessservices$/ }, { kind: 'drop-after' }],
    ['SKS update: 500', { method: 'PATCH', path: /\/serverlessservices\/[^/]+$/ }, { kind: 'status', status: 500 }],
    ['SKS update: 409', { method: 'PATCH', path: /\/serverlessservices\/[^/]+$/ }, { kind: 'status', status: 409 }],
    ['SKS update: timeout after it took effect', { method: 'PATCH', path: /\/serverlessservices\/[^/]+$/ }, { kind: 'hang-after' }],
    ['status: 500', { method: 'PATCH', path: /\/status$/ }, { kind: 'status', status: 500 }],
    ['status: 409', { method: 'PATCH', path: /\/status$/ }, { kind: 'status', status: 409 }],
    ['status: timeout after it took effect', { method: 'PATCH', path: /\/status$/ }, { kind: 'hang-after' }],
    ['SKS list: 500', { method: 'GET', path: /\/serverlessservices$/ }, { kind: 'status', status: 500 }],
  ];
  it.each(cases)('%s: one SKS, no wrong status, and it still ends Ready', async (_name, match, fault) => {
    await newRevision(REV);
    c.kube.fault(match, fault, 2);
    const r = await leader('replica-a', { mode: 'apply', ...(fault.kind === 'hang-after' ? { requestTimeoutSeconds: HANG_TIMEOUT_SECONDS } : {}) });
    await runFollowing([r], 40, { [REV]: 5 });
    checkOneSks();
    const applied = checkStatusWrites();
    expect(applied.length).toBeGreaterThan(1);
    const s = paStatus();
    expect(s).toMatchObject({ serviceName: REV, metricsServiceName: `${REV}-private`, actualScale: 1, desiredScale: 1 });
    for (const t of ['Active', 'SKSReady', 'ScaleTargetInitialized', 'Ready']) expect(condStatus(s, t), t).toBe('True');
    expect(sksSpec()).toMatchObject({ mode: 'Proxy', numActivators: 3 });
    // The faults were met (and, where it applies, backed off or re-read).
    expect(c.kube.requests.some((q) => q.method === match.method && match.path.test(q.path) && q.status !== 200 && q.status !== 201)).toBe(true);
    if (fault.kind === 'status' && fault.status === 409 && match.method !== 'GET') {
      const reread = match.path.source.includes('status') ? `${PA_PATH}/${REV}` : `${SKS_PATH}/${REV}`;
      expect(c.kube.requests.some((q) => q.method === 'GET' && q.path === reread)).toBe(true);
    }
    if (fault.kind === 'status' && fault.status === 500) expect(r.logger.has(/failed; backing off$/)).toBe(true);
  });

  it('an SKS controlled by something else is left alone, and the PA says so', async () => {
    await newRevision(REV);
    c.kube.put(FakeKube.NET, NS, 'serverlessservices', {
      metadata: { name: REV, ownerReferences: [{ apiVersion: 'v1', kind: 'Other', name: 'x', uid: 'someone-else', controller: true }] },
      spec: { mode: 'Serve', numActivators: 0, objectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'other' }, protocolType: 'http1' },
    });
    const r = await leader();
    await runFollowing([r], 20, { [REV]: 5 });
    expect(sksWrites()).toEqual([]);
    expect(scalePatches(c, DEPLOY)).toEqual([]);
    const s = paStatus();
    expect(cond(s, 'Active')).toMatchObject({ status: 'False', reason: 'NotOwned' });
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'NotOwned' });
    expect(r.logger.has('serverlessservice is not controlled by its podautoscaler; leaving it alone')).toBe(true);
    // It is looked at again after a growing backoff (1, 2, 4, 8 s: the test's cap), not at
    // every reconcile with an error line each (the status write had reset it to 1 s).
    const retries = r.logger.lines.filter((l) => l.msg === 'serverlessservice is not controlled by its podautoscaler; leaving it alone').map((l) => l.fields?.['retryInSeconds']);
    expect(retries).toEqual([1, 2, 4, 8, 8]);
    checkStatusWrites();
    // The other SKS goes away: the next look (watch) creates the PA's own, without waiting out the backoff.
    c.kube.delete(FakeKube.NET, NS, 'serverlessservices', REV);
    await runFollowing([r], 3, { [REV]: 5 });
    checkOneSks();
  });
});

describe('who writes', () => {
  it('shadow mode and dry-run write nothing; dry-run logs each SKS and status write it would make, once', async () => {
    await newRevision(REV);
    const shadow = replica(c, { mode: 'shadow' });
    const dry = replica(c, { mode: 'apply', dryRun: true, token: 'replica-d' });
    for (const x of [shadow, dry]) await x.controller.syncRevisions();
    await runFollowing([shadow, dry], 30, {});
    expect(c.kube.writes()).toEqual([]);
    // Shadow mode does not even look at ServerlessServices.
    expect(c.kube.requests.some((q) => q.token === 'replica-a' && q.path.includes('serverlessservices'))).toBe(false);
    const logged = (msg: string) => dry.logger.lines.filter((l) => l.msg === msg);
    // The SKS it would create, then (once that SKS would name its private service, the PA is
    // reconciled again) its spec with ceil(TBC 211 / capacity 100) = 3 activators for 0 pods.
    const posts = logged('dry-run: would POST serverlessservice').map((l) => (JSON.parse(String(l.fields!['body'])) as { spec: unknown }).spec);
    const objectRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: DEPLOY };
    expect(posts).toEqual([2, 3].map((numActivators) => ({ mode: 'Proxy', numActivators, objectRef, protocolType: 'http1' })));
    const statuses = logged('dry-run: would PATCH podautoscaler status');
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.length).toBeLessThan(5);
    expect(statuses[0]!.fields).toMatchObject({ path: STATUS_PATH, contentType: 'application/merge-patch+json' });
  });

  it('two replicas never both write; the new leader carries the status on without rewriting it', async () => {
    c.kube.leaseWatch = { ns: NS, name: 'knsim-controller' };
    await newRevision(REV);
    const a = await leader('replica-a');
    const b = replica(c, { mode: 'apply', token: 'replica-b' });
    await b.controller.syncRevisions();
    await runFollowing([a, b], 30, { [REV]: 5 });
    expect(condStatus(paStatus(), 'Ready')).toBe('True');
    const writesBy = (token: string) => c.kube.writes().filter((q) => q.token === token && !q.path.includes('/leases'));
    expect(writesBy('replica-a').length).toBeGreaterThan(2);
    expect(writesBy('replica-b')).toEqual([]);
    const settled = JSON.stringify(paStatus());

    // a loses the Lease (its renewals fail) but keeps running; b takes over.
    c.kube.fault({ method: 'PUT', token: 'replica-a' }, { kind: 'status', status: 503 }, 1000);
    const cutAt = c.clock.now();
    await runFollowing([a, b], 30, { [REV]: 5 });
    expect(b.leader!.isLeader()).toBe(true);
    // Nothing changed in the cluster, so b found the status as it wants it and wrote nothing.
    expect(writesBy('replica-b')).toEqual([]);
    expect(JSON.stringify(paStatus())).toBe(settled);
    // Then the load rises: b scales, and updates the SKS and the status.
    setConcurrency(c, REV, 30);
    await runFollowing([a, b], 20, { [REV]: 30 });
    expect(writesBy('replica-b').some((q) => q.path === STATUS_PATH)).toBe(true);
    expect(writesBy('replica-b').some((q) => q.path.startsWith(SKS_PATH))).toBe(true);
    expect(writesBy('replica-a').every((q) => q.time - cutAt < 10)).toBe(true);
    expect(paStatus().desiredScale).toBeGreaterThan(1);
    checkOneSks();
    checkStatusWrites();
    // Every write (scale, SKS, status) came from the replica holding the Lease at the time.
    const leaseWrites = c.kube.requests.filter((q) => q.path.includes('/leases') && q.applied);
    for (const w of c.kube.writes().filter((q) => !q.path.includes('/leases'))) {
      const mine = leaseWrites.filter((l) => l.token === w.token && l.seq < w.seq).at(-1);
      expect(mine, `write #${w.seq} by ${w.token} without the lease`).toBeDefined();
      expect(w.time - mine!.time).toBeLessThan(10);
      expect(leaseWrites.filter((l) => l.token !== w.token && l.seq > mine!.seq && l.seq < w.seq)).toEqual([]);
    }
  });

  it('a restarted controller adopts the PA status it finds and writes nothing while nothing changes', async () => {
    // A new revision with initial-scale 3 that only ever gets one pod ready: activating, not initialized.
    await newRevision(REV, { 'autoscaling.knative.dev/initial-scale': '3' });
    const a = await leader('replica-a');
    c.kube.addPod(NS, `${DEPLOY}-0`, REV);
    await c.qps.add(`${DEPLOY}-0`, { averageConcurrentRequests: 2, requestCount: 2 });
    await run(c, [a], 70);
    expect(c.kube.replicas(NS, DEPLOY)).toBe(3);
    const settled = JSON.stringify(paStatus());
    expect(condStatus(paStatus(), 'ScaleTargetInitialized')).toBe('Unknown');
    expect(cond(paStatus(), 'Active')).toMatchObject({ status: 'Unknown', reason: 'Queued' });
    await a.leader!.release();
    // A new controller takes the (now older than a stable window) revision over with its one
    // pod. Without the PA's status it would take it for a running, initialized revision.
    const b = await leader('replica-b');
    await run(c, [b], 30);
    expect(b.rows.some((x) => x.valid)).toBe(true);
    expect(c.kube.writes().filter((q) => q.token === 'replica-b' && !q.path.includes('/leases'))).toEqual([]);
    expect(JSON.stringify(paStatus())).toBe(settled);
  });

  it('takes over a running revision without scaling it before its first decision on data', async () => {
    // Three replicas wanted, two ready and one starting; the queue-proxies do not answer yet.
    await addRevision(c, REV, { knsim: true, pods: 2, replicas: 3, concurrency: 5, annotations: { 'autoscaling.knative.dev/target': '10' } });
    c.kube.addPod(NS, `${DEPLOY}-2`, REV, { phase: 'Pending', ready: false });
    for (const qp of c.qps.byPod.values()) qp.fault = 'status500';
    const a = await leader();
    await run(c, [a], 12);
    expect(a.rows.every((x) => !x.valid)).toBe(true);
    // Its SKS and status are set up, as for any PA of the class, but nothing is scaled.
    checkOneSks();
    expect(sksSpec()).toMatchObject({ mode: 'Proxy', numActivators: 2 });
    expect(paStatus()).toMatchObject({ serviceName: REV, actualScale: 2 });
    expect(scalePatches(c, DEPLOY)).toEqual([]);
    expect(c.kube.replicas(NS, DEPLOY)).toBe(3);
    checkStatusWrites();
  });

  it('a leader whose lease runs out in the middle of a reconcile writes nothing after its renew deadline', async () => {
    await newRevision(REV);
    const a = await leader();
    await runFollowing([a], 2, { [REV]: 5 });
    expect(sksList().length).toBe(1);
    // The next reconcile reads the Deployment's scale; meanwhile 11 s pass without a renewal.
    let stalled = false;
    c.kube.onRequest = (q) => {
      if (!stalled && q.method === 'GET' && q.path.endsWith('/scale')) {
        stalled = true;
        c.clock.advance(11);
      }
    };
    await runFollowing([a], 6, { [REV]: 5 }, { renew: () => false });
    expect(stalled).toBe(true);
    const lastRenew = Math.max(...c.kube.requests.filter((q) => q.path.includes('/leases') && q.applied).map((q) => q.time));
    const writes = c.kube.writes().filter((q) => !q.path.includes('/leases'));
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(w.time - lastRenew, `${w.method} ${w.path}`).toBeLessThan(10);
    // The reconcile wanted to update the SKS (one pod now: 3 activators) but did not.
    expect(sksSpec()).toMatchObject({ numActivators: 2 });
  });
});

describe('PA status computation', () => {
  const c0 = (type: string, status: KnativeCondition['status'], at: string, reason = ''): KnativeCondition => ({ type, status, reason, message: reason, lastTransitionTime: at, severity: '' });
  const deps = ['Active', 'ScaleTargetInitialized', 'SKSReady'];

  it('Ready is True only with every dependent True; False wins over Unknown; the latest change gives the reason', () => {
    const t1 = '2024-01-01T00:00:01Z';
    const t2 = '2024-01-01T00:00:02Z';
    expect(happyCondition(deps, [c0('Active', 'True', t1), c0('ScaleTargetInitialized', 'True', t1), c0('SKSReady', 'True', t1)]).status).toBe('True');
    expect(happyCondition(deps, [c0('Active', 'True', t1), c0('ScaleTargetInitialized', 'True', t1)])).toMatchObject({ status: 'Unknown' });
    expect(happyCondition(deps, [c0('Active', 'False', t1, 'NoTraffic'), c0('ScaleTargetInitialized', 'True', t1), c0('SKSReady', 'Unknown', t2, 'NotReady')])).toMatchObject({ status: 'False', reason: 'NoTraffic' });
    expect(happyCondition(deps, [c0('Active', 'Unknown', t1, 'Queued'), c0('ScaleTargetInitialized', 'Unknown', t1), c0('SKSReady', 'Unknown', t2, 'NotReady')])).toMatchObject({ status: 'Unknown', reason: 'NotReady' });
  });

  it('keeps transition times of unchanged conditions, and adopting a status round-trips the PA state', () => {
    const empty: PodAutoscalerStatus = { observedGeneration: undefined, serviceName: '', metricsServiceName: '', desiredScale: undefined, actualScale: undefined, conditions: [] };
    const state = { ...newPodAutoscalerState(1000), active: 'Active' as const, lastTransitionSeconds: 1005, scaleTargetInitialized: true, desiredScale: 3, actualScale: 3 };
    const sks = { serviceName: 'r', privateServiceName: 'r-private', ready: true, notReadyMessage: '' };
    const first = desiredPodAutoscalerStatus({ nowSeconds: 1010, generation: 2, current: empty, state, sks });
    expect(first).toMatchObject({ observedGeneration: 2, serviceName: 'r', metricsServiceName: 'r-private', desiredScale: 3, actualScale: 3 });
    expect(first.conditions.map((x) => `${x.type}=${x.status}@${x.lastTransitionTime}`)).toEqual([
      'Active=True@1970-01-01T00:16:50Z',
      'Ready=True@1970-01-01T00:16:50Z',
      'SKSReady=True@1970-01-01T00:16:50Z',
      'ScaleTargetInitialized=True@1970-01-01T00:16:50Z',
    ]);
    // Later, the SKS loses its pods: only SKSReady and Ready change (and their times).
    const second = desiredPodAutoscalerStatus({ nowSeconds: 1020, generation: 2, current: first, state, sks: { ...sks, ready: false, notReadyMessage: 'no pods' } });
    expect(second.conditions.map((x) => `${x.type}=${x.status}@${x.lastTransitionTime}`)).toEqual([
      'Active=True@1970-01-01T00:16:50Z',
      'Ready=Unknown@1970-01-01T00:17:00Z',
      'SKSReady=Unknown@1970-01-01T00:17:00Z',
      'ScaleTargetInitialized=True@1970-01-01T00:16:50Z',
    ]);
    expect(second.conditions.find((x) => x.type === 'Ready')).toMatchObject({ reason: 'NotReady', message: 'no pods' });
    const inactive = { ...state, active: 'Inactive' as const, reason: 'NoTraffic' as const, lastTransitionSeconds: 1015 };
    const third = desiredPodAutoscalerStatus({ nowSeconds: 1020, generation: 2, current: second, state: inactive, sks });
    expect(third.conditions.find((x) => x.type === 'Active')).toMatchObject({ status: 'False', reason: 'NoTraffic', lastTransitionTime: '1970-01-01T00:16:55Z' });
    // A fresh pipeline state adopting this status gets the same Active state, time and scales back.
    const adopted = adoptPodAutoscalerStatus(newPodAutoscalerState(1000), third, 1030);
    expect(adopted).toEqual({ active: 'Inactive', reason: 'NoTraffic', lastTransitionSeconds: 1015, scaleTargetInitialized: true, desiredScale: 3, actualScale: 3 });
  });
});
