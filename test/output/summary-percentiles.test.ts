import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { AutoscalerRecord, PodRecord, RecordSink, RequestRecord, TimeseriesRecord, TrafficRecord } from '../../src/output/records.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { scenarioFromValue } from '../../src/scenario/load.js';

/** Keeps the exact latency (µs, as recorded) of every 200, and the first Ready row per revision. */
class Truth implements RecordSink {
  okUs: number[] = [];
  noRoute = 0;
  firstReady = new Map<string, number>();
  request(r: RequestRecord): void {
    if (r.outcome === 'ok') this.okUs.push(Math.max(1, Math.round((r.end - r.arrival) * 1e6)));
    if (r.outcome === 'noRoute') this.noRoute++;
  }
  decision(_r: AutoscalerRecord): void {}
  pod(r: PodRecord): void {
    if (r.event === 'Ready' && !this.firstReady.has(r.revision)) this.firstReady.set(r.revision, r.time);
  }
  traffic(_r: TrafficRecord): void {}
  sample(_r: TimeseriesRecord): void {}
}

/** A small xorshift PRNG: the scenario variations are the same on every run of the test. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** A short fresh-deploy (or warm) scenario: fixed or lognormal service time, open-loop load. */
function variation(i: number, rnd: () => number): unknown {
  const fixed = rnd() < 0.5;
  const ms = 1 + Math.floor(rnd() * 400);
  return {
    name: `v${i}`,
    seed: i + 1,
    duration: `${5 + Math.floor(rnd() * 10)}s`,
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'svc' },
          spec: { template: { spec: { containerConcurrency: 1 + Math.floor(rnd() * 4), containers: [{ image: 'app' }] } } },
        },
        ...(rnd() < 0.5 ? { initialPods: 1 + Math.floor(rnd() * 2) } : {}),
        app: { serviceTime: fixed ? `${ms}ms` : { dist: 'lognormal', median: `${ms}ms`, p99: `${ms * 3}ms` } },
      },
    ],
    clients: [{ name: 'c', service: 'svc', start: '0s', end: '4s', open: { rps: 2 + Math.floor(rnd() * 20) } }],
  };
}

describe('summary latency percentiles', () => {
  it('lie within [min, max], rise with the percentile, and p99 ≤ max on 1,000 random short runs', () => {
    const rnd = prng(20261202);
    let checked = 0;
    for (let i = 0; i < 1000; i++) {
      const { world: spec } = scenarioFromValue(variation(i, rnd), `v${i}.yaml`);
      const truth = new Truth();
      const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' } }, truth);
      const world = new World(spec, recorder);
      world.run();
      const s = recorder.finish({ scenario: spec.name, seed: spec.seed, simulatedSeconds: spec.durationSeconds, events: world.sim.events, wallSeconds: 0 });
      if (truth.okUs.length === 0) continue;
      checked++;
      const min = Math.min(...truth.okUs) / 1000;
      const max = Math.max(...truth.okUs) / 1000;
      for (const l of [s.overall.latencyMs, ...s.revisions.map((r) => r.latencyMs)]) {
        const ps = [l.p50, l.p90, l.p95, l.p99, l.max];
        expect(l.max, `run ${i}: max is the largest latency`).toBe(max);
        for (let k = 0; k < ps.length; k++) {
          expect(ps[k]!, `run ${i}: percentile ${k} ≥ min`).toBeGreaterThanOrEqual(min);
          expect(ps[k]!, `run ${i}: percentile ${k} ≤ max`).toBeLessThanOrEqual(max);
          if (k > 0) expect(ps[k]!, `run ${i}: monotone`).toBeGreaterThanOrEqual(ps[k - 1]!);
        }
      }
      // No-route requests belong to the service, never to a revision named ''.
      expect(s.revisions.every((r) => r.revision !== '')).toBe(true);
      expect(s.noRouteByService['svc'] ?? 0).toBe(truth.noRoute);
      expect(s.overall.requests.noRoute).toBe(truth.noRoute);
      // Time to first ready: the revision's first Ready row in pods.csv, from the run start.
      for (const r of s.revisions) expect(r.timeToFirstReadySeconds).toBe(Math.round(truth.firstReady.get(r.revision)! * 1000) / 1000);
    }
    expect(checked).toBeGreaterThan(900);
  });
});
