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
import { cluster, expectRefusal, run, type Opts } from './drain-fixture.js';

describe('drainNode with the Cluster Autoscaler', () => {
  const { rec, world } = run(cluster());
  const drain = world.nodeDrains[0]!.record;
  const onDrained = rec.pods.filter((p) => p.event === 'Scheduled' && p.pod.node?.name === 'std-4-001').map((p) => p.pod);

  it('evicts the node\'s pods at once: each terminates gracefully and its ReplicaSet replaces it', () => {
    expect(drain.outcome).toBe('Drained');
    expect(drain.evictedPods).toBe(3);
    expect(onDrained.map((p) => p.terminatingAt)).toEqual([300, 300, 300]);
    // Created at the drain instant, before any tick: the ReplicaSet's, not the KPA's.
    expect(rec.pods.filter((p) => p.event === 'Pending' && p.time === 300).length).toBe(3);
    // Removed from the endpoints at once, they finish what they hold within the drain period.
    for (const p of onDrained) expect(rec.pods.find((e) => e.pod === p && e.event === 'Gone')?.time).toBe(330);
    expect(rec.requests.filter((r) => r.status !== 200)).toEqual([]);
  });

  it('deletes the node when its last pod is gone, the pool one node smaller', () => {
    expect(drain.emptySeconds).toBe(330);
    expect(drain.deletedSeconds).toBe(330);
    expect(world.cluster!.nodes.map((n) => n.name)).not.toContain('std-4-001');
  });

  it('leaves two replacements Pending until the nodes the Cluster Autoscaler adds are Ready', () => {
    const replacements = rec.pods.filter((p) => p.event === 'Pending' && p.time === 300).map((p) => p.pod);
    const bound = replacements.map((p) => rec.pods.find((e) => e.pod === p && e.event === 'Scheduled')!.time);
    // One fits the room left on the other two nodes; two wait for a new node.
    expect(bound.filter((t) => t < 301).length).toBe(1);
    expect(bound.filter((t) => t > 400).length).toBe(2);
    const added = world.cluster!.nodes.filter((n) => n.requestedAt > 300);
    expect(added.length).toBeGreaterThanOrEqual(1);
    expect(Math.min(...added.map((n) => n.requestedAt))).toBeLessThan(315);
  });

  it('changes nothing before the drain', () => {
    const plain = run(cluster({ updates: [] }));
    const before = (xs: typeof rec.requests) => xs.filter((r) => r.arrival < 300).map((r) => `${r.arrival}:${r.end}`);
    expect(before(rec.requests)).toEqual(before(plain.rec.requests));
    expect(plain.world.cluster!.nodes.map((n) => n.name)).toContain('std-4-001');
  });
});

describe('drainNode: what the drain finds', () => {
  it('reports NotFound for a node not requested by then, and does nothing', () => {
    const { world } = run(cluster({ updates: [{ at: '5m', drainNode: { node: 'std-4-009' } }] }));
    expect(world.nodeDrains[0]!.record).toEqual({ node: 'std-4-009', fromSeconds: 300, outcome: 'NotFound', evictedPods: 0, refusedEvictions: 0, emptySeconds: null, deletedSeconds: null });
  });

  it('reports NotFound for a node still launching (no Node object yet)', () => {
    // The drain at 5m leaves two replacements Pending; the CA's new node is still launching at 5m20s.
    const { world } = run(cluster({ updates: [{ at: '5m', drainNode: { node: 'std-4-001' } }, { at: '5m20s', drainNode: { node: 'std-4-004' } }] }));
    const late = world.nodeDrains[1]!.record;
    expect(late.outcome).toBe('NotFound');
    expect(world.cluster!.nodes.find((n) => n.name === 'std-4-004')?.state).toBe('Ready');
  });

  it('deletes a drained node as soon as it is empty, not at the Cluster Autoscaler\'s 5 s look', () => {
    // 60 s requests (raised timeout): the evicted pods are gone only when their last request ends.
    const { rec, world } = run(cluster({ serviceTime: '60s', rps: 0.3, timeoutSeconds: 600, updates: [{ at: '301.5s', drainNode: { node: 'std-4-001' } }] }));
    const r = world.nodeDrains[0]!.record;
    expect(r.evictedPods).toBeGreaterThan(0);
    expect(r.emptySeconds).not.toBeNull();
    const lastEnd = Math.max(...rec.requests.filter((q) => q.pod?.node?.name === 'std-4-001').map((q) => q.end));
    expect(lastEnd).toBeGreaterThan(331.5);
    expect(r.emptySeconds).toBe(lastEnd);
    // Off the CA's 5 s grid from the drain, where it would delete a node it drained itself.
    expect(Math.abs(((r.emptySeconds! - 301.5) % 5) - 2.5)).toBeLessThan(2.49);
    expect(r.deletedSeconds).toBe(r.emptySeconds);
  });

  it('brings forward the evictions of a node the Cluster Autoscaler is removing (AlreadyRemoving)', () => {
    // Five nodes for eight pods: the CA finds a node with one pod unneeded and taints it; its
    // evictions come nodeDeleteDelayAfterTaint (5 s) later.
    const spare = (updates: unknown[]) =>
      run(cluster({ pool: { initialNodes: 5, minNodes: 1 }, autoscaler: { kind: 'cluster-autoscaler', scaleDownUnneededTime: '1m' }, updates }));
    const plain = spare([]);
    const tainted = plain.rec.nodes.find((n) => n.event === 'Tainted')!;
    const evictedAt = (rec: typeof plain.rec) => rec.pods.find((p) => p.event === 'Terminating' && p.pod.node?.name === tainted.node)!.time;
    expect(evictedAt(plain.rec)).toBeCloseTo(tainted.time + 5, 9);
    const { rec, world } = spare([{ at: `${tainted.time + 1}s`, drainNode: { node: tainted.node } }]);
    const r = world.nodeDrains[0]!.record;
    expect(r.outcome).toBe('AlreadyRemoving');
    expect(r.evictedPods).toBe(1);
    expect(evictedAt(rec)).toBe(r.fromSeconds);
    expect(r.deletedSeconds).not.toBeNull();
    expect(r.deletedSeconds!).toBeGreaterThanOrEqual(r.emptySeconds!);
    // The CA's own evictions, due 4 s later, find nothing left to do.
    expect(rec.pods.filter((p) => p.event === 'Terminating' && p.pod.node?.name === tainted.node).length).toBe(1);
  });

  it('with Karpenter, restores the pool\'s minNodes at once, as after an expiry', () => {
    const { rec, world } = run(cluster({ autoscaler: { kind: 'karpenter' } }));
    expect(world.nodeDrains[0]!.record.outcome).toBe('Drained');
    expect(rec.nodes.filter((n) => n.event === 'Requested' && n.time === 300).map((n) => n.node)).toEqual(['std-4-004']);
    const plain = run(cluster({ autoscaler: { kind: 'karpenter' }, updates: [] }));
    expect(plain.rec.nodes.filter((n) => n.event === 'Requested' && n.time > 0)).toEqual([]);
  });

  it('without a node autoscaler, the pool stays one node smaller and two replacements stay Pending', () => {
    const { rec, world } = run(cluster({ autoscaler: { kind: 'none' } }));
    expect(world.cluster!.nodes.map((n) => n.name)).toEqual(['std-4-002', 'std-4-003']);
    const pending = rec.pods.filter((p) => p.event === 'Pending' && p.time === 300).map((p) => p.pod);
    expect(pending.filter((p) => p.node === undefined).length).toBe(2);
  });
});

describe('drainNode outputs', () => {
  it('reports the drain in summary.json, the text summary and the report', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-drain-')), 'run');
    runWorld(cluster(), { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(s.nodeDrains).toEqual([{ node: 'std-4-001', fromSeconds: 300, outcome: 'Drained', evictedPods: 3, emptySeconds: 330, deletedSeconds: 330 }]);
    expect(textSummary(s, out, [])).toContain('node std-4-001 drained at 300s: 3 pods evicted, empty at 330s, deleted at 330s');
    const nodes = readFileSync(join(out, 'nodes.csv'), 'utf8');
    expect(nodes).toContain('300.000000,std-4-001,std-4,Tainted');
    expect(nodes).toContain('330.000000,std-4-001,std-4,Deleted');
    const data = loadRunData(out);
    const html = buildHtml({ summary: data.summary, settings: data.settings, axis: reportCharts(data).ctx.axis, charts: [], missing: [] });
    expect(html).toContain('Node std-4-001 drained at 300 s: 3 pods evicted, empty at 330 s, deleted at 330 s.');
  });

  it('has no nodeDrains without drains', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-drain-')), 'run');
    runWorld(cluster({ updates: [] }), { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(s.nodeDrains).toBeUndefined();
  });
});

describe('drainNode refusals', () => {
  it.each([
    { name: 'no node pools', o: { nodePools: false }, message: 'drain.yaml: updates[0].drainNode.node: the run has no nodes to drain: add cluster.nodePools' },
    {
      name: 'a name no pool gives',
      o: { updates: [{ at: '5m', drainNode: { node: 'std-4-01' } }] },
      message: 'drain.yaml: updates[0].drainNode.node: no node pool has a node named "std-4-01": nodes are named <pool>-<NNN>, numbered from 001',
    },
    { name: 'another pool', o: { updates: [{ at: '5m', drainNode: { node: 'big-001' } }] }, message: 'drain.yaml: updates[0].drainNode.node: no node pool has a node named "big-001"' },
    { name: 'node 000', o: { updates: [{ at: '5m', drainNode: { node: 'std-4-000' } }] }, message: 'drain.yaml: updates[0].drainNode.node: no node pool has a node named "std-4-000"' },
    {
      name: 'the same node twice',
      o: { updates: [{ at: '5m', drainNode: { node: 'std-4-001' } }, { at: '6m', drainNode: { node: 'std-4-001' } }] },
      message: 'drain.yaml: updates[1].drainNode.node: node std-4-001 is already drained at 300s (a drained node is removed from its pool)',
    },
    { name: 'an empty node name', o: { updates: [{ at: '5m', drainNode: { node: '' } }] }, message: 'drain.yaml: updates[0].drainNode.node:' },
  ])('refuses $name', ({ o, message }) => expectRefusal(o as Opts, message));

  it('names drainNode among the fields an update may have', () => {
    expectRefusal({ updates: [{ at: '5m' }] }, 'drain.yaml: updates[0]: an update needs at least one of configMaps, patchRevision, deleteService, restartAutoscaler, crashActivator, restartActivators, deleteActivator, drainNode');
  });
});
