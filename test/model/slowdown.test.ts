import { describe, expect, it } from 'vitest';
import type { ClientSpec, PodFaultSpec, RevisionSpec } from '../../src/model/spec.js';
import { loadScenario } from '../../src/scenario/load.js';
import { catchScenarioError, fixture } from '../scenario/helpers.js';
import { constant, revision, run, service, world } from './world-fixture.js';

const uniform = (rps: number, start: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end }) as ClientSpec;

/** 0.1 s requests at 10 rps from 5 s; a slowdown ×10 from 60 s to 120 s. */
function slowRun(annotations: Record<string, string>, fault: Partial<Extract<PodFaultSpec, { kind: 'slowdown' }>> = {}) {
  const rev: RevisionSpec = {
    ...revision({ initialPods: undefined, serviceTime: constant(0.1), annotations }),
    faults: [{ kind: 'slowdown', atSeconds: 60, durationSeconds: 60, factor: 10, pods: undefined, ...fault }],
  };
  return run(world([service('hello', [rev])], [uniform(10, 5, 200)], { duration: 220, activators: 1 }));
}

const pinned = { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2' };
const inWindow = (t: number) => t >= 60 && t < 120;

describe('a slowdown', () => {
  it('stretches the service time of the requests that start in the window, and only theirs', () => {
    const { rec } = slowRun(pinned);
    const served = rec.requests.filter((r) => r.status === 200);
    expect(served.filter((r) => inWindow(r.serviceStart)).length).toBeGreaterThan(500);
    for (const r of served) expect(r.end - r.serviceStart).toBeCloseTo(inWindow(r.serviceStart) ? 1 : 0.1, 9);
  });

  it('with pods: N, on the oldest N pods only', () => {
    const { rec } = slowRun(pinned, { pods: 1 });
    const served = rec.requests.filter((r) => r.status === 200 && inWindow(r.serviceStart));
    const onPod1 = served.filter((r) => r.pod!.name.endsWith('-0001'));
    expect(onPod1.length).toBeGreaterThan(30);
    expect(served.length - onPod1.length).toBeGreaterThan(30);
    for (const r of served) expect(r.end - r.serviceStart).toBeCloseTo(r.pod!.name.endsWith('-0001') ? 1 : 0.1, 9);
  });

  it('overlapping windows multiply, and the factor is exactly 1 again after both', () => {
    const rev: RevisionSpec = {
      ...revision({ initialPods: undefined, serviceTime: constant(0.1), annotations: pinned }),
      faults: [
        { kind: 'slowdown', atSeconds: 60, durationSeconds: 60, factor: 3, pods: undefined },
        { kind: 'slowdown', atSeconds: 90, durationSeconds: 60, factor: 7, pods: undefined },
      ],
    };
    const { world: w, rec } = run(world([service('hello', [rev])], [uniform(10, 5, 200)], { duration: 220, activators: 1 }));
    const factor = (t: number) => (t >= 60 && t < 120 ? 3 : 1) * (t >= 90 && t < 150 ? 7 : 1);
    const served = rec.requests.filter((q) => q.status === 200);
    expect(served.filter((r) => factor(r.serviceStart) === 21).length).toBeGreaterThan(200);
    for (const r of served) expect(r.end - r.serviceStart).toBeCloseTo(0.1 * factor(r.serviceStart), 9);
    expect(w.services.get('hello')!.revisions[0]!.slowdown).toBe(1);
  });

  it('raises concurrency, so the KPA scales up on the concurrency metric and not on rps', () => {
    const max = (r: ReturnType<typeof slowRun>) => Math.max(...r.rec.samples.filter((s) => s.time > 70 && s.time < 120).map((s) => s.ready));
    const before = (r: ReturnType<typeof slowRun>) => Math.max(...r.rec.samples.filter((s) => s.time > 40 && s.time < 60).map((s) => s.ready));
    // 10 rps × 0.1 s = 1 in flight at a target of 1: one pod; × 1 s in the window: 10 in flight, about 10 pods.
    const concurrency = slowRun({ 'autoscaling.knative.dev/target': '1' });
    expect(before(concurrency)).toBeLessThanOrEqual(2);
    expect(max(concurrency)).toBeGreaterThanOrEqual(9);
    // 10 rps at a target of 10 rps per pod: one pod whatever each request takes.
    const rps = slowRun({ 'autoscaling.knative.dev/metric': 'rps', 'autoscaling.knative.dev/target': '10' });
    expect(max(rps)).toBeLessThanOrEqual(2);
  });
});

describe('a slowdown with the CPU model', () => {
  const BASE = fixture('base.yaml');
  const cpu = (app: string) => [`services[0].app=${app}`, 'services[0].manifest.spec.template.spec.containers[0].resources={limits: {cpu: "4"}}'];
  it('stretches the non-CPU wait, not the CPU work', () => {
    const loaded = loadScenario(BASE, { sets: cpu('{cpu: {work: 10ms, wait: 100ms}, faults: [{kind: slowdown, at: 1m, duration: 1m, factor: 5}]}') });
    const { rec } = run(loaded.world);
    const served = rec.requests.filter((r) => r.status === 200);
    const took = (from: number, to: number) => served.filter((r) => r.serviceStart >= from && r.serviceStart < to).map((r) => r.end - r.serviceStart);
    // 4 cores for a handful of requests in flight: each gets a core, so 0.1 s + 0.01 s, then 0.5 s + 0.01 s.
    for (const t of took(10, 60)) expect(t).toBeCloseTo(0.11, 6);
    for (const t of took(60, 120)) expect(t).toBeCloseTo(0.51, 6);
    for (const t of took(120, 300)) expect(t).toBeCloseTo(0.11, 6);
    expect(took(60, 120).length).toBeGreaterThan(300);
  });

  it.each([
    { app: '{cpu: {work: 10ms}, faults: [{kind: slowdown, factor: 5}]}', rule: 'this app has none: set cpu.wait' },
    { app: '{profile: [{concurrency: 1, latency: 100ms}], faults: [{kind: slowdown, factor: 5}]}', rule: 'not simulated for an app given by a measured profile' },
  ])('is refused where it would change nothing or is not simulated: $rule', ({ app, rule }) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets: cpu(app) }));
    expect(e.path).toBe('services[0].app.faults[0]');
    expect(e.rule).toContain(rule);
  });
});

describe('a slowdown as written', () => {
  const BASE = fixture('base.yaml');
  it('defaults to every pod from the start to the end', () => {
    const r = loadScenario(BASE, { sets: ['services[0].app.faults=[{kind: slowdown, factor: 3}]'] }).world.services[0]!.revisions[0]!;
    expect(r.faults).toEqual([{ kind: 'slowdown', atSeconds: 0, durationSeconds: Number.POSITIVE_INFINITY, factor: 3, pods: undefined }]);
  });
  it.each(['0', '-2', '2e6'])('refuses a factor of %s', (factor) => {
    const e = catchScenarioError(() => loadScenario(BASE, { sets: [`services[0].app.faults=[{kind: slowdown, factor: ${factor}}]`] }));
    expect(e.path).toBe('services[0].app.faults[0].factor');
  });
});
