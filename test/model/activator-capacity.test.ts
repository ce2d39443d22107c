/**
 * The activator's capacity (`cluster.activatorCpu`): each proxied request costs activator
 * CPU, requests in an activator share its CPU limit, and the activator HPA (CPU 100 % of
 * the 300m request, min 1, max 20) scales the pool, through core's HPA controller.
 */
import { describe, expect, it } from 'vitest';
import { STATUS_OK } from '../../src/model/request.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';
import { World } from '../../src/model/world.js';
import { catchScenarioError } from '../scenario/helpers.js';

function scenario(cluster: Record<string, unknown> | undefined) {
  return {
    name: 't',
    duration: '3m',
    ...(cluster !== undefined ? { cluster } : {}),
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'fast' },
          // TBC -1 keeps the activator in the path; three pods are plenty for 300 rps of 10 ms.
          spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/target-burst-capacity': '-1', 'autoscaling.knative.dev/min-scale': '3' } }, spec: { containers: [{ image: 'app' }] } } },
        },
        initialPods: 3,
        app: { serviceTime: '10ms' },
      },
    ],
    clients: [{ name: 'load', service: 'fast', open: { process: 'uniform', rate: { shape: 'step', steps: [{ at: '0s', rps: 50 }, { at: '30s', rps: 300 }] } } }],
  };
}

function simulate(cluster: Record<string, unknown> | undefined) {
  const loaded = scenarioFromValue(scenario(cluster), 's.yaml');
  const rec = new MemoryRecorder();
  const world = new World(loaded.world, rec);
  world.run();
  const latency = (from: number, to: number, q: number): number => {
    const l = rec.requests.filter((r) => r.arrival >= from && r.arrival < to).map((r) => r.end - r.arrival).sort((a, b) => a - b);
    return l[Math.floor(l.length * q)]!;
  };
  return { world, rec, latency };
}

describe('activator capacity', () => {
  // 5 ms of activator CPU per request: one activator (limit 1 CPU) proxies at most 200 rps.
  const withCpu = simulate({ activators: 1, activatorCpu: { perRequest: '5ms' } });
  const without = simulate({ activators: 1 });

  it('below its limit an activator adds its CPU time per request: 16 ms = 1 ms ingress + 5 ms activator + 10 ms app (11 ms without)', () => {
    expect(withCpu.latency(0, 30, 0.5)).toBeCloseTo(0.016, 6);
    expect(withCpu.latency(0, 30, 0.95)).toBeCloseTo(0.016, 6);
    expect(without.latency(0, 30, 0.95)).toBeCloseTo(0.011, 6);
  });

  it('at its CPU limit (300 rps need 1.5 cores) requests share the core and latency climbs to seconds', () => {
    expect(withCpu.latency(30, 45, 0.5)).toBeGreaterThan(1);
    expect(without.latency(30, 45, 0.95)).toBeCloseTo(0.011, 6);
    expect(withCpu.rec.requests.every((r) => r.status === STATUS_OK)).toBe(true);
  });

  it('the activator HPA reads the scrape of its own instant and scales out within max(2 × current, 4) per sync (1 → 4 → 8), and latency returns to 16 ms', () => {
    const pool = withCpu.world.activatorPool!;
    // 50 rps × 5 ms = 250m on a 300m request: 83 %, ratio 0.83 ⇒ raw 1 at t = 15 and 30 (no change).
    expect(pool.scaleEvents).toEqual([
      // The t = 45 scrape covers [30, 45]: 300 rps need 1.5 cores, the limit gives 1000m: 333 % ⇒ raw 4, limit 4.
      { timeSeconds: 45, from: 1, to: 4, utilizationPercent: 333 },
      // t = 60: the three new ones (Ready at 55) are missing (first scraped 15 s old), counted 0 on a scale-up:
      // 1000 / 1200 = 83 % reverses the move ⇒ stays 4. t = 75: 1000m + 3 × 375m over 4 × 300m = 177 % ⇒ ⌈1.77 × 4⌉ = 8.
      { timeSeconds: 75, from: 4, to: 8, utilizationPercent: 177 },
    ]);
    for (const e of pool.scaleEvents) expect(e.to).toBeLessThanOrEqual(Math.max(2 * e.from, 4));
    expect(withCpu.world.servingActivators.map((a) => a.name)).toEqual(Array.from({ length: 8 }, (_, i) => `activator-${i}`));
    expect(withCpu.latency(100, 180, 0.95)).toBeCloseTo(0.016, 6);
    // 8 activators at 1.5 cores: 188m each, 62 % of the request (scale-down waits the 300 s window).
    expect(pool.summary(180, 1)).toMatchObject({ initial: 1, final: 8, max: 8 });
    expect(pool.summary(180, 1).cpuSeconds).toBeCloseTo(0.005 * withCpu.rec.requests.length, 0);
  });

  it('without activatorCpu the pool is fixed and nothing is scaled', () => {
    expect(without.world.activatorPool).toBeUndefined();
    expect(without.world.activators.length).toBe(1);
  });
});

describe('an activator the HPA scales away drains as upstream does', () => {
  // Three activators at 1 % of their CPU request: the HPA scales to 1 once its 300 s downscale window
  // has passed (330 s). \`long\`'s 700 s jobs (timeouts raised to 30 min) outlive the 600 s grace period.
  const ks = (name: string, annotations: Record<string, string>, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name },
    spec: { template: { metadata: { annotations }, spec: { containers: [{ image: 'app' }], ...spec } } },
  });
  const inPath = { 'autoscaling.knative.dev/target-burst-capacity': '-1' };
  const loaded = scenarioFromValue(
    {
      name: 'pool',
      duration: '20m',
      configMaps: { 'config-defaults': { 'max-revision-timeout-seconds': '1800' } },
      cluster: { activators: 3, activatorCpu: { perRequest: '1ms' } },
      services: [
        { manifest: ks('fast', { ...inPath, 'autoscaling.knative.dev/min-scale': '3' }), initialPods: 3, app: { serviceTime: '10ms' } },
        {
          manifest: ks('long', { ...inPath, 'autoscaling.knative.dev/min-scale': '2' }, { containerConcurrency: 5, timeoutSeconds: 1800, responseStartTimeoutSeconds: 1800 }),
          initialPods: 2,
          app: { serviceTime: '700s' },
        },
      ],
      clients: [
        { name: 'load', service: 'fast', open: { process: 'uniform', rps: 10 } },
        { name: 'jobs', service: 'long', open: { process: 'uniform', rps: 0.02 } },
      ],
    },
    'pool.yaml',
  );
  const rec = new MemoryRecorder();
  const world = new World(loaded.world, rec);
  world.run();
  const pool = world.activatorPool!;

  it('scales 3 → 1 at 330 s; the two scaled away exit, and the HPA no longer lists them', () => {
    expect(pool.scaleEvents.map((e) => [e.timeSeconds, e.from, e.to])).toEqual([[330, 3, 1]]);
    expect(world.activators.map((a) => a.down)).toEqual([false, true, true]);
    expect(pool.samples(1200).map((p) => p.name)).toEqual(['activator-0']);
  });

  it('kills them at their 600 s grace period (930 s): the long jobs they still proxied fail with 503, nothing else', () => {
    const failed = rec.requests.filter((r) => r.status !== STATUS_OK);
    expect(failed.length).toBe(2);
    for (const r of failed) {
      expect(r.status).toBe(503);
      expect(r.end).toBe(930);
      expect(r.revision?.spec.name).toBe('long-00001');
      expect([1, 2]).toContain(r.activator?.index);
      expect(r.arrival + 700).toBeGreaterThan(930);
    }
    // A job activator 1 or 2 held that ended before 930 s was answered.
    expect(rec.requests.filter((r) => r.revision?.spec.name === 'long-00001' && r.status === STATUS_OK && r.end < 930).length).toBeGreaterThan(0);
  });

  it('keeps the exited activators\' CPU in the pool summary', () => {
    const proxied = rec.requests.filter((r) => r.route === 'activator').length;
    expect(pool.summary(1200, 3).cpuSeconds).toBeCloseTo(0.001 * proxied, 1);
  });
});

describe('cluster.activatorCpu in the scenario', () => {
  it("takes knative/serving's defaults: 300m request, 1000m limit, HPA 1..20 at 100 %, 10 s start", () => {
    const c = scenarioFromValue(scenario({ activatorCpu: { perRequest: '2ms' } }), 's.yaml').world.cluster.activatorCpu;
    expect(c).toEqual({ perRequestSeconds: 0.002, requestMillis: 300, limitMillis: 1000, minReplicas: 1, maxReplicas: 20, targetUtilization: 100, startupSeconds: 10 });
  });

  it('starts the pool at the HPA\'s minReplicas when cluster.activators is left out, as a running HPA holds it there', () => {
    // Was: activators defaulted to 1 whatever minReplicas said, so minReplicas 3 alone was refused
    // at cluster.activators, a field the scenario never wrote ("must be within 3..20, got 1").
    const { world } = simulate({ activatorCpu: { perRequest: '1ms', minReplicas: 3 } });
    expect(world.spec.cluster.activatorReplicas).toBe(3);
    // 300 rps × 1 ms = 0.3 cores over three 300m requests: 33 %, under the 100 % target, so 3 throughout.
    expect(world.activatorPool!.summary(180, 3)).toMatchObject({ initial: 3, final: 3, max: 3, scaleEvents: [] });
    // Written, the start is still the scenario's, and must lie within the HPA's bounds.
    expect(scenarioFromValue(scenario({ activators: 4, activatorCpu: { perRequest: '1ms', minReplicas: 3 } }), 's.yaml').world.cluster.activatorReplicas).toBe(4);
    expect(catchScenarioError(() => scenarioFromValue(scenario({ activators: 2, activatorCpu: { perRequest: '1ms', minReplicas: 3 } }), 's.yaml')).rule).toBe(
      "must be within the activator HPA's 3..20 (cluster.activatorCpu.minReplicas/maxReplicas), got 2",
    );
  });

  it.each([
    ['perRequest missing', { activatorCpu: {} }, 'cluster.activatorCpu.perRequest'],
    ['limit under the request', { activatorCpu: { perRequest: '1ms', request: '500m', limit: '200m' } }, 'cluster.activatorCpu.limit'],
    ['max under min', { activatorCpu: { perRequest: '1ms', minReplicas: 3, maxReplicas: 2 } }, 'cluster.activatorCpu.maxReplicas'],
    ['initial pool above max', { activators: 5, activatorCpu: { perRequest: '1ms', maxReplicas: 4 } }, 'cluster.activators'],
  ] as const)('%s is an error at %s', (_name, cluster, path) => {
    expect(catchScenarioError(() => scenarioFromValue(scenario(cluster), 's.yaml')).path).toBe(path);
  });
});
