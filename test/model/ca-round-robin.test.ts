/**
 * The Cluster Autoscaler's removal simulation in a whole run (ca-round-robin.yaml): a candidate's
 * pods are placed round-robin from the node last chosen (the plugin runner's lastIndex), over the
 * nodes in the order they joined, not first fit.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { NodeRecord, PodRecord, RecordSink } from '../../src/output/records.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';

function run(name: string) {
  const loaded = loadScenario(resolve(import.meta.dirname, '../fixtures/capacity', `${name}.yaml`), { sets: [] });
  const pods: PodRecord[] = [];
  const nodes: NodeRecord[] = [];
  const sink: RecordSink = { request: () => {}, decision: () => {}, pod: (r) => pods.push({ ...r }), traffic: () => {}, sample: () => {}, node: (r) => nodes.push({ ...r }) };
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: loaded.world.cluster.nodes!.cpuCostShare } }, sink);
  new World(loaded.world, recorder).run();
  return { pods, nodes };
}

describe('Cluster Autoscaler removal simulation places pods round-robin (ca-round-robin.yaml)', () => {
  const r = run('ca-round-robin');
  it('the pods start where the fixture needs them: a, h, e on x; g (1900m) on b; f (900m) on c', () => {
    const on = (pod: string) => r.pods.find((p) => p.pod === pod && p.event === 'Scheduled')?.node;
    expect(['a', 'h', 'e', 'f', 'g'].map((s) => on(`${s}-00001-deployment-0001`))).toEqual(['x-001', 'x-001', 'x-001', 'c-001', 'b-001']);
  });
  it("a's pod goes to b, h's to c (the scan starts after b), e's 3025m fits neither: x is never removed (first fit tainted it at 615 and e's replacement then waited for a new node)", () => {
    expect(r.nodes.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time])).toEqual([]);
    expect(r.pods.filter((p) => p.event === 'Unschedulable')).toEqual([]);
  });
});
