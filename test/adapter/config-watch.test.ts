/**
 * config-autoscaler watched while the controller runs, as Knative's config store watches its
 * ConfigMaps: a write is taken as its watch event arrives, with no clock tick and no read of
 * it; the list and the watch ask for that one ConfigMap by name (so RBAC's resourceNames can
 * grant them). An API server that refuses them (403: an install granting only `get`) gets one
 * warning line, and the ConfigMap is then read at each revision resync (10 s) instead.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AutoscalerConfigError } from '../../src/core/autoscaler/index.js';
import { autoscalerConfigOf, loadAutoscalerConfig } from '../../src/adapter/revisions.js';
import { T0, addRevision, fakeCluster, replica, runLoopsAsleep, tickRows, type Cluster, type Replica } from './support/cluster.js';
import { until } from './support/wait.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const KNS = 'knative-serving';
const CM = 'config-autoscaler';
const setConfig = (name: string, data: Record<string, string>): void => {
  c.kube.put('api/v1', KNS, 'configmaps', { metadata: { name, namespace: KNS }, data });
};
const configRequests = () => c.kube.requests.filter((q) => q.path.startsWith(`/api/v1/namespaces/${KNS}/configmaps`));
/** GETs of config-autoscaler by name: the poll's reads. */
const reads = (): number => configRequests().filter((q) => q.path.endsWith(`/configmaps/${CM}`)).length;
const applied = (r: Replica): number => r.logger.lines.filter((l) => l.msg === 'config-autoscaler changed; applying it').length;

/** The last decision was made with target 10 × 70 % = 7 (under the default 100 × 70 % the 30 wants 1 pod). */
function expectTarget7(r: Replica): void {
  const last = tickRows(r).at(-1)!;
  expect(last.desired).toBe(Math.ceil(last.observedStable / 7));
  expect(last.desired).toBeGreaterThan(1);
}

/** A shadow replica whose config-autoscaler is watched (as `knsim controller` wires it), running; 3 pods at 10 each. */
async function running(): Promise<{ r: Replica; second: (rows: number) => Promise<void>; stop: () => Promise<void> }> {
  await addRevision(c, 'kpa-00001', { pods: 3, concurrency: 10 });
  setConfig(CM, {});
  const clients = c.kube.clients();
  const r = replica(c, {
    mode: 'shadow',
    reloadConfig: {
      where: `${KNS}/${CM}`,
      load: () => loadAutoscalerConfig(clients, KNS, {}),
      watch: { namespace: KNS, name: CM, parse: (cm) => autoscalerConfigOf(cm, {}) },
    },
  });
  const ac = new AbortController();
  const done = r.controller.run(ac.signal);
  await until('the revisions listed, the first scrape round asleep', () => c.kube.requests.some((q) => q.path.endsWith('/revisions') && q.status === 200) && c.clock.sleepsUntil(T0 + 1) > 0);
  return {
    r,
    second: async (rows: number) => {
      c.clock.advance(1);
      await until(`${rows} rows`, () => tickRows(r).length >= rows);
    },
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

describe('config-autoscaler watched', () => {
  it('takes a write as its event arrives, with no tick and no read; other ConfigMaps are not delivered', async () => {
    const w = await running();
    await until('the config-autoscaler watch open', () => c.kube.watchCount('configmaps') === 1);
    const [list, watch] = configRequests();
    expect([list?.query.get('watch'), list?.query.get('fieldSelector')]).toEqual([null, `metadata.name=${CM}`]);
    expect([watch?.query.get('watch'), watch?.query.get('fieldSelector')]).toEqual(['true', `metadata.name=${CM}`]);
    expect(applied(w.r)).toBe(0);
    // Target 100 × 70 % = 70: 30 in all wants 1 pod.
    for (let s = 1; s <= 4; s++) await w.second(Math.floor(s / 2));
    expect(tickRows(w.r).map((x) => x.desired)).toEqual([1, 1]);

    setConfig('config-deployment', { 'progress-deadline': '300s' });
    setConfig(CM, { 'container-concurrency-target-default': '10' });
    // The clock stands still: only the watch event can bring it.
    await until('the change applied', () => applied(w.r) === 1);
    expect(c.clock.now()).toBe(T0 + 4);
    // Target 10 × 70 % = 7 at the next decision, whatever the window holds (the run loop's scrapes run on the real clock's I/O).
    for (let s = 5; s <= 6; s++) await w.second(Math.floor(s / 2));
    expectTarget7(w.r);
    // Past two revision resyncs (10 s, 20 s): still no read of it, and one change taken.
    for (let s = 7; s <= 22; s++) await w.second(Math.floor(s / 2));
    await w.stop();
    expect(reads()).toBe(0);
    expect(applied(w.r)).toBe(1);
    expect(w.r.logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('a value Knative refuses, seen through the watch: one line naming the ConfigMap, key and rule; the last good config stays', async () => {
    const w = await running();
    await until('the config-autoscaler watch open', () => c.kube.watchCount('configmaps') === 1);
    setConfig(CM, { 'container-concurrency-target-default': '10' });
    await until('the change applied', () => applied(w.r) === 1);
    setConfig(CM, { 'container-concurrency-target-default': '0' });
    await until('the refusal logged', () => w.r.logger.lines.some((l) => l.level === 'error'));
    for (let s = 1; s <= 4; s++) await w.second(Math.floor(s / 2));
    await w.stop();
    expectTarget7(w.r);
    const errors = w.r.logger.lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => l.msg)).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/^knative-serving\/config-autoscaler: container-concurrency-target-default="0": .+; keeping the last good config$/);
  });

  it('its watch answered 500 over and over: each retry lists it first, so a write is taken at the next retry, with no read by name', async () => {
    c.kube.onRequest = (q) => {
      if (q.path === `/api/v1/namespaces/${KNS}/configmaps` && q.query.get('watch') === 'true') c.kube.fault({ path: q.path }, { kind: 'status', status: 500 });
    };
    const w = await running();
    await until('the first refusal', () => w.r.logger.has(`watch configmap ${KNS}/${CM} failed; restarting`));
    const lists = (): number => configRequests().filter((q) => q.query.get('watch') === null && q.path.endsWith('/configmaps')).length;
    expect(lists()).toBe(1);
    setConfig(CM, { 'container-concurrency-target-default': '10' });
    // The retries' waits (0.8 s doubling, with jitter) are within these 6 s: the second list takes the write.
    for (let s = 1; s <= 6 && applied(w.r) === 0; s++) {
      await w.second(Math.floor(s / 2));
      await new Promise((res) => setTimeout(res, 50));
    }
    await until('the change applied', () => applied(w.r) === 1);
    await w.stop();
    expect(lists()).toBeGreaterThanOrEqual(2);
    expect(c.kube.watchCount('configmaps')).toBe(0);
    expect(reads()).toBe(0);
    expect(w.r.logger.lines.filter((l) => l.level === 'warn').every((l) => l.msg === `watch configmap ${KNS}/${CM} failed; restarting`)).toBe(true);
  });

  const refusals: Array<{ name: string; refuse: () => void }> = [
    { name: 'its list', refuse: () => c.kube.fault({ method: 'GET', path: `/api/v1/namespaces/${KNS}/configmaps` }, { kind: 'status', status: 403, message: 'forbidden' }, 100) },
    {
      name: 'its watch (the list allowed)',
      refuse: () => {
        c.kube.onRequest = (q) => {
          if (q.path === `/api/v1/namespaces/${KNS}/configmaps` && q.query.get('watch') === 'true') c.kube.fault({ path: q.path }, { kind: 'status', status: 403, message: 'forbidden' });
        };
      },
    },
  ];
  for (const t of refusals) {
    it(`refused at ${t.name} (403): one warning line, then read at each revision resync`, async () => {
      t.refuse();
      const w = await running();
      await until('the warning', () => w.r.logger.lines.some((l) => l.level === 'warn'));
      expect(w.r.logger.lines.filter((l) => l.level !== 'info').map((l) => l.msg)).toEqual([
        'not allowed to watch knative-serving/config-autoscaler (list/watch configmaps in knative-serving); reading it every 10 s instead',
      ]);
      for (let s = 1; s <= 8; s++) await w.second(Math.floor(s / 2));
      expect(reads()).toBe(0);
      setConfig(CM, { 'container-concurrency-target-default': '10' });
      for (let s = 9; s <= 14; s++) {
        await w.second(Math.floor(s / 2));
        // The resync's read goes out on real I/O: the clock waits for it at 10 s, so its time says when it was due.
        if (s === 10) await until('the 10 s read', () => reads() === 1);
      }
      await w.stop();
      // Read at the 10 s resync, not before; no watch of it retried.
      expect(c.kube.requests.filter((q) => q.path.endsWith(`/configmaps/${CM}`)).map((q) => q.time - T0)).toEqual([10]);
      expect(configRequests().filter((q) => q.query.get('watch') === 'true').length).toBe(t.name === 'its list' ? 0 : 1);
      expect(applied(w.r)).toBe(1);
      expectTarget7(w.r);
      expect(w.r.logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    });
  }
});

describe('a watched config-autoscaler object, parsed as `knsim controller` wires it', () => {
  it('takes its string data with the --config overrides on top, and its resourceVersion', () => {
    const cm = { metadata: { name: CM, resourceVersion: '812' }, data: { 'stable-window': '30s', 'container-concurrency-target-default': '10', bogus: 7 } };
    const loaded = autoscalerConfigOf(cm, { 'stable-window': '90s' });
    expect(loaded.found).toBe(true);
    expect(loaded.resourceVersion).toBe('812');
    expect(loaded.data).toEqual({ 'stable-window': '30s', 'container-concurrency-target-default': '10' });
    expect(loaded.config.stableWindowSeconds).toBe(90);
    expect(loaded.config.containerConcurrencyTargetDefault).toBe(10);
  });

  it('refuses what Knative refuses, naming the key', () => {
    const refused = (): unknown => autoscalerConfigOf({ metadata: {}, data: { 'stable-window': '2s' } }, {});
    expect(refused).toThrow(AutoscalerConfigError);
    expect(refused).toThrow(/stable-window/);
  });
});

describe('config-autoscaler refused at the start (403 on its read)', () => {
  it('its watch is retried on the reflector\'s backoff, reported by no further line, and the ConfigMap taken once a list is answered', async () => {
    // 3 pods at 10 each: under the defaults (target 100 × 70 %) 1 pod; under target 10 (× 70 % = 7), ceil(30 / 7) = 5.
    await addRevision(c, 'kpa-00001', { pods: 3, concurrency: 10 });
    setConfig(CM, { 'container-concurrency-target-default': '10' });
    // RBAC that lets the controller list config-autoscaler only after a while: four lists refused.
    c.kube.fault({ method: 'GET', path: `/api/v1/namespaces/${KNS}/configmaps` }, { kind: 'status', status: 403, message: 'forbidden' }, 4);
    const clients = c.kube.clients();
    const r = replica(c, {
      mode: 'shadow',
      // As `knsim controller` starts after its read was refused (a warning there): Knative's defaults meanwhile.
      reloadConfig: {
        where: `${KNS}/${CM}`,
        load: () => loadAutoscalerConfig(clients, KNS, {}),
        watch: { namespace: KNS, name: CM, parse: (cm) => autoscalerConfigOf(cm, {}) },
        refusedAtStart: true,
      },
    });
    const ac = new AbortController();
    const done = r.controller.run(ac.signal);
    const lists = () => configRequests().filter((q) => q.method === 'GET' && q.path === `/api/v1/namespaces/${KNS}/configmaps` && q.query.get('watch') !== 'true');
    await until('the first list refused, the run loop started', () => lists().length === 1 && runLoopsAsleep(c, r, 0));
    // Second by second until the fifth list (by 0.8 + 1.6 + 3.2 + 6.4 s, each up to doubled: at most 24 s).
    let s = 0;
    while (s < 30 && lists().length < 5) {
      c.clock.advance(1);
      s++;
      const at = s;
      await until(`second ${at}: every loop asleep again`, () => runLoopsAsleep(c, r, at));
    }
    await until('the change applied', () => applied(r) === 1);
    // Two more decisions under it.
    for (const last = s + 4; s < last; ) {
      c.clock.advance(1);
      s++;
      const at = s;
      await until(`second ${at}: every loop asleep again`, () => runLoopsAsleep(c, r, at));
    }
    ac.abort();
    await done;
    expect(lists().map((q) => q.status)).toEqual([403, 403, 403, 403, 200]);
    const times = lists().map((q) => q.time - T0);
    // The reflector's waits: 0.8 s doubling, each stretched by up to 100 %, seen at whole seconds.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.map((g, i) => g >= 0.8 * 2 ** i && g <= Math.ceil(1.6 * 2 ** i))).toEqual([true, true, true, true]);
    // Never given up for a read every 10 s, never logged again; taken once, with its resync.
    expect(reads()).toBe(0);
    expect(r.logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
    expect(r.logger.lines.filter((l) => l.msg === `${KNS}/${CM} read after the refusal at the start`)).toHaveLength(1);
    expect(applied(r)).toBe(1);
    // Decisions before the list was answered under the defaults (1 pod), after it under target 7 (5 pods).
    const taken = times[4]!;
    const rows = tickRows(r);
    expect(rows.filter((x) => x.time - T0 < taken).map((x) => x.desired)).toEqual(rows.filter((x) => x.time - T0 < taken).map(() => 1));
    expect(rows.filter((x) => x.time - T0 > taken).map((x) => x.desired)).toEqual([5, 5]);
  });
});
