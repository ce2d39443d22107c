/**
 * The run loop's scrapes and decisions go on while a reconcile waits on the API server, as
 * Knative's collectors and deciders tick on their own whatever its reconcilers are doing: a
 * skipped scrape leaves a second without data, which the windows average in as zero.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NS, addRevision, fakeCluster, replica, type Cluster } from './support/cluster.js';
import { until } from './support/wait.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

describe('run loop', () => {
  it('a reconcile stuck on the API server holds up no other revision\'s scrapes or decisions', async () => {
    const annotations = { 'autoscaling.knative.dev/target': '10', 'autoscaling.knative.dev/min-scale': '1' };
    await addRevision(c, 'hello-00001', { knsim: true, pods: 1, concurrency: 5, annotations });
    await addRevision(c, 'other-00001', { knsim: true, pods: 2, concurrency: 5, annotations });
    // The hung read outlasts the eight ticks below however busy the machine (they wait up to 0.4 s each).
    const r = replica(c, { mode: 'apply', requestTimeoutSeconds: 5 });
    const scrapes = (rev: string): number => c.qps.requests.filter((q) => q.pod.startsWith(`${rev}-`)).length;
    const statusPath = `/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/${NS}/podautoscalers/hello-00001/status`;
    const statusWrites = (): Array<{ status: number }> => c.kube.requests.filter((q) => q.method === 'PATCH' && q.path === statusPath);
    // hello's reconcile, after writing its PA status, reads its Deployment's scale and gets no
    // answer until the client gives up (5 s of real time, the most leader election allows). Set from the start, so the test does
    // not depend on which tick a later reconcile of hello would fall on.
    const scaleRead = `/apis/apps/v1/namespaces/${NS}/deployments/hello-00001-deployment/scale`;
    c.kube.fault({ method: 'GET', path: scaleRead }, { kind: 'hang-after' });
    const hanging = (): boolean => c.kube.requests.some((q) => q.path === scaleRead && q.status === 0);
    const ac = new AbortController();
    const done = r.controller.run(ac.signal);
    await until('managing both', () => r.logger.lines.filter((l) => l.msg === 'managing revision').length === 2);
    // The PodAutoscalers are taken at the first decide tick (2 s); the first reconciles follow.
    for (let s = 0; s < 6 && !hanging(); s++) {
      c.clock.advance(1);
      await until('the scale read under way', hanging, 0.3).catch(() => undefined);
    }
    await until('hello\'s status written', () => statusWrites().some((q) => q.status === 200));
    await until('the scale read under way', hanging);
    const rows = (): number => r.rows.filter((x) => x.revision === 'other-00001').length;
    const rowsFrom = rows();
    const from = scrapes('other-00001');
    // Eight seconds on the controller's clock while the read hangs.
    for (let s = 0; s < 8; s++) {
      c.clock.advance(1);
      await until(`scrape round ${s + 1}`, () => scrapes('other-00001') >= from + 2 * (s + 1), 0.4).catch(() => undefined);
    }
    const stillHanging = hanging();
    const rowsDuring = rows() - rowsFrom;
    ac.abort();
    await done;
    expect(stillHanging).toBe(true);
    // A scrape round a second (both of other's pods each time), a decision every 2 s.
    expect(scrapes('other-00001') - from).toBeGreaterThanOrEqual(2 * 8);
    expect(rowsDuring).toBeGreaterThanOrEqual(4);
  });
});
