/**
 * One informer (WatchedCollection) against the fake API server on the fake clock, checked
 * against client-go's reflector: its backoff (0.8 s doubling to 30 s, jitter up to 100 %,
 * reset after 2 min without a wait), a 410 Gone that lists again only after that backoff, and
 * watches opened with a timeoutSeconds in [5, 10) min, a silent one given up 30 s after it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFLECTOR_BACKOFF, ReflectorBackoff } from '../../src/adapter/backoff.js';
import { relistsAfter, WatchedCollection } from '../../src/adapter/informer.js';
import { listRevisionPodItems, podsPath, REVISION_LABEL } from '../../src/adapter/pods.js';
import { FakeClock } from './support/fake-clock.js';
import { FakeKube } from './support/fake-kube.js';
import { MemoryLogger } from './support/cluster.js';
import { until } from './support/wait.js';

describe('ReflectorBackoff', () => {
  it('doubles from 0.8 s to 30 s, adds jitter of up to the whole wait, and resets after 2 min', () => {
    const zero = new ReflectorBackoff(0, () => 0);
    const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((t) => zero.next(t));
    expect(waits.map((w) => Math.round(w * 1000) / 1000)).toEqual([0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30, 30]);
    // The longest waits with the most jitter: just under 60 s.
    const most = new ReflectorBackoff(0, () => 0.999);
    for (let t = 1; t <= 6; t++) most.next(t);
    expect(most.next(7)).toBeCloseTo(59.97, 6);
    // 120 s after the last wait began: not yet reset; more than that: back to 0.8 s.
    expect(zero.next(8 + 120)).toBe(30);
    expect(zero.next(128 + 120.5)).toBeCloseTo(0.8, 9);
    expect(REFLECTOR_BACKOFF.resetSeconds).toBe(120);
  });
});

describe('informer against the API server', () => {
  const NS = 'default';
  let kube: FakeKube;
  let clock: FakeClock;
  let logger: MemoryLogger;
  let ac: AbortController;
  let running: Promise<void>;
  let wc: WatchedCollection;
  /** The pods the informer's events were about, in order. */
  let events: string[];
  const watchRequests = (): Array<{ query: URLSearchParams }> => kube.requests.filter((r) => r.query.get('watch') === 'true');
  const lists = (): number => kube.requests.filter((r) => FakeKube.isList(r) && r.path === podsPath(NS)).length;
  const names = (): string[] => wc.items().map((p) => (p as { metadata: { name: string } }).metadata.name).sort();

  beforeEach(async () => {
    kube = await new FakeKube().start();
    clock = new FakeClock(1_700_000_000);
    kube.clock = clock;
    logger = new MemoryLogger();
    events = [];
    kube.addPod(NS, 'p1', 'hello-00001');
    const clients = kube.clients();
    wc = new WatchedCollection({
      kube: clients,
      clock,
      logger,
      what: `pods ${NS}`,
      path: podsPath(NS),
      labelSelector: REVISION_LABEL,
      list: () => listRevisionPodItems(clients, NS),
      resyncSeconds: 10 * 60 * 60,
      // Every jitter half the wait: 0.8 s waits 1.2 s, 1.6 s waits 2.4 s.
      random: () => 0.5,
      onChange: () => {},
      onEvent: (o) => events.push((o as { metadata: { name: string } }).metadata.name),
    });
    ac = new AbortController();
    await new Promise<void>((started) => {
      running = wc.run(ac.signal, started);
    });
    await until('the watch', () => kube.watchCount('pods') === 1);
  });
  afterEach(async () => {
    ac.abort();
    await running;
    await kube.stop();
  });

  /** Moves the fake clock by `s` and lets the client's I/O run. */
  const advance = async (s: number): Promise<void> => {
    clock.advance(s);
    await new Promise((r) => setTimeout(r, 50));
  };

  /**
   * Forgets the history and ends the watch, then adds `pod`: the rewatch from the old
   * resourceVersion gets 410 Gone (the relist's does not). Waits until the informer has seen it.
   */
  const expire = async (n: number, pod: string): Promise<void> => {
    kube.expireWatchHistory();
    kube.addPod(NS, pod, 'hello-00001');
    await until(`expiry ${n} seen`, () => logger.lines.filter((l) => /expired \(410 Gone\)/.test(l.msg)).length === n);
  };

  it('reports the object of every add, update and delete, and of a relist: each pod it lists and each it no longer finds', async () => {
    expect(events).toEqual(['p1']);
    kube.addPod(NS, 'p2', 'hello-00001');
    kube.addPod(NS, 'p2', 'hello-00001', { ready: false });
    kube.delete(FakeKube.CORE, NS, 'pods', 'p2');
    await until('three watch events', () => events.length === 4);
    expect(events).toEqual(['p1', 'p2', 'p2', 'p2']);
    // While no watch runs, p1 is deleted and p3 added: the relist after 410 Gone reports both.
    kube.expireWatchHistory();
    kube.delete(FakeKube.CORE, NS, 'pods', 'p1');
    kube.addPod(NS, 'p3', 'hello-00001');
    await until('the expiry seen', () => logger.has(/expired \(410 Gone\)/));
    await advance(1.25);
    await until('the relist', () => names().join() === 'p3');
    expect(events.slice(4).sort()).toEqual(['p1', 'p3']);
  });

  it('lists again after 410 Gone only when the backoff has passed, serving the old cache meanwhile', async () => {
    expect(lists()).toBe(1);
    await expire(1, 'p2');
    expect(logger.lines.at(-1)?.fields?.['retryInSeconds']).toBe(1.2);
    await advance(1.1);
    // Not at once (client-node's ListWatch relisted in the same tick): still the old list.
    expect(lists()).toBe(1);
    expect(wc.synced).toBe(true);
    expect(names()).toEqual(['p1']);
    await advance(0.15);
    await until('the relist', () => lists() === 2 && names().length === 2);
    expect(names()).toEqual(['p1', 'p2']);
    await until('watching again', () => kube.watchCount('pods') === 1);

    // Gone again 10 s later: the wait has doubled (the last one began less than 2 min ago).
    await advance(10);
    await expire(2, 'p3');
    expect(logger.lines.at(-1)?.fields?.['retryInSeconds']).toBe(2.4);
    await advance(2.3);
    expect(lists()).toBe(2);
    await advance(0.15);
    await until('the second relist', () => lists() === 3);
    await until('watching again', () => kube.watchCount('pods') === 1);

    // After more than 2 min of a healthy watch it is back to 0.8 s (1.2 s with the jitter).
    await advance(121);
    await expire(3, 'p4');
    expect(logger.lines.at(-1)?.fields?.['retryInSeconds']).toBe(1.2);
    await advance(1.25);
    await until('the third relist', () => lists() === 4);
    expect(logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('opens each watch with timeoutSeconds in [300, 600) s from the injected random; the server ending it there reopens it without a list', async () => {
    // 300 × (1 + 0.5).
    expect(watchRequests().map((r) => r.query.get('timeoutSeconds'))).toEqual(['450']);
    await advance(449);
    expect(watchRequests()).toHaveLength(1);
    await advance(1);
    await until('the rewatch', () => watchRequests().length === 2 && kube.watchCount('pods') === 1);
    expect(watchRequests()[1]?.query.get('timeoutSeconds')).toBe('450');
    expect(lists()).toBe(1);
    expect(wc.synced).toBe(true);
    expect(logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('gives up a watch gone silent 30 s after its timeoutSeconds, then rewatches and sees what changed meanwhile', async () => {
    kube.stallWatches();
    kube.addPod(NS, 'p2', 'hello-00001');
    await advance(450 + 29);
    // Nothing tells the client the connection is dead: up to here it waits, as for a quiet watch.
    expect(watchRequests()).toHaveLength(1);
    expect(wc.synced).toBe(true);
    expect(names()).toEqual(['p1']);
    await advance(1);
    await until('the warning', () => logger.has(/^watch pods default failed; restarting$/));
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => [l.fields?.['reason'], l.fields?.['retryInSeconds']])).toEqual([
      ['WatchDead: the server had not ended the watch 30 s after its timeoutSeconds=450: the connection is taken for dead', 1.2],
    ]);
    // The cache as last seen serves reads until the rewatch (client-go's informer stays synced).
    expect(wc.synced).toBe(true);
    expect(names()).toEqual(['p1']);
    await advance(1.25);
    await until('the rewatch', () => watchRequests().length === 2 && names().length === 2);
    expect(names()).toEqual(['p1', 'p2']);
    // From the resourceVersion it had: no list.
    expect(lists()).toBe(1);
    expect(wc.synced).toBe(true);
  });

  it('a watch the API server answers with 500 is retried with a list first, so the cache follows each list while the watch fails; a dropped stream rewatches without one', async () => {
    // The next two watches of the pods are answered 500 (as an overloaded or restarting API server can).
    let refusals = 2;
    kube.onRequest = (q) => {
      if (q.query.get('watch') === 'true' && q.path === podsPath(NS) && refusals-- > 0) kube.fault({ path: q.path }, { kind: 'status', status: 500 });
    };
    const warnings = (): number => logger.lines.filter((l) => l.level === 'warn').length;
    kube.addPod(NS, 'p2', 'hello-00001');
    await until('p2 seen', () => names().length === 2);
    // The server ends the watch at its 450 s; the rewatch is refused.
    await advance(450);
    await until('the first refusal', () => warnings() === 1);
    kube.addPod(NS, 'p3', 'hello-00001');
    expect(lists()).toBe(1);
    // After its 1.2 s wait: a list, served at once (p3 is in), then a watch, refused again.
    await advance(1.25);
    await until('the relist', () => lists() === 2 && names().length === 3);
    await until('the second refusal', () => warnings() === 2);
    expect(wc.synced).toBe(true);
    kube.addPod(NS, 'p4', 'hello-00001');
    // After 2.4 s: a list again (p4 is in), and this watch holds.
    await advance(2.45);
    await until('the second relist, watching again', () => lists() === 3 && names().length === 4 && kube.watchCount('pods') === 1);
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => [l.fields?.['retryInSeconds'], l.fields?.['reason']])).toEqual([
      [1.2, 'Error: Internal Server Error'],
      [2.4, 'Error: Internal Server Error'],
    ]);
    // A dropped stream (no status) reopens the watch from the resourceVersion held: no list.
    kube.dropWatches();
    kube.addPod(NS, 'p5', 'hello-00001');
    for (let i = 0; i < 10 && names().length < 5; i++) await advance(5);
    await until('p5 seen through the watch', () => names().length === 5);
    expect(lists()).toBe(3);
  });

  it('a relist that fails leaves the old cache served; the list of the retry replaces it and reports what it no longer has as deleted', async () => {
    expect(events).toEqual(['p1']);
    // The relist after 410 Gone is answered 500 once.
    let refusals = 1;
    kube.onRequest = (q) => {
      if (FakeKube.isList(q) && q.path === podsPath(NS) && refusals-- > 0) kube.fault({ path: q.path }, { kind: 'status', status: 500 });
    };
    kube.expireWatchHistory();
    kube.delete(FakeKube.CORE, NS, 'pods', 'p1');
    kube.addPod(NS, 'p2', 'hello-00001');
    await until('the expiry seen', () => logger.has(/expired \(410 Gone\)/));
    await advance(1.25);
    await until('the failed relist', () => logger.has('watch pods default failed; restarting'));
    expect(names()).toEqual(['p1']);
    expect(wc.synced).toBe(true);
    // The retry's list (after 2.4 s) is answered: p2 added, p1 reported deleted.
    await advance(2.45);
    await until('the list served', () => names().join() === 'p2');
    expect(events).toEqual(['p1', 'p2', 'p1']);
    expect(lists()).toBe(3);
  });

  it('retries with a list first after an error status other than 429 (and 410, which has its own path)', () => {
    expect([500, 503, 401, 404, 429, 410].map((statusCode) => relistsAfter({ statusCode }))).toEqual([true, true, true, true, false, false]);
    expect(relistsAfter(new Error('socket hang up'))).toBe(false);
    expect(relistsAfter(undefined)).toBe(false);
  });

  it('stopped while a rewatch is still connecting, it ends and leaves no watch timer behind', async () => {
    // The server ends the first watch at its 450 s; the rewatch never gets its headers.
    kube.fault({ path: podsPath(NS) }, { kind: 'hang-after' });
    await advance(450);
    await until('the rewatch request', () => watchRequests().length === 2);
    expect(clock.pendingSleeps).toBeGreaterThan(0);
    ac.abort();
    await running;
    // No sleep left on the clock: with a real one, a 480 s timer would have held the process.
    expect(clock.pendingSleeps).toBe(0);
    expect(logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });
});
