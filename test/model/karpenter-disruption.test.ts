/**
 * Karpenter's disruption methods against kubernetes-sigs/karpenter pkg/controllers/disruption, in
 * whole simulations: fixtures in test/fixtures/capacity, the disruption controller's first pass at 2 s.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from './world-fixture.js';

const fixture = (name: string): string => resolve(import.meta.dirname, '../fixtures/capacity', `${name}.yaml`);

/** The node events after the start, as [node, event, time]. */
function nodeEvents(name: string, ...sets: string[]): Array<[string, string, number]> {
  const loaded = loadScenario(fixture(name), { sets });
  const rec = new MemoryRecorder();
  new World(loaded.world, rec).run();
  return rec.nodeEvents.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time]);
}

/** How many nodes had `event` at each time. */
function counts(events: Array<[string, string, number]>, event: string): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [, e, t] of events) if (e === event) out[t] = (out[t] ?? 0) + 1;
  return out;
}

describe('multi-node consolidation takes up to 101 candidates (multinodeconsolidation.go firstNConsolidationOption)', () => {
  it('karpenter-multi-cap.yaml: 101 $0.40 nodes of one pod each are all replaced at once by one $1.00 node (was 100 at 17, the 101st tainted at 107)', () => {
    const ev = nodeEvents('karpenter-multi-cap');
    // maxParallel clamps 101 candidates to 100, and with more candidates than that the search's
    // upper index stays 100: the prefix [0, 100] is all 101 nodes, 101 × 1025m on the 128-CPU node.
    expect(counts(ev, 'Tainted')).toEqual({ 17: 101 });
    expect(ev.filter(([, e]) => e === 'Requested')).toEqual([['huge-001', 'Requested', 17]]);
    expect(counts(ev, 'Deleted')).toEqual({ 107: 101 });
  });
});

describe('re-validation drops a consolidation command whose node went empty (validation.go validateCandidates with consolidation.go ShouldDisrupt)', () => {
  it('karpenter-empty-revalidate.yaml: the three-node command built at 62 s is void at 77 (big-001 holds only a terminating pod since 67): single-node takes big-002 then (run at 92), was all three at 77', () => {
    const ev = nodeEvents('karpenter-empty-revalidate');
    expect(ev.filter(([, e]) => e === 'Tainted' || e === 'Requested')).toEqual([
      ['big-002', 'Tainted', 92],
      // big-002's pod goes onto big-001, which its command nominates as it starts (queue.go
      // StartCommand) until 112: single-node consolidation moves big-003's pod there too (built at
      // 92, run at 107, nominating it again until 127), and only then replaces big-001 itself.
      ['big-003', 'Tainted', 107],
      ['big-001', 'Tainted', 142],
      ['medium-001', 'Requested', 142],
    ]);
  });
});

describe('each provisioning pass places every pending pod anew, launching NodeClaims as existing nodes (provisioner.go Schedule, scheduler.go NewScheduler)', () => {
  it('karpenter-replace.yaml: q\'s pod, launched small-002 at 14, goes onto small-001 (emptied at 20) at the next pass, so small-002 is nominated only until 34; Ready and empty at 74, emptiness takes it at 82 (run at 97), was held to 84 by passes pinning the pod to it (run at 107)', () => {
    const ev = nodeEvents('karpenter-replace');
    expect(ev.filter(([, e]) => e !== 'Ready')).toEqual([
      ['small-001', 'Requested', 11],
      ['small-002', 'Requested', 14],
      ['small-002', 'Tainted', 97],
      ['small-002', 'Deleted', 102],
    ]);
  });

  it('karpenter-replace.yaml: the nomination held is small-001\'s, where the passes up to 64 placed q\'s pod (held at the disruption passes 72 and 82); was small-002\'s, at 82 only', () => {
    const loaded = loadScenario(fixture('karpenter-replace'));
    const world = new World(loaded.world, new MemoryRecorder());
    world.run();
    expect(world.cluster!.scaleDownBlocks.records).toEqual([
      { autoscaler: 'karpenter', reason: 'Nominated', revisions: [], pools: ['small'], nodes: 1, firstSeconds: 72, lastSeconds: 82 },
    ]);
  });
});

describe('a node a provisioning pass counted on is no disruption candidate for 20 s (state/statenode.go Nominate, ValidateNodeDisruptable)', () => {
  it('karpenter-nominated.yaml, WhenEmpty: small-002, Ready and empty at 71 s, nominated until about 81 by the pass for the pod that went at 68, is left by the pass at 72; emptiness takes it at the next (82, run at 97), was at 72 (run at 87)', () => {
    const ev = nodeEvents('karpenter-nominated', 'cluster.nodeAutoscaler.consolidationPolicy=WhenEmpty');
    expect(ev).toEqual([
      ['small-002', 'Requested', 11],
      ['small-002', 'Ready', 71],
      ['small-002', 'Tainted', 97],
      ['small-002', 'Deleted', 102],
    ]);
  });
  it('karpenter-nominated.yaml, WhenEmpty: the pass at 72 records small-002 as held by its nomination (the DisruptionBlocked event "Node is nominated for a pending pod"), under its pool', () => {
    const loaded = loadScenario(fixture('karpenter-nominated'), { sets: ['cluster.nodeAutoscaler.consolidationPolicy=WhenEmpty'] });
    const world = new World(loaded.world, new MemoryRecorder());
    world.run();
    expect(world.cluster!.scaleDownBlocks.records).toEqual([
      { autoscaler: 'karpenter', reason: 'Nominated', revisions: [], pools: ['small'], nodes: 1, firstSeconds: 72, lastSeconds: 72 },
    ]);
  });
  // The pod gone at 40 s, every node expiring 85 s after its request: s's pod on small-001 is held there by a budget.
  const expiring = [
    'cluster.nodeAutoscaler.consolidationPolicy=WhenEmpty',
    'cluster.nodeAutoscaler.budgetNodesPercent=100',
    'updates[1].at=40s',
    'cluster.nodeAutoscaler.expireAfter=85s',
  ];
  const pdb = (spec: string) => `podDisruptionBudgets=[{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: s}, spec: {${spec}, selector: {matchLabels: {serving.knative.dev/service: s}}}}]`;
  it('karpenter-nominated.yaml expiring, s\'s pod held by minAvailable 1: the emptiness command built at 72 for small-002 is dropped at 87, the provisioning pass for small-001\'s taint (85) having placed the held pod onto small-002; it goes by its own expiry at 96, and the pass at 97 launches small-003 for the pod still held (validation.go IsNodeNominated; provisioner.go Schedule, deleting nodes\' pods)', () => {
    const ev = nodeEvents('karpenter-nominated', ...expiring, pdb('minAvailable: 1'));
    expect(ev.filter(([, e]) => e !== 'Ready')).toEqual([
      ['small-002', 'Requested', 11],
      ['small-001', 'Tainted', 85],
      ['small-002', 'Tainted', 96],
      // Launched for a pod not yet evicted: before, knsim launched only for Pending pods.
      ['small-003', 'Requested', 97],
      ['small-002', 'Deleted', 101],
      ['small-003', 'Tainted', 182],
      ['small-004', 'Requested', 183],
      ['small-003', 'Deleted', 187],
    ]);
  });
  it('karpenter-nominated.yaml expiring, s\'s pod under do-not-disrupt or a budget of maxUnavailable 0: Karpenter cannot tell when it will go, so no pass counts it (pdb.go IsCurrentlyReschedulable), small-002 stays un-nominated and emptiness takes it at 87 (was dropped then, the pod placed onto small-002); no node is launched for the pod', () => {
    const held = [
      nodeEvents('karpenter-nominated', ...expiring, 'services[0].manifest.spec.template.metadata.annotations["karpenter.sh/do-not-disrupt"]=true'),
      nodeEvents('karpenter-nominated', ...expiring, pdb('maxUnavailable: 0')),
      nodeEvents('karpenter-nominated', ...expiring, pdb('minAvailable: "100%"')),
    ];
    for (const ev of held) {
      expect(ev.filter(([, e]) => e !== 'Ready')).toEqual([
        ['small-002', 'Requested', 11],
        ['small-001', 'Tainted', 85],
        ['small-002', 'Tainted', 87],
        ['small-002', 'Deleted', 92],
      ]);
    }
  });
  it('karpenter-nominated.yaml: with small-002 no candidate at 72, single-node consolidation moves s\'s pod onto it and deletes small-001 (run at 87, gone at 117), was small-002 by emptiness', () => {
    const ev = nodeEvents('karpenter-nominated');
    expect(ev.filter(([, e]) => e === 'Tainted' || e === 'Deleted')).toEqual([
      ['small-001', 'Tainted', 87],
      ['small-001', 'Deleted', 117],
    ]);
  });
});

describe('re-validation keeps the planned replacement (validation.go validateCommand, queue.go StartCommand launching cmd.Replacements)', () => {
  it('karpenter-validate-options.yaml: the command built at 2 s plans a $0.20 medium node for two pods; one is terminating by 17, the medium still holds the other, so medium-001 is requested at 17 (was small-001, the cheapest type a new plan would take)', () => {
    const ev = nodeEvents('karpenter-validate-options');
    expect(ev.filter(([, e]) => e === 'Requested' || e === 'Tainted').slice(0, 2)).toEqual([
      ['big-001', 'Tainted', 17],
      ['medium-001', 'Requested', 17],
    ]);
    // The medium node, Ready at 77 with the pod, is itself replaced by a small one later, as upstream's next command would.
    expect(ev.filter(([n, e]) => n === 'small-001' && e === 'Requested')).toEqual([['small-001', 'Requested', 112]]);
  });
});

describe('a consolidation method that found nothing computes nothing again until the cluster state changes or 5 minutes pass (consolidation.go IsConsolidated, state/cluster.go ConsolidationState)', () => {
  it('karpenter-consolidated.yaml: std-001 becomes consolidatable at 30, std-002 (a pod bound at 20) only at 50; the passes at 32 and 42 find no move, and with no pod bound or deleted, no node changed since 20, the next computation is at the reset, the pass at 322 (tainted at 337; was the pass at 52, tainted at 67)', () => {
    const ev = nodeEvents('karpenter-consolidated');
    expect(ev.filter(([, e]) => e === 'Tainted' || e === 'Deleted')).toEqual([
      ['std-001', 'Tainted', 337],
      ['std-001', 'Deleted', 367],
    ]);
  });
  it('a pod deleted at 90 s (min-scale 2 at 60) is a change, but std-002 then settles until 120: the pass at 92 finds no move, and the next computation is at the reset 5 minutes after 90, the pass at 392 (tainted at 407; was the pass at 122, tainted at 142)', () => {
    const ev = nodeEvents('karpenter-consolidated', 'duration=900s', 'updates[1]={at: 60s, patchRevision: {name: s-00001, annotations: {autoscaling.knative.dev/min-scale: "2"}}}');
    expect(ev.filter(([, e]) => e === 'Tainted')).toEqual([['std-001', 'Tainted', 407]]);
  });
});

describe('every method reads the consolidation state before its budget, emptiness too (emptiness.go, multinodeconsolidation.go, singlenodeconsolidation.go ComputeCommands: IsConsolidated first), and a read 5 minutes after the last change resets it (state/cluster.go ConsolidationState)', () => {
  it('karpenter-emptiness-state.yaml: emptiness, held by its budget of 0, reads the state at 372 (5 minutes after the bind at 70) and resets it; single-node finds no move at 412 (std-002 settling until 420) and the next reset is at 672 (std-001 tainted at 687; was 712 and 727, the reset waiting for single-node\'s own read)', () => {
    const ev = nodeEvents('karpenter-emptiness-state');
    expect(ev.filter(([, e]) => e === 'Tainted' || e === 'Deleted')).toEqual([
      ['std-001', 'Tainted', 687],
      ['std-001', 'Deleted', 717],
    ]);
  });
  it('karpenter-consolidated.yaml with consolidateAfter 400s, the bind at 60 and no Underutilized disruption for the first 7 minutes: single-node, held by the budget at 402 and 412, still reads the state at 402 and resets it, so after its empty pass at 422 the next reset is at 702 (tainted at 717, as without the freeze; was 722 and 737)', () => {
    const na = 'cluster.nodeAutoscaler={kind: karpenter, firstPoll: 2s, consolidateAfter: 400s, budgets: [{nodes: "100%"}, {nodes: "0", reasons: [Underutilized], schedule: "0 0 * * *", duration: 7m}]}';
    const ev = nodeEvents('karpenter-consolidated', 'duration=900s', na, 'updates[0].at=60s');
    expect(ev.filter(([, e]) => e === 'Tainted')).toEqual([['std-001', 'Tainted', 717]]);
    const free = nodeEvents('karpenter-consolidated', 'duration=900s', 'cluster.nodeAutoscaler={kind: karpenter, firstPoll: 2s, consolidateAfter: 400s, budgetNodesPercent: 100}', 'updates[0].at=60s');
    expect(free.filter(([, e]) => e === 'Tainted')).toEqual([['std-001', 'Tainted', 717]]);
  });
});

describe('a NodePool limit exactly reached (helpers.go SimulateScheduling: the candidates are no state nodes, so their room is free to the simulation)', () => {
  const BIG = 'services[1]={manifest: {apiVersion: serving.knative.dev/v1, kind: Service, metadata: {name: big}, spec: {template: {metadata: {annotations: {autoscaling.knative.dev/min-scale: "1"}}, spec: {containers: [{image: app, resources: {requests: {cpu: "3"}}}]}}}}, initialPods: 0, podStart: {scheduling: 0s}}';
  it('karpenter-drift.yaml without its drift, maxNodes 3 of 3, each node holding one 1-CPU pod, a 3-CPU pod Pending (no node has room, the pool none): deleting std-001 would need a new node for the pending pod, of its own type, so no cheaper move: nothing goes (was std-001 tainted at 17, the pending pod left out as fitting no pool)', () => {
    const ev = nodeEvents('karpenter-drift', 'updates=[]', 'cluster.nodeAutoscaler.consolidationPolicy=WhenEmptyOrUnderutilized', 'cluster.nodePools[0].maxNodes=3', BIG);
    expect(ev).toEqual([]);
  });
});

describe('the provisioner launches nodes for the pods of nodes being removed before they are evicted (provisioner.go Schedule: deleting nodes\' CurrentlyReschedulablePods)', () => {
  it('karpenter-expire-pdb.yaml: the three nodes expiring at 300 s, their pods held one at a time by maxUnavailable 1, get three nodes at 301 (was one, then 361 and 373.7 as each pod was evicted); the pods move onto them by 382.7 and the old nodes go at 330, 403 and 413 (was 453)', () => {
    const loaded = loadScenario(fixture('karpenter-expire-pdb'));
    const rec = new MemoryRecorder();
    new World(loaded.world, rec).run();
    const ev = rec.nodeEvents.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time]);
    expect(ev.filter(([, e]) => e === 'Requested' || e === 'Deleted')).toEqual([
      ['std-004', 'Requested', 301],
      ['std-005', 'Requested', 301],
      ['std-006', 'Requested', 301],
      ['std-001', 'Deleted', 330],
      ['std-002', 'Deleted', 403],
      ['std-003', 'Deleted', 413],
    ]);
    // Each eviction waits for the previous replacement to be Ready; each replacement binds at once.
    const moved = rec.pods.filter((p) => p.time > 0 && (p.event === 'Terminating' || p.event === 'Scheduled')).map((p) => [p.event, p.pod.node?.name, p.time]);
    expect(moved).toEqual([
      ['Terminating', 'std-001', 300],
      ['Scheduled', 'std-004', 361],
      ['Terminating', 'std-002', 372.7],
      ['Scheduled', 'std-006', 372.7],
      ['Terminating', 'std-003', 382.7],
      ['Scheduled', 'std-005', 382.7],
    ]);
  });
});
