import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
  decisions: AutoscalerRecord[] = [];
  samples: TimeseriesRecord[] = [];
  decision(r: AutoscalerRecord): void {
    this.decisions.push(r);
  }
  pod(_r: PodRecord): void {}
  traffic(_r: TrafficRecord): void {}
  /** Kept as given: with another sink, each sample is its own record. */
  sample(r: TimeseriesRecord): void {
    this.samples.push(r);
  }
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
        spec: { template: { spec: { containerConcurrency: 1, containers: [{ image: 'app' }] } } },
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
    ? new RunRecorder({ outDir: undefined, trace: { mode: 'none' } }, keep)
    : new RunRecorder({ outDir: undefined, trace: { mode: 'none' } });
  const world = new World(spec, recorder);
  world.run();
  const summary = recorder.finish({ scenario: spec.name, seed: spec.seed, simulatedSeconds: spec.durationSeconds, events: world.sim.events, wallSeconds: 0 });
  return { summary, rows: keep.rows };
}

describe('RunRecorder request records', () => {
  it('give another sink every field, each request its own, while the summary is the same without a sink', () => {
    const a = run(true);
    const b = run(false);
    // Only the event count differs: a sink takes the once-a-second samples, the outputs alone
    // (no files) take none, and sampling changes nothing else.
    expect({ ...a.summary, events: 0 }).toEqual({ ...b.summary, events: 0 });
    expect(a.summary.events - b.summary.events).toBe(Math.floor(a.summary.simulatedSeconds) + 1);
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

describe('RunRecorder per-tick records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-recorder-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The run's autoscaler.csv and timeseries.csv, and what a sink kept. */
  function files(withSink: boolean): { autoscaler: string; timeseries: string; keep: Keep } {
    const { world: spec } = scenarioFromValue(scenario, 'detail.yaml');
    const keep = new Keep();
    const outDir = join(dir, withSink ? 'sink' : 'alone');
    const options = { outDir, trace: { mode: 'none' as const } };
    const recorder = withSink ? new RunRecorder(options, keep) : new RunRecorder(options);
    const world = new World(spec, recorder);
    world.run();
    recorder.finish({ scenario: spec.name, seed: spec.seed, simulatedSeconds: spec.durationSeconds, events: world.sim.events, wallSeconds: 0 });
    const read = (f: string): string => readFileSync(join(outDir, f), 'utf8');
    return { autoscaler: read('autoscaler.csv'), timeseries: read('timeseries.csv'), keep };
  }

  it('write the same rows whether one record serves every tick (no other sink) or each tick gets its own', () => {
    const alone = files(false);
    const shared = files(true);
    expect(alone.autoscaler).toBe(shared.autoscaler);
    expect(alone.timeseries).toBe(shared.timeseries);
    // 4 s sampled at 0, 1, …, 4; a decision every 2 s.
    const { samples, decisions } = shared.keep;
    expect(samples.map((r) => r.time)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(samples).size).toBe(samples.length);
    expect(samples.every((r) => r.service === 'svc' && r.revision === 'svc-00001' && r.trafficPercent === 100)).toBe(true);
    expect(decisions.length).toBe(alone.autoscaler.trim().split('\n').length - 1);
    expect(new Set(decisions).size).toBe(decisions.length);
    expect(decisions.map((d) => Math.round(d.time))).toEqual([0, 2, 4].slice(0, decisions.length));
  });
});
