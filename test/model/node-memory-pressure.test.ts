/**
 * Node memory pressure (kubelet eviction, core eviction.ts): pods without memory limits whose
 * working sets outgrow the node's allocatable memory. The kubelet's eviction manager, every 10 s,
 * reports MemoryPressure (the node takes no new pods), evicts one pod per pass at once (the next pass
 * 1 s after an eviction, once the pod is cleaned up), and clears the condition 5 min after the
 * threshold was last crossed.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../src/model/cluster-node.js';
import type { NodeEvent } from '../../src/model/recorder.js';
import { STATUS_BAD_GATEWAY } from '../../src/model/request.js';
import { World } from '../../src/model/world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

class NodeRecorder extends MemoryRecorder {
  nodes: Array<[string, number]> = [];
  override node(_node: ClusterNode, event: NodeEvent, now: number): void {
    this.nodes.push([event, Number(now.toFixed(6))]);
  }
}

/**
 * One 2 GiB node; three pods pinned by min- and max-scale, each requesting 512 MiB and using
 * 256 MiB plus 64 MiB per request inside it, no limit. From 20 s to 40 s, 30 requests/s of 1 s:
 * about 10 in each pod, 3 × 896 MiB = 2,688 MiB on the node.
 */
function run(memory = true, autoscaler: 'none' | 'cluster-autoscaler' | 'karpenter' = 'none') {
  const scenario = {
    name: 'memory-pressure',
    duration: '8m',
    cluster: {
      nodePools: [{ name: 'small', cpu: '4', memory: '2Gi', pricePerHour: 0.1, minNodes: 1, initialNodes: 1, maxNodes: autoscaler === 'none' ? 1 : 2, daemonSets: { cpu: '0m', memory: '0Mi', pods: 0 } }],
      nodeAutoscaler: { kind: autoscaler },
    },
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'api' },
          spec: {
            template: {
              metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '3', 'autoscaling.knative.dev/max-scale': '3' } },
              spec: { containers: [{ image: 'app', resources: { requests: { cpu: '100m', memory: '512Mi' } } }] },
            },
          },
        },
        initialPods: 3,
        app: { serviceTime: '1s', ...(memory ? { memory: { baseline: '256Mi', perRequest: '64Mi' } } : {}) },
      },
    ],
    clients: [{ name: 'load', service: 'api', start: '20s', end: '40s', open: { process: 'uniform', rps: 30 } }],
  };
  const rec = new NodeRecorder();
  const world = new World(scenarioFromValue(scenario, 'memory-pressure.yaml').world, rec);
  world.run();
  const pods = rec.pods.filter((p) => p.event !== 'Starting' && p.event !== 'ActivatorHealthy' && p.event !== 'Ready' && p.time > 0);
  return { rec, pods: pods.map((p) => [p.pod.name.slice(-4), p.event, Number(p.time.toFixed(6))]), attempts: world.cluster!.scheduler.unschedulableAttempts };
}

describe('pods whose working sets outgrow their node (no memory limits)', () => {
  const { rec, pods, attempts } = run();

  it('evict one pod per eviction pass while the threshold is crossed, the next pass as soon as the evicted pod is cleaned up; their replacements wait, the node tainted', () => {
    // The node's eviction manager runs every 10 s from a drawn phase (7.65788 s). At 17.66 s the pods hold
    // 768 MiB; at 27.66 s 2,688 MiB: MemoryPressure, and the first pod (the three are alike) is evicted at once.
    // The manager does not sleep 10 s after an eviction: it polls every second for the pod's cleanup and runs
    // again at once. At 28.66 s the other two hold about 15 requests each (2 × 1,216 MiB): another goes; at
    // 29.66 s the last one holds about 30 (30 × 64 + 256 = 2,176 MiB): it goes too.
    expect(pods.slice(0, 15)).toEqual([
      ['0001', 'Evicted', 27.65788],
      ['0001', 'Terminating', 27.65788],
      ['0001', 'Gone', 27.65788],
      ['0004', 'Pending', 27.65788],
      ['0004', 'Unschedulable', 28.15788],
      ['0002', 'Evicted', 28.65788],
      ['0002', 'Terminating', 28.65788],
      ['0002', 'Gone', 28.65788],
      ['0005', 'Pending', 28.65788],
      ['0005', 'Unschedulable', 29.15788],
      ['0003', 'Evicted', 29.65788],
      ['0003', 'Terminating', 29.65788],
      ['0003', 'Gone', 29.65788],
      ['0006', 'Pending', 29.65788],
      // No pod is available now and the first one (0004) is Unschedulable: the revision reconciler marks the
      // revision failed, so it is Unreachable and min-scale no longer holds; the ReplicaSet drops to one pod,
      // deleting the newest pending ones. The replacements are not retried meanwhile: the node's taint
      // rejected them, and a pod leaving a node is no event TaintToleration's queueing hint lets through.
      ['0006', 'Terminating', 29.65788],
    ]);
    // Each replacement fails once as it is created (0004 at 28.16 s, 0005 at 29.16, 0007 at 36.49, 0008 at
    // 40.49), and 0004 once more at the 5-minute flush (330 s), just before the pressure clears: the evictions'
    // pod deletions retry none of them, the taint having rejected them (queueing hints).
    expect(attempts).toBe(5);
    // No pod ran until the pressure cleared: the pending ones (two more as the load came back) bind then.
    expect(pods.filter((p) => p[1] === 'Scheduled' || p[1] === 'Evicted').slice(3)).toEqual([
      ['0007', 'Scheduled', 330.65788],
      ['0008', 'Scheduled', 330.65788],
      ['0004', 'Scheduled', 330.65788],
    ]);
    // After the last eviction the passes run at 30.66 s + 10 s × k: MemoryPressure clears at the first one
    // 300 s after the threshold was last crossed (29.66 s), 330.66 s.
    expect(rec.nodes).toEqual([
      ['Requested', 0],
      ['Ready', 0],
      ['NodeHasInsufficientMemory', 27.65788],
      ['NodeHasSufficientMemory', 330.65788],
    ]);
  });

  it('fails the requests the evicted pods held with 502, at the eviction', () => {
    const failed = rec.requests.filter((r) => r.status === STATUS_BAD_GATEWAY);
    expect(failed.length).toBeGreaterThan(0);
    const at = new Set(failed.map((r) => Number(r.end.toFixed(6))));
    expect([...at].sort()).toEqual([27.65788, 28.65788, 29.65788]);
    expect(new Set(failed.map((r) => r.pod?.name.slice(-4)))).toEqual(new Set(['0001', '0002', '0003']));
    // Every other request is answered, except those sent after the last pod went (29.66 s to the end of the
    // load at 40 s): with no pod to run them the activator holds them for the revision timeout (300 s), then 504.
    const rest = rec.requests.filter((r) => r.status !== 200 && r.status !== STATUS_BAD_GATEWAY);
    expect(rest).toHaveLength(106);
    for (const r of rest) {
      expect(r.status).toBe(504);
      expect(r.arrival).toBeGreaterThan(29.65788);
      expect(r.end - r.arrival).toBeCloseTo(300.001, 6); // the timeout, plus the 1 ms ingress hop
    }
  });
});

describe('the same pods using exactly their requests (no memory model)', () => {
  const { rec, pods } = run(false);
  it('never crosses the threshold: the scheduler keeps requests within allocatable', () => {
    expect(pods).toEqual([]);
    expect(rec.nodes.map((n) => n[0])).toEqual(['Requested', 'Ready']);
  });
});

describe('with a node autoscaler, the replacements get a new node: the tainted node holds none of them in its simulation', () => {
  for (const kind of ['cluster-autoscaler', 'karpenter'] as const) {
    it(kind, () => {
      const { rec } = run(true, kind);
      const requested = rec.nodes.filter((n) => n[0] === 'Requested').map((n) => n[1]);
      // The first replacement is Unschedulable at 28.16 s; a second node is asked for after that, not before.
      expect(requested).toHaveLength(2);
      expect(requested[1]!).toBeGreaterThan(28.15788);
      const ready = rec.nodes.find((n) => n[0] === 'Ready' && n[1] > 0)![1];
      const bound = rec.pods.filter((p) => p.event === 'Scheduled' && p.time > 0);
      // The replacements bind to the new node as it is Ready, long before the old one's pressure clears (330.66 s).
      expect(ready).toBeLessThan(330);
      expect(bound.slice(0, 3).map((p) => [p.pod.name.slice(-4), Number(p.time.toFixed(6)), p.pod.node?.name])).toEqual([
        ['0004', ready, 'small-002'],
        ['0007', ready, 'small-002'],
        ['0008', ready, 'small-002'],
      ]);
    });
  }
});

/** Runs a scenario's `rest` on one 4-CPU, 2 GiB node that nothing scales, recording node and pod events. */
function runOnSmallNode(name: string, duration: string, rest: Record<string, unknown>): NodeRecorder {
  const scenario = {
    name,
    duration,
    cluster: {
      nodePools: [{ name: 'small', cpu: '4', memory: '2Gi', pricePerHour: 0.1, minNodes: 1, initialNodes: 1, maxNodes: 1, daemonSets: { cpu: '0m', memory: '0Mi', pods: 0 } }],
      nodeAutoscaler: { kind: 'none' },
    },
    ...rest,
  };
  const rec = new NodeRecorder();
  new World(scenarioFromValue(scenario, `${name}.yaml`).world, rec).run();
  return rec;
}

describe('a pod whose containers are not created yet has no stats: the kubelet evicts it first', () => {
  /**
   * The three `api` pods of run() (512 MiB requests, 256 MiB + 64 MiB per request) and a `batch` pod
   * requesting 256 MiB whose image takes 2 min to pull: it binds at once (1.75 GiB requested of 2 GiB)
   * and has no containers, so no entry in the stats summary, when the load pushes the api pods over.
   */
  /** A Service of `scale` pods (min = max) whose one container requests 100m and `memory`. */
  const fixedService = (name: string, image: string, scale: number, memory: string) => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      template: {
        metadata: { annotations: { 'autoscaling.knative.dev/min-scale': String(scale), 'autoscaling.knative.dev/max-scale': String(scale) } },
        spec: { containers: [{ image, resources: { requests: { cpu: '100m', memory } } }] },
      },
    },
  });

  function withPullingPod() {
    const api = {
      manifest: fixedService('api', 'app', 3, '512Mi'),
      initialPods: 3,
      app: { serviceTime: '1s', memory: { baseline: '256Mi', perRequest: '64Mi' } },
    };
    const batch = {
      manifest: fixedService('batch', 'batch', 1, '256Mi'),
      initialPods: 0,
      podStart: { imagePull: '2m' },
      app: { serviceTime: '1s', memory: { baseline: '64Mi', perRequest: '1Mi' } },
    };
    return runOnSmallNode('pulling-pod', '1m', {
      services: [api, batch],
      clients: [{ name: 'load', service: 'api', start: '20s', end: '40s', open: { process: 'uniform', rps: 30 } }],
    });
  }

  it('goes before the api pods over their requests; the next pass, 1 s later, takes an api pod', () => {
    const rec = withPullingPod();
    const evicted = rec.pods.filter((p) => p.event === 'Evicted').map((p) => [p.pod.name, Number(p.time.toFixed(6))]);
    // At 27.66 s the api pods hold 2,688 MiB (over 2 GiB): upstream's exceedMemoryRequests ranks the pod
    // without stats first, though it uses nothing and the api pods are each 384 MiB over their requests.
    // Evicting it frees no memory: the api pods go at the next passes as in run().
    expect(evicted.slice(0, 2)).toEqual([
      ['batch-00001-deployment-0001', 27.65788],
      ['api-00001-deployment-0001', 28.65788],
    ]);
  });
});

describe('an init container requesting more memory than the containers: the pod requests it, but it has exited', () => {
  /**
   * Two pods on a 2 GiB node, each with a 1 GiB init container and a user container requesting 256 MiB and
   * using 300 MiB plus 1 MiB per request: the scheduler holds 1 GiB for each (the node is full), the
   * containers use about 600 MiB together.
   */
  function withInitContainer() {
    return runOnSmallNode('init-memory', '2m', {
      configMaps: { 'config-features': { 'kubernetes.podspec-init-containers': 'enabled' } },
      services: [
        {
          manifest: {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name: 'api' },
            spec: {
              template: {
                metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2' } },
                spec: {
                  initContainers: [{ name: 'migrate', image: 'migrate', resources: { requests: { memory: '1Gi' } } }],
                  containers: [{ image: 'app', resources: { requests: { cpu: '100m', memory: '256Mi' } } }],
                },
              },
            },
          },
          initialPods: 2,
          app: { serviceTime: '1s', memory: { baseline: '300Mi', perRequest: '1Mi' } },
        },
      ],
      clients: [{ name: 'load', service: 'api', start: '10s', end: '1m', open: { process: 'uniform', rps: 4 } }],
    });
  }

  it('counts only the running containers toward the threshold: about 604 MiB of 2 GiB, no pressure', () => {
    const rec = withInitContainer();
    // Counting the init container's excess (1 GiB − 256 MiB) as the pods' use put each at 1,072 MiB or more,
    // 2,144 MiB together: MemoryPressure and an eviction at the first pass.
    expect(rec.pods.filter((p) => p.event === 'Evicted')).toEqual([]);
    expect(rec.nodes.map((n) => n[0])).toEqual(['Requested', 'Ready']);
  });
});
