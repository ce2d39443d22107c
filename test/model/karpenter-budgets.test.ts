/**
 * Karpenter's NodePool disruption budgets with reasons and schedules
 * (`cluster.nodeAutoscaler.budgets`), on the drift fixture: three drifted nodes, polls every
 * 10 s from 2 s, drifted at 60 s; as shipped they go at 62, 92 and 122 s.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from './world-fixture.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-drift.yaml');

function tainted(...sets: string[]): Array<[string, number]> {
  const loaded = loadScenario(FIXTURE, { sets });
  const rec = new MemoryRecorder();
  new World(loaded.world, rec).run();
  return rec.nodeEvents.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time]);
}

function refusal(...sets: string[]): string {
  try {
    loadScenario(FIXTURE, { sets });
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  return '';
}

describe('NodePool budgets with reasons (GetAllowedDisruptionsByReason)', () => {
  it('as shipped, and with budgets: [{nodes: 10%}], the default written out: the same', () => {
    expect(tainted()).toEqual([['std-001', 62], ['std-002', 92], ['std-003', 122]]);
    expect(tainted('cluster.nodeAutoscaler.budgets=[{nodes: "10%"}]')).toEqual(tainted());
  });

  it('nodes: 0 for Drifted stops drift; a budget for the other reasons does not', () => {
    expect(tainted('cluster.nodeAutoscaler.budgets=[{nodes: "10%"}, {nodes: "0", reasons: [Drifted]}]')).toEqual([]);
    expect(tainted('cluster.nodeAutoscaler.budgets=[{nodes: "10%"}, {nodes: "0", reasons: [Empty, Underutilized]}]')).toEqual(tainted());
  });

  it('a count of 3 lets all three go at once but the one the first command nominated (its pod\'s destination), which waits out the 20 s', () => {
    expect(tainted('cluster.nodeAutoscaler.budgets=[{nodes: 3}]')).toEqual([
      ['std-001', 62],
      ['std-003', 62],
      ['std-002', 82],
    ]);
  });
});

describe('NodePool budgets with a schedule (Budget.IsActive)', () => {
  const FREEZE = 'cluster.nodeAutoscaler.budgets=[{nodes: "10%"}, {nodes: "0", reasons: [Drifted], schedule: "@daily", duration: 3m}]';

  it('the run starts Monday 2024-01-01 at midnight UTC: a freeze from midnight for 3 min holds drift until 180 s', () => {
    expect(tainted(FREEZE)).toEqual([['std-001', 182], ['std-002', 212], ['std-003', 242]]);
  });

  it('runStartsAt moves the clock: starting at 23:58, the freeze runs from 120 s to 300 s and catches the third node', () => {
    expect(tainted(FREEZE, 'cluster.nodeAutoscaler.runStartsAt=2024-01-01T23:58:00Z')).toEqual([['std-001', 62], ['std-002', 92], ['std-003', 302]]);
  });

  it('weekdays only: a Saturday start is not frozen', () => {
    const weekdays = 'cluster.nodeAutoscaler.budgets=[{nodes: "10%"}, {nodes: "0", schedule: "0 0 * * 1-5", duration: 1h}]';
    expect(tainted(weekdays)).toEqual([]);
    expect(tainted(weekdays, 'cluster.nodeAutoscaler.runStartsAt=2024-01-06T00:00:00Z')).toEqual(tainted());
  });
});

describe('budgets: input, as the NodePool CRD checks it', () => {
  const B = (b: string) => `cluster.nodeAutoscaler.budgets=[${b}]`;
  it.each([
    [[B('{nodes: "10%"}'), 'cluster.nodeAutoscaler.budgetNodesPercent=20'], 'cluster.nodeAutoscaler.budgets: set either budgets or budgetNodesPercent'],
    [[B('{nodes: "110%"}')], 'cluster.nodeAutoscaler.budgets[0].nodes: must be a count or a percentage from 0% to 100%'],
    [[B('{nodes: "two"}')], 'cluster.nodeAutoscaler.budgets[0].nodes: must be a count or a percentage'],
    [[B('{nodes: "1", reasons: [Expired]}')], 'cluster.nodeAutoscaler.budgets[0].reasons[0]: must be one of Empty, Underutilized, Drifted, got "Expired"'],
    [[B('{nodes: "1", reasons: []}')], 'cluster.nodeAutoscaler.budgets[0].reasons: an empty list makes the budget apply to no reason'],
    [[B('{nodes: "1", schedule: "@daily"}')], "cluster.nodeAutoscaler.budgets[0].schedule: 'schedule' must be set with 'duration'"],
    [[B('{nodes: "1", duration: 1h}')], "cluster.nodeAutoscaler.budgets[0].duration: 'schedule' must be set with 'duration'"],
    [[B('{nodes: "1", schedule: "@daily", duration: 30s}')], 'cluster.nodeAutoscaler.budgets[0].duration: must be hours and minutes such as 8h, 90m or 1h30m'],
    [[B('{nodes: "1", schedule: "0 9 * * MON-FRI extra", duration: 1h}')], 'cluster.nodeAutoscaler.budgets[0].schedule: "0 9 * * MON-FRI extra": not a cron schedule'],
    [[B('{nodes: "1", schedule: "0 9", duration: 1h}')], 'cluster.nodeAutoscaler.budgets[0].schedule: must be a cron line of five fields'],
    [['cluster.nodeAutoscaler.runStartsAt=2024-01-01T00:00:00Z'], "cluster.nodeAutoscaler.runStartsAt: only the budgets' schedules read it"],
    [[B('{nodes: "1", schedule: "@daily", duration: 1h}'), 'cluster.nodeAutoscaler.runStartsAt=Monday'], 'cluster.nodeAutoscaler.runStartsAt: must be an RFC 3339 time such as 2024-01-01T00:00:00Z, got "Monday"'],
    [['cluster.nodeAutoscaler={kind: cluster-autoscaler, budgets: [{nodes: "1"}]}'], 'cluster.nodeAutoscaler.budgets: is a karpenter setting, not a cluster-autoscaler one'],
  ])('%j', (sets, message) => {
    const m = refusal(...sets);
    expect(m, m).toContain(`karpenter-drift.yaml: ${message}`);
    expect(m).not.toContain('\n');
  });
});
