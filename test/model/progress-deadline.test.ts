/**
 * The progress deadline as Kubernetes' Deployment controller keeps it (progress.go,
 * deployment_util.go DeploymentProgressing): a scale-up that creates pods is progress, so the
 * deadline runs again from it; the controller checks a whole deadline after the last progress
 * as the API server stored it (whole seconds), plus the second it adds.
 */
import { describe, expect, it } from 'vitest';
import { parseAutoscalerConfig } from '../../src/core/autoscaler/config.js';
import { resolveRevisionAutoscaling } from '../../src/core/autoscaler/revision.js';
import type { PodFaultSpec, RevisionSpec } from '../../src/model/spec.js';
import { revision, run, service, world, type RevOpts } from './world-fixture.js';

const faulty = (o: RevOpts, faults: PodFaultSpec[]): RevisionSpec => ({ ...revision(o), faults });
const neverReady: PodFaultSpec = { kind: 'readinessFailure', atSeconds: 0, durationSeconds: Number.POSITIVE_INFINITY, pods: undefined };
const annotations = { 'serving.knative.dev/progress-deadline': '120s', 'autoscaling.knative.dev/min-scale': '1' };

/** A revision whose pods are never Ready, min-scale 1 patched to 2 at `scaleUpAt` (none: never). */
function runScaleUp(scaleUpAt: number | undefined, extra: Record<string, string> = {}) {
  const config = { 'allow-zero-initial-scale': 'true' };
  const svc = service('hello', [faulty({ initialPods: undefined, annotations: { ...annotations, ...extra }, config }, [neverReady])]);
  const autoscaling = resolveRevisionAutoscaling(parseAutoscalerConfig(config), {
    annotations: { ...annotations, ...extra, 'autoscaling.knative.dev/min-scale': '2' },
    containerConcurrency: 0,
  });
  const spec = world([scaleUpAt === undefined ? svc : { ...svc, autoscalingChanges: [{ atSeconds: scaleUpAt, revision: 'hello-00001', autoscaling }] }], [], { duration: 300 });
  const { world: w, rec } = run(spec);
  return { rev: w.services.get('hello')!.revisions[0]!, rec };
}

describe('a 120 s progress deadline and pods that are never Ready', () => {
  it.each<[string, number | undefined, number, number]>([
    // [name, scale-up at, Ready False at, scaled to zero at]
    // Created at 0 s, its first pod too: checked at 0 + 120 + 1 s; the reconcile then requeues the activation timeout (150 s).
    ['no scale-up: the deadline from creation', undefined, 121, 271],
    ['a scale-up at 20 s creates a pod: the deadline runs from there', 20, 141, 291],
    ['a scale-up at 20.7 s: stored as 20 s, so the same check', 20.7, 141, 291],
    // By 161 s the PA has been activating past its 150 s activation timeout: the reconcile then takes it to zero at once.
    ['a scale-up at 40 s: the deadline at 161 s', 40, 161, 161],
  ])('%s', (_name, scaleUpAt, failsAt, zeroAt) => {
    const { rev, rec } = runScaleUp(scaleUpAt);
    expect(rec.pods.filter((p) => p.event === 'Pending').map((p) => p.time)).toEqual(scaleUpAt === undefined ? [0] : [0, scaleUpAt]);
    expect(rev.readyFalse).toEqual([{ atSeconds: failsAt, untilSeconds: undefined, reason: 'ProgressDeadlineExceeded' }]);
    expect(rec.pods.filter((p) => p.event === 'Terminating').every((p) => p.time === zeroAt)).toBe(true);
    expect(rev.replicas).toBe(0);
  });

  it('initial-scale 0: the Deployment, created at 0 of 0, completed at once, so the pod min-scale adds never times out', () => {
    const { rev, rec } = runScaleUp(undefined, { 'autoscaling.knative.dev/initial-scale': '0' });
    expect(rec.pods.filter((p) => p.event === 'Pending').map((p) => p.time)).toEqual([0]);
    // The same pod as in the first case, which fails at 121 s; here nothing fails and min-scale keeps it.
    expect(rev.readyFalse).toEqual([]);
    expect(rev.replicas).toBe(1);
  });
});
