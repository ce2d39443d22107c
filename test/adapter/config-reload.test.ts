/**
 * config-autoscaler changing while the controller runs: a good change is taken by the
 * managed revisions at the next resync; a value Knative would refuse is reported once, in
 * one line naming the ConfigMap, the key and the rule, and the last good config stays (as
 * knative.dev/pkg's config store keeps it); a deleted ConfigMap changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAutoscalerConfig } from '../../src/adapter/revisions.js';
import { addRevision, fakeCluster, reloadingReplica, replica, run, runLoopsAsleep, tickRows, type Cluster } from './support/cluster.js';
import { until } from './support/wait.js';

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

describe('config-autoscaler reloaded while running', () => {
  it('applies a good change, keeps the last good config on a refused one, and ignores a delete', async () => {
    // 3 pods at 10 each: 30 in all. Target 100 × 70 % = 70 wants 1 pod; target 10 × 70 % = 7 wants ceil(30 / 7) = 5.
    await addRevision(c, 'kpa-00001', { pods: 3, concurrency: 10 });
    setConfig({});
    const r = reloadingReplica(c);
    const desired = (): number | undefined => r.rows.filter((x) => x.valid).at(-1)?.desired;
    await r.controller.syncRevisions();
    await run(c, [r], 10);
    expect(desired()).toBe(1);

    setConfig({ 'container-concurrency-target-default': '10' });
    await r.controller.syncConfig();
    await run(c, [r], 4);
    expect(desired()).toBe(5);
    expect(r.logger.lines.filter((l) => l.level !== 'info')).toEqual([]);

    // Knative refuses a target below 0.01: logged once however often it is read, and target 10 stays.
    setConfig({ 'container-concurrency-target-default': '0' });
    await r.controller.syncConfig();
    await run(c, [r], 4);
    await r.controller.syncConfig();
    await run(c, [r], 4);
    expect(desired()).toBe(5);
    const errors = r.logger.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/^knative-serving\/config-autoscaler: container-concurrency-target-default="0": .+; keeping the last good config$/);
    expect(errors[0]!.msg).not.toMatch(/\n/);
    expect(errors[0]!.fields).toBeUndefined();

    // Fixed again: taken.
    setConfig({ 'container-concurrency-target-default': '20' });
    await r.controller.syncConfig();
    await run(c, [r], 4);
    expect(desired()).toBe(3); // ceil(30 / 14)

    // Deleted: Knative's watcher keeps what it has.
    c.kube.delete('api/v1', 'knative-serving', 'configmaps', CM);
    await r.controller.syncConfig();
    await run(c, [r], 4);
    expect(desired()).toBe(3);
    expect(c.kube.requests.filter((q) => q.path === `/api/v1/namespaces/knative-serving/configmaps/${CM}`).length).toBe(5);
  });

  it('not watched (no watch given): read again at each revision resync of the run loop (10 s), and taken', async () => {
    await addRevision(c, 'kpa-00001', { pods: 3, concurrency: 10 });
    setConfig({});
    const clients = c.kube.clients();
    const r = replica(c, {
      mode: 'shadow',
      reloadConfig: { where: `knative-serving/${CM}`, load: () => loadAutoscalerConfig(clients, 'knative-serving', {}) },
    });
    const reads = (): number => c.kube.requests.filter((q) => q.path.endsWith(`/configmaps/${CM}`)).length;
    const ac = new AbortController();
    const done = r.controller.run(ac.signal);
    // Started: the revisions read and every loop asleep until its first round (decide at 2 s, resync at 10 s).
    await until('the run loop started', () => runLoopsAsleep(c, r, 0));
    // Second by second, each second's rounds (the 10 s resync's read and its resync too) done before the next.
    const second = async (s: number): Promise<void> => {
      c.clock.advance(1);
      await until(`second ${s}: every loop asleep again`, () => runLoopsAsleep(c, r, s));
      expect(tickRows(r)).toHaveLength(Math.floor(s / 2));
    };
    for (let s = 1; s <= 8; s++) await second(s);
    expect(reads()).toBe(0);
    expect(tickRows(r).every((x) => x.desired === 1)).toBe(true);
    setConfig({ 'container-concurrency-target-default': '10' });
    for (let s = 9; s <= 14; s++) await second(s);
    ac.abort();
    await done;
    expect(reads()).toBe(1);
    // Target 10 × 70 % = 7 now: the 30 the three pods report want ceil(30 / 7) = 5 (each scrape round done before the clock moved on).
    const last = tickRows(r).at(-1)!;
    expect([last.observedStable, last.desired]).toEqual([30, 5]);
    // The decision at 10 s comes before the resync's read of that instant is answered; 12 s and 14 s take target 7.
    expect(tickRows(r).map((x) => x.desired)).toEqual([1, 1, 1, 1, 1, 5, 5]);
  });
});
