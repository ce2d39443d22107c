import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/output/summary.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario, scenarioFromValue } from '../../src/scenario/load.js';
import { run } from './world-fixture.js';

/** A Knative Service manifest with these template annotations and containerConcurrency. */
function ksvc(name: string, cc: number, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name },
    spec: { template: { metadata: { annotations }, spec: { containerConcurrency: cc, containers: [{ image: 'app' }] } } },
  };
}

/**
 * `busy` (5 pods, 150 rps of 0.2 s requests, CC 10), `idle` (at zero, 2 rps from 130 s to
 * 140 s) and `cpu` (HPA class, 2 pods); the autoscaler is down from 120 s to 150 s.
 */
function scenario(extra: { updates?: unknown[]; busyAnnotations?: Record<string, string>; idleAt?: number; busySteps?: Array<{ at: string; rps: number }> } = {}) {
  const idleAt = extra.idleAt ?? 130;
  return scenarioFromValue(
    {
      name: 'restart',
      seed: 7,
      duration: '240s',
      services: [
        { manifest: ksvc('busy', 10, extra.busyAnnotations), initialPods: 5, app: { serviceTime: '200ms' } },
        { manifest: ksvc('idle', 0), initialPods: 0, app: { serviceTime: '100ms' } },
        {
          manifest: ksvc('cpu', 0, { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/min-scale': '2' }),
          initialPods: 2,
          app: { serviceTime: '100ms' },
        },
      ],
      clients: [
        { name: 'busy-load', service: 'busy', open: { process: 'poisson', rate: { shape: 'step', steps: extra.busySteps ?? [{ at: '0s', rps: 150 }] } } },
        { name: 'idle-load', service: 'idle', open: { process: 'uniform', rate: { shape: 'step', steps: [{ at: '0s', rps: 0 }, { at: `${idleAt}s`, rps: 2 }, { at: `${idleAt + 10}s`, rps: 0 }] } } },
      ],
      updates: extra.updates ?? [{ at: '120s', restartAutoscaler: { downtime: '30s' } }],
    },
    'restart.yaml',
  ).world;
}

describe('a restart of Knative autoscaler', () => {
  const { rec } = run(scenario());
  const decisions = (svc: string) => rec.decisions.filter((d) => d.rev.service.spec.name === svc);

  it('makes no KPA decision while it is down, and the first tick comes 2 s after it is back', () => {
    const busy = decisions('busy');
    expect(busy.filter((d) => d.time > 120 && d.time < 150)).toEqual([]);
    expect(busy.find((d) => d.time >= 150)!.time).toBe(152);
    // Before: every 2 s from the revision's own phase.
    const before = busy.filter((d) => d.time < 120);
    expect(before[before.length - 1]!.time).toBeGreaterThan(118);
  });

  it('leaves the HPA class alone: its controller keeps syncing every 15 s', () => {
    const cpu = decisions('cpu').map((d) => d.time);
    expect(cpu.filter((t) => t >= 120 && t <= 150)).toEqual([120, 135, 150]);
  });

  it('starts the new decider in panic holding the ready pods when more than one is ready', () => {
    const first = decisions('busy').find((d) => d.time >= 150)!;
    expect(first.inPanic).toBe(true);
    expect(first.readyPods).toBe(5);
    expect(first.desired).toBeGreaterThanOrEqual(5);
    // Not in panic just before (steady load).
    expect(decisions('busy').filter((d) => d.time > 100 && d.time < 120).every((d) => !d.inPanic)).toBe(true);
  });

  it('scales nothing from zero while down: requests wait at the activator until the restarted KPA ticks', () => {
    const idlePods = rec.pods.filter((p) => p.pod.revision.service.spec.name === 'idle');
    expect(idlePods[0]!.event).toBe('Pending');
    expect(idlePods[0]!.time).toBe(152);
    const sent = rec.requests.filter((r) => r.service === 'idle');
    const served = sent.filter((r) => r.status === 200);
    expect(served.length).toBe(sent.length);
    expect(served.length).toBeGreaterThanOrEqual(20);
    // The first request (sent at 130 s) waited past the restart, the tick and the cold start.
    const first = served.reduce((a, b) => (a.arrival < b.arrival ? a : b));
    expect(first.arrival).toBeCloseTo(130, 6);
    expect(first.end - first.arrival).toBeGreaterThan(22);
    expect(first.end).toBeGreaterThan(152);
  });

  it('scales from zero at once with the autoscaler up (the control run)', () => {
    const { rec: control } = run(scenario({ updates: [] }));
    const first = control.pods.find((p) => p.pod.revision.service.spec.name === 'idle')!;
    // The activator's poke: the pod is created the instant the first request arrives.
    expect(first.time).toBeGreaterThanOrEqual(130);
    expect(first.time).toBeLessThan(130.01);
  });

  it('puts a Serve revision behind the activator for the resync (want −1), then back in Serve at the first valid tick', () => {
    const { rec: r0 } = run(scenario({ busyAnnotations: { 'autoscaling.knative.dev/target-burst-capacity': '0' } }));
    const busy = r0.decisions.filter((d) => d.rev.service.spec.name === 'busy');
    expect(busy.filter((d) => d.time > 100 && d.time < 120).every((d) => d.sksMode === 'Serve')).toBe(true);
    const first = busy.find((d) => d.time >= 150)!;
    expect(first.time).toBe(152);
    expect(first.sksMode).toBe('Serve');
    // Between the resync and that tick the SKS was in Proxy: requests went through an activator.
    const proxied = r0.requests.filter((q) => q.service === 'busy' && q.route !== 'direct');
    expect(proxied.length).toBeGreaterThan(0);
    for (const q of proxied.filter((x) => x.arrival > 100)) {
      expect(q.arrival).toBeGreaterThanOrEqual(150);
      expect(q.arrival).toBeLessThan(152.01);
    }
  });

  it('starts a revision created while it is down as a new one, once it is back', () => {
    const spec = scenario();
    // The idle Service's revision is created at 135 s instead of at 0 s.
    const idle = spec.services.find((s) => s.name === 'idle')!;
    const late = { ...spec, services: spec.services.map((s) => (s === idle ? { ...s, revisions: s.revisions.map((r) => ({ ...r, createdAtSeconds: 135 })) } : s)) };
    const { rec: r2 } = run(late);
    const d = r2.decisions.filter((x) => x.rev.service.spec.name === 'idle');
    expect(d[0]!.time).toBe(152);
  });

  it('holds a rollout: a revision created while it is down has its pods up but no initialized PA, so the Route moves to it only once it is back', () => {
    const file = resolve(import.meta.dirname, '../../scenarios/blue-green.yaml');
    const greenFrom = (sets: string[]) => {
      const { rec: r } = run(loadScenario(file, { sets }).world);
      const ready = r.pods.find((p) => p.pod.revision.spec.name === 'hello-green' && p.event === 'Ready')!.time;
      const moved = r.traffics.find((t) => (t.percents.get('hello-green') ?? 0) === 100)!.time;
      return { ready, moved };
    };
    const up = greenFrom([]);
    const down = greenFrom(['updates=[{at: 110s, restartAutoscaler: {downtime: 40s}}]']);
    // The same pod start either way (the Deployment is the revision reconciler's).
    expect(down.ready).toBe(up.ready);
    expect(up.moved).toBeLessThan(up.ready + 1);
    expect(down.moved).toBe(150);
  });

  it('ends the panic of the decider it lost: summary.json counts no panic through the downtime, and lists the downtime', () => {
    // `busy` panics when its load jumps to 400 rps at 20 s, and would stay so for a stable window.
    const busySteps = [{ at: '0s', rps: 150 }, { at: '20s', rps: 400 }];
    const summaryOf = (updates: unknown[]) => {
      const out = join(mkdtempSync(join(tmpdir(), 'knsim-restart-')), 'run');
      runWorld(scenario({ updates, busySteps }), { outDir: out, trace: { mode: 'none' } });
      return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    };
    const busyPanic = (s: RunSummary) => s.revisions.find((r) => r.service === 'busy')!.panicSeconds;
    const control = summaryOf([]);
    expect(control.autoscalerDown).toBeUndefined();
    const down = summaryOf([{ at: '30s', restartAutoscaler: { downtime: '20s' } }]);
    expect(down.autoscalerDown).toEqual([{ fromSeconds: 30, untilSeconds: 50 }]);
    const { rec: r3 } = run(scenario({ updates: [{ at: '30s', restartAutoscaler: { downtime: '20s' } }], busySteps }));
    const busy = r3.decisions.filter((d) => d.rev.service.spec.name === 'busy');
    const lastBefore = busy.filter((d) => d.time < 30).pop()!;
    expect(lastBefore.inPanic).toBe(true);
    // The panic before the restart, from the first decision in panic to the restart; the new
    // decider's from its creation when the autoscaler is back (50 s: five pods ready), to its
    // first decision out of panic.
    const firstPanic = busy.find((d) => d.inPanic)!.time;
    const after = busy.filter((d) => d.time >= 50);
    expect(after[0]!.inPanic).toBe(true);
    const restartPanicTo = after.find((d) => !d.inPanic)!.time;
    expect(busyPanic(down)).toBeCloseTo(30 - firstPanic + (restartPanicTo - 50), 3);
    // A downtime past the end of the run: still down at the end.
    expect(summaryOf([{ at: '200s', restartAutoscaler: { downtime: '1h' } }]).autoscalerDown).toEqual([{ fromSeconds: 200, untilSeconds: null }]);
  });
});
