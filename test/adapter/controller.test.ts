/**
 * The controller against a fake API server and fake queue-proxies on 127.0.0.1, on a
 * fake clock: what it requests (paths, verbs, content types), what it writes in each
 * mode, and how it behaves under faults.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapter/clock.js';
import { Controller } from '../../src/adapter/controller.js';
import { LeaderElector } from '../../src/adapter/leader.js';
import { defaultAutoscalerConfig } from '../../src/core/autoscaler/index.js';
import { MemoryLogger } from './support/cluster.js';
import { HANG_TIMEOUT_SECONDS } from './support/fake-kube.js';
import { until } from './support/wait.js';
import { NS, T0, addRevision, checkScaleWrites, fakeCluster, replica, run, scalePatches, setConcurrency, type Cluster } from './support/cluster.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const KNSIM = { 'autoscaling.knative.dev/target': '10', 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '5' };
const DEPLOY = 'hello-00001-deployment';

describe('shadow mode', () => {
  it('decides from scraped stats next to Knative\'s decision, and writes nothing', async () => {
    // A KPA revision Knative scales (its PA says 3), and a knsim-class one.
    await addRevision(c, 'kpa-00001', { pods: 3, concurrency: 10, annotations: { 'autoscaling.knative.dev/target': '10' } });
    c.kube.setPodAutoscaler(NS, 'kpa-00001', { desired: 3, actual: 3 });
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 7, annotations: KNSIM });
    const hpa = { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'cpu' };
    await addRevision(c, 'cpu-00001', { pods: 1, concurrency: 1, annotations: hpa });
    const r = replica(c, { mode: 'shadow' });
    await r.controller.syncRevisions();
    await run(c, [r], 20);
    setConcurrency(c, 'kpa-00001', 40); // 120 in total: knsim would want ceil(120 / 7) = 18
    await run(c, [r], 10);

    expect(c.kube.writes()).toEqual([]);
    // Only reads of the kinds shadow mode needs, at the right paths.
    const paths = new Set(c.kube.requests.map((q) => `${q.method} ${q.path}?${q.query.toString()}`));
    expect(paths).toEqual(
      new Set([
        `GET /apis/serving.knative.dev/v1/namespaces/${NS}/revisions?`,
        `GET /api/v1/namespaces/${NS}/pods?labelSelector=serving.knative.dev%2Frevision`,
        `GET /apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/${NS}/podautoscalers?`,
      ]),
    );
    expect(c.qps.requests.every((q) => q.path === '/metrics' && q.accept === 'application/protobuf')).toBe(true);
    // The HPA-class revision is not knsim's business.
    expect(r.rows.some((x) => x.revision === 'cpu-00001')).toBe(false);
    expect(c.qps.requests.some((q) => q.pod.startsWith('cpu-'))).toBe(false);

    const kpa = r.rows.filter((x) => x.revision === 'kpa-00001');
    expect(kpa.length).toBe(15);
    expect(kpa.every((x) => x.knativeDesired === 3 && x.knativeActual === 3)).toBe(true);
    const first = kpa.find((x) => x.valid)!;
    expect(first.observedStable).toBeCloseTo(30, 9); // 3 pods × 10
    expect(first.desired).toBe(5); // ceil(30 / 7)
    const last = kpa.at(-1)!;
    expect(last.desired).toBe(18);
    expect(last.want).toBe(18);
    // The panic window fills over 6 s, so the scale-up comes in steps, as the KPA's would.
    expect(kpa.filter((x) => x.action !== 'none').map((x) => x.action)).toEqual(['would-scale 3->5', 'would-scale 5->9', 'would-scale 9->13', 'would-scale 13->18']);
    expect(kpa.filter((x) => x.inPanic).length).toBeGreaterThan(0);
    // The knsim-class revision has no Knative decision to compare with.
    expect(r.rows.filter((x) => x.revision === 'hello-00001').every((x) => x.knativeDesired === undefined)).toBe(true);
  });
});

describe('shadow mode keeps its own replicas', () => {
  it("scales its own replicas back down to the real pods' count when the load falls", async () => {
    await addRevision(c, 'kpa-00001', { pods: 3, concurrency: 10, annotations: { 'autoscaling.knative.dev/target': '10' } });
    const r = replica(c, { mode: 'shadow' });
    await r.controller.syncRevisions();
    await run(c, [r], 20);
    setConcurrency(c, 'kpa-00001', 40);
    await run(c, [r], 10);
    expect(r.rows.at(-1)).toMatchObject({ want: 18, replicas: 18 });
    // Back to 21 in flight, ceil(21 / 7) = 3: as many as the pods that really run. Knsim's
    // replicas (18) come down to 3 after the stable window, though the pods never changed.
    setConcurrency(c, 'kpa-00001', 7);
    await run(c, [r], 90);
    const actions = r.rows.filter((x) => x.action !== 'none').map((x) => x.action);
    expect(actions).toEqual(['would-scale 3->5', 'would-scale 5->9', 'would-scale 9->13', 'would-scale 13->18', 'would-scale 18->3']);
    expect(r.rows.at(-1)).toMatchObject({ want: 3, replicas: 3 });
  });
});

describe('apply mode', () => {
  it('scales only knsim-class revisions, with a merge patch of the scale subresource, within min/max-scale', async () => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 7, annotations: KNSIM });
    await addRevision(c, 'kpa-00001', { pods: 2, concurrency: 50 });
    const r = replica(c, { mode: 'apply' });
    await r.leader!.tryAcquireOrRenew();
    await r.controller.syncRevisions();
    await run(c, [r], 10);
    expect(scalePatches(c, DEPLOY)).toEqual([]); // 14 in flight / 7 per pod = the 2 it has

    setConcurrency(c, 'hello-00001', 20); // 40 in flight: 6 pods wanted, max-scale 5
    await run(c, [r], 10);
    const patches = scalePatches(c, DEPLOY);
    // Panic as the panic window fills: 4, then 5 (6 capped by max-scale).
    expect(patches.map((q) => q.body)).toEqual([
      { metadata: { resourceVersion: expect.any(String) }, spec: { replicas: 4 } },
      { metadata: { resourceVersion: expect.any(String) }, spec: { replicas: 5 } },
    ]);
    for (const p of patches) {
      expect(p.contentType).toBe('application/merge-patch+json');
      expect(p.token).toBe('replica-a');
      expect(p.status).toBe(200);
    }
    expect(c.kube.replicas(NS, DEPLOY)).toBe(5);
    expect(r.rows.filter((x) => x.action !== 'none').map((x) => x.action)).toEqual(['scale 2->4', 'scale 4->5']);
    expect(r.rows.at(-1)).toMatchObject({ desired: 6, want: 5, replicas: 5 });

    // Idle for longer than a stable window: down to min-scale 1, never below.
    setConcurrency(c, 'hello-00001', 0);
    await run(c, [r], 120);
    expect(c.kube.replicas(NS, DEPLOY)).toBe(1);
    expect(checkScaleWrites(c, DEPLOY, 2, { min: 1, max: 5 })).toEqual([4, 5, 1]);
    // The KPA revision was never touched, not even read.
    expect(c.kube.requests.some((q) => q.path.includes('kpa-00001'))).toBe(false);
    // Writes are scale patches, the lease, and the knsim-class PA's SKS and status; nothing else.
    const kinds = new Set(c.kube.writes().map((q) => `${q.method} ${q.path}`));
    expect(kinds).toEqual(
      new Set([
        `POST /apis/coordination.k8s.io/v1/namespaces/${NS}/leases`,
        `PUT /apis/coordination.k8s.io/v1/namespaces/${NS}/leases/knsim-controller`,
        `PATCH /apis/apps/v1/namespaces/${NS}/deployments/${DEPLOY}/scale`,
        `POST /apis/networking.internal.knative.dev/v1alpha1/namespaces/${NS}/serverlessservices`,
        `PATCH /apis/networking.internal.knative.dev/v1alpha1/namespaces/${NS}/serverlessservices/hello-00001`,
        `PATCH /apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/${NS}/podautoscalers/hello-00001/status`,
      ]),
    );
  });

  it('without --allow-scale-to-zero stays at 1; with it follows the KPA scale-to-zero rules', async () => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 1, concurrency: 0, annotations: { 'autoscaling.knative.dev/target': '10' } });
    const a = replica(c, { mode: 'apply' });
    await a.leader!.tryAcquireOrRenew();
    await a.controller.syncRevisions();
    await run(c, [a], 150);
    expect(scalePatches(c, DEPLOY)).toEqual([]);
    expect(c.kube.replicas(NS, DEPLOY)).toBe(1);
    expect(a.rows.at(-1)).toMatchObject({ desired: 0, want: 1 });

    // A second controller that may scale to zero (the first one stands down).
    await a.leader!.release();
    const b = replica(c, { mode: 'apply', token: 'replica-b', allowScaleToZero: true });
    await b.leader!.tryAcquireOrRenew();
    await b.controller.syncRevisions();
    const start = c.clock.now();
    await run(c, [b], 150);
    const patches = scalePatches(c, DEPLOY);
    expect(patches.map((q) => (q.body as { spec: { replicas: number } }).spec.replicas)).toEqual([0]);
    // It waited for a stable window with no load (the PA goes Inactive). The grace period was
    // already served: with the default burst capacity one pod leaves the activators in the
    // path, and the SKS has said so (ActivatorEndpointsPopulated) since it was created
    // (scaler.go handleScaleToZero). So the reconcile that the Inactive status write queues
    // (the PA informer's update event, kpa/controller.go) scales to zero at that same decide
    // tick, as the simulator does, not at the 3 s requeue after deactivating in Proxy.
    const wantZeroAt = b.rows.find((x) => x.want === 0)!.time;
    expect(wantZeroAt - start).toBe(2);
    expect(patches[0]!.time).toBe(wantZeroAt);
    expect(b.rows.find((x) => x.time === wantZeroAt)!.action).toBe('scale 1->0');
    const populated = (c.kube.serverlessServices(NS)[0]!['status'] as { conditions: Array<{ type: string; lastTransitionTime: string }> }).conditions.find(
      (x) => x.type === 'ActivatorEndpointsPopulated',
    )!;
    expect(Date.parse(populated.lastTransitionTime) / 1000).toBeLessThan(start);
    expect(c.kube.replicas(NS, DEPLOY)).toBe(0);
  });

  it('--dry-run computes the same patches but never writes, not even a lease', async () => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 20, annotations: KNSIM });
    const r = replica(c, { mode: 'apply', dryRun: true });
    expect(r.leader).toBeUndefined();
    await r.controller.syncRevisions();
    await run(c, [r], 20);
    expect(c.kube.writes()).toEqual([]);
    expect(r.rows.some((x) => x.action === 'dry-run 2->5')).toBe(true);
    expect(r.logger.lines.some((l) => l.msg === 'dry-run: would PATCH deployment scale' && l.fields?.['replicas'] === 5)).toBe(true);
    // Reads include the Deployment's scale (to know what it would change).
    expect(c.kube.requests.some((q) => q.method === 'GET' && q.path.endsWith(`/deployments/${DEPLOY}/scale`))).toBe(true);
  });
});

describe('safety', () => {
  it('missing metrics never scale: no data, then stale scrapes, hold the current scale', async () => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 7, annotations: KNSIM });
    for (const qp of c.qps.byPod.values()) qp.fault = 'status500';
    const r = replica(c, { mode: 'apply' });
    await r.leader!.tryAcquireOrRenew();
    await r.controller.syncRevisions();
    await run(c, [r], 12);
    // Never any data: every decision is invalid (NoDataError) or held.
    expect(r.rows.every((x) => !x.valid)).toBe(true);
    expect(r.rows.some((x) => x.hold === 'stale-metrics')).toBe(true);
    for (const qp of c.qps.byPod.values()) qp.fault = 'none';
    await run(c, [r], 10);
    expect(r.rows.at(-1)).toMatchObject({ valid: true, desired: 2 });

    // The queue-proxies stop answering while idle: an upstream-style window average would
    // decay to zero and scale down; the adapter holds instead.
    setConcurrency(c, 'hello-00001', 0);
    for (const qp of c.qps.byPod.values()) qp.fault = 'drop';
    await run(c, [r], 90);
    expect(scalePatches(c, DEPLOY)).toEqual([]);
    expect(r.rows.slice(-30).every((x) => x.hold === 'stale-metrics' && !x.valid)).toBe(true);
    expect(r.logger.has('scrape failed; nothing recorded')).toBe(true);
  });

  it('a pod list that fails leaves the ready count unknown (no decision) and backs off', async () => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 20, annotations: KNSIM });
    const r = replica(c, { mode: 'apply' });
    await r.leader!.tryAcquireOrRenew();
    await r.controller.syncRevisions();
    c.kube.fault({ method: 'GET', path: `/api/v1/namespaces/${NS}/pods` }, { kind: 'status', status: 500 }, 3);
    await run(c, [r], 12);
    const podLists = c.kube.requests.filter((q) => q.path === `/api/v1/namespaces/${NS}/pods`);
    // Waits of 1 s, 2 s and 4 s after the failures at 1, 2 and 4 s; then every second again.
    expect(podLists.map((q) => q.time - T0)).toEqual([1, 2, 4, 8, 9, 10, 11, 12]);
    expect(podLists.map((q) => q.status)).toEqual([500, 500, 500, 200, 200, 200, 200, 200]);
    expect(r.logger.has('list pods failed; backing off')).toBe(true);
    // No pods known, no decision, no write, until the list works.
    expect(r.rows.filter((x) => x.time - T0 < 8).every((x) => !x.valid && Number.isNaN(x.readyPods))).toBe(true);
    expect(scalePatches(c, DEPLOY).every((q) => q.time - T0 >= 8)).toBe(true);
  });

  const faults = [
    ['500', { kind: 'status', status: 500 }],
    ['dropped connection after the write', { kind: 'drop-after' }],
    ['timeout after the write', { kind: 'hang-after' }],
    ['dropped connection before the write', { kind: 'drop-before' }],
  ] as const;
  it.each(faults)('a scale write failing with %s is retried after backoff, without a wrong or duplicate write', async (_name, fault) => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 20, annotations: KNSIM });
    c.kube.fault({ method: 'PATCH', path: /\/scale$/ }, fault);
    const r = replica(c, { mode: 'apply', ...(fault.kind === 'hang-after' ? { requestTimeoutSeconds: HANG_TIMEOUT_SECONDS } : {}) });
    await r.leader!.tryAcquireOrRenew();
    await r.controller.syncRevisions();
    await run(c, [r], 20);
    expect(c.kube.replicas(NS, DEPLOY)).toBe(5);
    const applied = checkScaleWrites(c, DEPLOY, 2, { min: 1, max: 5 });
    expect(applied).toEqual([5]);
    const patches = scalePatches(c, DEPLOY);
    const lost = fault.kind === 'drop-after' || fault.kind === 'hang-after';
    // A write that took effect but whose answer was lost is not repeated (re-read first).
    expect(patches.length).toBe(lost ? 1 : 2);
    expect(r.logger.has('scale write failed; backing off')).toBe(true);
  });

  it('a 409 re-reads the scale and retries at once', async () => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 20, annotations: KNSIM });
    c.kube.fault({ method: 'PATCH', path: /\/scale$/ }, { kind: 'status', status: 409 }, 2);
    const r = replica(c, { mode: 'apply' });
    await r.leader!.tryAcquireOrRenew();
    await r.controller.syncRevisions();
    await run(c, [r], 10);
    const scaleCalls = c.kube.requests.filter((q) => q.path.endsWith(`/deployments/${DEPLOY}/scale`)).map((q) => `${q.method} ${q.status}`);
    // Up to the write that went through (a later reconcile, e.g. for the SKS, reads again).
    expect(scaleCalls.slice(0, scaleCalls.indexOf('PATCH 200') + 1).slice(-6)).toEqual(['GET 200', 'PATCH 409', 'GET 200', 'PATCH 409', 'GET 200', 'PATCH 200']);
    expect(checkScaleWrites(c, DEPLOY, 2, { min: 1, max: 5 })).toEqual([5]);
  });

  it('someone else changing the replicas in between is noticed by the resourceVersion (409), then re-read', async () => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 20, annotations: KNSIM });
    const r = replica(c, { mode: 'apply' });
    await r.leader!.tryAcquireOrRenew();
    await r.controller.syncRevisions();
    // Right after the controller reads the scale, someone scales the Deployment to 5 by hand.
    c.kube.onRequest = (q) => {
      if (q.method === 'GET' && q.path.endsWith('/scale') && c.kube.onRequest) {
        c.kube.onRequest = undefined;
        setImmediate(() => c.kube.setDeployment(NS, DEPLOY, 5));
      }
    };
    c.kube.fault({ method: 'PATCH', path: /\/scale$/ }, { kind: 'status', status: 409 }); // the race, deterministically
    await run(c, [r], 10);
    expect(c.kube.replicas(NS, DEPLOY)).toBe(5);
    // After the 409 it re-read, saw 5 already, and did not write again.
    expect(scalePatches(c, DEPLOY).length).toBe(1);
    expect(scalePatches(c, DEPLOY)[0]!.status).toBe(409);
  });
});

describe('run loop', () => {
  it('on the real clock: elects, syncs, scrapes, decides, scales, and releases the lease when stopped', async () => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 20, annotations: KNSIM });
    c.kube.clock = systemClock;
    const kube = c.kube.clients('replica-a');
    const logger = new MemoryLogger();
    const leader = new LeaderElector({ kube, clock: systemClock, logger, namespace: NS, name: 'knsim-controller', identity: 'replica-a', leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 0.2 });
    const controller = new Controller({
      kube,
      clock: systemClock,
      logger,
      mode: 'apply',
      dryRun: false,
      namespaces: [NS],
      config: defaultAutoscalerConfig,
      allowScaleToZero: false,
      scrapeUrl: c.qps.url,
      leader,
      periods: { scrapeSeconds: 0.05, decideSeconds: 0.1, resyncSeconds: 0.2 },
    });
    const stop = new AbortController();
    const running = controller.run(stop.signal);
    // Run until it has done each job a few times: however long that takes on a busy machine.
    await until('a scale-up, three resyncs and eleven scrapes', () =>
      (c.kube.replicas(NS, DEPLOY) ?? 0) > 2 && c.kube.requests.filter((q) => q.path.endsWith('/revisions')).length > 2 && c.qps.requests.length > 10,
    );
    stop.abort();
    const stopping = Date.now();
    await running;
    // Stopping ends the loops' sleeps at once; what remains is the round in flight and the
    // lease release, a few requests to the in-process server.
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(c.kube.leaseHolder(NS, 'knsim-controller')).toBe('');
    expect(logger.has('leader election: became leader')).toBe(true);
    expect(logger.has('leader election: released the lease')).toBe(true);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
