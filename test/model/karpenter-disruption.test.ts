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
      // big-002's pod is rescheduled onto big-001 at 92, so big-001 is no longer empty: multi-node
      // consolidation takes it with big-003 at the next pass (built at 107, run at 122).
      ['big-001', 'Tainted', 122],
      ['big-003', 'Tainted', 122],
      ['medium-001', 'Requested', 122],
    ]);
  });
});
