/**
 * metrics-server across a user-container restart (kubernetes-sigs/metrics-server
 * pkg/storage/pod.go): the restarted container has a new start time and a counter from 0,
 * so the point of the last scrape is no previous point for it; the pod is served again
 * only once the container has a previous point (the next scrape, or at once if it is
 * already 10 s old). While the container is down the kubelet reports the queue-proxy alone.
 */
import { describe, expect, it } from 'vitest';
import type { PodMetricsSample } from '../../src/model/metrics-server.js';
import type { ClientSpec, RevisionSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { constant, MemoryRecorder, revision, service, world } from './world-fixture.js';

const pinned1 = { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' };

/**
 * One warm pod on a 1-CPU limit, 1 CPU-second requests, working set 100 + 1 per request; its container crashes at
 * `crashAt`, restarts at once (the kubelet has no back-off for a first exit), is up 1 s later and crashes again 4 s
 * after that, at crashAt + 5: this second exit waits the 10 s back-off.
 */
function crashing(crashAt: number): RevisionSpec {
  return {
    ...revision({ initialPods: 1, annotations: pinned1, serviceTime: constant(1) }),
    resources: { user: { cpuRequestMillis: 1000, cpuLimitMillis: 1000 }, sidecars: [], queueProxy: { cpuRequestMillis: 25 } },
    work: { kind: 'cpu', waitSeconds: constant(0), parallelism: 1, ceilingMillis: 1000 },
    memory: { baselineBytes: 100, perRequestBytes: 1 },
    faults: [{ kind: 'crash', atSeconds: crashAt, pods: 1, count: 2, uptimeSeconds: 4 }],
  };
}

/** 2 rps of 1 CPU-second each keep the 1-CPU pod busy whenever its container runs. */
const busy: ClientSpec = { kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps: 2 }, startSeconds: 0.5, endSeconds: 200 } as ClientSpec;

class ScrapeRecorder extends MemoryRecorder {
  readonly scrapes: PodMetricsSample[] = [];
  podMetrics(s: PodMetricsSample): void {
    this.scrapes.push(s);
  }
}

function scrapes(crashAt: number): { rec: ScrapeRecorder; at: (t: number) => PodMetricsSample | undefined } {
  const rec = new ScrapeRecorder();
  new World(world([service('hello', [crashing(crashAt)])], [busy], { duration: 76 }), rec).run();
  return { rec, at: (t) => rec.scrapes.find((s) => s.time === t) };
}

describe('metrics-server across a container restart', () => {
  it('a container restarted 9 s before a scrape: the pod has no metrics at that scrape, and its next window counts the new container only', () => {
    // Crash at 20 (restarted at once), again at 25, back-off 10 s (Restarted at 35), container up at 36 (1 s start):
    // 9 s old at the 45 s scrape.
    const { rec, at } = scrapes(20);
    expect(rec.pods.filter((p) => p.event === 'Restarted').map((p) => p.time)).toEqual([20, 35]);
    // Busy from the first request (0.501 s, after the 1 ms ingress hop).
    expect(at(15)).toMatchObject({ cpuMillis: Math.ceil((14.499 / 15) * 1000), windowSeconds: 15 });
    // [15, 30]: the container ran 9 s of it, but it is down at 30: the kubelet has the queue-proxy alone.
    expect(at(30)).toMatchObject({ cpuMillis: 0, memoryBytes: 0, windowSeconds: 15 });
    expect(at(45)).toBeUndefined();
    // [45, 60] from the new container's own points: busy throughout.
    expect(at(60)).toMatchObject({ cpuMillis: 1000, windowSeconds: 15 });
  });

  it('a container restarted 14 s before a scrape (10 s ≤ age < 15 s) counts from its start at once', () => {
    // Crash at 15.5 (restarted at once), again at 20.5, Restarted at 30.5, up at 31.5: at 45 its window is [31.5, 45].
    // Its readiness passes at 32 and the activators send it the requests they buffered: busy for 13 s of the 13.5.
    const { rec, at } = scrapes(15.5);
    expect(rec.pods.filter((p) => p.event === 'Restarted').map((p) => p.time)).toEqual([15.5, 30.5]);
    expect(at(30)).toMatchObject({ cpuMillis: 0, windowSeconds: 15 });
    expect(at(45)).toMatchObject({ cpuMillis: Math.ceil((13 / 13.5) * 1000), windowSeconds: 13.5 });
  });
});

describe('the containers besides the serving one: their memory requests, as node memory pressure counts them', () => {
  /** crashing(20) with a queue-proxy requesting 50 bytes of memory and a sidecar 20. */
  function withSidecars(): ScrapeRecorder {
    const rec = new ScrapeRecorder();
    const spec = crashing(20);
    const withRequests: RevisionSpec = { ...spec, resources: { ...spec.resources!, queueProxy: { cpuRequestMillis: 25, memoryRequestBytes: 50 }, sidecars: [{ memoryRequestBytes: 20 }] } };
    new World(world([service('hello', [withRequests])], [busy], { duration: 76 }), rec).run();
    return rec;
  }

  it('add 70 bytes to the working set, the user container up or down; their CPU stays 0', () => {
    const base = scrapes(20);
    const rec = withSidecars();
    const at = (t: number) => rec.scrapes.find((s) => s.time === t);
    // Up at 15 s (100 bytes + 1 per request in it): 70 more than without the requests.
    expect(at(15)!.memoryBytes).toBe(base.at(15)!.memoryBytes + 70);
    expect(at(15)!.cpuMillis).toBe(base.at(15)!.cpuMillis);
    // Down at 30 s: the others alone, at their requests, where they had been 0.
    expect(at(30)).toMatchObject({ cpuMillis: 0, memoryBytes: 70, windowSeconds: 15 });
    expect(at(60)!.memoryBytes).toBe(base.at(60)!.memoryBytes + 70);
  });
});
