/**
 * A run with node pools prints its capacity answer (peak nodes, pods that waited for room, cost)
 * in the text summary, from summary.json's `nodes` and `cost`, as `knsim plan` does.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/output/summary.js';
import { nodesText, textSummary } from '../../src/output/text-summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const cost = (total: number, idle: number) => ({ total, perRevision: {}, daemonSets: 0, idle, perDay: total * 2, idlePerNode: {} });

describe('nodesText', () => {
  it.each([
    {
      name: 'capacity-planning',
      nodes: { max: 4, nodeHours: 49.979167, podsWaitedForNode: 36, maxPendingSeconds: 68 },
      cost: cost(9.995833, 6.326904),
      want: 'nodes: peak 4 (49.979167 node-hours), 36 pods waited for node room (longest 68 s); cost $9.9958 ($19.9917 per simulated day), idle $6.3269 (63.3 %)',
    },
    {
      name: 'one pod waited',
      nodes: { max: 1, nodeHours: 0.5, podsWaitedForNode: 1, maxPendingSeconds: 41.5 },
      cost: cost(0.024417, 0.01),
      want: 'nodes: peak 1 (0.5 node-hours), 1 pod waited for node room (longest 41.5 s); cost $0.0244 ($0.0488 per simulated day), idle $0.0100 (41.0 %)',
    },
    {
      name: 'none waited, no cost block',
      nodes: { max: 2, nodeHours: 1, podsWaitedForNode: 0, maxPendingSeconds: 0 },
      cost: undefined,
      want: 'nodes: peak 2 (1 node-hours), no pod waited for node room',
    },
  ])('$name', ({ nodes, cost: c, want }) => {
    expect(nodesText(nodes, c)).toBe(want);
  });
});

describe('the text summary of a run with node pools', () => {
  it("states summary.json's nodes and cost", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-nodes-text-')), 'run');
    runWorld(loadScenario('test/fixtures/capacity/karpenter-launch-failures.yaml').world, { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    const line = textSummary(s, out, []).split('\n').find((l) => l.startsWith('nodes: '));
    // The fixture's NodeClaim create calls fail until 100 s: one pod waits 71 s, and the second node is billed only from its launch.
    expect(s.nodes).toEqual({ max: 2, nodeHours: 0.3275, podsWaitedForNode: 1, maxPendingSeconds: 71 });
    expect(line).toBe('nodes: peak 2 (0.3275 node-hours), 1 pod waited for node room (longest 71 s); cost $0.0328 ($4.7160 per simulated day), idle $0.0209 (63.8 %)');
  });

  it('has no nodes line without node pools', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-nodes-text-')), 'run');
    runWorld(loadScenario('test/fixtures/base.yaml').world, { outDir: out, trace: { mode: 'none' } });
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(s.nodes).toBeUndefined();
    expect(textSummary(s, out, [])).not.toContain('nodes: ');
  });
});
