/**
 * kube-scheduler's queue for Unschedulable pods, through the model: a cluster event retries a
 * pod at once, its back-off notwithstanding, when nothing else is queued (scheduling_queue.go
 * movePodsToActiveOrBackoffQueue; active_queue.go unlockedPop with SchedulerPopFromBackoffQ, on
 * by default since Kubernetes 1.33).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { PodRecord, RecordSink } from '../../src/output/records.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';

function run(untaintAt: number) {
  const loaded = loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/scheduler-requeue.yaml'));
  const pods: PodRecord[] = [];
  const sink: RecordSink = { request: () => {}, decision: () => {}, pod: (r) => pods.push({ ...r }), traffic: () => {}, sample: () => {}, node: () => {} };
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: loaded.world.cluster.nodes!.cpuCostShare } }, sink);
  const world = new World(loaded.world, recorder);
  const cluster = world.cluster!;
  // The node big's pod left empty is cordoned before small's pod is first tried (0.5 s), and uncordoned later.
  const empty = () => cluster.nodes.find((n) => n.workload.size === 0)!;
  world.sim.at(0.2, () => cluster.startRemoval(empty(), 0.2, undefined), undefined);
  world.sim.at(untaintAt, () => cluster.untaint(cluster.nodes.find((n) => n.state === 'Tainted')!, untaintAt), undefined);
  world.run();
  const at = (pod: string, event: string) => pods.find((p) => p.pod.startsWith(pod) && p.event === event);
  return { at };
}

describe('an Unschedulable pod retries at the cluster event that makes room, inside its back-off', () => {
  it('Unschedulable at 0.5 s (back-off 1 s, to 1.5 s); the node uncordoned at 1 s takes it at 1 s, not 1.5 s', () => {
    const r = run(1);
    expect(r.at('small-', 'Unschedulable')?.time).toBe(0.5);
    expect(r.at('small-', 'Scheduled')?.time).toBe(1);
  });
  it('an event after the back-off binds it at the event too (2.25 s)', () => {
    expect(run(2.25).at('small-', 'Scheduled')?.time).toBe(2.25);
  });
});

describe("NodeResourcesFit's queueing hint: a node added too small for the pod leaves it in the pool", () => {
  function runSmallNode(size: 'tiny' | 'wide') {
    const loaded = loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/scheduler-hint-small-node.yaml'));
    const pods: PodRecord[] = [];
    const sink: RecordSink = { request: () => {}, decision: () => {}, pod: (r) => pods.push({ ...r }), traffic: () => {}, sample: () => {}, node: () => {} };
    const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: loaded.world.cluster.nodes!.cpuCostShare } }, sink);
    const world = new World(loaded.world, recorder);
    const cluster = world.cluster!;
    // Asked for at 0.75 s, Ready at 1 s.
    world.sim.at(0.75, () => cluster.provision(cluster.spec.pools.find((p) => p.name === size)!, 0.75), undefined);
    world.run();
    return { attempts: cluster.scheduler.unschedulableAttempts, scheduled: pods.find((p) => p.pod.startsWith('small-') && p.event === 'Scheduled')?.time };
  }

  it('a 1-CPU node (small asks 1975m + 25m): no retry, so one failed cycle in the run (fit.go isSchedulableAfterNodeChange: QueueSkip)', () => {
    const r = runSmallNode('tiny');
    expect(r.attempts).toBe(1);
    expect(r.scheduled).toBeUndefined();
  });
  it('a 4-CPU node retries it and takes it as it is Ready (1 s)', () => {
    const r = runSmallNode('wide');
    expect(r.attempts).toBe(1);
    expect(r.scheduled).toBe(1);
  });
});
