/**
 * A config-autoscaler change reconciles every managed revision's PA, as upstream's KPA
 * controller resyncs every PA of its class when its config store takes a change — not only
 * the PAs whose settings the change touches. The store takes every write its informed
 * watcher sees (a new resourceVersion): one to the labels only, or a delete and re-create
 * with the same data, too. The ConfigMap read again unchanged, or deleted, is no change.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addRevision, fakeCluster, reloadingReplica, run, type Cluster } from './support/cluster.js';

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
