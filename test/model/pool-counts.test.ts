/**
 * The Cluster keeps each pool's size (nodes not Tainted) and target size (nodes not deleted) as
 * nodes change state, instead of counting every node on each question (quadratic in a pass over
 * 5,000 nodes). At every node event of runs that launch, taint, untaint, expire and delete nodes,
 * the kept counts equal a count of the nodes themselves.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { RecordSink } from '../../src/output/records.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';

const fixture = (name: string): string => resolve(import.meta.dirname, '../fixtures/capacity', `${name}.yaml`);

function checkedRun(name: string, sets: string[]) {
  const loaded = loadScenario(fixture(name), { sets });
  let world: World | undefined;
  const mismatches: string[] = [];
  const events = new Map<string, number>();
  const sink: RecordSink = {
    request: () => {},
    decision: () => {},
    pod: () => {},
    traffic: () => {},
    sample: () => {},
    node: (r) => {
      events.set(r.event, (events.get(r.event) ?? 0) + 1);
      const c = world?.cluster;
      if (c === undefined) return;
      for (const pool of loaded.world.cluster.nodes!.pools) {
        const live = c.nodes.filter((n) => n.pool === pool);
        const size = live.filter((n) => n.state !== 'Tainted').length;
        if (c.poolSize(pool) !== size || c.targetSize(pool) !== live.length) {
          mismatches.push(`${r.time} ${r.node} ${r.event}: ${pool.name} size ${c.poolSize(pool)}/${size}, target ${c.targetSize(pool)}/${live.length}`);
        }
      }
    },
  };
  const n = loaded.world.cluster.nodes!;
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: n.cpuCostShare } }, sink);
  world = new World(loaded.world, recorder);
  world.run();
  return { mismatches, events };
}

describe('pool sizes kept as nodes change state equal a count of the nodes', () => {
  it.each([
    ['karpenter-churn', ['cluster.nodeAutoscaler.consolidateAfter=30s', 'cluster.nodeAutoscaler.expireAfter=2m', 'duration=15m'], ['Requested', 'Ready', 'Tainted', 'Deleted']],
    ['karpenter-consolidation', [], ['Requested', 'Ready', 'Tainted', 'Deleted']],
    ['karpenter-consolidation', ['cluster.nodePools[1].startupLatency=20m', 'cluster.nodePools[2].startupLatency=20m', 'duration=1000s'], ['Tainted', 'Untainted', 'Deleted']],
    ['ca-empty-and-drain', [], ['Requested', 'Ready', 'Tainted', 'Deleted']],
    ['a11', ['cluster.nodePools[0].startupLatency=20m', 'cluster.nodePools[1].startupLatency=20m', 'duration=2000s', 'configMaps.config-deployment.progress-deadline=1h'], ['Requested', 'Deleted']],
  ])('%s %j', (name, sets, kinds) => {
    const r = checkedRun(name, sets);
    // The run went through the transitions it is here for.
    for (const k of kinds) expect(r.events.get(k) ?? 0, k).toBeGreaterThan(0);
    expect(r.mismatches).toEqual([]);
  });
});
