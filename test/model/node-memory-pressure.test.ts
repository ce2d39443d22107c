/**
 * Node memory pressure (kubelet eviction, core eviction.ts): pods without memory limits whose
 * working sets outgrow the node's allocatable memory. The kubelet's eviction manager, every 10 s,
 * reports MemoryPressure (the node takes no new pods), evicts one pod per pass at once, and clears
 * the condition 5 min after the threshold was last crossed.
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
  new World(scenarioFromValue(scenario, 'memory-pressure.yaml').world, rec).run();
  const pods = rec.pods.filter((p) => p.event !== 'Starting' && p.event !== 'ActivatorHealthy' && p.event !== 'Ready' && p.time > 0);
  return { rec, pods: pods.map((p) => [p.pod.name.slice(-4), p.event, Number(p.time.toFixed(6))]) };
}

describe('pods whose working sets outgrow their node (no memory limits)', () => {
  const { rec, pods } = run();

  it('evict one pod per eviction pass while the threshold is crossed; their replacements wait, the node tainted', () => {
    // The node's eviction manager runs every 10 s from a drawn phase (7.65788 s). At 17.66 s the pods hold
    // 768 MiB; at 27.66 s 2,688 MiB: MemoryPressure, and the first pod (the three are alike) is evicted at once.
    // The other two then hold about 15 requests each (2 × 1,216 MiB): the next pass evicts another. With one
    // pod left (30 × 64 + 256 = 2,176 MiB until the load stops at 40 s) the pass at 47.66 s finds 256 MiB.
    expect(pods).toEqual([
      ['0001', 'Evicted', 27.65788],
      ['0001', 'Terminating', 27.65788],
      ['0001', 'Gone', 27.65788],
      ['0004', 'Pending', 27.65788],
      ['0004', 'Unschedulable', 28.15788],
      ['0003', 'Evicted', 37.65788],
      ['0003', 'Terminating', 37.65788],
      ['0003', 'Gone', 37.65788],
      ['0005', 'Pending', 37.65788],
      ['0005', 'Unschedulable', 38.15788],
      // MemoryPressure clears 300 s after the threshold was last crossed: the taint goes and both bind.
      ['0004', 'Scheduled', 337.65788],
      ['0005', 'Scheduled', 337.65788],
    ]);
    expect(rec.nodes).toEqual([
      ['Requested', 0],
      ['Ready', 0],
      ['NodeHasInsufficientMemory', 27.65788],
      ['NodeHasSufficientMemory', 337.65788],
    ]);
  });

  it('fails the requests the evicted pods held with 502, at the eviction', () => {
    const failed = rec.requests.filter((r) => r.status === STATUS_BAD_GATEWAY);
    expect(failed.length).toBeGreaterThan(0);
    const at = new Set(failed.map((r) => Number(r.end.toFixed(6))));
    expect([...at].sort()).toEqual([27.65788, 37.65788]);
    expect(new Set(failed.map((r) => r.pod?.name.slice(-4)))).toEqual(new Set(['0001', '0003']));
    // Every other request is answered.
    expect(rec.requests.filter((r) => r.status !== 200 && r.status !== STATUS_BAD_GATEWAY)).toEqual([]);
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
      // The replacements bind to the new node as it is Ready, long before the old one's pressure clears (337.66 s).
      expect(ready).toBeLessThan(337);
      expect(bound.slice(0, 2).map((p) => [p.pod.name.slice(-4), Number(p.time.toFixed(6)), p.pod.node?.name])).toEqual([
        ['0004', ready, 'small-002'],
        ['0005', ready, 'small-002'],
      ]);
    });
  }
});
