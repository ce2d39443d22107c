import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { AutoscalerRecord, PodRecord, RecordSink, RequestRecord, TimeseriesRecord, TrafficRecord } from '../../src/output/records.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { scenarioFromValue } from '../../src/scenario/load.js';

/** Copies every request record it is given (the recorder reuses one object). */
class Keep implements RecordSink {
  rows: RequestRecord[] = [];
  request(r: RequestRecord): void {
    this.rows.push({ ...r });
  }
  decision(_r: AutoscalerRecord): void {}
  pod(_r: PodRecord): void {}
  traffic(_r: TrafficRecord): void {}
  sample(_r: TimeseriesRecord): void {}
}

/** One pod warm (through the activator), CC 1, fixed 50 ms, 40 req/s for 3 s: some requests queue in the activator. */
const scenario = {
  name: 'detail',
  seed: 7,
  duration: '4s',
  services: [
    {
      manifest: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'svc' },
        spec: { template: { spec: { containerConcurrency: 1, containers: [{ image: 'x' }] } } },
      },
      initialPods: 1,
      app: { serviceTime: '50ms' },
    },
  ],
  clients: [{ name: 'c', service: 'svc', start: '0s', end: '3s', open: { rps: 40 } }],
};

function run(withSink: boolean): { summary: ReturnType<RunRecorder['finish']>; rows: RequestRecord[] } {
  const { world: spec } = scenarioFromValue(scenario, 'detail.yaml');
  const keep = new Keep();
  const recorder = withSink
    ? new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, perTickFiles: false }, keep)
    : new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, perTickFiles: false });
  const world = new World(spec, recorder);
  world.run();
  const summary = recorder.finish({ scenario: spec.name, seed: spec.seed, simulatedSeconds: spec.durationSeconds, events: world.sim.events, wallSeconds: 0 });
  return { summary, rows: keep.rows };
}

describe('RunRecorder request records', () => {
  it('give another sink every field, each request its own, while the summary is the same without a sink', () => {
    const a = run(true);
    const b = run(false);
    expect(a.summary).toEqual(b.summary);
    expect(a.rows.length).toBe(a.summary.overall.requests.total);
    expect(a.rows.length).toBeGreaterThan(100);
    // Ids are each request's own (1, 2, 3, … in arrival order), not a stale one from an earlier record.
    expect(new Set(a.rows.map((r) => r.id)).size).toBe(a.rows.length);
    for (const r of a.rows) {
      expect(r.client).toBe('c');
      expect(r.route).toBe('activator');
      expect(r.pod).not.toBe('');
      expect(r.activatorQueueSeconds).toBeGreaterThanOrEqual(0);
      expect(r.podQueueSeconds).toBe(0);
      expect(r.end - r.serviceStart).toBeCloseTo(0.05, 9);
    }
    // CC 1 at 40 req/s of 50 ms work: some wait in the activator.
    expect(a.rows.some((r) => r.activatorQueueSeconds > 0)).toBe(true);
  });
});
