import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/adapter/backoff.js';
import { adapterAutoscaling, KNSIM_CLASS } from '../../src/adapter/revisions.js';
import { DecisionLoop, defaultAutoscalerConfig } from '../../src/core/autoscaler/index.js';

const T = 1000;
const autoscaling = (annotations: Record<string, string> = {}, allowScaleToZero = true) =>
  adapterAutoscaling(defaultAutoscalerConfig, { annotations: { 'autoscaling.knative.dev/class': KNSIM_CLASS, ...annotations }, containerConcurrency: 0 }, { reachable: true, allowScaleToZero });
const pods = (ready: number) => ({ ready, notReady: 0, pending: 0, terminating: 0 });
const stat = (t: number, c: number) => ({ timeSeconds: t, averageConcurrentRequests: c, requestCount: c });

describe('adapter settings', () => {
  it('reads the knsim class as the KPA, keeps min/max-scale, and turns scale-to-zero off unless allowed', () => {
    const a = autoscaling({ 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '9', 'autoscaling.knative.dev/target': '50' }, false);
    expect(a).toMatchObject({ class: 'kpa.autoscaling.knative.dev', minScale: 2, maxScale: 9, enableScaleToZero: false });
    expect(a.deciderSpec.targetValue).toBe(35);
    expect(autoscaling({}, true).enableScaleToZero).toBe(true);
    expect(() => autoscaling({ 'autoscaling.knative.dev/min-scale': 'lots' })).toThrow(/min-scale/);
    expect(KNSIM_CLASS.endsWith('.knative.dev')).toBe(false);
  });

  // Kubernetes refuses a Deployment whose progressDeadlineSeconds is not in [1, 2^31 − 1], so Knative
  // never creates such a revision's pods. The adapter managed it with a 0 s deadline (a 30 s activation timeout).
  it.each([
    { value: '0s', shown: '0' },
    { value: '', shown: '0, from the empty value' },
    { value: '2147483648s', shown: '2147483648' },
  ])('refuses a progress-deadline annotation of $value', ({ value, shown }) => {
    expect(() => autoscaling({ 'serving.knative.dev/progress-deadline': value })).toThrow(
      `annotations["serving.knative.dev/progress-deadline"]: the revision would never run: Kubernetes refuses its Deployment, whose progressDeadlineSeconds (${shown}) must be in [1, 2147483647]`,
    );
  });

  it("takes config-deployment's progress deadline (activation fails 30 s after it), which the annotation overrides", () => {
    // The adapter used Knative's 600 s whatever the cluster's config-deployment said.
    const rev = (annotations: Record<string, string>) => ({ annotations: { 'autoscaling.knative.dev/class': KNSIM_CLASS, ...annotations }, containerConcurrency: 0 });
    const opts = { reachable: true, allowScaleToZero: true, progressDeadlineSeconds: 120 };
    const a = adapterAutoscaling(defaultAutoscalerConfig, rev({}), opts);
    expect([a.progressDeadlineSeconds, a.activationTimeoutSeconds]).toEqual([120, 150]);
    const b = adapterAutoscaling(defaultAutoscalerConfig, rev({ 'serving.knative.dev/progress-deadline': '45s' }), opts);
    expect([b.progressDeadlineSeconds, b.activationTimeoutSeconds]).toEqual([45, 75]);
  });

  it('takes a 1s progress-deadline annotation: activation fails 31 s after it starts', () => {
    const a = autoscaling({ 'serving.knative.dev/progress-deadline': '1s' });
    expect([a.progressDeadlineSeconds, a.activationTimeoutSeconds]).toEqual([1, 31]);
  });
});

describe('the decision loop as the adapter drives it', () => {
  it('holds while ready pods have had no good scrape for stale-after seconds', () => {
    const loop = new DecisionLoop({ revision: 'r', autoscaling: autoscaling({ 'autoscaling.knative.dev/target': '10' }), nowSeconds: T, existingPods: 2, staleAfterSeconds: 5 });
    loop.recordScrape(stat(T + 1, 14));
    expect(loop.decide(T + 2, 2).evaluation?.valid).toBe(true);
    expect(loop.isStale(T + 6)).toBe(false);
    expect(loop.isStale(T + 6.5)).toBe(true);
    const held = loop.decide(T + 8, 2);
    expect(held).toMatchObject({ hold: 'stale-metrics', evaluation: undefined, notify: false });
    expect(loop.record(held, loop.sksSpec)).toMatchObject({ valid: false, hold: 'stale-metrics', desired: 2 });
    // An empty scrape (no pods to ask) is a good scrape too.
    loop.recordEmptyScrape(T + 9);
    expect(loop.isStale(T + 10)).toBe(false);
    // Pods that just became ready get stale-after seconds for their first scrape.
    const fresh = new DecisionLoop({ revision: 'r2', autoscaling: autoscaling(), nowSeconds: T, staleAfterSeconds: 5 });
    expect(fresh.decide(T + 100, 0).hold).toBeUndefined();
    expect(fresh.decide(T + 102, 1).hold).toBeUndefined();
    expect(fresh.decide(T + 108, 1).hold).toBe('stale-metrics');
  });

  it('never scales on no data: the decider is invalid and nothing is due', () => {
    const loop = new DecisionLoop({ revision: 'r', autoscaling: autoscaling(), nowSeconds: T, existingPods: 3, staleAfterSeconds: 5 });
    const d = loop.decide(T + 2, 3);
    expect(d.evaluation?.valid).toBe(false);
    expect(d.notify).toBe(false);
    expect(loop.reconcileDue(T + 2)).toBe(false);
    expect(loop.decide(T + 4, undefined)).toMatchObject({ hold: 'pods-unknown', notify: false });
  });

  it('asks for reconciles on notify, pod changes and requeues, and follows the scale-to-zero timers', () => {
    const loop = new DecisionLoop({ revision: 'r', autoscaling: autoscaling(), nowSeconds: T, existingPods: 2, staleAfterSeconds: 5 });
    expect(loop.observePods(T, pods(2))).toBe(false); // nothing reconciled yet to compare with
    loop.reconcile(T, { pods: pods(2), deploymentReplicas: 2 });
    expect(loop.reconcileDue(T)).toBe(false);
    expect(loop.observePods(T + 1, pods(1))).toBe(true);
    expect(loop.reconcileDue(T + 1)).toBe(true);
    expect(loop.reconcile(T + 1, { pods: pods(1), deploymentReplicas: 2 }).applyReplicas).toBeUndefined();
    expect(loop.reconcileDue(T + 1)).toBe(false);
    // Idle: desired 0; the PA, active for long, goes inactive; the KPA requeues to finish scaling to zero.
    loop.recordScrape(stat(T + 1, 0));
    const d = loop.decide(T + 2, 1);
    expect(d.notify).toBe(true);
    expect(loop.reconcileDue(T + 2)).toBe(true);
    const r = loop.reconcile(T + 2, { pods: pods(1), deploymentReplicas: 2 });
    expect(r.output.want).toBe(0);
    expect(r.applyReplicas).toBeUndefined();
    expect(r.output.requeueAfterSeconds).toBe(3); // the SKS was already in Proxy (EBC < 0 with 2 pods)
    expect(loop.sksSpecMode).toBe('Proxy');
    expect(loop.reconcileDue(T + 4)).toBe(false);
    expect(loop.reconcileDue(T + 5)).toBe(true);
    // The adapter polls: the reconcile that runs once the requeue is due takes it.
    expect(loop.takeRequeue(T + 5)).toBe(true);
    const z = loop.reconcile(T + 5, { pods: pods(1), deploymentReplicas: 2 });
    expect(loop.pa.active).toBe('Inactive');
    // The activator has been in the path since the loop started (T): grace 30 s − 5 s.
    expect(z.output.requeueAfterSeconds).toBe(25);
    expect(z.applyReplicas).toBeUndefined();
    expect(loop.reconcileDue(T + 29)).toBe(false);
    expect(loop.reconcileDue(T + 30)).toBe(true);
    expect(loop.reconcile(T + 30, { pods: pods(1), deploymentReplicas: 2 }).applyReplicas).toBe(0);
  });
});

describe('Backoff', () => {
  it('doubles up to the cap and resets on success', () => {
    const b = new Backoff({ initialSeconds: 1, maxSeconds: 5, jitter: 0 });
    expect([b.fail(0), b.fail(1), b.fail(3), b.fail(7), b.fail(12)]).toEqual([1, 2, 4, 5, 5]);
    expect(b.ready(16)).toBe(false);
    expect(b.ready(17)).toBe(true);
    b.succeed();
    expect(b.failureCount).toBe(0);
    expect(b.ready(0)).toBe(true);
    const j = new Backoff({ initialSeconds: 1, maxSeconds: 60, jitter: 0.5, random: () => 0.5 });
    expect(j.fail(0)).toBe(1.25);
    expect(() => new Backoff({ initialSeconds: 0, maxSeconds: 1 })).toThrow(RangeError);
  });
});
