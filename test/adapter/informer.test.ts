/**
 * The controller's informers against the fake API server: pods, PodAutoscalers and
 * ServerlessServices are listed once and then watched (no polling), a 410 Gone relists, a
 * dropped watch reconnects; garbage list answers give one line saying what was expected;
 * the exit summary counts only scale actions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isScaleAction } from '../../src/adapter/controller.js';
import { describeError, type KubeClients } from '../../src/adapter/kube.js';
import { listPodAutoscalers } from '../../src/adapter/revisions.js';
import { listRevisionPods } from '../../src/adapter/pods.js';
import { FakeKube } from './support/fake-kube.js';
import { NS, T0, addRevision, fakeCluster, replica, runLoopsAsleep, type Cluster, type Replica } from './support/cluster.js';
import { until } from './support/wait.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const PODS = `/api/v1/namespaces/${NS}/pods`;
const PAS = `/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/${NS}/podautoscalers`;
const SKSS = `/apis/networking.internal.knative.dev/v1alpha1/namespaces/${NS}/serverlessservices`;

const lists = (path: string): number => c.kube.requests.filter((r) => FakeKube.isList(r) && r.path === path).length;
const watches = (path: string): number => c.kube.requests.filter((r) => r.query.get('watch') === 'true' && r.path === path).length;

/** Sleeps of the informers that end at a run loop's whole second (see `runLoopsAsleep`): their periodic relists. */
let informerSleeps: (at: number) => number = () => 0;

/**
 * Starts `r` on the fake clock and waits until its loops sleep on the clock (the informers
 * have listed and the revisions have been read); returns its stop function.
 */
async function start(r: Replica, periods: { watchResyncSeconds?: number } = {}, relisting: (at: number) => number = () => 0): Promise<{ stop: () => Promise<void> }> {
  const ac = new AbortController();
  const running = (r.controller as unknown as { o: { periods?: object } }).o;
  running.periods = { ...running.periods, ...periods };
  informerSleeps = relisting;
  const done = r.controller.run(ac.signal);
  await until('the run loop started', () => runLoopsAsleep(c, r, 0, informerSleeps));
  return {
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

/**
 * One second of the fake clock, then waits until that second's scrape, decide and resync rounds are
 * done (so none is skipped for the next), and for `rows` rows.
 */
async function second(r: Replica, rowsAtLeast?: number): Promise<void> {
  c.clock.advance(1);
  const s = Math.round(c.clock.now() - T0);
  await until(`second ${s}: every loop asleep again`, () => runLoopsAsleep(c, r, s, informerSleeps));
  if (rowsAtLeast !== undefined) await until(`${rowsAtLeast} decision rows`, () => r.rows.length >= rowsAtLeast);
}

describe('informers', () => {
  it('lists pods and PodAutoscalers once, then sees a new pod through the watch at the next scrape', async () => {
    await addRevision(c, 'hello-00001', { pods: 1, concurrency: 5, annotations: { 'autoscaling.knative.dev/target': '10' } });
    const r = replica(c, { mode: 'shadow' });
    const ctl = await start(r);
    await until('pod and PA watches', () => c.kube.watchCount('pods') === 1 && c.kube.watchCount('podautoscalers') === 1);
    for (let s = 1; s <= 10; s++) await second(r, Math.floor(s / 2));
    expect(r.rows.at(-1)?.readyPods).toBe(1);

    c.kube.addPod(NS, 'hello-00001-deployment-1', 'hello-00001');
    await c.qps.add('hello-00001-deployment-1', { averageConcurrentRequests: 5, requestCount: 5 });
    // The watch delivers it, with no list: the decisions count it within a few ticks.
    for (let s = 11; s <= 32; s++) await second(r, Math.floor(s / 2));
    const firstWithTwo = r.rows.findIndex((x) => x.readyPods === 2);
    expect(firstWithTwo).toBeGreaterThanOrEqual(5); // decided at 12 s or later
    expect(firstWithTwo).toBeLessThanOrEqual(8); // by 18 s
    expect(r.rows.at(-1)?.readyPods).toBe(2);
    await ctl.stop();

    // 32 s of scrape (1 s) and decide (2 s) ticks, but one list of each and one watch.
    expect(lists(PODS)).toBe(1);
    expect(lists(PAS)).toBe(1);
    expect(watches(PODS)).toBe(1);
    expect(watches(PAS)).toBe(1);
    expect(lists(SKSS) + watches(SKSS)).toBe(0); // shadow mode does not read SKSs
  });

  it('relists at the resync period and only then', async () => {
    await addRevision(c, 'hello-00001', { pods: 1, concurrency: 5 });
    const r = replica(c, { mode: 'shadow' });
    // The pods' and PAs' informers sleep until each 10 s relist, as the revision resync does.
    const ctl = await start(r, { watchResyncSeconds: 10 }, (at) => (at % 10 === 0 ? 2 : 0));
    await until('watches', () => c.kube.watchCount() === 2);
    for (let s = 1; s <= 25; s++) await second(r, Math.floor(s / 2));
    await until('the resync at 20 s', () => lists(PODS) >= 3 && lists(PAS) >= 3);
    await ctl.stop();
    // At start, 10 s and 20 s.
    expect(lists(PODS)).toBe(3);
    expect(lists(PAS)).toBe(3);
  });

  it('relists after 410 Gone and reconnects a dropped watch, seeing changes made meanwhile', async () => {
    await addRevision(c, 'hello-00001', { pods: 1, concurrency: 5 });
    const r = replica(c, { mode: 'shadow' });
    const ctl = await start(r);
    await until('two watches', () => c.kube.watchCount() === 2);
    for (let s = 1; s <= 4; s++) await second(r, Math.floor(s / 2));
    expect(lists(PODS)).toBe(1);

    // The server forgets its history and ends the watches: rewatching from the old
    // resourceVersion gets 410 Gone, and the informers list again after their backoff
    // (0.8 s plus up to as much jitter), not at once.
    c.kube.expireWatchHistory();
    c.kube.addPod(NS, 'hello-00001-deployment-1', 'hello-00001');
    await c.qps.add('hello-00001-deployment-1', { averageConcurrentRequests: 5, requestCount: 5 });
    await until('both 410s seen', () => r.logger.lines.filter((l) => /^watch .* expired \(410 Gone\); listing again$/.test(l.msg)).length === 2);
    expect(lists(PODS)).toBe(1);
    await second(r);
    await second(r);
    await until('relists after 410', () => lists(PODS) === 2 && lists(PAS) === 2);
    await until('watching again', () => c.kube.watchCount() === 2);
    await second(r);
    await second(r, 3);
    expect(r.rows.at(-1)?.readyPods).toBe(2);

    // A dropped connection: the watches reconnect (after backoff if it was an error) without a list.
    c.kube.dropWatches();
    c.kube.addPod(NS, 'hello-00001-deployment-2', 'hello-00001');
    await c.qps.add('hello-00001-deployment-2', { averageConcurrentRequests: 5, requestCount: 5 });
    for (let s = 0; s < 4 && c.kube.watchCount() < 2; s++) {
      await second(r);
      await until('a reconnect attempt', () => c.kube.watchCount() === 2 || r.logger.has(/^watch .* failed; restarting$/), 30);
    }
    for (let s = 0; s < 60 && c.kube.watchCount() < 2; s++) await second(r);
    expect(c.kube.watchCount()).toBe(2);
    const before = r.rows.length;
    for (let s = 0; s < 4; s++) await second(r);
    await until('two more decisions', () => r.rows.length >= before + 2);
    expect(r.rows.at(-1)?.readyPods).toBe(3);
    expect(lists(PODS)).toBe(2);
    await ctl.stop();
  });

  it('a resync keeps serving the pods as last seen until its new list is in (no empty cache meanwhile)', async () => {
    await addRevision(c, 'hello-00001', { pods: 2, concurrency: 5 });
    const r = replica(c, { mode: 'shadow', requestTimeoutSeconds: 2 });
    // The informers' first relists are due at 10 s (the pods' hangs, so no later one is counted on).
    const ctl = await start(r, { watchResyncSeconds: 10 }, (at) => (at === 10 ? 2 : 0));
    await until('two watches', () => c.kube.watchCount() === 2);
    for (let s = 1; s <= 8; s++) await second(r, Math.floor(s / 2));
    expect(r.rows.at(-1)?.readyPods).toBe(2);
    // The resync's pod list is slow to answer (here: not before the client gives up).
    c.kube.fault({ method: 'GET', path: PODS }, { kind: 'hang-after' });
    await second(r);
    await second(r);
    await until('the resync list under way', () => c.kube.requests.some((q) => FakeKube.isList(q) && q.path === PODS && q.status === 0));
    const before = r.rows.length;
    const scrapes = c.qps.requests.length;
    for (let s = 0; s < 4; s++) await second(r);
    await until('two decisions during the list', () => r.rows.length >= before + 2);
    // The scrapes and decisions meanwhile go on with the two pods, as client-go's informer
    // would (its store is replaced only when the list is back); they stopped for the list.
    expect(r.rows.slice(before).map((x) => x.readyPods)).toEqual(r.rows.slice(before).map(() => 2));
    expect(c.qps.requests.length - scrapes).toBeGreaterThanOrEqual(4);
    expect(r.logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
    await ctl.stop();
  });

  it('a watch that drops and keeps failing leaves the cache as last seen serving the scrapes and decisions', async () => {
    await addRevision(c, 'hello-00001', { pods: 2, concurrency: 5 });
    const r = replica(c, { mode: 'shadow' });
    const ctl = await start(r);
    await until('two watches', () => c.kube.watchCount() === 2);
    for (let s = 1; s <= 6; s++) await second(r, Math.floor(s / 2));
    expect(r.rows.at(-1)?.readyPods).toBe(2);
    // The connection drops and the API server refuses every rewatch of the pods for a while:
    // client-go's reflector keeps its store (and its informer synced) while it backs off.
    c.kube.fault({ path: PODS }, { kind: 'status', status: 500 }, 20);
    c.kube.dropWatches();
    await until('the failure', () => r.logger.has('watch pods default failed; restarting'));
    const before = r.rows.length;
    const scrapes = c.qps.requests.length;
    for (let s = 0; s < 12; s++) await second(r);
    await until('six more decisions', () => r.rows.length >= before + 6);
    const during = r.rows.slice(before);
    expect(during.map((x) => x.readyPods)).toEqual(during.map(() => 2));
    expect(during.map((x) => x.hold)).toEqual(during.map(() => undefined));
    expect(c.qps.requests.length - scrapes).toBeGreaterThanOrEqual(12);
    expect(c.kube.watchCount('pods')).toBe(0);
    await ctl.stop();
  });

  it('credentials that fail when a watch is reopened: a warning, a retry after backoff, no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      await addRevision(c, 'hello-00001', { pods: 1, concurrency: 5 });
      const r = replica(c, { mode: 'shadow' });
      // As an exec credential plugin whose token refresh fails for a while.
      const config = (r.controller as unknown as { o: { kube: KubeClients } }).o.kube.config;
      const apply = config.applyToFetchOptions.bind(config);
      let refreshFails = false;
      config.applyToFetchOptions = async (o) => {
        if (refreshFails) throw new Error('exec plugin: token refresh failed');
        return apply(o);
      };
      const ctl = await start(r);
      await until('two watches', () => c.kube.watchCount() === 2);
      refreshFails = true;
      // The server ends the watches; reopening them needs fresh credentials.
      c.kube.expireWatchHistory();
      c.kube.addPod(NS, 'hello-00001-deployment-1', 'hello-00001');
      await c.qps.add('hello-00001-deployment-1', { averageConcurrentRequests: 5, requestCount: 5 });
      await until('both watches failed', () => r.logger.lines.filter((l) => /^watch .* failed; restarting$/.test(l.msg)).length === 2);
      expect(r.logger.lines.filter((l) => l.level === 'warn').map((l) => [l.msg, l.fields?.['reason']]).sort()).toEqual([
        ['watch podautoscalers default failed; restarting', 'Error: exec plugin: token refresh failed'],
        ['watch pods default failed; restarting', 'Error: exec plugin: token refresh failed'],
      ]);
      refreshFails = false;
      for (let s = 0; s < 10 && c.kube.watchCount() < 2; s++) await second(r);
      await until('watching again', () => c.kube.watchCount() === 2);
      const before = r.rows.length;
      for (let s = 0; s < 4; s++) await second(r);
      await until('two more decisions', () => r.rows.length >= before + 2);
      expect(r.rows.at(-1)?.readyPods).toBe(2);
      await ctl.stop();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('garbage answers', () => {
  it.each([
    ['podautoscalers', PAS, 'PodAutoscalerList', () => listPodAutoscalers(c.kube.clients(), NS)],
    ['pods', PODS, 'PodList', () => listRevisionPods(c.kube.clients(), NS)],
  ] as const)('a %s list without items[] says what was expected', async (_plural, path, kind, list) => {
    c.kube.fault({ path }, { kind: 'status', status: 200, message: 'not a list' });
    let err: unknown;
    await list().catch((e: unknown) => (err = e));
    expect(describeError(err)).toMatch(new RegExp(`^GET ${path.replace(/[/.]/g, '\\$&')}: expected a ${kind} with items\\[\\], got \\{.*"kind":"Status"`));
  });
});

describe('exit summary', () => {
  it.each([
    ['scale 1->3', true],
    ['would-scale 2->0', true],
    ['dry-run 4->2', true],
    ['busy', false],
    ['backoff', false],
    ['hold', false],
    ['none', false],
    ['standby', false],
    ['read-failed', false],
    ['not-owned', false],
    ['no-podautoscaler', false],
    ['sks-conflict', false],
    ['status-not-written', false],
    ['conflict', false],
  ] as const)('%s counts as a scale action: %s', (action, counts) => {
    expect(isScaleAction(action)).toBe(counts);
  });
});
