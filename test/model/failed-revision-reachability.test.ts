/**
 * A failed revision's PA turns Unreachable while it wants pods and has none ready (upstream
 * pkg/reconciler/revision/resources/pa.go), so min-scale no longer holds a pod that never
 * comes up and the KPA's activation timeout takes it to zero.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KpaScaleOutput, PipelineReconcileInput, ReconcileCause } from '../../src/core/autoscaler/index.js';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

/** Also keeps each PA reconcile: when, why, and the PA's reachability and the replicas after it. */
class ReconcileRecorder extends MemoryRecorder {
  reconciles: Array<{ time: number; cause: ReconcileCause; reachable: boolean; replicas: number }> = [];
  reconcile(rev: Revision, time: number, _input: PipelineReconcileInput, output: KpaScaleOutput, cause: ReconcileCause): void {
    this.reconciles.push({ time, cause, reachable: rev.autoscaler.reachable, replicas: output.applyReplicas ?? rev.replicas });
  }
}

function runFixture(name: string, sets: string[] = []) {
  const loaded = loadScenario(resolve(import.meta.dirname, '../fixtures/faults', `${name}.yaml`), { sets });
  const rec = new ReconcileRecorder();
  const world = new World(loaded.world, rec);
  world.run();
  return { world, rec, rev: world.services.get('broken')!.revisions[0]! };
}

describe('min-scale 1 and an image that can never be pulled (faults/image-pull-min-scale.yaml, 30 min)', () => {
  const { rec, rev } = runFixture('image-pull-min-scale');
  const pod = 'broken-00001-deployment-0001';

  it('fails at 601 s, the Deployment controller\'s check a second after the 600 s progress deadline, and its PA turns Unreachable then', () => {
    expect(rev.failure).toEqual({ atSeconds: 601, reason: 'ImagePullBackOff' });
    expect(rec.reconciles.filter((r) => r.time < 601).every((r) => r.reachable)).toBe(true);
    const first = rec.reconciles.find((r) => !r.reachable)!;
    expect([first.time, first.cause, first.replicas]).toEqual([601, 'reachability', 1]);
  });

  it('keeps its pod past the activation timeout (630 s) until the pod next changes, the pull retried at 910.5 s, then scales to zero', () => {
    // Unreachable drops min-scale: the activating PA's −1 bounds to 0, which waits out the activation
    // timeout (progress deadline + 30 s) from its creation; the reconcile at 601 s, not yet past it,
    // requeues after the whole timeout (1231 s), as upstream does. But the KPA watches the revision's
    // pods: the kubelet's next pull attempt (ErrImagePull, then ImagePullBackOff) updates the pod at
    // 910.5 s, and the reconcile that update triggers finds the timeout passed.
    const down = rec.reconciles.find((r) => r.replicas === 0)!;
    expect([down.time, down.cause, down.reachable]).toEqual([910.5, 'watch', false]);
    expect(rec.pods.filter((p) => p.pod.name === pod && (p.event === 'Terminating' || p.event === 'Gone')).map((p) => [p.event, p.time])).toEqual([
      ['Terminating', 910.5],
      ['Gone', 910.5],
    ]);
  });

  it('stays at zero: reachable again with no pod wanted, but with no metrics the inactive PA scales nothing', () => {
    // With replicas 0 the failure no longer counts; the routing state (active) makes it Reachable again.
    // The pod's deletion is one more watch reconcile; the requeue set at 601 s still comes at 1231 s.
    const after = rec.reconciles.filter((r) => r.time >= 910.5);
    expect(after.map((r) => [r.time, r.cause, r.reachable, r.replicas])).toEqual([
      [910.5, 'watch', false, 0],
      [910.5, 'watch', false, 0],
      [910.5, 'reachability', true, 0],
      [1231, 'requeue', true, 0],
    ]);
    expect(rev.replicas).toBe(0);
    // Ready stays False at zero: the Deployment completed there, but the PA went Inactive without ever
    // initializing its scale target ("Initial scale was never achieved").
    expect(rev.readyFalse).toEqual([{ atSeconds: 601, untilSeconds: undefined, reason: 'ImagePullBackOff' }]);
    expect(rec.pods.filter((p) => p.event === 'Pending').map((p) => [p.pod.name, p.time])).toEqual([[pod, 0]]);
    expect(rec.decisionsOf('broken-00001').filter((d) => d.time > 910.5).every((d) => d.readyPods === 0 && d.want <= 0)).toBe(true);
  });
});

describe('min-scale 1, image pulls failing until 400 s, then readiness failing 700–800 s (faults/image-pull-recovers.yaml)', () => {
  const { rec, rev } = runFixture('image-pull-recovers');

  it('is Unreachable from the 601 s failure until its pod is Ready at 612.5 s, and keeps its pod', () => {
    expect(rev.failure).toEqual({ atSeconds: 601, reason: 'ImagePullBackOff' });
    const flips = rec.reconciles.filter((r, i) => i > 0 && r.reachable !== rec.reconciles[i - 1]!.reachable);
    expect(flips.map((r) => [r.time, r.cause, r.reachable])).toEqual([
      [601, 'reachability', false],
      [612.5, 'reachability', true],
    ]);
    expect(rev.readyFalse).toEqual([{ atSeconds: 601, untilSeconds: 612.5, reason: 'ImagePullBackOff' }]);
    // The pod Ready before the activation timeout (630 s) initializes the PA: nothing scales it down.
    expect(rec.reconciles.every((r) => r.replicas === 1)).toBe(true);
  });

  it('stays Reachable while its only pod is NotReady (721.5–800.5 s): the failure cleared when the pod was Ready', () => {
    // Upstream the Deployment progressed and ContainerHealthy turned True, so no condition is False any more.
    // The kubelet's default readiness probe ticks at 0.5 s + 10 k (the pod was scheduled at 0.5 s): the probes at
    // 700.5, 710.5 and 720.5 s fail, the last once its 1 s timeout ends; the one at 800.5 s passes.
    const readiness = rec.pods.filter((p) => p.event === 'NotReady' || p.event === 'Ready').map((p) => [p.event, p.time]);
    expect(readiness).toEqual([
      ['Ready', 612.5],
      ['NotReady', 721.5],
      ['Ready', 800.5],
    ]);
    expect(rec.reconciles.filter((r) => r.time > 612.5).every((r) => r.reachable)).toBe(true);
    expect(rev.replicas).toBe(1);
  });
});
