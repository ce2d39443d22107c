/**
 * The node autoscalers' pod annotations, written on the revision template (Knative copies them
 * onto the pods): the Cluster Autoscaler's safe-to-evict and local-storage rules, Karpenter's
 * do-not-disrupt. On the drain tests' cluster (drain-fixture.ts) and the drift fixture.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityPlan, planText } from '../../src/output/plan.js';
import { buildReport } from '../../src/output/report/index.js';
import type { RunSettings } from '../../src/output/settings.js';
import { runSettings } from '../../src/run/settings.js';
import type { RunSummary } from '../../src/output/summary.js';
import { scaleDownBlockText, textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { World } from '../../src/model/world.js';
import { cluster, clusterWarnings, expectRefusal, run, type NodeRecorder, type Opts } from './drain-fixture.js';
import { MemoryRecorder } from './world-fixture.js';

const SAFE = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
const LOCAL = 'cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes';
const DND = 'karpenter.sh/do-not-disrupt';
const pdb = (spec: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api-pdb' }, spec });
const byService = { matchLabels: { 'serving.knative.dev/service': 'api' } };

/** Five nodes for 8 pods, all of them holding some: the Cluster Autoscaler removes nodes once unneeded for 1 min. */
const spare = (o: Opts) => run(cluster({ pool: { initialNodes: 5, minNodes: 1 }, autoscaler: { kind: 'cluster-autoscaler', scaleDownUnneededTime: '1m' }, updates: [], ...o }));
const tainted = (rec: NodeRecorder) => rec.nodes.filter((n) => n.event === 'Tainted');
const cache = { name: 'cache', emptyDir: {} };

describe('the Cluster Autoscaler\'s drainability rules', () => {
  it('removes nodes of the plain cluster; none when its pods say safe-to-evict "false" (NotSafeToEvictAnnotation)', () => {
    expect(tainted(spare({}).rec).length).toBeGreaterThan(0);
    const held = spare({ annotations: { [SAFE]: 'false' } });
    expect(tainted(held.rec)).toEqual([]);
    expect(held.world.cluster!.scaleDownBlocks.records.map((b) => b.reason)).toEqual(['NotSafeToEvictAnnotation']);
  });

  it('removes none whose pods have an emptyDir on disk (LocalStorageRequested)', () => {
    const { rec, world } = spare({ volumes: [cache] });
    expect(tainted(rec)).toEqual([]);
    // Each node below the threshold, found held at each loop from the first that looked.
    const [b] = world.cluster!.scaleDownBlocks.records;
    expect(b).toMatchObject({ autoscaler: 'cluster-autoscaler', reason: 'LocalStorageRequested', revisions: ['api-00001'] });
    expect(b!.nodes).toBeGreaterThanOrEqual(1);
    expect(b!.nodes).toBeLessThanOrEqual(5);
    expect(b!.lastSeconds).toBeGreaterThan(b!.firstSeconds);
    expect(spare({}).world.cluster!.scaleDownBlocks.records).toEqual([]);
  });

  it.each([
    ['skip-nodes-with-local-storage=false', { autoscaler: { kind: 'cluster-autoscaler', scaleDownUnneededTime: '1m', skipNodesWithLocalStorage: false } }],
    ['safe-to-evict-local-volumes naming it', { annotations: { [LOCAL]: 'cache' } }],
    ['safe-to-evict "true"', { annotations: { [SAFE]: 'true' } }],
    ['the emptyDir in memory', { volumes: [{ name: 'cache', emptyDir: { medium: 'Memory' } }] }],
  ] as const)('…but does with %s, as without the volume', (_, o) => {
    const plain = tainted(spare({}).rec);
    expect(tainted(spare({ volumes: [cache], ...o }).rec)).toEqual(plain);
  });

  it('a hostPath volume (behind config-features kubernetes.podspec-volumes-hostpath) blocks as an emptyDir does', () => {
    const hostPath = { features: { 'kubernetes.podspec-volumes-hostpath': 'enabled' }, volumes: [{ name: 'logs', hostPath: { path: '/var/log/app' } }] };
    const held = spare(hostPath);
    expect(tainted(held.rec)).toEqual([]);
    expect(held.world.cluster!.scaleDownBlocks.records.map((r) => r.reason)).toEqual(['LocalStorageRequested']);
    expect(tainted(spare({ ...hostPath, annotations: { [LOCAL]: 'logs' } }).rec)).toEqual(tainted(spare({}).rec));
  });

  it('config-observability logging.enable-var-log-collection gives every pod Knative\'s knative-var-log emptyDir: held, unless the annotation names it', () => {
    const varLog = { 'logging.enable-var-log-collection': 'true' };
    const held = spare({ observability: varLog });
    expect(tainted(held.rec)).toEqual([]);
    expect(held.world.cluster!.scaleDownBlocks.records.map((r) => r.reason)).toEqual(['LocalStorageRequested']);
    expect(runSettings(cluster({ observability: varLog })).revisions[0]!.nodeAutoscalerControls).toEqual({ blockingLocalVolumes: ['knative-var-log'] });
    expect(tainted(spare({ observability: varLog, annotations: { [LOCAL]: 'knative-var-log' } }).rec)).toEqual(tainted(spare({}).rec));
    expect(tainted(spare({ observability: { 'logging.enable-var-log-collection': 'false' } }).rec)).toEqual(tainted(spare({}).rec));
    expectRefusal({ observability: { 'logging.enable-var-log-collection': 'yes' } }, 'drain.yaml: configMaps.config-observability["logging.enable-var-log-collection"]:');
  });

  it('safe-to-evict "true" skips the budget in the simulation, not at the Eviction API: the drain is refused and given up after 2 min', () => {
    const held = [pdb({ minAvailable: '100%', selector: byService })];
    expect(tainted(spare({ budgets: held }).rec)).toEqual([]);
    const { rec, world } = spare({ budgets: held, annotations: { [SAFE]: 'true' } });
    const first = tainted(rec)[0]!;
    const untainted = rec.nodes.find((n) => n.event === 'Untainted' && n.node === first.node)!;
    // Tainted, drained 5 s later (node-delete-delay-after-taint), given up 120 s after that.
    expect(untainted.time).toBeCloseTo(first.time + 5 + 120, 9);
    expect(world.cluster!.budgets!.records[0]!.refusedEvictions).toBeGreaterThan(0);
    expect(world.cluster!.budgets!.records[0]!.disruptions).toBe(0);
  });
});

describe('Karpenter\'s do-not-disrupt', () => {
  it('keeps consolidation off every node holding such a pod', () => {
    const karpenter = (o: Opts) => run(cluster({ pool: { initialNodes: 5, minNodes: 1 }, autoscaler: { kind: 'karpenter' }, updates: [], ...o }));
    const withPods = (rec: NodeRecorder) =>
      tainted(rec).filter((n) => rec.pods.some((p) => p.event === 'Terminating' && p.pod.node?.name === n.node && p.time >= n.time));
    expect(withPods(karpenter({}).rec).length).toBeGreaterThan(0);
    const held = karpenter({ annotations: { [DND]: 'true' } });
    expect(withPods(held.rec)).toEqual([]);
    expect(held.world.cluster!.scaleDownBlocks.records).toMatchObject([{ autoscaler: 'karpenter', reason: 'DoNotDisrupt', revisions: ['api-00001'] }]);
  });

  // The drift fixture: three nodes with one pod each (running before the run), drifted at 60 s,
  // polls every 10 s from 2 s; a drifted node's pods move onto the others.
  const FIXTURE = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-drift.yaml');
  const drift = (...sets: string[]) => {
    const loaded = loadScenario(FIXTURE, { sets: sets.map((s) => `services[0].manifest.spec.template.metadata.annotations["${DND}"]=${s}`) });
    const rec = new MemoryRecorder();
    const world = new World(loaded.world, rec);
    world.run();
    const rows = (event: string) => rec.nodeEvents.filter((n) => n.event === event).map((n) => [n.node, n.time]);
    const evictions = rec.pods.filter((p) => p.event === 'Terminating').map((p) => ({ node: p.pod.node?.name, time: p.time, start: p.pod.startTime }));
    return { world, rows, evictions };
  };
  const withGrace = (value: string) => {
    const loaded = loadScenario(FIXTURE, { sets: [`services[0].manifest.spec.template.metadata.annotations["${DND}"]=${value}`, 'cluster.nodeAutoscaler.terminationGracePeriod=10m'] });
    const rec = new MemoryRecorder();
    new World(loaded.world, rec).run();
    return rec;
  };

  it('"true": no drifted node is a candidate', () => {
    const r = drift('true');
    expect(r.rows('Drifted')).toHaveLength(3);
    expect(r.rows('Tainted')).toEqual([]);
    expect(r.world.nodePoolDrifts[0]!.finish().deletedNodes).toBe(0);
  });

  it('"5m": a pod holds its node for 5 min from its start (a pod running before the run is past it)', () => {
    const r = drift('"5m"');
    // std-001's and std-003's pods ran before the run: they go at once. Both moved onto std-002
    // (started at 62 s and 92 s), which is a candidate only once the younger is 5 min old.
    expect(r.rows('Tainted')).toEqual([
      ['std-001', 62],
      ['std-003', 92],
      ['std-002', 392],
    ]);
    const moved = r.evictions.filter((e) => e.node === 'std-002' && e.start > 0).map((e) => e.start);
    expect(Math.max(...moved) + 300).toBe(392);
  });

  it('with a terminationGracePeriod the node drifts (eventual disruption), and the eviction queue evicts each pod at its first back-off look (0.1 s doubling to 10 s from the drain) past its protection (was its first 1 s drain requeue)', () => {
    const rec = withGrace('"5m"');
    const drains = new Map(rec.nodeEvents.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time]));
    const evicted = rec.pods.filter((p) => p.event === 'Terminating' && p.pod.node !== undefined);
    let held = 0;
    for (const p of evicted) {
      const drainAt = drains.get(p.pod.node!.name)!;
      const until = p.pod.startTime === 0 ? Number.NEGATIVE_INFINITY : p.pod.startTime + 300;
      if (until <= drainAt) continue;
      held++;
      // Evicted at a look of the queue's back-off from the drain (0.1, 0.3, 0.7, … 12.7, then every 10 s), within 10 s after the protection ends.
      expect(p.time).toBeGreaterThanOrEqual(until);
      expect(p.time - until).toBeLessThan(10);
      expect(Number.isInteger(Math.round((p.time - drainAt) * 10) / 10 - 0.7)).toBe(true);
    }
    expect(held).toBeGreaterThanOrEqual(2);
    // std-002 drained at 92: its pod of 62 s, protected until 362, is evicted at the look 272.7 s into the drain, 364.7 (was 362).
    expect(evicted.filter((p) => p.pod.node!.name === 'std-002').map((p) => p.time)).toEqual([92, 364.7]);
  });

  it('"true" with a terminationGracePeriod: the pod is deleted at the eviction queue\'s first back-off look strictly after 62 + 600 − 300, when its grace period would end with the node\'s: 302.7 s into the drain, 364.7 (was the drain\'s 1 s look, 363)', () => {
    const rec = withGrace('true');
    expect(rec.pods.filter((p) => p.event === 'Terminating' && p.pod.node?.name === 'std-001').map((p) => p.time)).toEqual([364.7]);
    expect(rec.nodeEvents.find((n) => n.node === 'std-001' && n.event === 'Deleted')?.time).toBe(395);
  });
});

describe('node annotations (a pool\'s nodes all carry them)', () => {
  it('scale-down-disabled: "true" keeps the Cluster Autoscaler from removing any of the pool\'s nodes', () => {
    const pool = { initialNodes: 5, minNodes: 1 };
    expect(tainted(spare({ pool }).rec).length).toBeGreaterThan(0);
    expect(tainted(spare({ pool: { ...pool, annotations: { 'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'true' } } }).rec)).toEqual([]);
    // Only "true" counts, as upstream reads it.
    expect(tainted(spare({ pool: { ...pool, annotations: { 'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'yes' } } }).rec)).toEqual(tainted(spare({ pool }).rec));
  });

  it('scaleDownBlocks names the pool whose nodes held themselves (ScaleDownDisabledAnnotation; Karpenter: DoNotDisrupt)', () => {
    const pool = { initialNodes: 5, minNodes: 1 };
    const ca = spare({ pool: { ...pool, annotations: { 'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'true' } } }).world.cluster!.scaleDownBlocks.records;
    expect(ca).toHaveLength(1);
    expect(ca[0]).toMatchObject({ autoscaler: 'cluster-autoscaler', reason: 'ScaleDownDisabledAnnotation', revisions: [], pools: ['std-4'] });
    // Every node the plain cluster removes was below the threshold, so each was held at least once (at most the 5).
    const removed = new Set(tainted(spare({ pool }).rec).map((n) => n.node)).size;
    expect(ca[0]!.nodes).toBeGreaterThanOrEqual(removed);
    expect(ca[0]!.nodes).toBeLessThanOrEqual(5);
    expect(scaleDownBlockText({ ...ca[0]!, firstSeconds: 10, lastSeconds: 900 })).toBe(
      `the Cluster Autoscaler could not remove ${ca[0]!.nodes} nodes below its utilization threshold: nodes of pool std-4 annotated cluster-autoscaler.kubernetes.io/scale-down-disabled: "true" (ScaleDownDisabledAnnotation), from 10s to 900s`,
    );
    const karpenter = run(cluster({ pool: { ...pool, annotations: { [DND]: 'true' } }, autoscaler: { kind: 'karpenter' }, updates: [] }));
    const k = karpenter.world.cluster!.scaleDownBlocks.records;
    expect(k.map((r) => [r.autoscaler, r.reason, r.revisions, r.pools])).toEqual([['karpenter', 'DoNotDisrupt', [], ['std-4']]]);
    expect(scaleDownBlockText({ ...k[0]!, nodes: 2, firstSeconds: 10, lastSeconds: 900 })).toBe(
      'Karpenter could not disrupt 2 nodes (consolidation, drift): nodes of pool std-4 annotated karpenter.sh/do-not-disrupt: "true" (DoNotDisrupt), from 10s to 900s',
    );
    // A pod's do-not-disrupt stays a record of its own, with its revision and no pools.
    const both = run(cluster({ pool: { ...pool }, annotations: { [DND]: 'true' }, autoscaler: { kind: 'karpenter' }, updates: [] }));
    expect(both.world.cluster!.scaleDownBlocks.records.map((r) => [r.reason, r.revisions, r.pools])).toEqual([['DoNotDisrupt', ['api-00001'], undefined]]);
  });

  it('warns of a node annotation that has no effect: a value other than "true", or the other autoscaler\'s key', () => {
    const SDD = 'cluster-autoscaler.kubernetes.io/scale-down-disabled';
    const warn = (autoscaler: Record<string, unknown>, annotations: Record<string, string>) =>
      clusterWarnings({ pool: { annotations }, autoscaler }).filter((l) => l.includes('nodePools[0].annotations'));
    expect(warn({ kind: 'cluster-autoscaler' }, { [SDD]: 'true' })).toEqual([]);
    expect(warn({ kind: 'karpenter' }, { [DND]: 'true' })).toEqual([]);
    expect(warn({ kind: 'cluster-autoscaler' }, { [SDD]: 'True' })).toEqual([
      `drain.yaml: cluster.nodePools[0].annotations["${SDD}"]: the Cluster Autoscaler reads only "true" here, got "True": it has no effect`,
    ]);
    expect(warn({ kind: 'karpenter' }, { [DND]: '5m' })).toEqual([`drain.yaml: cluster.nodePools[0].annotations["${DND}"]: Karpenter reads only "true" here, got "5m": it has no effect`]);
    expect(warn({ kind: 'karpenter' }, { [SDD]: 'true' })).toEqual([
      `drain.yaml: cluster.nodePools[0].annotations["${SDD}"]: read by the Cluster Autoscaler only (cluster.nodeAutoscaler.kind: cluster-autoscaler), this scenario's is karpenter: it has no effect`,
    ]);
    expect(warn({ kind: 'none' }, { [DND]: 'true' })).toEqual([
      `drain.yaml: cluster.nodePools[0].annotations["${DND}"]: read by Karpenter only (cluster.nodeAutoscaler.kind: karpenter), this scenario's is none: it has no effect`,
    ]);
    // Annotations knsim does not read are taken silently.
    expect(warn({ kind: 'karpenter' }, { 'example.com/team': 'payments' })).toEqual([]);
  });

  it('karpenter.sh/do-not-disrupt: "true" on the nodes: no consolidation, empty or not, and no drift even with a terminationGracePeriod', () => {
    const karpenter = (pool: Record<string, unknown>) => run(cluster({ pool: { initialNodes: 5, minNodes: 1, ...pool }, autoscaler: { kind: 'karpenter' }, updates: [] }));
    expect(tainted(karpenter({}).rec).length).toBeGreaterThan(0);
    expect(tainted(karpenter({ annotations: { [DND]: 'true' } }).rec)).toEqual([]);
    const loaded = loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/karpenter-drift.yaml'), {
      sets: [`cluster.nodePools[0].annotations={"${DND}": "true"}`, 'cluster.nodeAutoscaler.terminationGracePeriod=10m'],
    });
    const rec = new MemoryRecorder();
    new World(loaded.world, rec).run();
    expect(rec.nodeEvents.filter((n) => n.event === 'Drifted')).toHaveLength(3);
    expect(rec.nodeEvents.filter((n) => n.event === 'Tainted')).toEqual([]);
  });
});

describe('the annotations: input', () => {
  it('warns of values the autoscalers ignore, and of annotations with no nodes to act on', () => {
    const w = clusterWarnings({ annotations: { [SAFE]: 'yes', [DND]: 'forever' } });
    expect(w).toContain(`drain.yaml: services[0].manifest.spec.template.metadata.annotations["${SAFE}"]: the Cluster Autoscaler reads only "true" or "false", so "yes" is ignored`);
    expect(w.some((l) => l.startsWith(`drain.yaml: services[0].manifest.spec.template.metadata.annotations["${DND}"]: Karpenter takes "true" or a positive Go duration`))).toBe(true);
    const none = clusterWarnings({ nodePools: false, updates: [], annotations: { [DND]: 'true' } });
    expect(none).toContain(`drain.yaml: services[0].manifest.spec.template.metadata.annotations["${DND}"]: read by the node autoscaler only: without cluster.nodePools it has no effect`);
    expect(clusterWarnings({ annotations: { [SAFE]: 'false' } }).filter((l) => l.includes(SAFE))).toEqual([]);
  });

  it('refuses skipNodesWithLocalStorage for Karpenter', () => {
    expectRefusal({ autoscaler: { kind: 'karpenter', skipNodesWithLocalStorage: false } }, 'drain.yaml: cluster.nodeAutoscaler.skipNodesWithLocalStorage: is a cluster-autoscaler setting, not a karpenter one');
  });
});

describe('scale-down held by a PodDisruptionBudget (NotEnoughPdb)', () => {
  const holdAll = [pdb({ minAvailable: 8, selector: byService })];
  it('the Cluster Autoscaler: each node below the threshold, held by the budget of its first pod', () => {
    const { rec, world } = spare({ budgets: holdAll });
    expect(tainted(rec)).toEqual([]);
    const records = world.cluster!.scaleDownBlocks.records;
    expect(records.map((r) => [r.autoscaler, r.reason, r.revisions])).toEqual([['cluster-autoscaler', 'NotEnoughPdb', ['api-00001']]]);
    expect(records[0]!.nodes).toBeGreaterThanOrEqual(1);
    // A budget that allows one disruption lets a node go; the loop's tracker then holds the next ones.
    const one = spare({ budgets: [pdb({ maxUnavailable: 1, selector: byService })] });
    expect(tainted(one.rec).length).toBeGreaterThan(0);
    expect(one.world.cluster!.scaleDownBlocks.records.map((r) => r.reason)).toEqual(['NotEnoughPdb']);
  });

  it('Karpenter: its consolidation candidates, held by the budget (a do-not-disrupt pod first gives DoNotDisrupt)', () => {
    const karpenter = (o: Opts) => run(cluster({ pool: { initialNodes: 5, minNodes: 1 }, autoscaler: { kind: 'karpenter' }, updates: [], ...o }));
    expect(karpenter({ budgets: holdAll }).world.cluster!.scaleDownBlocks.records.map((r) => [r.autoscaler, r.reason])).toEqual([['karpenter', 'NotEnoughPdb']]);
    expect(karpenter({ budgets: holdAll, annotations: { [DND]: 'true' } }).world.cluster!.scaleDownBlocks.records.map((r) => r.reason)).toEqual(['DoNotDisrupt']);
  });

  it('the text', () => {
    expect(scaleDownBlockText({ autoscaler: 'karpenter', reason: 'NotEnoughPdb', revisions: ['api-00001'], nodes: 2, firstSeconds: 12, lastSeconds: 892 })).toBe(
      'Karpenter could not disrupt 2 nodes (consolidation, drift): pods of api-00001 whose PodDisruptionBudget allowed no disruption (NotEnoughPdb), from 12s to 892s',
    );
  });
});

describe('scale-down held: the outputs', () => {
  it('summary.json, the text summary and knsim plan name the reason, the revisions, the nodes and when', async () => {
    const loaded = loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/karpenter-drift.yaml'), { sets: [`services[0].manifest.spec.template.metadata.annotations["${DND}"]="5m"`] });
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-held-')), 'run');
    runWorld(loaded.world, { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    // At 62 s every pod had run since before the run (past 5 min); from the pass at 82 s std-002
    // holds the pod moved there at 62 s (was 92: the passes at 82 and 92, with std-001 draining and
    // the budget used up, looked at no candidate). Before, std-002 is nominated by that move.
    expect(s.scaleDownBlocks!.map((x) => [x.reason, x.firstSeconds])).toEqual([
      ['Nominated', 62],
      ['DoNotDisrupt', 82],
    ]);
    const b = s.scaleDownBlocks![1]!;
    expect(b).toMatchObject({ autoscaler: 'karpenter', reason: 'DoNotDisrupt', revisions: ['api-00001'] });
    expect(b.firstSeconds).toBe(82);
    const line = `Karpenter could not disrupt ${b.nodes} node${b.nodes === 1 ? '' : 's'} (consolidation, drift): pods of api-00001 annotated karpenter.sh/do-not-disrupt (DoNotDisrupt), from 82s to ${b.lastSeconds}s`;
    expect(textSummary(s, out, [])).toContain(`scale-down held: ${line}`);
    expect(planText(capacityPlan(s)!)).toContain(`scale-down held:                 ${line}`);
    // settings.json and the report's settings table state the annotation; the report's notes the hold.
    const settings = JSON.parse(readFileSync(join(out, 'settings.json'), 'utf8')) as RunSettings;
    expect(settings.revisions[0]!.nodeAutoscalerControls).toEqual({ blockingLocalVolumes: [], doNotDisruptSeconds: 300 });
    await buildReport(out, { images: false });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.includes("<td>pod annotations and volumes the node autoscaler reads</td><td>do-not-disrupt for 300 s from the pod's start</td>")).toBe(true);
    expect(html.includes(`<p class="note">Scale-down held: Karpenter could not disrupt ${b.nodes} node`)).toBe(true);
  });

  it('settings.json: "true" is null seconds (for ever), safe-to-evict and the blocking volumes as written; nothing without them', () => {
    const settingsOf = (o: Opts) => runSettings(cluster(o)).revisions[0]!.nodeAutoscalerControls;
    expect(settingsOf({ annotations: { [DND]: 'true', [SAFE]: 'false' }, volumes: [cache] })).toEqual({ safeToEvict: false, blockingLocalVolumes: ['cache'], doNotDisruptSeconds: null });
    expect(settingsOf({})).toBeUndefined();
  });

  it.each([
    [{ autoscaler: 'cluster-autoscaler', reason: 'NotSafeToEvictAnnotation', revisions: ['a-00001', 'b-00001'], nodes: 1, firstSeconds: 70, lastSeconds: 70 }, 'the Cluster Autoscaler could not remove 1 node below its utilization threshold: pods of a-00001, b-00001 annotated cluster-autoscaler.kubernetes.io/safe-to-evict: "false" (NotSafeToEvictAnnotation), at 70s'],
    [{ autoscaler: 'cluster-autoscaler', reason: 'LocalStorageRequested', revisions: ['a-00001'], nodes: 3, firstSeconds: 70, lastSeconds: 900 }, 'the Cluster Autoscaler could not remove 3 nodes below its utilization threshold: pods of a-00001 with a local volume (an emptyDir on disk or a hostPath: name it in safe-to-evict-local-volumes, or set skipNodesWithLocalStorage false) (LocalStorageRequested), from 70s to 900s'],
  ] as const)('the text of a hold: %#', (x, text) => {
    expect(scaleDownBlockText({ ...x, revisions: [...x.revisions] })).toBe(text);
  });
});
