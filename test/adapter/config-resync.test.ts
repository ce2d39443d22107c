/**
 * A config-autoscaler change reconciles every managed revision's PA, as upstream's KPA
 * controller resyncs every PA of its class when its config store takes a change — not only
 * the PAs whose settings the change touches. The store takes every write its informed
 * watcher sees (a new resourceVersion): one to the labels only, or a delete and re-create
 * with the same data, too. The ConfigMap read again unchanged, or deleted, is no change.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isScaleAction } from '../../src/adapter/controller.js';
import { T0, addRevision, fakeCluster, reloadingReplica, run, type Cluster } from './support/cluster.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const CM = 'config-autoscaler';
const setConfig = (data: Record<string, string>, labels: Record<string, string> = {}): void => {
  c.kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: CM, namespace: 'knative-serving', labels }, data });
};
const deleteConfig = (): void => c.kube.delete('api/v1', 'knative-serving', 'configmaps', CM);

/**
 * Two revisions with one pod at concurrency 5, so each wants 1 pod under any target used here:
 * `own-00001` sets its target (50) by annotation, `plain-00001` takes the config's default.
 * For each of `changes`: done to the ConfigMap, which is then read again, the PA reconciles of
 * each revision that the read itself ran (upstream's global resync is served at once, not at
 * a tick); the next scrape tick then runs none more.
 */
async function reconcilesAfter(first: Record<string, string>, ...changes: Array<() => void>): Promise<Array<Record<string, number>>> {
  await addRevision(c, 'own-00001', { pods: 1, concurrency: 5, annotations: { 'autoscaling.knative.dev/target': '50' } });
  await addRevision(c, 'plain-00001', { pods: 1, concurrency: 5 });
  setConfig(first);
  const r = reloadingReplica(c);
  await r.controller.syncRevisions();
  await r.controller.syncConfig();
  await run(c, [r], 10);
  const spies = r.controller.loops().map((loop) => ({ name: loop.revision, spy: vi.spyOn(loop, 'reconcile') }));
  expect(spies.map((s) => s.name).sort()).toEqual(['own-00001', 'plain-00001']);
  // Settled: a steady revision is not reconciled tick after tick.
  await run(c, [r], 2);
  expect(spies.map((s) => s.spy.mock.calls.length)).toEqual([0, 0]);

  const out: Array<Record<string, number>> = [];
  for (const change of changes) {
    for (const s of spies) s.spy.mockClear();
    change();
    const at = c.clock.now();
    await r.controller.syncConfig();
    // The clock has not moved: the reconciles ran in the read, not at a tick.
    expect(c.clock.now()).toBe(at);
    out.push(Object.fromEntries(spies.map((s) => [s.name, s.spy.mock.calls.length])));
    await r.controller.scrapeTick();
    expect(spies.map((s) => s.spy.mock.calls.length)).toEqual(spies.map((s) => out.at(-1)![s.name]));
  }
  return out;
}

describe('a config-autoscaler change reconciles every managed PA once, at once', () => {
  const cases: Array<{ name: string; first: Record<string, string>; change: () => void; want: Record<string, number> }> = [
    { name: 'a default target only plain takes', first: {}, change: () => setConfig({ 'container-concurrency-target-default': '20' }), want: { 'own-00001': 1, 'plain-00001': 1 } },
    { name: 'a key written with the value in force (data changed, no setting did)', first: {}, change: () => setConfig({ 'stable-window': '60s' }), want: { 'own-00001': 1, 'plain-00001': 1 } },
    { name: 'a label added, the data as it was (metadata only)', first: { 'stable-window': '60s' }, change: () => setConfig({ 'stable-window': '60s' }, { team: 'serving' }), want: { 'own-00001': 1, 'plain-00001': 1 } },
    {
      name: 'deleted and created again with the same data',
      first: { 'stable-window': '60s' },
      change: () => {
        deleteConfig();
        setConfig({ 'stable-window': '60s' });
      },
      want: { 'own-00001': 1, 'plain-00001': 1 },
    },
    { name: 'the same object read again (no write, same resourceVersion): no change, no resync', first: { 'stable-window': '60s' }, change: () => {}, want: { 'own-00001': 0, 'plain-00001': 0 } },
    { name: 'deleted (Knative ignores the delete of a ConfigMap it has no default for): no resync', first: { 'stable-window': '60s' }, change: deleteConfig, want: { 'own-00001': 0, 'plain-00001': 0 } },
  ];
  for (const t of cases) {
    it(t.name, async () => {
      expect(await reconcilesAfter(t.first, t.change)).toEqual([t.want]);
    });
  }

  it('deleted, read while gone, then created again with the same data: the re-create resyncs (the watcher\'s add event)', async () => {
    const both = (n: number): Record<string, number> => ({ 'own-00001': n, 'plain-00001': n });
    expect(await reconcilesAfter({ 'stable-window': '60s' }, deleteConfig, () => setConfig({ 'stable-window': '60s' }), () => {})).toEqual([both(0), both(1), both(0)]);
  });
});

describe('the resync reconciles with the new config, before any tick', () => {
  it('config-autoscaler min-scale 3: a 1-pod revision would scale 1->3 within the read, the clock still', async () => {
    // 1 pod at 5: under the defaults the revision wants 1 pod and stays there.
    await addRevision(c, 'plain-00001', { pods: 1, concurrency: 5 });
    setConfig({});
    const r = reloadingReplica(c);
    await r.controller.syncRevisions();
    await r.controller.syncConfig();
    await run(c, [r], 10);
    const [loop] = r.controller.loops();
    const spy = vi.spyOn(loop!, 'reconcile');
    expect(r.rows.at(-1)?.want).toBe(1);
    setConfig({ 'min-scale': '3' });
    const at = c.clock.now();
    await r.controller.syncConfig();
    expect(c.clock.now()).toBe(at);
    expect(spy.mock.calls.map((call) => call[0])).toEqual([at]);
    expect(spy.mock.results.map((x) => (x.value as { applyReplicas?: number }).applyReplicas)).toEqual([3]);
    expect(loop!.scaleBounds().min).toBe(3);
  });
});

describe('the resync reaches every PA of the class and writes its own decision rows', () => {
  it('each reconcile it runs is a row at its instant, its action naming the ConfigMap (a scale counted as one)', async () => {
    await addRevision(c, 'plain-00001', { pods: 1, concurrency: 5 });
    setConfig({});
    const r = reloadingReplica(c);
    await r.controller.syncRevisions();
    await r.controller.syncConfig();
    await run(c, [r], 10);
    const before = r.rows.length;
    setConfig({ 'min-scale': '3' });
    await r.controller.syncConfig();
    const rows = r.rows.slice(before);
    expect(rows.map((x) => ({ t: x.time - T0, rev: x.revision, action: x.action, valid: x.valid, ready: x.readyPods, want: x.want, stable: x.observedStable }))).toEqual([
      { t: 10, rev: 'plain-00001', action: 'config-autoscaler: would-scale 1->3', valid: false, ready: 1, want: 3, stable: Number.NaN },
    ]);
    expect(isScaleAction(rows[0]!.action)).toBe(true);
    // The next decide tick's row is a tick's again.
    await run(c, [r], 2);
    expect(r.rows.at(-1)).toMatchObject({ time: T0 + 12, action: 'none', valid: true });
  });

  it('a revision listed since the last tick is taken on and reconciled by the resync, under the new config', async () => {
    await addRevision(c, 'plain-00001', { pods: 1, concurrency: 5 });
    setConfig({});
    const r = reloadingReplica(c);
    await r.controller.syncRevisions();
    await r.controller.syncConfig();
    await run(c, [r], 10);
    // Created and its pod listed at the 11 s tick; the revision listed after it.
    await addRevision(c, 'late-00001', { pods: 1, concurrency: 5 });
    await run(c, [r], 1);
    await r.controller.syncRevisions();
    expect(r.controller.loops().map((l) => l.revision)).toEqual(['plain-00001']);
    const before = r.rows.length;
    setConfig({ 'min-scale': '3' });
    await r.controller.syncConfig();
    expect(c.clock.now()).toBe(T0 + 11);
    expect(r.controller.loops().map((l) => [l.revision, l.scaleBounds().min])).toEqual([
      ['plain-00001', 3],
      ['late-00001', 3],
    ]);
    expect(r.rows.slice(before).map((x) => [x.time - T0, x.revision, x.action])).toEqual([
      [11, 'plain-00001', 'config-autoscaler: would-scale 1->3'],
      [11, 'late-00001', 'config-autoscaler: would-scale 1->3'],
    ]);
  });

  it('a revision refused under the old config is taken on at once under a new one that allows it', async () => {
    // initial-scale 0 is refused unless config-autoscaler allows a zero initial scale.
    await addRevision(c, 'zero-00001', { pods: 1, concurrency: 5, annotations: { 'autoscaling.knative.dev/initial-scale': '0', 'autoscaling.knative.dev/max-scale': '20' } });
    setConfig({});
    const r = reloadingReplica(c);
    await r.controller.syncRevisions();
    await r.controller.syncConfig();
    await run(c, [r], 4);
    expect(r.controller.loops()).toEqual([]);
    expect(r.logger.lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['revision has invalid autoscaling settings; not managing it']);
    setConfig({ 'allow-zero-initial-scale': 'true', 'min-scale': '2' });
    await r.controller.syncConfig();
    expect(r.controller.loops().map((l) => [l.revision, l.scaleBounds()])).toEqual([['zero-00001', { min: 2, max: 20, scaleToZero: false }]]);
    expect(r.rows.map((x) => [x.time - T0, x.action])).toEqual([[4, 'config-autoscaler: would-scale 1->2']]);
  });
});
