import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHtml } from '../../src/output/report/html.js';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import type { RunSummary } from '../../src/output/summary.js';
import { textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { run } from './world-fixture.js';

const ksvc = (cc: number, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'api' },
  spec: { template: { spec: { containerConcurrency: cc, containers: [{ image: 'app' }], ...spec } } },
});

/**
 * `api` (CC 10, 0.5 s requests) at zero with a 5 s image pull; 50 rps from 60 s, so requests
 * wait in the activator during the cold start; the activators restart (rolling) at 63 s.
 */
function burst(o: { activators?: number; updates?: unknown[]; cluster?: Record<string, unknown>; duration?: string } = {}) {
  return scenarioFromValue(
    {
      name: 'rollout',
      seed: 3,
      duration: o.duration ?? '180s',
      cluster: { activators: o.activators ?? 1, ...o.cluster },
      services: [{ manifest: ksvc(10), initialPods: 0, podStart: { imagePull: '5s' }, app: { serviceTime: '500ms' } }],
      clients: [{ name: 'load', service: 'api', open: { process: 'poisson', rate: { shape: 'step', steps: [{ at: '0s', rps: 0 }, { at: '60s', rps: 50 }] } } }],
      updates: o.updates ?? [{ at: '63s', restartActivators: { startup: '10s' } }],
    },
    'rollout.yaml',
  ).world;
}

/** The scenario with these updates and cluster fields is refused with one line starting with `message`. */
function expectRefusal(updates: unknown[], cluster: Record<string, unknown>, message: string): void {
  let m = '';
  try {
    burst({ updates, cluster });
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    m = (e as Error).message;
  }
  expect(m.startsWith(message), m).toBe(true);
  expect(m).not.toContain('\n');
}

/** 15-minute jobs (CC 1, timeouts raised to 30 min) at one per 20 s; the activators restart at 5 min. */
function jobs(duration = '30m') {
  return scenarioFromValue(
    {
      name: 'jobs',
      seed: 1,
      duration,
      configMaps: { 'config-defaults': { 'max-revision-timeout-seconds': '1800' } },
      services: [{ manifest: ksvc(1, { timeoutSeconds: 1800, responseStartTimeoutSeconds: 1800 }), initialPods: 0, app: { serviceTime: '15m' } }],
      clients: [{ name: 'jobs', service: 'api', open: { process: 'poisson', rps: 0.05 } }],
      updates: [{ at: '5m', restartActivators: {} }],
    },
    'jobs.yaml',
  ).world;
}

describe('a rolling restart of the activators (one replica)', () => {
  const { rec, world } = run(burst());
  const via = (from: number, to: number) => new Set(rec.requests.filter((r) => r.route === 'activator' && r.activatorIn >= from && r.activatorIn < to).map((r) => r.activator!.index));

  it('creates the new activator at once and moves traffic to it when it is Ready, 10 s later', () => {
    expect(world.activators.map((a) => a.name)).toEqual(['activator-0', 'activator-1']);
    expect(via(60, 73)).toEqual(new Set([0]));
    expect(via(73, 180)).toEqual(new Set([1]));
  });

  it('fails nothing: the old activator keeps sending on what it held, as pods free up', () => {
    expect(rec.requests.filter((r) => r.status !== 200)).toEqual([]);
    // It held requests waiting for the cold start when it left the endpoints, and answered them after.
    const heldThrough = rec.requests.filter((r) => r.activator?.index === 0 && r.activatorIn < 73 && r.end > 73);
    expect(heldThrough.length).toBeGreaterThan(50);
  });

  it('exits 45 s after its deletion (it held nothing by then) and stops pushing stats', () => {
    expect(world.activators[0]!.down).toBe(true);
    expect(world.activators[1]!.down).toBe(false);
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-rollout-')), 'run');
    runWorld(burst(), { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(s.activatorRollouts).toEqual([{ fromSeconds: 63, completeSeconds: 73, drainedSeconds: 118, failedRequests: 0 }]);
    expect(textSummary(s, out, [])).toContain('activators restarted (rolling) from 63s: complete at 73s, old ones drained by 118s');
  });

  it('shades the rollout on the waiting chart, from its start until the old activator exited', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-rollout-')), 'run');
    runWorld(burst(), { outDir: out, trace: { mode: 'none' } });
    const { charts } = reportCharts(loadRunData(out));
    const waiting = charts.find((c) => c.id === 'waiting')!;
    const layers = (waiting.spec as unknown as { vconcat: Array<{ layer: Array<{ encoding?: { fill?: { datum: string } }; data?: { values: unknown[] } }> }> }).vconcat[0]!.layer;
    const band = layers.find((l) => l.encoding?.fill?.datum === 'activators restarting (old ones draining)')!;
    expect(band.data!.values).toEqual([{ s: 63, e: 118 }]);
    expect(waiting.explanation).toContain('Olive shading marks activators being replaced (a rolling restart, or a deleted activator and its replacement)');
    // Why a queue-proxy queue can last through the rollout (activator-rollout.yaml's 2 jobs, 340 s to 910 s).
    expect(waiting.explanation).toContain('A new activator counts only what it sent itself, so it may put a request on a pod still busy with an old one’s, where it waits in the queue-proxy until that one ends (or is cut off with its activator).');
    // Without a rollout, no band and no sentence.
    const plain = join(mkdtempSync(join(tmpdir(), 'knsim-rollout-')), 'run');
    runWorld(burst({ updates: [] }), { outDir: plain, trace: { mode: 'none' } });
    const w2 = reportCharts(loadRunData(plain)).charts.find((c) => c.id === 'waiting')!;
    expect(JSON.stringify(w2.spec)).not.toContain('activators restarting');
    expect(w2.explanation).not.toContain('Olive');
  });
});

describe('a rolling restart with long requests', () => {
  const { rec } = run(jobs());

  it('kills the old activator at its 600 s grace period: what it still held fails with 503 then, only that', () => {
    // The new activator is Ready at 310 s, when the old one is deleted; it is killed at 910 s.
    const failed = rec.requests.filter((r) => r.status === 503);
    expect(failed.length).toBeGreaterThan(5);
    for (const r of failed) {
      expect(r.end).toBe(910);
      expect(r.activator?.index).toBe(0);
      expect(r.arrival).toBeLessThan(310);
    }
    // Every job it took that would have ended after 910 s failed; those ending before were answered.
    const old = rec.requests.filter((r) => r.activator?.index === 0);
    expect(old.filter((r) => r.status === 200).every((r) => r.end < 910)).toBe(true);
    expect(old.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    // The new one's jobs are untouched.
    expect(rec.requests.filter((r) => r.activator?.index === 1).every((r) => r.status === 200)).toBe(true);
  });

  it('reports the failures in summary.json, the text summary and the report', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-rollout-')), 'run');
    runWorld(jobs(), { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    const failed = rec.requests.filter((r) => r.status === 503).length;
    expect(s.activatorRollouts).toEqual([{ fromSeconds: 300, completeSeconds: 310, drainedSeconds: 910, failedRequests: failed }]);
    expect(s.overall.requests.status503).toBe(failed);
    expect(textSummary(s, out, [])).toContain(`old ones drained by 910s; ${failed} requests an old activator still held at its 600 s grace period got 503`);
    const data = loadRunData(out);
    const html = buildHtml({ summary: data.summary, settings: data.settings, axis: reportCharts(data).ctx.axis, charts: [], missing: [] });
    expect(html).toContain(
      `<p class="note">Activators restarted (a rolling restart of their Deployment) from 300 s: complete at 310 s; the old ones had drained by 910 s (${failed} requests one still held when its 600 s grace period ended got 503).</p>`,
    );
  });

  it('says null for what the run did not reach', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-rollout-')), 'run');
    runWorld(jobs('305s'), { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(s.activatorRollouts).toEqual([{ fromSeconds: 300, completeSeconds: null, drainedSeconds: null, failedRequests: 0 }]);
    expect(textSummary(s, out, [])).toContain('activators restarted (rolling) from 300s: not complete at the end, old ones still draining at the end');
  });
});

describe('a rolling restart of two activators', () => {
  // maxSurge 1, maxUnavailable 0: one new pod at a time; the newest old pod goes first.
  const { rec, world } = run(burst({ activators: 2, updates: [{ at: '63s', restartActivators: { startup: '5s' } }] }));
  const via = (from: number, to: number) => new Set(rec.requests.filter((r) => r.route === 'activator' && r.activatorIn >= from && r.activatorIn < to).map((r) => r.activator!.index));

  it('replaces them one at a time: activator 1 leaves at 68 s, activator 0 at 73 s', () => {
    expect(world.activators.map((a) => a.name)).toEqual(['activator-0', 'activator-1', 'activator-2', 'activator-3']);
    expect(via(60, 63)).toEqual(new Set([0, 1]));
    expect(via(68, 73).has(1)).toBe(false);
    expect(via(73, 180)).toEqual(new Set([2, 3]));
    expect(rec.requests.filter((r) => r.status !== 200)).toEqual([]);
  });
});

describe('restartActivators validation', () => {
  it.each([
    [[{ at: '10s', restartActivators: {} }], { activatorCpu: { perRequest: '1ms' } }, 'rollout.yaml: updates[0].restartActivators: a rolling restart of the activators is not simulated with cluster.activatorCpu'],
    [
      [{ at: '10s', crashActivator: { downtime: '30s' } }, { at: '20s', restartActivators: {} }],
      {},
      'rollout.yaml: updates[1].restartActivators: activator 0 is down from its crash at 10s until 40s: restart the activators after that',
    ],
    [
      [{ at: '10s', crashActivator: { downtime: '30s' } }, { at: '40s', restartActivators: {} }],
      {},
      'rollout.yaml: updates[1].restartActivators: activator 0 is down from its crash at 10s until 40s',
    ],
    [
      [{ at: '10s', restartActivators: {} }, { at: '20s', crashActivator: { downtime: '5s' } }],
      {},
      'rollout.yaml: updates[1].crashActivator: the activators are new pods after the restartActivators at 10s',
    ],
    [[{ at: '10s', restartActivators: { startup: '30s' } }, { at: '20s', restartActivators: {} }], {}, "rollout.yaml: updates[1].restartActivators: the activators' rollout from 10s is complete at 40s: start the next one after that"],
    [[{ at: '10s', restartActivators: { startup: '30s' } }, { at: '40s', restartActivators: {} }], {}, "rollout.yaml: updates[1].restartActivators: the activators' rollout from 10s is complete at 40s"],
    [[{ at: '10s', restartActivators: { startup: '-1s' } }], {}, 'rollout.yaml: updates[0].restartActivators.startup:'],
  ])('refuses %j', expectRefusal);

  it('takes a crash before it and a second rollout once the first is complete', () => {
    const spec = burst({ activators: 2, updates: [{ at: '61s', crashActivator: { activator: 1, downtime: '1s' } }, { at: '63s', restartActivators: { startup: '2s' } }, { at: '67.5s', restartActivators: { startup: '1s' } }] });
    expect(spec.activatorRollouts).toEqual([
      { atSeconds: 63, startupSeconds: 2, completeSeconds: 67 },
      { atSeconds: 67.5, startupSeconds: 1, completeSeconds: 69.5 },
    ]);
    const { rec, world } = run(spec);
    // The crashed-and-back activator 1 is Ready for less time, so the ReplicaSet deletes it first.
    expect(world.activators.length).toBe(6);
    const via = (from: number, to: number) => new Set(rec.requests.filter((r) => r.route === 'activator' && r.activatorIn >= from && r.activatorIn < to).map((r) => r.activator!.index));
    expect(via(65, 67)).toEqual(new Set([0, 2]));
    expect(via(69.5, 180)).toEqual(new Set([4, 5]));
  });
});

describe('deleting an activator pod (kubectl delete pod)', () => {
  const del = (activators: number, extra: unknown[] = []) => burst({ activators, updates: [{ at: '63s', deleteActivator: { activator: 0, startup: '10s' } }, ...extra] });
  const one = run(del(1));
  const via = (rec: typeof one.rec, from: number, to: number) =>
    new Set(rec.requests.filter((r) => r.route === 'activator' && r.activatorIn >= from && r.activatorIn < to).map((r) => r.activator!.index));

  it('drains it (what it held is answered) while its ReplicaSet replacement starts; with no activator left, a revision without pods has no endpoint', () => {
    const { rec, world } = one;
    expect(world.activators.map((a) => a.name)).toEqual(['activator-0', 'activator-1']);
    // The cold start's requests it held all succeed.
    const held = rec.requests.filter((r) => r.activator?.index === 0);
    expect(held.length).toBeGreaterThan(100);
    expect(held.every((r) => r.status === 200 && r.arrival < 63)).toBe(true);
    // Until the first pod is Ready there is no endpoint at all: 503 at once.
    const firstReady = rec.pods.find((p) => p.event === 'Ready')!.time;
    const failed = rec.requests.filter((r) => r.status !== 200);
    expect(failed.length).toBeGreaterThan(100);
    for (const r of failed) {
      expect(r.status).toBe(503);
      expect(r.arrival).toBeGreaterThan(63);
      expect(r.end).toBeLessThan(firstReady);
      expect(r.end - r.arrival).toBeCloseTo(0.001, 9);
    }
    // Then straight to the pods, and through the replacement once it is Ready at 73 s.
    expect(rec.requests.filter((r) => r.arrival > firstReady + 0.01 && r.arrival < 73).every((r) => r.route === 'direct')).toBe(true);
    expect(via(rec, 73, 180)).toEqual(new Set([1]));
  });

  it('with two activators nothing fails: the other takes every request until the replacement is Ready', () => {
    const { rec } = run(del(2));
    expect(rec.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(via(rec, 63, 73)).toEqual(new Set([1]));
    expect(via(rec, 73, 180)).toEqual(new Set([1, 2]));
  });

  it('reports it in summary.json, the text summary and the report', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-delete-')), 'run');
    runWorld(del(1), { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(s.activatorDeletions).toEqual([{ activator: 'activator-0', replacement: 'activator-1', fromSeconds: 63, replacementReadySeconds: 73, drainedSeconds: 108, failedRequests: 0 }]);
    expect(s.overall.requests.status503).toBe(one.rec.requests.filter((r) => r.status === 503).length);
    expect(textSummary(s, out, [])).toContain('activator-0 deleted at 63s: activator-1 Ready at 73s, activator-0 drained by 108s');
    const data = loadRunData(out);
    const html = buildHtml({ summary: data.summary, settings: data.settings, axis: reportCharts(data).ctx.axis, charts: [], missing: [] });
    expect(html).toContain('<p class="note">activator-0 deleted at 63 s: activator-1 replaced it at 73 s; it had drained by 108 s.</p>');
    // The waiting chart shades it from the deletion until the deleted activator exited.
    const waiting = reportCharts(data).charts.find((c) => c.id === 'waiting')!;
    const layers = (waiting.spec as unknown as { vconcat: Array<{ layer: Array<{ encoding?: { fill?: { datum: string } }; data?: { values: unknown[] } }> }> }).vconcat[0]!.layer;
    const band = layers.find((l) => l.encoding?.fill?.datum === 'activators restarting (old ones draining)')!;
    expect(band.data!.values).toEqual([{ s: 63, e: 108 }]);
    expect(waiting.explanation).toContain('Olive shading marks activators being replaced');
  });

  it.each([
    [[{ at: '10s', deleteActivator: {} }, { at: '90s', deleteActivator: { activator: 0 } }], {}, 'rollout.yaml: updates[1].deleteActivator: activator 0 was deleted at 10s: knsim deletes only the activators the run starts with'],
    [[{ at: '10s', deleteActivator: {} }, { at: '90s', crashActivator: { downtime: '5s' } }], {}, 'rollout.yaml: updates[1].crashActivator: activator 0 was deleted at 10s'],
    [[{ at: '10s', deleteActivator: { startup: '30s' } }, { at: '40s', restartActivators: {} }], {}, "rollout.yaml: updates[1].restartActivators: activator 0's replacement, after its deletion at 10s, is Ready only at 40s"],
    [[{ at: '10s', restartActivators: {} }, { at: '90s', deleteActivator: {} }], {}, 'rollout.yaml: updates[1].deleteActivator: the activators are new pods after the restartActivators at 10s'],
    [[{ at: '10s', crashActivator: { downtime: '5s' } }, { at: '15s', deleteActivator: {} }], {}, 'rollout.yaml: updates[1].deleteActivator: activator 0 is down from its crash at 10s until 15s'],
    [[{ at: '10s', deleteActivator: { activator: 1 } }], {}, 'rollout.yaml: updates[0].deleteActivator.activator: the cluster has 1 activator (cluster.activators), numbered from 0: no activator 1'],
    [[{ at: '10s', deleteActivator: {} }], { activatorCpu: { perRequest: '1ms' } }, 'rollout.yaml: updates[0].deleteActivator: deleting an activator is not simulated with cluster.activatorCpu'],
  ])('refuses %j', expectRefusal);

  it('takes a deletion of each activator (none left between the second and the first replacement), and a rollout once the replacements are Ready', () => {
    const spec = burst({ activators: 2, updates: [{ at: '62s', deleteActivator: { activator: 1, startup: '2s' } }, { at: '63s', deleteActivator: { startup: '2s' } }, { at: '66s', restartActivators: { startup: '1s' } }] });
    expect(spec.activatorDeletions).toEqual([
      { atSeconds: 62, activator: 1, startupSeconds: 2 },
      { atSeconds: 63, activator: 0, startupSeconds: 2 },
    ]);
    const { rec, world } = run(spec);
    expect(world.activators.map((a) => a.name)).toEqual(['activator-0', 'activator-1', 'activator-2', 'activator-3', 'activator-4', 'activator-5']);
    // From 63 s, when activator 0 goes too, until activator 2 (activator 1's replacement) is Ready at 64 s,
    // there is no activator: the revision, still at zero, has no endpoint.
    const failed = rec.requests.filter((r) => r.status !== 200);
    expect(failed.length).toBeGreaterThan(20);
    expect(failed.every((r) => r.status === 503 && r.arrival >= 63 && r.arrival < 64)).toBe(true);
    expect(via(rec, 64, 65)).toEqual(new Set([2]));
    expect(via(rec, 65, 66)).toEqual(new Set([2, 3]));
    expect(via(rec, 69, 180)).toEqual(new Set([4, 5]));
  });
});
