/**
 * ContainerHealthy False on a crash loop (upstream reconcile_resources.go): when the Deployment
 * wants pods, has none available and its first pod's user container has exited before, the
 * revision reconciler marks ContainerHealthy False (ExitCode<n>), so Ready is False and the PA
 * Unreachable (pa.go) while no pod is ready; only a ready pod turns it True again.
 */
import { describe, expect, it } from 'vitest';
import type { KpaScaleOutput, PipelineReconcileInput, ReconcileCause } from '../../src/core/autoscaler/index.js';
import type { ClientSpec, PodFaultSpec, RevisionSpec, WorldSpec } from '../../src/model/spec.js';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import { constant, MemoryRecorder, revision, service, world, type RevOpts } from './world-fixture.js';

class ReconcileRecorder extends MemoryRecorder {
  reconciles: Array<{ time: number; cause: ReconcileCause; reachable: boolean; replicas: number }> = [];
  reconcile(rev: Revision, time: number, _input: PipelineReconcileInput, output: KpaScaleOutput, cause: ReconcileCause): void {
    this.reconciles.push({ time, cause, reachable: rev.autoscaler.reachable, replicas: output.applyReplicas ?? rev.replicas });
  }
  /** [time, reachable] at each change of the PA's reachability. */
  flips(): Array<[number, boolean]> {
    return this.reconciles.filter((r, i) => i > 0 && r.reachable !== this.reconciles[i - 1]!.reachable).map((r) => [Number(r.time.toFixed(6)), r.reachable]);
  }
}

const uniform = (rps: number, start: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end }) as ClientSpec;
const faulty = (o: RevOpts, faults: PodFaultSpec[]): RevisionSpec => ({ ...revision(o), faults });

function runWith(spec: WorldSpec) {
  const rec = new ReconcileRecorder();
  const w = new World(spec, rec);
  w.run();
  return { rec, rev: w.services.get('hello')!.revisions[0]! };
}

describe('the only pod crash-looping', () => {
  // One pod, pinned at 1; it crashes at 60 s and twice more, each 5 s after its container starts.
  // The first restart is at once, then after 10 s and 20 s (kubelet back-off); the container
  // starts 1 s after a restart and the pod is Ready as it runs (the queue-proxy's probe has not
  // failed 3 times yet): crash 60, restart 60, Ready 61; crash 66, restart 76, Ready 77; crash 82,
  // restart 102, Ready 103.
  const { rec, rev } = runWith(
    world(
      [service('hello', [faulty({ initialPods: 1, annotations: { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' } }, [{ kind: 'crash', atSeconds: 60, pods: 1, count: 3, uptimeSeconds: 5 }])])],
      [uniform(1, 0, 200)],
      { duration: 200 },
    ),
  );

  it('has Ready False (ExitCode1) from each exit until the pod is Ready again', () => {
    const ready = rec.pods.filter((p) => p.event === 'Ready' || p.event === 'CrashLoopBackOff').map((p) => [p.event, p.time]);
    expect(ready).toEqual([
      ['Ready', 0],
      ['CrashLoopBackOff', 60],
      ['Ready', 61],
      ['CrashLoopBackOff', 66],
      ['Ready', 77],
      ['CrashLoopBackOff', 82],
      ['Ready', 103],
    ]);
    expect(rev.readyFalse).toEqual([
      { atSeconds: 60, untilSeconds: 61, reason: 'ExitCode1' },
      { atSeconds: 66, untilSeconds: 77, reason: 'ExitCode1' },
      { atSeconds: 82, untilSeconds: 103, reason: 'ExitCode1' },
    ]);
    expect(rev.failure).toEqual({ atSeconds: 60, reason: 'ExitCode1' });
    expect(rev.containerHealthyCondition).toEqual({ status: 'True', reason: '' });
  });

  it('has its PA Unreachable for exactly those stretches', () => {
    expect(rec.flips()).toEqual([
      [60, false],
      [61, true],
      [66, false],
      [77, true],
      [82, false],
      [103, true],
    ]);
  });
});

describe('the only pod crash-looping and never Ready again, min-scale 1 (ContainerHealthy False stays through zero)', () => {
  // It serves until 30 s, then its container exits at every start. Requests stop at 10 s.
  const { rec, rev } = runWith(
    world(
      [service('hello', [faulty({ initialPods: 1, annotations: { 'autoscaling.knative.dev/min-scale': '1' } }, [{ kind: 'crash', atSeconds: 30, pods: 1, count: 1000, uptimeSeconds: 0 }])])],
      [uniform(1, 0, 10)],
      { duration: 800 },
    ),
  );
  const scaledToZero = rec.reconciles.find((r) => r.replicas === 0)!.time;

  it('is Unreachable from its exit, and reachable again at zero replicas, where the condition still counts for nothing', () => {
    // Unreachable drops min-scale, and the activation timeout (630 s) of the PA, Activating since its
    // decider first wanted no pod, takes it to zero; with no pod wanted the routing state decides.
    expect(Number(scaledToZero.toFixed(6))).toBe(701.87354);
    const flips = rec.flips();
    expect(flips.slice(0, 2)).toEqual([
      [30, false],
      [701.87354, true],
    ]);
  });

  it('turns Unreachable again the moment min-scale brings a pod back, and stays Ready False until that pod is Ready', () => {
    // Reachable with min-scale 1 scales to 1 at once; the new pod has never exited, but ContainerHealthy is
    // still False (only a ready pod turns it True), so with 1 wanted and none ready the PA is Unreachable
    // until the pod is Ready 2.5 s later.
    const newPod = rec.pods.filter((p) => p.pod.name === 'hello-00001-deployment-0002').map((p) => [p.event, Number(p.time.toFixed(6))]);
    expect(newPod.filter(([e]) => e === 'Pending' || e === 'Ready')).toEqual([
      ['Pending', 701.87354],
      ['Ready', 704.37354],
    ]);
    expect(rec.flips().slice(2)).toEqual([
      [701.87354, false],
      [704.37354, true],
    ]);
    expect(rev.readyFalse.map((p) => [p.atSeconds, Number(p.untilSeconds!.toFixed(6)), p.reason])).toEqual([[30, 704.37354, 'ExitCode1']]);
  });
});
