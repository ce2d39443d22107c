/**
 * The Cluster Autoscaler's soft taint in a whole run (ca-soft-taint.yaml): an unneeded node gets
 * DeletionCandidateOfClusterAutoscaler, so kube-scheduler's TaintToleration sends a new pod
 * elsewhere, and the node, still unneeded, is removed.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { NodeRecord, PodRecord, RecordSink } from '../../src/output/records.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';

function run(sets: string[] = []) {
  const loaded = loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/ca-soft-taint.yaml'), { sets });
  const pods: PodRecord[] = [];
  const nodes: NodeRecord[] = [];
  const sink: RecordSink = { request: () => {}, decision: () => {}, pod: (r) => pods.push({ ...r }), traffic: () => {}, sample: () => {}, node: (r) => nodes.push({ ...r }) };
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: loaded.world.cluster.nodes!.cpuCostShare } }, sink);
  const world = new World(loaded.world, recorder);
  world.run();
  const on = (pod: string) => pods.find((p) => p.pod === pod && p.event === 'Scheduled')?.node;
  const later = nodes.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time]);
  return { world, on, later };
}

describe('Cluster Autoscaler soft taint (ca-soft-taint.yaml)', () => {
  it('the pods start where the fixture needs them: c on std-001, a on std-002', () => {
    const r = run();
    expect(['c', 'a'].map((s) => r.on(`${s}-00001-deployment-0001`))).toEqual(['std-001', 'std-002']);
  });
  it("b's new pod avoids the soft-tainted std-001, which is removed at 615 s", () => {
    const r = run();
    expect(r.on('b-00001-deployment-0001')).toBe('std-002');
    expect(r.on('c-00001-deployment-0002')).toBe('std-002');
    expect(r.later).toEqual([
      ['std-001', 'Tainted', 615],
      ['std-001', 'Deleted', 650],
    ]);
  });
  it('with maxBulkSoftTaintCount 0 (no soft taints) the pod lands on the emptier std-001, which is then needed and kept', () => {
    const r = run(['cluster.nodeAutoscaler.maxBulkSoftTaintCount=0']);
    expect(r.on('b-00001-deployment-0001')).toBe('std-001');
    expect(r.later).toEqual([]);
    expect(r.world.cluster!.nodes.map((n) => n.softTainted)).toEqual([false, false]);
  });
  it('the soft taint comes off once the node is needed again', () => {
    // b's 2025m pod pinned to std-001 by making std-002 too small for it: std-001 is needed from then on.
    const r = run(['services[2].manifest.spec.template.spec.containers[0].resources.requests.cpu=2800m']);
    expect(r.on('b-00001-deployment-0001')).toBe('std-001');
    expect(r.later).toEqual([]);
    expect(r.world.cluster!.nodes.map((n) => [n.name, n.softTainted])).toEqual([
      ['std-001', false],
      ['std-002', false],
    ]);
  });
});
