/**
 * A config-autoscaler change reconciles every managed revision's PA, as upstream's KPA
 * controller resyncs every PA of its class when its config store takes a change — not only
 * the PAs whose settings the change touches. Data as it already was is no change.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadAutoscalerConfig } from '../../src/adapter/revisions.js';
import { defaultAutoscalerConfig } from '../../src/core/autoscaler/index.js';
import { addRevision, fakeCluster, replica, run, type Cluster } from './support/cluster.js';

let c: Cluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.stop();
});

const CM = 'config-autoscaler';
const setConfig = (data: Record<string, string>): void => {
  c.kube.put('api/v1', 'knative-serving', 'configmaps', { metadata: { name: CM, namespace: 'knative-serving' }, data });
};

/**
 * Two revisions with one pod at concurrency 5, so each wants 1 pod under any target used here:
 * `own-00001` sets its target (50) by annotation, `plain-00001` takes the config's default.
 * Returns the PA reconciles of each in the scrape tick after `next` is read.
 */
async function reconcilesAfter(first: Record<string, string>, next: Record<string, string>): Promise<Record<string, number>> {
  await addRevision(c, 'own-00001', { pods: 1, concurrency: 5, annotations: { 'autoscaling.knative.dev/target': '50' } });
  await addRevision(c, 'plain-00001', { pods: 1, concurrency: 5 });
  setConfig(first);
  const clients = c.kube.clients();
  const r = replica(c, {
    mode: 'shadow',
    config: defaultAutoscalerConfig,
    reloadConfig: { where: `knative-serving/${CM}`, load: () => loadAutoscalerConfig(clients, 'knative-serving', {}) },
  });
  await r.controller.syncRevisions();
  await r.controller.syncConfig();
  await run(c, [r], 10);
  const spies = r.controller.loops().map((loop) => ({ name: loop.revision, spy: vi.spyOn(loop, 'reconcile') }));
  expect(spies.map((s) => s.name).sort()).toEqual(['own-00001', 'plain-00001']);
  // Settled: a steady revision is not reconciled tick after tick.
  await run(c, [r], 2);
  expect(spies.map((s) => s.spy.mock.calls.length)).toEqual([0, 0]);

  setConfig(next);
  await r.controller.syncConfig();
  await r.controller.scrapeTick();
  return Object.fromEntries(spies.map((s) => [s.name, s.spy.mock.calls.length]));
}

describe('a config-autoscaler change reconciles every managed PA once', () => {
  const cases: Array<{ name: string; first: Record<string, string>; next: Record<string, string>; want: Record<string, number> }> = [
    { name: 'a default target only plain takes', first: {}, next: { 'container-concurrency-target-default': '20' }, want: { 'own-00001': 1, 'plain-00001': 1 } },
    { name: 'a key written with the value in force (data changed, no setting did)', first: {}, next: { 'stable-window': '60s' }, want: { 'own-00001': 1, 'plain-00001': 1 } },
    { name: 'the same data read again: no change, no resync', first: { 'stable-window': '60s' }, next: { 'stable-window': '60s' }, want: { 'own-00001': 0, 'plain-00001': 0 } },
  ];
  for (const t of cases) {
    it(t.name, async () => {
      expect(await reconcilesAfter(t.first, t.next)).toEqual(t.want);
    });
  }
});
