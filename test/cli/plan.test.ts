/** `knsim plan`: the planner's numbers for the A9 fixture, as text and JSON, and its one-line errors. */
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, 'bin/knsim.js');
const a9 = resolve(root, 'test/fixtures/capacity/a9.yaml');

describe('knsim plan', () => {
  it('--json: peak nodes 2, longest Pending wait 185 s, 1 pod waited for room on a node, cost 0.20 + 0.20 × 3595/3600', () => {
    const plan = JSON.parse(execFileSync('node', [bin, 'plan', a9, '--json'], { cwd: root, encoding: 'utf8' }));
    expect(plan).toMatchObject({ peakNodes: 2, longestPendingSeconds: 185, podsWaitedForNode: 1, simulatedSeconds: 3600 });
    expect(plan.cost.total).toBeCloseTo(0.399722, 6);
    expect(plan.cost.perDay).toBeCloseTo(0.399722 * 24, 4);
  });
  it('--json: idle per node (capacity spec §6), adding up to idle: std-001 holds 3 pods of 1.025 cores at $0.025 per core-hour all hour, std-002 (5–3600 s) one from 185 s', () => {
    const plan = JSON.parse(execFileSync('node', [bin, 'plan', a9, '--json'], { cwd: root, encoding: 'utf8' }));
    expect(Object.keys(plan.cost.idlePerNode)).toEqual(['std-001', 'std-002']);
    expect(plan.cost.idlePerNode['std-001']).toBeCloseTo(0.2 - 3 * 1.025 * 0.025, 6);
    expect(plan.cost.idlePerNode['std-002']).toBeCloseTo((0.2 * 3595) / 3600 - (1.025 * 0.025 * 3415) / 3600, 6);
    expect(plan.cost.idlePerNode['std-001'] + plan.cost.idlePerNode['std-002']).toBeCloseTo(plan.cost.idle, 5);
  });
  it('DaemonSets are charged, not idle (OpenCost allocates their pods as workloads): 200m per node at $0.025 per core-hour while each node is Ready', () => {
    const args = [bin, 'plan', a9, '--set', 'cluster.nodePools[0].daemonSets={cpu: 200m, pods: 1}'];
    const plan = JSON.parse(execFileSync('node', [...args, '--json'], { cwd: root, encoding: 'utf8' }));
    // std-001 Ready all hour, std-002 from 185 s: 0.2 × 0.025 × (3600 + 3415)/3600 = $0.009743.
    expect(plan.cost.daemonSets).toBeCloseTo((0.2 * 0.025 * (3600 + 3415)) / 3600, 6);
    expect(plan.cost.idlePerNode['std-001']).toBeCloseTo(0.2 - 3 * 1.025 * 0.025 - 0.2 * 0.025, 6);
    expect(plan.cost.idle).toBeCloseTo(plan.cost.total - plan.cost.perRevision['app-00001'] - plan.cost.daemonSets, 5);
    expect(execFileSync('node', args, { cwd: root, encoding: 'utf8' })).toContain('\n  DaemonSets: $0.0097\n');
    expect(execFileSync('node', [bin, 'plan', a9], { cwd: root, encoding: 'utf8' })).not.toContain('DaemonSets');
  });
  it('--json names its count as summary.json does; a pod never bound is counted to the run\'s end (one node, the 4th pod Pending for all 1800 s)', () => {
    const args = [bin, 'plan', a9, '--set', 'cluster.nodePools[0].maxNodes=1', '--duration', '30m'];
    const plan = JSON.parse(execFileSync('node', [...args, '--json'], { cwd: root, encoding: 'utf8' }));
    expect(plan).toMatchObject({ peakNodes: 1, nodeHours: 0.5, longestPendingSeconds: 1800, podsWaitedForNode: 1, simulatedSeconds: 1800 });
    expect(plan).not.toHaveProperty('podStartsWaitingForNodes');
    // $0.20/h for half an hour: $0.10, $4.80 a day.
    expect(plan.cost).toMatchObject({ total: 0.1, perDay: 4.8 });
    const out = execFileSync('node', args, { cwd: root, encoding: 'utf8' });
    expect(out).toContain('longest Pending wait:            1800 s');
    expect(out).toContain('$0.1000 total, $4.8000 per simulated day');
  });
  it('cost per 1000 requests served (capacity spec §6): $0.399722 over a9\'s 10 requests = $39.9722; none served: null', () => {
    const plan = JSON.parse(execFileSync('node', [bin, 'plan', a9, '--json'], { cwd: root, encoding: 'utf8' }));
    expect(plan.cost.per1000Requests).toBeCloseTo((0.399722 * 1000) / 10, 4);
    expect(execFileSync('node', [bin, 'plan', a9], { cwd: root, encoding: 'utf8' })).toContain('$9.5933 per simulated day, $39.9722 per 1000 requests served, idle');
    // The client starts at 300 s.
    const early = [bin, 'plan', a9, '--duration', '100s'];
    expect(JSON.parse(execFileSync('node', [...early, '--json'], { cwd: root, encoding: 'utf8' })).cost.per1000Requests).toBeNull();
    expect(execFileSync('node', early, { cwd: root, encoding: 'utf8' })).toContain('per simulated day, no request served, idle');
  });
  it('text: one line per answer', () => {
    const out = execFileSync('node', [bin, 'plan', a9], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('peak nodes:                      2 (1.998611 node-hours)');
    expect(out).toContain('longest Pending wait:            185 s');
    expect(out).toContain('pods that waited for node room:  1 (Unschedulable at least once; cold-start requests, all causes: ');
    expect(out).toContain('$0.3997 total, $9.5933 per simulated day');
  });
  it('states a scenario\'s node drains (node-drain: the node emptied and deleted 30 s after it)', () => {
    const file = resolve(root, 'scenarios/node-drain.yaml');
    const out = execFileSync('node', [bin, 'plan', file], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('node drain:                      std-4-001 drained at 300s: 3 pods evicted, empty at 330s, deleted at 330s');
    const plan = JSON.parse(execFileSync('node', [bin, 'plan', file, '--json'], { cwd: root, encoding: 'utf8' }));
    expect(plan.nodeDrains).toEqual([{ node: 'std-4-001', fromSeconds: 300, outcome: 'Drained', evictedPods: 3, emptySeconds: 330, deletedSeconds: 330 }]);
    expect(JSON.parse(execFileSync('node', [bin, 'plan', a9, '--json'], { cwd: root, encoding: 'utf8' })).nodeDrains).toBeUndefined();
  });
  it('states the budgets and the refusals of a drain under one (node-drain-pdb)', () => {
    const file = resolve(root, 'scenarios/node-drain-pdb.yaml');
    const out = execFileSync('node', [bin, 'plan', file], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('node drain:                      std-4-001 drained at 300s: 3 pods evicted (39 evictions refused by a PodDisruptionBudget, retried), empty at 510s, deleted at 510s');
    expect(out).toContain('PodDisruptionBudget:             api-pdb (api-00001): 3 disruptions allowed, 39 evictions refused');
    const plan = JSON.parse(execFileSync('node', [bin, 'plan', file, '--json'], { cwd: root, encoding: 'utf8' }));
    expect(plan.nodeDrains).toEqual([{ node: 'std-4-001', fromSeconds: 300, outcome: 'Drained', evictedPods: 3, refusedEvictions: 39, emptySeconds: 510, deletedSeconds: 510 }]);
    expect(plan.podDisruptionBudgets).toEqual([{ name: 'api-pdb', revisions: ['api-00001'], disruptions: 3, refusedEvictions: 39, forcedDeletions: 0 }]);
  });
  it('states a NodePool drift (karpenter-drift: three nodes replaced by two new ones, the last deleted at 605 s)', () => {
    const file = resolve(root, 'scenarios/karpenter-drift.yaml');
    const out = execFileSync('node', [bin, 'plan', file], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('NodePool drift:                  std-4 drifted at 300s: 3 nodes Drifted, 2 replacement nodes launched for their pods, all deleted by 605.235s');
    const plan = JSON.parse(execFileSync('node', [bin, 'plan', file, '--json'], { cwd: root, encoding: 'utf8' }));
    expect(plan.nodePoolDrifts).toEqual([{ pool: 'std-4', atSeconds: 300, driftedNodes: 3, replacementNodes: 2, deletedNodes: 3, completeSeconds: 605.235 }]);
    expect(JSON.parse(execFileSync('node', [bin, 'plan', a9, '--json'], { cwd: root, encoding: 'utf8' })).nodePoolDrifts).toBeUndefined();
  });
  it('a bigger node type through --set: one 8-CPU node holds all four pods, nothing waits', () => {
    const plan = JSON.parse(execFileSync('node', [bin, 'plan', a9, '--json', '--set', 'cluster.nodePools[0].cpu=8'], { cwd: root, encoding: 'utf8' }));
    expect(plan).toMatchObject({ peakNodes: 1, longestPendingSeconds: 0, podsWaitedForNode: 0 });
  });
  it.each([
    [['scenarios/quickstart.yaml'], 'cluster.nodePools: knsim plan needs node pools'],
    [[a9, '--set', 'cluster.nodePools[0].cpuu=8'], 'cluster.nodePools[0].cpuu: unknown field'],
    [[a9, '--set', 'cluster.nodePools[0].initialNodes=9'], 'cluster.nodePools[0].initialNodes: must be within [minNodes, maxNodes] = [0, 5], got 9'],
    // Absurd sizes and prices are refused before anything is built.
    [[a9, '--set', 'cluster.nodePools[0].maxNodes=100000000', '--set', 'cluster.nodePools[0].initialNodes=100000000'], 'cluster.nodePools[0].initialNodes: must be at most 5000 (the most nodes a Kubernetes cluster supports), got 100000000'],
    [[a9, '--set', 'cluster.nodePools[0].maxNodes=1e12'], 'cluster.nodePools[0].maxNodes: must be at most 5000 (the most nodes a Kubernetes cluster supports), got 1000000000000'],
    [
      [a9, '--set', 'cluster.nodePools[1]={name: big, cpu: "8", memory: 32Gi, pricePerHour: 0.4, maxNodes: 4999}'],
      "cluster.nodePools: the pools' maxNodes add up to 5004 (std 5, big 4999): more than a Kubernetes cluster supports (5000 nodes); lower some maxNodes",
    ],
    [[a9, '--set', 'cluster.nodePools[0].pricePerHour=1e308'], 'cluster.nodePools[0].pricePerHour: must be at most 1000000 ($ per node-hour), got 1e+308'],
    [[a9, '--set', 'cluster.nodeAutoscaler.batchIdleDuration=2s'], 'cluster.nodeAutoscaler.batchIdleDuration: is a karpenter setting, not a cluster-autoscaler one'],
    [[a9, '--set', 'configMaps.config-deployment.pod-is-always-schedulable=maybe'], 'pod-is-always-schedulable'],
  ])('%j → exit 2, one line', (args, want) => {
    const r = spawnSync('node', [bin, 'plan', ...args], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(want);
  });
});
