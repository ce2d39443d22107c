/**
 * Karpenter's drift (`updates[].driftNodePool`), on test/fixtures/capacity/karpenter-drift.yaml:
 * three drifted nodes holding one api pod each, replaced within the disruption budget.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/output/summary.js';
import { nodePoolDriftText, textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from './world-fixture.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-drift.yaml');
/** A budget that holds every api pod: minAvailable 3 of its 3. */
const HOLD_ALL = 'podDisruptionBudgets=[{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: all}, spec: {minAvailable: 3, selector: {matchLabels: {app: api-00001}}}}]';

function run(sets: string[] = []) {
  const loaded = loadScenario(FIXTURE, { sets });
  const rec = new MemoryRecorder();
  const world = new World(loaded.world, rec);
  world.run();
  const rows = (event: string) => rec.nodeEvents.filter((n) => n.event === event).map((n) => [n.node, n.time]);
  const at = (node: string, event: string) => rec.nodeEvents.find((n) => n.node === node && n.event === event)?.time;
  return { world, rec, rows, at, drift: world.nodePoolDrifts[0]!.finish() };
}

describe('Karpenter drift (disruption/drift.go)', () => {
  it('marks every node of the pool Drifted at the update, and replaces them one at a time within the budget (10 % of 3: one)', () => {
    const r = run();
    expect(r.rows('Drifted')).toEqual([
      ['std-001', 60],
      ['std-002', 60],
      ['std-003', 60],
    ]);
    // The first pass after 60 s (polls at 2 + 10k s); each next one when the previous node is gone
    // and the budget free again. The first two nodes' pods fit on the other (drifted) nodes: no new
    // node; the last one's three need a new node, drained only once it is Ready (60 s).
    expect(r.rows('Tainted')).toEqual([
      ['std-001', 62],
      ['std-002', 92],
      ['std-003', 122],
    ]);
    expect(r.rows('Requested').filter(([, t]) => (t as number) > 0)).toEqual([['std-004', 122]]);
    expect(r.at('std-004', 'Ready')).toBe(182);
    expect(r.rec.pods.filter((p) => p.event === 'Terminating' && p.pod.node?.name === 'std-003').map((p) => p.time)).toEqual([182, 182, 182]);
    expect(r.rows('Deleted')).toEqual([
      ['std-001', 92],
      ['std-002', 122],
      ['std-003', 212],
    ]);
    expect(r.drift).toEqual({ pool: 'std', atSeconds: 60, driftedNodes: 3, replacementNodes: 1, deletedNodes: 3, completeSeconds: 212 });
    // Its pods move onto the other drifted nodes first (upstream does the same), and each drain
    // evicts a node's pods at once: with no budget of its own, api has no Ready pod from 182 s
    // until std-004's new pods start (image pull 2 s).
    const unready = r.rec.samples.filter((s) => s.time > 60 && s.ready === 0).map((s) => s.time);
    expect(unready).toEqual([182, 183, 184, 185]);
  });

  it('a node launched after the drift is not drifted: std-004 stays to the end', () => {
    const r = run();
    expect(r.world.cluster!.nodes.map((n) => n.name)).toEqual(['std-004']);
  });

  it('a second change at 150 s drifts std-004, launched (for the first) before it, and not the nodes already Drifted or being removed', () => {
    const r = run(['updates=[{at: 60s, driftNodePool: {pool: std}}, {at: 150s, driftNodePool: {pool: std}}]']);
    expect(r.rows('Drifted')).toEqual([
      ['std-001', 60],
      ['std-002', 60],
      ['std-003', 60],
      ['std-004', 150],
    ]);
    // std-004, Ready at 182, replaces std-003 and is then replaced itself by std-005.
    expect(r.at('std-004', 'Tainted')).toBe(212);
    expect(r.at('std-005', 'Requested')).toBe(212);
    expect(r.world.nodePoolDrifts.map((d) => d.finish())).toEqual([
      { pool: 'std', atSeconds: 60, driftedNodes: 3, replacementNodes: 1, deletedNodes: 3, completeSeconds: 212 },
      { pool: 'std', atSeconds: 150, driftedNodes: 1, replacementNodes: 1, deletedNodes: 1, completeSeconds: 302 },
    ]);
  });

  it('budget 100 %: one command per node, the pass repeated at once; the node the first command moves its pod onto is nominated (queue.go StartCommand), so it goes 20 s later', () => {
    const r = run(['cluster.nodeAutoscaler.budgetNodesPercent=100']);
    // std-001's pod goes onto std-002, nominated until 82; std-003's goes there too at once.
    expect(r.rows('Tainted')).toEqual([
      ['std-001', 62],
      ['std-003', 62],
      ['std-002', 82],
    ]);
    // std-002, holding all three pods by then, needs a node for them.
    expect(r.rows('Requested').filter(([, t]) => (t as number) > 0)).toEqual([['std-004', 82]]);
    expect(r.drift.completeSeconds).toBe(172);
  });

  it('a pool exactly at its limit (maxNodes 3, pods of 3 CPU: one a node) still replaces its drifted nodes: the candidate leaves its room to the simulation, and Create refuses only a pool over the limit', () => {
    const r = run(['services[0].manifest.spec.template.spec.containers[0].resources.requests.cpu="3"', 'cluster.nodePools[0].maxNodes=3']);
    // Each pod fits no other node: each drifted node needs a new one (was: none ever launched, no node Tainted).
    expect(r.rows('Tainted')).toEqual([
      ['std-001', 62],
      ['std-002', 152],
      ['std-003', 242],
    ]);
    expect(r.rows('Requested').filter(([, t]) => (t as number) > 0)).toEqual([
      ['std-004', 62],
      ['std-005', 152],
      ['std-006', 242],
    ]);
    // Four nodes while each replacement launches, never five.
    let alive = 0;
    let peak = 0;
    for (const e of r.rec.nodeEvents) {
      if (e.event === 'Requested') peak = Math.max(peak, ++alive);
      else if (e.event === 'Deleted') alive--;
    }
    expect(peak).toBe(4);
    expect(r.drift).toEqual({ pool: 'std', atSeconds: 60, driftedNodes: 3, replacementNodes: 3, deletedNodes: 3, completeSeconds: 332 });
  });

  it('a replacement not initialized within 10 min: the command fails at the queue\'s first check past it, the node is untainted and stays Drifted', () => {
    const r = run(['cluster.nodePools[0].startupLatency=20m']);
    expect(r.at('std-003', 'Tainted')).toBe(122);
    expect(r.at('std-003', 'Untainted')).toBe(723);
    // Retried at later passes, but its pods would now go onto std-004, still launching: no command.
    expect(r.rows('Tainted')).toHaveLength(3);
    expect(r.drift).toEqual({ pool: 'std', atSeconds: 60, driftedNodes: 3, replacementNodes: 1, deletedNodes: 2, completeSeconds: null });
  });

  it('a PodDisruptionBudget that allows no disruption keeps every node from being a candidate', () => {
    const r = run([HOLD_ALL]);
    expect(r.rows('Tainted')).toEqual([]);
    expect(r.drift.deletedNodes).toBe(0);
    expect(r.world.cluster!.budgets!.records[0]!.refusedEvictions).toBe(0);
  });

  it('…unless the NodePool sets terminationGracePeriod (drift is eventual): drained, and the pod deleted past the budget at the eviction queue\'s first back-off look after 62 + 600 − its 300 s grace (364.7, 302.7 s into the drain; was the drain\'s 1 s look, 363)', () => {
    const r = run([HOLD_ALL, 'cluster.nodeAutoscaler.terminationGracePeriod=10m']);
    expect(r.at('std-001', 'Tainted')).toBe(62);
    expect(r.rec.pods.filter((p) => p.event === 'Terminating' && p.pod.node?.name === 'std-001').map((p) => p.time)).toEqual([364.7]);
    // Its pod gone 30 s later (394.7), the node goes at the termination controller's next 1 s look (was 393).
    expect(r.at('std-001', 'Deleted')).toBe(395);
    expect(r.world.cluster!.budgets!.records[0]!.forcedDeletions).toBeGreaterThanOrEqual(1);
  });

  it('summary.json and the text summary: the pool, when, nodes Drifted, replacements, when the last went', () => {
    const loaded = loadScenario(FIXTURE);
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-drift-')), 'run');
    runWorld(loaded.world, { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(s.nodePoolDrifts).toEqual([{ pool: 'std', atSeconds: 60, driftedNodes: 3, replacementNodes: 1, deletedNodes: 3, completeSeconds: 212 }]);
    expect(textSummary(s, out, [])).toContain('NodePool std drifted at 60s: 3 nodes Drifted, 1 replacement node launched for their pods, all deleted by 212s');
    expect(readFileSync(join(out, 'nodes.csv'), 'utf8')).toContain('60.000000,std-002,std,Drifted,');
  });

  it.each([
    { x: { driftedNodes: 0, replacementNodes: 0, deletedNodes: 0, completeSeconds: 60 }, text: 'std drifted at 60s: no node newly Drifted (the pool had none that was not already Drifted or being removed)' },
    { x: { driftedNodes: 1, replacementNodes: 0, deletedNodes: 1, completeSeconds: 95 }, text: 'std drifted at 60s: 1 node Drifted, 0 replacement nodes launched for their pods, all deleted by 95s' },
    { x: { driftedNodes: 3, replacementNodes: 1, deletedNodes: 2, completeSeconds: null }, text: 'std drifted at 60s: 3 nodes Drifted, 1 replacement node launched for their pods, 2 of them deleted by the end, 1 still there' },
  ])('the text of a drift: $text', ({ x, text }) => {
    expect(nodePoolDriftText({ pool: 'std', atSeconds: 60, ...x })).toBe(text);
  });

  it('a run without drift has no nodePoolDrifts and no Drifted rows', () => {
    const loaded = loadScenario(FIXTURE, { sets: ['updates=[]'] });
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-drift-')), 'run');
    runWorld(loaded.world, { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(s.nodePoolDrifts).toBeUndefined();
    expect(readFileSync(join(out, 'nodes.csv'), 'utf8')).not.toContain('Drifted');
  });
});

/**
 * Replacements the cloud fails to launch (cluster.nodePools[].launchFailures): std-003's command at
 * 122 s asks for std-004. Only replacements whose create call succeeded are nodes launched; the
 * others are counted apart (before, every NodeClaim a command created counted as launched).
 */
describe('drift replacements under launch failures: replacementNodes counts only those launched', () => {
  it.each([
    {
      name: 'InsufficientCapacity at 122 s: std-004 deleted at once, the command fails; once the offering is back (302) std-005 is launched',
      failures: '{kind: insufficientCapacity, at: 100s, duration: 30s}',
      drift: { replacementNodes: 1, replacementsNotLaunched: 1, deletedNodes: 3, completeSeconds: 392 },
      requested: [['std-004', 122], ['std-005', 302]],
      text: '1 replacement node launched for their pods (1 more asked for, not launched), all deleted by 392s',
    },
    {
      name: 'launchError until 130 s: std-004 launched by its call at 130, one node launched',
      failures: '{kind: launchError, at: 100s, duration: 30s}',
      drift: { replacementNodes: 1, deletedNodes: 3, completeSeconds: 220 },
      requested: [['std-004', 122]],
      text: '1 replacement node launched for their pods, all deleted by 220s',
    },
    {
      // The disruption controller, unsynced while a NodeClaim is unlaunched, looks every 1 s: the next command comes as the last is deleted.
      name: 'launchError to the end: std-004 and std-005 deleted at the launch timeout (426, 730), each replaced at once, std-006 still retrying; none launched',
      failures: '{kind: launchError, at: 100s}',
      drift: { replacementNodes: 0, replacementsNotLaunched: 3, deletedNodes: 2, completeSeconds: null },
      requested: [['std-004', 122], ['std-005', 426], ['std-006', 730]],
      text: '0 replacement nodes launched for their pods (3 more asked for, not launched), 2 of them deleted by the end, 1 still there',
    },
  ])('$name', ({ failures, drift, requested, text }) => {
    const r = run([`cluster.nodePools[0].launchFailures=[${failures}]`]);
    expect(r.drift).toEqual({ pool: 'std', atSeconds: 60, driftedNodes: 3, ...drift });
    expect(r.rows('Requested').filter(([, t]) => (t as number) > 0)).toEqual(requested);
    expect(nodePoolDriftText(r.drift)).toBe(`std drifted at 60s: 3 nodes Drifted, ${text}`);
  });
});

describe('driftNodePool refusals', () => {
  it.each([
    {
      name: 'the Cluster Autoscaler',
      sets: ['cluster.nodeAutoscaler={kind: cluster-autoscaler}'],
      message: 'updates[0].driftNodePool.pool: drift is Karpenter\'s (cluster.nodeAutoscaler.kind is cluster-autoscaler); a node image upgrade without Karpenter is a drain of each node (updates[].drainNode)',
    },
    { name: 'no node autoscaler', sets: ['cluster.nodeAutoscaler={kind: none}'], message: "updates[0].driftNodePool.pool: drift is Karpenter's (cluster.nodeAutoscaler.kind is none)" },
    { name: 'an unknown pool', sets: ['updates[0].driftNodePool.pool=big'], message: 'updates[0].driftNodePool.pool: no node pool named "big" (pools: std)' },
    { name: 'no node pools', sets: ['cluster={}'], message: 'updates[0].driftNodePool.pool: the run has no node pools to drift: add cluster.nodePools with nodeAutoscaler kind karpenter' },
  ])('$name', ({ sets, message }) => {
    let err: unknown;
    try {
      loadScenario(FIXTURE, { sets });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toContain(message);
  });
});
