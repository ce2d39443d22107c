/**
 * The HPA class driven by the decision loop: a revision annotated with the HPA class and
 * synthetic CPU load scales as the HPA controller would, on its 15 s sync, with the SKS in
 * Serve and never below one pod.
 */
import { describe, expect, it } from 'vitest';
import {
  DecisionLoop,
  defaultAutoscalerClasses,
  defaultAutoscalerConfig,
  resolveHpaRevisionAutoscaling,
  type PodResourceSample,
} from '../../../src/core/autoscaler/index.js';

const HPA = 'hpa.autoscaling.knative.dev';

function revision(annotations: Record<string, string>) {
  return resolveHpaRevisionAutoscaling(defaultAutoscalerConfig, {
    containerConcurrency: 0,
    annotations: { 'autoscaling.knative.dev/class': HPA, ...annotations },
  });
}

/**
 * Runs the loop for `until` seconds: a Deployment whose pods start and become Ready the
 * instant they are created, sharing `demand(t)` millicores equally (request 1000 m each),
 * sampled by metrics-server just before each sync.
 */
function run(annotations: Record<string, string>, demand: (t: number) => number, until: number) {
  const autoscaling = revision(annotations);
  const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 0 });
  let replicas = autoscaling.initialScale;
  let created: number[] = Array.from({ length: replicas }, () => 0);
  const trace: Array<[number, number]> = [];
  while (loop.nextTickSeconds <= until) {
    const t = loop.nextTickSeconds;
    const each = demand(t) / replicas;
    const pods: PodResourceSample[] = created.map((c, i) => ({ name: `r-${i}`, ready: true, startTimeSeconds: c, cpuRequestMillicores: 1000, cpuMillicores: each }));
    loop.recordScrape({ timeSeconds: t, averageConcurrentRequests: 0, requestCount: 0, pods });
    const d = loop.tick(t, replicas);
    if (d.notify) {
      const r = loop.reconcile(t, { pods: { ready: replicas }, deploymentReplicas: replicas });
      expect(r.output.sksMode).toBe('Serve');
      if (r.applyReplicas !== undefined) {
        const n = r.applyReplicas;
        created = n > replicas ? created.concat(Array.from({ length: n - replicas }, () => t)) : created.slice(0, n);
        replicas = n;
      }
    }
    trace.push([t, replicas]);
  }
  return { loop, trace };
}

describe('HPA class in the decision loop', () => {
  it('ticks on the 15 s HPA sync from creation, not the KPA 2 s decider', () => {
    const { trace } = run({ 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '50' }, () => 0, 60);
    expect(trace.map(([t]) => t)).toEqual([15, 30, 45, 60]);
  });

  it('3500 m of CPU at target 50: 1 → 4 (legacy limit max(2, 4)) → 7 (raw ceil(1.74 × 4)), holds 7; load gone: 7 for 300 s, then 1, never 0', () => {
    const demand = (t: number): number => (t <= 120 ? 3500 : 0);
    const { loop, trace } = run({ 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '50' }, demand, 480);
    const at = (t: number): number | undefined => trace.find(([x]) => x === t)?.[1];
    expect([at(15), at(30), at(45), at(120)]).toEqual([4, 7, 7, 7]);
    // From 135 the recommendation is 0; the last 7 (t = 120) ages out of the 300 s window after t = 420.
    expect(at(420)).toBe(7);
    expect(at(435)).toBe(1);
    expect(Math.min(...trace.map(([, r]) => r))).toBe(1);
    expect(loop.scaleBounds()).toEqual({ min: 1, max: 0, scaleToZero: false });
    // The PA mirrors the HPA status of the last sync (t = 480): spec.replicas 1, desired 1.
    expect(loop.pa).toMatchObject({ active: 'Active', scaleTargetInitialized: true, desiredScale: 1, actualScale: 1 });
  });

  it('with window "20s" (behavior path) the first sync is held by the initial record and the rise is +4 or ×2 per 15 s', () => {
    const { trace } = run({ 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '50', 'autoscaling.knative.dev/window': '20s' }, () => 10000, 90);
    expect(trace).toEqual([[15, 1], [30, 1], [45, 5], [60, 10], [75, 20], [90, 20]]);
  });

  it('min-scale and max-scale bound the HPA; max-scale 3 caps the rise', () => {
    const { trace, loop } = run(
      { 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '50', 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '3' },
      () => 10000,
      45,
    );
    // Deployment starts at initial-scale 1 < min 2: the first sync goes to min without metrics.
    expect(trace).toEqual([[15, 2], [30, 3], [45, 3]]);
    expect(loop.scaleBounds()).toEqual({ min: 2, max: 3, scaleToZero: false });
  });

  it('without samples the HPA cannot compute a metric and leaves the scale alone', () => {
    const autoscaling = revision({});
    const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 0 });
    const d = loop.tick(15, 1);
    expect(d.evaluation?.valid).toBe(false);
    const r = loop.reconcile(15, { pods: { ready: 1 }, deploymentReplicas: 1 });
    expect(r.applyReplicas).toBeUndefined();
    // The PA copies the HPA status: current 1 read at the sync, desired never computed (0).
    expect(loop.pa).toMatchObject({ desiredScale: 0, actualScale: 1, scaleTargetInitialized: true });
    expect(autoscaling.hpa).toEqual({ metric: 'cpu', target: undefined, minScale: 0, maxScale: 0, windowSeconds: undefined });
  });

  it('A1: target "50", 4 pods at 1000 m ⇒ 4 → 8 at the first sync; the PA copies the HPA status: ActualScale 4 (spec.replicas read at the sync), DesiredScale 8', () => {
    const autoscaling = revision({ 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target': '50', 'autoscaling.knative.dev/initial-scale': '4' });
    const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 0 });
    const pods: PodResourceSample[] = [0, 1, 2, 3].map((i) => ({ name: `r-${i}`, ready: true, startTimeSeconds: -1000, cpuRequestMillicores: 1000, cpuMillicores: 1000 }));
    loop.recordScrape({ timeSeconds: 15, averageConcurrentRequests: 0, requestCount: 0, pods });
    loop.tick(15, 4);
    const r = loop.reconcile(15, { pods: { ready: 4 }, deploymentReplicas: 4 });
    expect(r.applyReplicas).toBe(8);
    expect(loop.pa).toMatchObject({ actualScale: 4, desiredScale: 8 });
  });

  it('memory target "200" (A6): 300 and 340 MiB working sets ⇒ observed 320 in MiB, the unit of the target, ratio 1.6 ⇒ 2 → 4', () => {
    const autoscaling = revision({ 'autoscaling.knative.dev/metric': 'memory', 'autoscaling.knative.dev/target': '200', 'autoscaling.knative.dev/initial-scale': '2' });
    const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 0 });
    const MiB = 1024 * 1024;
    const pods: PodResourceSample[] = [300, 340].map((m, i) => ({ name: `r-${i}`, ready: true, startTimeSeconds: 0, memoryRequestBytes: 256 * MiB, memoryBytes: m * MiB }));
    loop.recordScrape({ timeSeconds: 15, averageConcurrentRequests: 0, requestCount: 0, pods });
    const d = loop.tick(15, 2);
    expect([d.evaluation?.valid, d.evaluation?.observedStable, d.evaluation?.desiredPodCount]).toEqual([true, 320, 4]);
  });

  it('initial-scale 0: never ScaleTargetInitialized, though the new HPA\'s empty status (currentReplicas 0) meets max(min 0, 0): with no pod the SKS is never Ready (NoHealthyBackends); the HPA leaves the Deployment at 0', () => {
    const cfg = { ...defaultAutoscalerConfig, allowZeroInitialScale: true };
    const autoscaling = resolveHpaRevisionAutoscaling(cfg, { containerConcurrency: 0, annotations: { 'autoscaling.knative.dev/class': HPA, 'autoscaling.knative.dev/initial-scale': '0' } });
    expect(autoscaling.initialScale).toBe(0);
    const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 0 });
    loop.reconcile(0, { pods: { ready: 0 }, deploymentReplicas: 0 });
    expect(loop.pa).toMatchObject({ scaleTargetInitialized: false, desiredScale: 0, actualScale: 0 });
    // spec.replicas 0 with minReplicas 1 (the API default): scaling is disabled, nothing is written.
    loop.tick(15, 0);
    const r = loop.reconcile(15, { pods: { ready: 0 }, deploymentReplicas: 0 });
    expect(r.applyReplicas).toBeUndefined();
    expect(loop.pa).toMatchObject({ scaleTargetInitialized: false, desiredScale: 0, actualScale: 0 });
  });

  it('initial-scale 1, its pod Ready only at 32 s: the 15 s sync writes currentReplicas 1, but the PA is initialized only when the SKS has a ready endpoint (32 s)', () => {
    const loop = new DecisionLoop({ revision: 'r', autoscaling: revision({}), nowSeconds: 0 });
    loop.reconcile(0, { pods: { ready: 0, pending: 1 }, deploymentReplicas: 1 });
    // No metrics yet (the pod is still pulling its image): the HPA fails, but its status reads the Deployment's 1 replica.
    loop.recordScrape({ timeSeconds: 15, averageConcurrentRequests: 0, requestCount: 0, pods: [{ name: 'r-0', phase: 'Pending', cpuRequestMillicores: 1000 }] });
    loop.tick(15, 0);
    loop.reconcile(15, { pods: { ready: 0, pending: 1 }, deploymentReplicas: 1 });
    expect(loop.pa).toMatchObject({ scaleTargetInitialized: false, actualScale: 1 });
    loop.reconcile(32, { pods: { ready: 1 }, deploymentReplicas: 1 });
    expect(loop.pa).toMatchObject({ scaleTargetInitialized: true, actualScale: 1 });
  });

  it('initial-scale 3: not initialized until the first sync reads the Deployment\'s 3 replicas (the status before it says 0)', () => {
    const autoscaling = revision({ 'autoscaling.knative.dev/initial-scale': '3' });
    const loop = new DecisionLoop({ revision: 'r', autoscaling, nowSeconds: 0 });
    loop.reconcile(0, { pods: { ready: 3 }, deploymentReplicas: 3 });
    expect(loop.pa.scaleTargetInitialized).toBe(false);
    const pods: PodResourceSample[] = [0, 1, 2].map((i) => ({ name: `r-${i}`, ready: true, startTimeSeconds: 0, cpuRequestMillicores: 1000, cpuMillicores: 100 }));
    loop.recordScrape({ timeSeconds: 15, averageConcurrentRequests: 0, requestCount: 0, pods });
    loop.tick(15, 3);
    loop.reconcile(15, { pods: { ready: 3 }, deploymentReplicas: 3 });
    // Low load, but the first sync's initial recommendation (3) holds the scale-down for 300 s.
    expect(loop.pa).toMatchObject({ scaleTargetInitialized: true, desiredScale: 3, actualScale: 3 });
  });

  it('is in the default registry and refuses KPA-resolved settings', () => {
    expect(defaultAutoscalerClasses().has(HPA)).toBe(true);
    expect(() => revision({ 'autoscaling.knative.dev/metric': '' })).toThrow(/needs a metric/);
  });
});
