/**
 * The capacity spec's A8 (metrics lag) through knsim's metrics-server, and what the HPA
 * reads of it: metrics-server scrapes at 0, 15, 30, … (kubernetes-sigs/metrics-server
 * pkg/server/server.go, runScrape) and serves the CPU rate between its last two points,
 * stamped with the last one and its window the time between them (pkg/storage/types.go,
 * resourceUsage). The HPA sums containers' requests for the denominator (kubernetes/kubernetes
 * pkg/controller/podautoscaler/replica_calculator.go, calculatePodRequestsFromContainers), so
 * the queue-proxy's 25m is in it; its usage is not modelled (0).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HPA_CONTROLLER_CONFIG, resourceUtilizationReplicas, toHpaInputs } from '../../src/core/autoscaler/index.js';
import { podResourceSamples, type PodMetricsSample } from '../../src/model/metrics-server.js';
import type { ClientSpec, RevisionSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { constant, MemoryRecorder, revision, service, world } from './world-fixture.js';

const pinned1 = { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' };

/**
 * One warm pod whose CPU is a measured profile: 200m with one request in flight, 1000m with two.
 * Requests of 1000 s: the first reaches the pod at 0.5 s, the second at 18 s (1 ms ingress hop).
 * CPU request 975m + the queue-proxy's 25m = 1000m, A8's R.
 */
const rev: RevisionSpec = {
  ...revision({ initialPods: 1, annotations: pinned1, serviceTime: constant(1000), timeout: 3000 }),
  resources: { user: { cpuRequestMillis: 975 }, sidecars: [], queueProxy: { cpuRequestMillis: 25 } },
  work: { kind: 'profile', concurrency: [1, 2], latencySeconds: [1000, 1000], cpuMillis: [200, 1000] },
};
const trace: ClientSpec = { kind: 'trace', name: 'load', service: 'hello', startSeconds: 0, endSeconds: 60, arrivals: Float64Array.from([0.499, 17.999]), durations: undefined } as ClientSpec;

class ScrapeRecorder extends MemoryRecorder {
  readonly scrapes: PodMetricsSample[] = [];
  podMetrics(s: PodMetricsSample): void {
    this.scrapes.push(s);
  }
}

function runTo(seconds: number): { rec: ScrapeRecorder; w: World } {
  const rec = new ScrapeRecorder();
  const w = new World(world([service('hello', [rev])], [trace], { duration: seconds }), rec);
  w.run();
  return { rec, w };
}

describe('A8 – metrics lag through metrics-server', () => {
  it('a step from 200m to 1000m at 18 s: the t = 30 point covers [15, 30] (840m), the t = 45 one shows 1000m', () => {
    const { rec } = runTo(50);
    const at = (t: number) => rec.scrapes.find((s) => s.time === t);
    expect(at(15)).toMatchObject({ cpuMillis: Math.ceil((200 * 14.5) / 15), windowSeconds: 15 });
    // (200 × 3 + 1000 × 12) / 15
    expect(at(30)).toMatchObject({ cpuMillis: 840, windowSeconds: 15 });
    expect(at(45)).toMatchObject({ cpuMillis: 1000, windowSeconds: 15 });
  });

  it('an HPA sync at 30 s reads that point: util floor(100 × 840 / 1000) = 84 (the queue-proxy request in, its usage 0), ratio 1.68 at target 50 ⇒ 2', () => {
    const { w } = runTo(30);
    const r = w.services.get('hello')!.revisions[0]!;
    const samples = podResourceSamples(r, 30);
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ cpuMillicores: 840, cpuRequestMillicores: 1000, metricTimestampSeconds: 30, metricWindowSeconds: 15 });
    const i = toHpaInputs(samples, 30);
    const p = resourceUtilizationReplicas({ nowSeconds: 30, currentReplicas: 1, pods: i.pods, metrics: i.cpu, config: DEFAULT_HPA_CONTROLLER_CONFIG, resource: 'cpu', targetUtilization: 50 });
    expect(p).toMatchObject({ ok: true, usage: 84, ratio: 1.68, replicas: 2 });
  });
});
