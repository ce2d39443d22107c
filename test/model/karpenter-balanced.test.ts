/**
 * Karpenter's Balanced consolidation policy (disruption/balanced.go): each consolidation move is
 * scored, the share of the NodePool's cost it saves over the share of its disruption cost it
 * causes, and made only at 1/k = 0.5 or more. On the drift fixture without its drift: three
 * $0.20 nodes with one pod each (min and max scale 3), polls every 10 s from 2 s.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { balancedApproved, balancedScore, BALANCED_K } from '../../src/core/capacity/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from './world-fixture.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-drift.yaml');
const CHEAP = 'cluster.nodePools[1]={name: cheap, cpu: "4", memory: 16Gi, pricePerHour: 0.19, maxNodes: 6, startupLatency: 60s}';

function nodeEvents(policy: string, ...sets: string[]): string[] {
  const loaded = loadScenario(FIXTURE, { sets: ['updates=[]', `cluster.nodeAutoscaler.consolidationPolicy=${policy}`, ...sets] });
  const rec = new MemoryRecorder();
  new World(loaded.world, rec).run();
  return rec.nodeEvents.filter((n) => n.time > 0).map((n) => `${n.node} ${n.event} ${n.time}`);
}

describe('balancedScore (ScoreMove, ScoreResult.Score)', () => {
  const totals = { totalCost: 1, totalDisruptionCost: 10 };
  it.each([
    ['saves 20 % for 20 % of the disruption', 0.2, 2, 1],
    ['saves 10 % for 20 %: exactly 1/k, approved', 0.1, 2, 0.5],
    ['saves 5 % for 20 %', 0.05, 2, 0.25],
    ['saves nothing', 0, 2, 0],
    ['costs more than it saves', -0.1, 2, 0],
    ['disrupts nothing', 0.1, 0, Number.POSITIVE_INFINITY],
  ] as const)('%s: %s', (_, savings, disruption, score) => {
    expect(balancedScore(savings, disruption, totals)).toBeCloseTo(score, 12);
    expect(balancedApproved(savings, disruption, totals)).toBe(score >= 1 / BALANCED_K);
  });
  it('empty totals score 0 (nothing to normalize against)', () => {
    expect(balancedScore(0.2, 2, { totalCost: 0, totalDisruptionCost: 10 })).toBe(0);
  });
});

describe('consolidationPolicy: Balanced', () => {
  it('makes the deletes WhenEmptyOrUnderutilized makes: two nodes saving 2/3 of the cost for 2/3 of the disruption', () => {
    const deletes = ['std-001 Tainted 17', 'std-001 Deleted 47', 'std-003 Tainted 62', 'std-003 Deleted 92'];
    expect(nodeEvents('WhenEmptyOrUnderutilized')).toEqual(deletes);
    expect(nodeEvents('Balanced')).toEqual(deletes);
  });

  it('not the replacement by a node 5 % cheaper: its three pods are all of the disruption for 5 % of the cost (score 0.05)', () => {
    const any = nodeEvents('WhenEmptyOrUnderutilized', CHEAP);
    expect(any.slice(4)).toEqual(['std-002 Tainted 107', 'cheap-001 Requested 107', 'cheap-001 Ready 167', 'std-002 Deleted 197']);
    expect(nodeEvents('Balanced', CHEAP)).toEqual(any.slice(0, 4));
    // After the deletes, std-002 alone: $0.01 saved of $0.20, disruption 1 + 3 of 4.
    expect(balancedScore(0.2 - 0.19, 4, { totalCost: 0.2, totalDisruptionCost: 4 })).toBeCloseTo(0.05, 12);
  });
});
