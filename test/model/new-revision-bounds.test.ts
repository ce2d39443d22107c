/**
 * A new revision's PA is reconciled again as soon as its SKS reports its private service
 * (upstream's KPA watches the SKS), so an activating revision gets its bounds at creation:
 * min-scale pods are asked for at once, and an initial-scale 0 revision is Ready at zero.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATUS_NO_ROUTE, STATUS_OK } from '../../src/model/request.js';
import type { ClientSpec } from '../../src/model/spec.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { revision, run, service, world } from './world-fixture.js';

const MIN = 'autoscaling.knative.dev/min-scale';
const INITIAL = 'autoscaling.knative.dev/initial-scale';
const ZERO_ALLOWED = { 'allow-zero-initial-scale': 'true' };

const load = (rps: number, start: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end }) as ClientSpec;

/** A revision created at t = 5 (not running before the run), fastPodStart: Ready 2.5 s after creation. */
function fresh(annotations: Record<string, string>, config: Record<string, string> = {}) {
  const rev = revision({ initialPods: undefined, createdAt: 5, annotations, config });
  const { rec, world: w } = run(world([service('hello', [rev])], [load(5, 20, 40)], { duration: 90, config }));
  const events = (e: string) => rec.pods.filter((p) => p.event === e).map((p) => p.time);
  return { rec, w, events };
}

describe('min-scale 4 on a new revision', () => {
  const { rec, events } = fresh({ [MIN]: '4' });

  it('asks for all four pods when the revision is created, not when the first one is Ready', () => {
    expect(events('Pending')).toEqual([5, 5, 5, 5]);
    expect(events('Ready')).toEqual([7.5, 7.5, 7.5, 7.5]);
  });

  it('the PA wants 4 from the first tick (one period after creation) on', () => {
    const first = rec.decisions[0]!;
    expect([first.time, first.valid, first.want, first.activators]).toEqual([7, false, 4, 3]);
    expect(rec.requests.every((r) => r.status === STATUS_OK)).toBe(true);
  });
});

describe('initial-scale 0 with allow-zero-initial-scale', () => {
  const { rec, w, events } = fresh({ [INITIAL]: '0' }, ZERO_ALLOWED);
  const rev = w.services.get('hello')!.revisions[0]!;

  it('is Ready and routable at creation with no pods', () => {
    expect(rec.traffics[0]).toMatchObject({ time: 5 });
    expect(rec.traffics[0]!.percents.get('hello-00001')).toBe(100);
    expect(events('Pending').every((t) => t > 20)).toBe(true);
    expect(rev.autoscaler.pa.scaleTargetInitialized).toBe(true);
  });

  it('is never Ready False: the reconcile that creates the SKS leaves the PA without a service name', () => {
    // Upstream's PropagateAutoscalerStatus fails an Inactive, uninitialized PA only once it names its service.
    expect(rev.readyFalse).toEqual([]);
    expect(rev.failure).toBeUndefined();
  });

  it('the first requests scale it from zero at the next tick; none gets a 404', () => {
    // Load from 20 s; the activator's stat makes the tick at 21 s (5 + 2k) valid with desired 1.
    expect(events('Pending')[0]).toBe(21);
    expect(events('Ready')[0]).toBe(23.5);
    expect(rec.requests).toHaveLength(100);
    expect(rec.requests.filter((r) => r.status === STATUS_NO_ROUTE)).toHaveLength(0);
    expect(rec.requests.every((r) => r.status === STATUS_OK)).toBe(true);
    const cold = rec.requests.filter((r) => r.cold);
    // 5 rps from 20 s until the pod is found healthy: scheduled 21.5 s, its queue-proxy up at 22.5 s (a probe
    // round of the 200 ms grid from 21.5 s), readiness 23.0 s, which the queue-proxy's 50 ms check sees at once.
    expect(cold.every((r) => r.route === 'activator' && r.arrival < 23)).toBe(true);
    expect(cold).toHaveLength(15);
  });
});

describe('the run outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-new-revision-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let runs = 0;
  const scenario = (annotations: string, configMap: string) => {
    const file = join(dir, `scenario-${++runs}.yaml`);
    writeFileSync(
      file,
      `name: bounds-at-creation
duration: 60s
${configMap}services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: hello }
      spec:
        template:
          metadata:
            annotations: { ${annotations} }
          spec:
            containers: [{ image: registry.example.com/hello:1.0 }]
    podStart: { kubeletReadyLag: 500ms }
clients:
  - name: load
    service: hello
    open:
      process: uniform
      rate: { shape: step, steps: [{ at: 0s, rps: 0 }, { at: 20s, rps: 5 }, { at: 30s, rps: 0 }] }
`,
    );
    const out = join(dir, `out-${runs}`);
    runWorld(loadScenario(file).world, { outDir: out, trace: { mode: 'full' } });
    const csv = (name: string) => readFileSync(join(out, name), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    return { pods: csv('pods.csv'), requests: csv('requests.csv') };
  };

  it('pods.csv: min-scale 4 creates four pods at t = 0', () => {
    const { pods } = scenario('autoscaling.knative.dev/min-scale: "4"', '');
    const pending = pods.filter((r) => r[4] === 'Pending');
    expect(pending.map((r) => [r[0], r[3]])).toEqual([1, 2, 3, 4].map((i) => ['0.000000', `hello-00001-deployment-000${i}`]));
  });

  it('pods.csv and requests.csv: initial-scale 0 has no pod before the load and serves every request', () => {
    const { pods, requests } = scenario('autoscaling.knative.dev/initial-scale: "0"', 'configMaps:\n  config-autoscaler: { allow-zero-initial-scale: "true" }\n');
    const pending = pods.filter((r) => r[4] === 'Pending');
    expect(pending).toHaveLength(1);
    expect(Number(pending[0]![0])).toBeGreaterThan(20);
    expect(Number(pending[0]![0])).toBeLessThanOrEqual(22);
    // 5 rps for 10 s (the uniform process may put one more at each end of the step).
    expect(requests.length).toBeGreaterThanOrEqual(50);
    expect(requests.length).toBeLessThanOrEqual(52);
    expect(requests.filter((r) => r[8] !== '200')).toHaveLength(0);
  });
});
