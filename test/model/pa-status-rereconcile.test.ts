/**
 * Upstream's KPA controller enqueues a PodAutoscaler on every update its PA informer sees
 * (pkg/reconciler/autoscaling/kpa/controller.go: HandleAll(impl.Enqueue)), its own status
 * writes included. The reconcile that marks an idle PA Inactive is therefore followed at once by
 * one that reads the Inactive status: with the SKS long in Proxy, the grace period is served and
 * the scaler takes the Deployment to zero then, not at the 3 s requeue it asked for.
 */
import { describe, expect, it } from 'vitest';
import type { KpaScaleOutput, PipelineReconcileInput, ReconcileCause } from '../../src/core/autoscaler/index.js';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

/** Also keeps each PA reconcile: when, why, the Active condition after it, and what it scaled. */
class ReconcileRecorder extends MemoryRecorder {
  reconciles: Array<{ time: number; cause: ReconcileCause; active: string; apply: number | undefined; requeue: number | undefined }> = [];
  reconcile(rev: Revision, time: number, _input: PipelineReconcileInput, output: KpaScaleOutput, cause: ReconcileCause): void {
    this.reconciles.push({ time, cause, active: rev.autoscaler.pa.active, apply: output.applyReplicas, requeue: output.requeueAfterSeconds });
  }
}

/** One idle revision that ran a day before the run with one pod (its SKS in Proxy all that time). */
function idle(sets: Record<string, unknown> = {}) {
  const scenario = {
    name: 'idle-initial',
    seed: 1,
    duration: '60s',
    ...sets,
    services: [
      {
        manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'idle' }, spec: { template: { spec: { containers: [{ image: 'app' }] } } } },
        initialPods: 1,
        app: { serviceTime: '100ms' },
      },
    ],
    clients: [{ name: 'none', service: 'idle', open: { process: 'poisson', rps: 0 } }],
  };
  const rec = new ReconcileRecorder();
  const world = new World(scenarioFromValue(scenario, 'idle-initial.yaml').world, rec);
  world.run();
  return { rec, rev: world.services.get('idle')!.revisions[0]! };
}

describe('the PA is reconciled again after its own status write', () => {
  const { rec, rev } = idle();
  const inactiveAt = rev.autoscaler.pa.lastTransitionSeconds;

  it('the tick that wants 0 marks it Inactive (requeue in 3 s, nothing scaled); the reconcile that write enqueues scales to 0 at that instant', () => {
    expect(rev.autoscaler.pa.active).toBe('Inactive');
    expect(inactiveAt).toBeCloseTo(2.445892, 6);
    const then = rec.reconciles.filter((r) => r.time === inactiveAt);
    expect(then.slice(0, 2)).toEqual([
      { time: inactiveAt, cause: 'notify', active: 'Inactive', apply: undefined, requeue: 3 },
      { time: inactiveAt, cause: 'watch', active: 'Inactive', apply: 0, requeue: undefined },
    ]);
    expect(rec.pods.filter((p) => p.event === 'Terminating').map((p) => p.time)).toEqual([inactiveAt]);
    // The writes that follow (ActualScale 1 → 0 as the pod goes) settle within the instant.
    expect(then.length).toBeLessThanOrEqual(5);
    expect(then.every((r) => r.active === 'Inactive')).toBe(true);
  });

  it('the 3 s requeue still runs, finds nothing to do, and writes nothing, so nothing follows it', () => {
    const later = rec.reconciles.filter((r) => r.time > inactiveAt && r.time < 32);
    expect(later).toEqual([{ time: inactiveAt + 3, cause: 'requeue', active: 'Inactive', apply: undefined, requeue: undefined }]);
  });

  it('a PA whose status stays as it is is not reconciled again: the ticks wanting 1 write nothing', () => {
    const before = rec.reconciles.filter((r) => r.time < inactiveAt);
    // At t = 0 the pod's events (merged into one reconcile, which writes ActualScale), then that write's.
    expect(before.map((r) => [r.time, r.cause, r.active])).toEqual([
      [0, 'watch', 'Active'],
      [0, 'watch', 'Active'],
    ]);
  });

  it('with a grace period not yet served (SKS in Serve until the PA goes Inactive), the second reconcile only requeues for the rest of it', () => {
    // target-burst-capacity 0: the SKS serves from the pods while any is up, so it goes to Proxy only
    // when the PA goes Inactive; the follow-up reconcile asks for the rest of the 30 s, counted from
    // ActivatorEndpointsPopulated as stored, in whole seconds (2 s): zero at 32 s.
    const tbc0 = idle({ configMaps: { 'config-autoscaler': { 'target-burst-capacity': '0' } } });
    const at = tbc0.rev.autoscaler.pa.lastTransitionSeconds;
    expect(at).toBeCloseTo(2.445892, 6);
    const then = tbc0.rec.reconciles.filter((r) => r.time === at);
    expect(then[0]).toEqual({ time: at, cause: 'notify', active: 'Inactive', apply: undefined, requeue: undefined });
    expect(then[1]).toMatchObject({ cause: 'watch', apply: undefined });
    expect(then[1]!.requeue).toBeCloseTo(32 - at, 6);
    expect(tbc0.rec.pods.filter((p) => p.event === 'Terminating').map((p) => p.time)).toEqual([32]);
  });
});
