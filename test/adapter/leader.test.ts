/** Leader election on a coordination.k8s.io/v1 Lease, and two controller replicas sharing one. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../src/adapter/leader.js';
import { silentLogger } from '../../src/adapter/log.js';
import type { RecordedRequest } from './support/fake-kube.js';
import { NS, T0, addRevision, checkScaleWrites, fakeCluster, replica, run, scalePatches, setConcurrency, type Cluster } from './support/cluster.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
  c.kube.leaseWatch = { ns: NS, name: 'knsim-controller' };
});
afterEach(async () => {
  await c.stop();
});

const LEASE = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;

function elector(identity: string, o: Partial<{ lease: number; renew: number; retry: number; timeout: number }> = {}): LeaderElector {
  return new LeaderElector({
    kube: c.kube.clients(identity, o.timeout),
    clock: c.clock,
    logger: silentLogger,
    namespace: NS,
    name: 'knsim-controller',
    identity,
    leaseDurationSeconds: o.lease ?? 15,
    renewDeadlineSeconds: o.renew ?? 10,
    retryPeriodSeconds: o.retry ?? 2,
  });
}

describe('LeaderElector', () => {
  it('creates the Lease, then renews it with a resourceVersion-guarded PUT', async () => {
    const a = elector('a');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    c.clock.advance(2);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    const w = c.kube.writes();
    expect(w.map((q) => `${q.method} ${q.path} ${q.contentType}`)).toEqual([
      `POST ${LEASE} application/json`,
      `PUT ${LEASE}/knsim-controller application/json`,
    ]);
    const created = w[0]!.body as { spec: Record<string, unknown> };
    expect(created.spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2023-11-14T22:13:20.000000Z',
      renewTime: '2023-11-14T22:13:20.000000Z',
      leaseTransitions: 0,
    });
    const renewed = w[1]!.body as { metadata: { resourceVersion: string }; spec: Record<string, unknown> };
    expect(renewed.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(renewed.spec).toMatchObject({ holderIdentity: 'a', acquireTime: '2023-11-14T22:13:20.000000Z', renewTime: '2023-11-14T22:13:22.000000Z', leaseTransitions: 0 });
  });

  it('respects a live holder, and takes over only a lease duration after its last renewal', async () => {
    const a = elector('a');
    const b = elector('b');
    await a.tryAcquireOrRenew();
    for (let t = 1; t <= 20; t++) {
      c.clock.advance(1);
      if (t % 2 === 0) await a.tryAcquireOrRenew();
      expect(await b.tryAcquireOrRenew()).toBe(false);
    }
    expect(b.isLeader()).toBe(false);
    // a stops renewing at t = 20 and stops acting as leader 10 s later.
    const lastRenew = c.clock.now();
    let bLeadAt = 0;
    for (let t = 1; t <= 20 && bLeadAt === 0; t++) {
      c.clock.advance(1);
      expect(a.isLeader()).toBe(t < 10);
      if (await b.tryAcquireOrRenew()) bLeadAt = c.clock.now();
    }
    expect(bLeadAt - lastRenew).toBe(15);
    expect(c.kube.leaseHolder(NS, 'knsim-controller')).toBe('b');
    const spec = (c.kube.get('apis/coordination.k8s.io/v1', NS, 'leases', 'knsim-controller')!['spec']) as { leaseTransitions: number };
    expect(spec.leaseTransitions).toBe(1);
    // a comes back: it sees b holding the lease and does not take it.
    expect(await a.tryAcquireOrRenew()).toBe(false);
  });

  it('counts the lease duration from when a read came back, not from when it was sent', async () => {
    const a = elector('a');
    const b = elector('b');
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false);
    // b sends a read at T0+4 that the server answers only at T0+8, after a's renewal at T0+8.
    c.clock.set(T0 + 4);
    let slowRead = true;
    c.kube.onRequest = (q) => {
      if (!slowRead || q.token !== 'b' || q.method !== 'GET' || !q.path.startsWith(LEASE)) return;
      slowRead = false;
      c.clock.set(T0 + 8);
      const lease = c.kube.get('apis/coordination.k8s.io/v1', NS, 'leases', 'knsim-controller')!;
      const spec = lease['spec'] as Record<string, unknown>;
      c.kube.put('apis/coordination.k8s.io/v1', NS, 'leases', { ...lease, spec: { ...spec, renewTime: '2023-11-14T22:13:28.000000Z' } });
    };
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(c.clock.now()).toBe(T0 + 8);
    // a renewed at T0+8, so it may write until T0+18 (a write sent then can land until T0+23,
    // the 5 s request timeout); then it is cut off.
    expect(await a.tryAcquireOrRenew()).toBe(true);
    let bLeadAt = 0;
    for (let t = 9; t <= 30 && bLeadAt === 0; t++) {
      c.clock.set(T0 + t);
      expect(a.isLeader()).toBe(t < 18);
      if (await b.tryAcquireOrRenew()) bLeadAt = t;
    }
    // As client-go, which notes the observed time after its Get returns: 15 s after T0+8.
    expect(bLeadAt).toBe(23);
  });

  it('times its leadership on the monotonic clock: the wall clock set back a minute does not stretch it', async () => {
    // Wall time as the fake clock has it, minus a step the test makes; monotonic time never steps.
    let step = 0;
    const clock = { now: () => c.clock.now() - step, monotonic: () => c.clock.now() - T0, sleep: (s: number, signal?: AbortSignal) => c.clock.sleep(s, signal) };
    const a = new LeaderElector({ kube: c.kube.clients('a'), clock, logger: silentLogger, namespace: NS, name: 'knsim-controller', identity: 'a', leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 });
    expect(await a.tryAcquireOrRenew()).toBe(true);
    // The renewTime written is wall time.
    const spec = (c.kube.get('apis/coordination.k8s.io/v1', NS, 'leases', 'knsim-controller')!['spec']) as { renewTime: string };
    expect(spec.renewTime).toBe('2023-11-14T22:13:20.000000Z');
    // Then its renewals fail, and NTP sets the wall clock back by 60 s.
    c.kube.fault({ method: 'PUT', path: `${LEASE}/knsim-controller` }, { kind: 'status', status: 500 }, 100);
    step = 60;
    const leading: boolean[] = [];
    for (let t = 1; t <= 12; t++) {
      c.clock.advance(1);
      leading.push(await a.tryAcquireOrRenew());
    }
    // Leader for 10 s of elapsed time, as without the step (timed on the wall clock, 70 s).
    expect(leading).toEqual([true, true, true, true, true, true, true, true, true, false, false, false]);
  });

  it('of two replicas racing for a free Lease exactly one wins (the other gets 409)', async () => {
    const [ra, rb] = await Promise.all([elector('a').tryAcquireOrRenew(), elector('b').tryAcquireOrRenew()]);
    expect([ra, rb].filter(Boolean).length).toBe(1);
    const posts = c.kube.requests.filter((q) => q.method === 'POST');
    expect(posts.map((q) => q.status).sort()).toEqual([201, 409]);
  });

  it('keeps leading through failed renewals only until the renew deadline', async () => {
    const a = elector('a');
    await a.tryAcquireOrRenew();
    c.kube.fault({ method: 'PUT', path: `${LEASE}/knsim-controller` }, { kind: 'status', status: 500 }, 100);
    const leading: boolean[] = [];
    for (let t = 1; t <= 12; t++) {
      c.clock.advance(1);
      leading.push(await a.tryAcquireOrRenew());
    }
    expect(leading).toEqual([true, true, true, true, true, true, true, true, true, false, false, false]);
  });

  it('release() hands over at once', async () => {
    const a = elector('a');
    const b = elector('b');
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false);
    await a.release();
    expect(a.isLeader()).toBe(false);
    expect(c.kube.leaseHolder(NS, 'knsim-controller')).toBe('');
    c.clock.advance(1);
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it('refuses timings under which two leaders could overlap', () => {
    expect(() => elector('a', { lease: 10, renew: 10 })).toThrow(/greater than the renew deadline/);
    expect(() => elector('a', { renew: 2, retry: 2 })).toThrow(/greater than the retry period/);
    expect(() => elector('a', { lease: 15, renew: 10, timeout: 6 })).toThrow(/must not exceed the lease duration/);
  });
});

/**
 * Every write other than the Lease's (scale patches, ServerlessServices, PodAutoscaler
 * status) came from a replica that held the Lease: its last successful Lease write was
 * less than the renew deadline (10 s) before, and no other replica had acquired it since.
 */
function checkSingleWriter(requests: readonly RecordedRequest[]): void {
  const leaseWrites = requests.filter((q) => q.path.startsWith(LEASE) && q.applied);
  for (const w of requests.filter((q) => q.method !== 'GET' && !q.path.startsWith(LEASE))) {
    const mine = leaseWrites.filter((l) => l.token === w.token && l.seq < w.seq).at(-1);
    expect(mine, `write #${w.seq} by ${w.token} without ever holding the lease`).toBeDefined();
    expect(w.time - mine!.time, `write #${w.seq} by ${w.token} after its renew deadline`).toBeLessThan(10);
    const others = leaseWrites.filter((l) => l.token !== w.token && l.seq > mine!.seq && l.seq < w.seq);
    expect(others, `write #${w.seq} by ${w.token} after ${others[0]?.token} took the lease`).toEqual([]);
  }
}

describe('two controller replicas', () => {
  it('never both write: the standby decides but only the leader scales, and takes over only after the lease expires', async () => {
    await addRevision(c, 'hello-00001', { knsim: true, pods: 2, concurrency: 7, annotations: { 'autoscaling.knative.dev/target': '10', 'autoscaling.knative.dev/max-scale': '8' } });
    const a = replica(c, { mode: 'apply', token: 'replica-a' });
    const b = replica(c, { mode: 'apply', token: 'replica-b' });
    await a.leader!.tryAcquireOrRenew();
    for (const r of [a, b]) await r.controller.syncRevisions();
    await run(c, [a, b], 10);
    setConcurrency(c, 'hello-00001', 14); // 28 in flight: 4 pods
    await run(c, [a, b], 10);
    const first = scalePatches(c, 'hello-00001-deployment');
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((q) => q.token === 'replica-a')).toBe(true);
    expect(c.kube.replicas(NS, 'hello-00001-deployment')).toBe(4);
    expect(b.rows.some((x) => x.action === 'standby')).toBe(true);
    expect(b.rows.at(-1)).toMatchObject({ valid: true, desired: 4 }); // warm, ready to take over

    // a is cut off from the Lease (its renewals fail) but keeps running; the load rises.
    c.kube.fault({ method: 'PUT', token: 'replica-a' }, { kind: 'status', status: 503 }, 1000);
    const cutAt = c.clock.now();
    await run(c, [a, b], 12);
    expect(a.leader!.isLeader()).toBe(false);
    expect(b.leader!.isLeader()).toBe(false); // nobody writes between a's deadline and b's takeover
    setConcurrency(c, 'hello-00001', 28); // 56 in flight: 8 pods
    await run(c, [a, b], 30);
    const patches = scalePatches(c, 'hello-00001-deployment');
    const byA = patches.filter((q) => q.token === 'replica-a');
    const byB = patches.filter((q) => q.token === 'replica-b');
    expect(byA.every((q) => q.time - cutAt < 10)).toBe(true);
    expect(byB.length).toBeGreaterThan(0);
    expect(byB[0]!.time - cutAt).toBeGreaterThanOrEqual(15);
    expect(c.kube.replicas(NS, 'hello-00001-deployment')).toBe(8);
    expect(c.kube.leaseHolder(NS, 'knsim-controller')).toBe('replica-b');
    checkSingleWriter(c.kube.requests);
    // Both replicas reconciled the PA's SKS and status, each while leading; one SKS in all.
    for (const token of ['replica-a', 'replica-b']) expect(c.kube.requests.some((q) => q.token === token && q.method === 'PATCH' && q.path.endsWith('/status')), token).toBe(true);
    expect(c.kube.serverlessServices(NS).length).toBe(1);
    checkScaleWrites(c, 'hello-00001-deployment', 2, { min: 0, max: 8 });
    expect(a.logger.has('leader election: not leader')).toBe(true);
    expect(T0).toBeLessThan(cutAt);
  });
});
