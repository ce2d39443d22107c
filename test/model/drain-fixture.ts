import { expect } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import type { ClusterNode } from '../../src/model/cluster-node.js';
import type { NodeEvent } from '../../src/model/recorder.js';
import type { WorldSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from './world-fixture.js';

/** The node-drain tests' cluster (scenarios/node-drain.yaml's), shared by the drain and PodDisruptionBudget tests. */
export class NodeRecorder extends MemoryRecorder {
  /** The node events (nodes.csv's rows), as the drain tests read them. */
  get nodes(): Array<{ node: string; event: NodeEvent; time: number }> {
    return this.nodeEvents;
  }
}

export function run(spec: WorldSpec): { world: World; rec: NodeRecorder } {
  const rec = new NodeRecorder();
  const world = new World(spec, rec);
  world.run();
  return { world, rec };
}

export interface Opts {
  updates?: unknown[];
  autoscaler?: Record<string, unknown>;
  pool?: Record<string, unknown>;
  serviceTime?: string;
  timeoutSeconds?: number;
  nodePools?: boolean;
  rps?: number;
  /** Top-level podDisruptionBudgets. */
  budgets?: unknown[];
  /** The service's podStart (image pull 5–15 s when absent). */
  podStart?: Record<string, unknown>;
  /** More template annotations (besides min-scale 8). */
  annotations?: Record<string, string>;
  /** config-observability's data. */
  observability?: Record<string, string>;
  /** config-features' data. */
  features?: Record<string, string>;
  /** Pod volumes, each mounted in the container at /mnt/<name>. */
  volumes?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/**
 * `api` at min-scale 8 (pods of 1 CPU, three to a 4-CPU node) on three nodes, 80 rps of 250 ms
 * (20 in flight); the Cluster Autoscaler may add up to three nodes; std-4-001 is drained at 300 s.
 */
export function cluster(o: Opts = {}): WorldSpec {
  return scenarioFromValue(clusterValue(o), 'drain.yaml').world;
}

/** The warnings the loader gives for the cluster's scenario. */
export function clusterWarnings(o: Opts = {}): string[] {
  return scenarioFromValue(clusterValue(o), 'drain.yaml').warnings ?? [];
}

function clusterValue(o: Opts): Record<string, unknown> {
  const timeout = o.timeoutSeconds === undefined ? {} : { timeoutSeconds: o.timeoutSeconds };
  return {
      name: 'drain',
      seed: 1,
      duration: '15m',
      configMaps: { 'config-deployment': { 'pod-is-always-schedulable': 'true' }, ...(o.observability !== undefined ? { 'config-observability': o.observability } : {}), ...(o.features !== undefined ? { 'config-features': o.features } : {}) },
      ...(o.nodePools === false
        ? {}
        : {
            cluster: {
              nodePools: [
                {
                  name: 'std-4',
                  cpu: '4',
                  memory: '16Gi',
                  pricePerHour: 0.2,
                  minNodes: 3,
                  maxNodes: 6,
                  initialNodes: 3,
                  startupLatency: { dist: 'lognormal', median: '120s', p99: '200s' },
                  daemonSets: { cpu: '300m', memory: '512Mi', pods: 3 },
                  ...o.pool,
                },
              ],
              nodeAutoscaler: o.autoscaler ?? { kind: 'cluster-autoscaler' },
            },
          }),
      services: [
        {
          manifest: {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name: 'api' },
            spec: {
              template: {
                metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '8', ...o.annotations } },
                spec: {
                  containerConcurrency: 4,
                  ...timeout,
                  containers: [
                    {
                      image: 'app',
                      resources: { requests: { cpu: '1', memory: '1Gi' } },
                      ...(o.volumes !== undefined ? { volumeMounts: o.volumes.map((v) => ({ name: v['name'], mountPath: `/mnt/${String(v['name'])}` })) } : {}),
                    },
                  ],
                  ...(o.volumes !== undefined ? { volumes: o.volumes } : {}),
                },
              },
            },
          },
          initialPods: 8,
          app: { serviceTime: o.serviceTime ?? '250ms' },
          podStart: o.podStart ?? { imagePull: { dist: 'uniform', min: '5s', max: '15s' } },
        },
      ],
      clients: [{ name: 'users', service: 'api', open: { process: 'poisson', rps: o.rps ?? 80 } }],
      updates: o.updates ?? [{ at: '5m', drainNode: { node: 'std-4-001' } }],
      ...(o.budgets !== undefined ? { podDisruptionBudgets: o.budgets } : {}),
  };
}

/** The scenario is refused with one line starting with `message`. */
export function expectRefusal(o: Opts, message: string): void {
  let m = '';
  try {
    cluster(o);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    m = (e as Error).message;
  }
  expect(m.startsWith(message), m).toBe(true);
  expect(m).not.toContain('\n');
}

