/** Builds WorldSpecs in code for behaviour tests, independent of the scenario loader. */
import { defaultAutoscalerConfig, parseAutoscalerConfig } from '../../src/core/autoscaler/config.js';
import { resolveRevisionAutoscaling } from '../../src/core/autoscaler/revision.js';
import type { TrafficTarget } from '../../src/core/traffic/types.js';
import type { DistributionSpec } from '../../src/engine/distributions.js';
import type { Pod } from '../../src/model/pod.js';
import type { DecisionRecord } from '../../src/core/autoscaler/loop.js';
import type { NodeEvent, PodEvent, Recorder } from '../../src/model/recorder.js';
import type { ClusterNode } from '../../src/model/cluster-node.js';
import type { Request } from '../../src/model/request.js';
import type { Revision } from '../../src/model/revision.js';
import type { ClientSpec, PodStartSpec, RevisionSpec, ServiceSpec, WorldSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';

export const constant = (value: number): DistributionSpec => ({ dist: 'constant', value });

export const fastPodStart: PodStartSpec = {
  scheduling: constant(0.5),
  imagePull: constant(0),
  containerStart: constant(1),
  readiness: constant(0.5),
  kubeletReadyLag: constant(0.5),
};

export interface RevOpts {
  name?: string;
  service?: string;
  generation?: number;
  createdAt?: number;
  cc?: number;
  timeout?: number;
  annotations?: Record<string, string>;
  serviceTime?: DistributionSpec;
  podStart?: PodStartSpec;
  initialPods?: number | undefined;
  config?: Record<string, string>;
}

export function revision(o: RevOpts = {}): RevisionSpec {
  const cfg = o.config ? parseAutoscalerConfig(o.config) : defaultAutoscalerConfig;
  const service = o.service ?? 'hello';
  return {
    name: o.name ?? `${service}-00001`,
    service,
    generation: o.generation ?? 1,
    createdAtSeconds: o.createdAt ?? 0,
    containerConcurrency: o.cc ?? 0,
    timeoutSeconds: o.timeout ?? 300,
    autoscaling: resolveRevisionAutoscaling(cfg, { annotations: o.annotations ?? {}, containerConcurrency: o.cc ?? 0 }),
    serviceTime: o.serviceTime ?? constant(0.1),
    podStart: o.podStart ?? fastPodStart,
    initialPods: 'initialPods' in o ? o.initialPods : 0,
  };
}

export function service(name: string, revisions: RevisionSpec[], traffic: TrafficTarget[] = [], rolloutDurationSeconds = 0): ServiceSpec {
  return { name, revisions, traffic: [{ atSeconds: 0, traffic }], rolloutDurationSeconds };
}

export function world(services: ServiceSpec[], clients: ClientSpec[], opts: { duration: number; seed?: number; config?: Record<string, string>; activators?: number }): WorldSpec {
  return {
    name: 'test',
    seed: opts.seed ?? 1,
    durationSeconds: opts.duration,
    autoscalerConfig: opts.config ? parseAutoscalerConfig(opts.config) : defaultAutoscalerConfig,
    cluster: { activatorReplicas: opts.activators ?? 3, ingressLatencySeconds: 0.001, activatorProbePeriodSeconds: 0.2, drainSeconds: 30 },
    services,
    clients,
  };
}

/** Keeps everything in memory for assertions. */
export class MemoryRecorder implements Recorder {
  requests: Request[] = [];
  /** Each decision with its live revision. */
  decisions: Array<DecisionRecord & { rev: Revision }> = [];
  pods: Array<{ pod: Pod; event: PodEvent; time: number }> = [];
  traffics: Array<{ service: string; time: number; percents: Map<string, number> }> = [];
  samples: Array<{ rev: string; time: number; ready: number; waiting: number }> = [];
  nodeEvents: Array<{ node: string; event: NodeEvent; time: number }> = [];
  node(node: ClusterNode, event: NodeEvent, time: number): void {
    this.nodeEvents.push({ node: node.name, event, time });
  }
  request(req: Request): void {
    this.requests.push(req);
  }
  decision(d: DecisionRecord, rev: Revision): void {
    this.decisions.push({ ...d, rev });
  }
  podTransition(pod: Pod, event: PodEvent, time: number): void {
    this.pods.push({ pod, event, time });
  }
  traffic(service: string, time: number, percents: ReadonlyMap<string, number>): void {
    this.traffics.push({ service, time, percents: new Map(percents) });
  }
  sample(rev: Revision, time: number): void {
    let waiting = 0;
    for (const a of rev.world.activators) waiting += a.existingThrottler(rev)?.waiting ?? 0;
    // The revision's own count (what timeseries.csv reads) must match the activators' queues every second.
    if (rev.activatorWaiting !== waiting) throw new Error(`${rev.spec.name}: activatorWaiting ${rev.activatorWaiting}, activators hold ${waiting}`);
    this.samples.push({ rev: rev.spec.name, time, ready: rev.readyPods.length, waiting });
  }
  decisionsOf(rev: string): Array<DecisionRecord & { rev: Revision }> {
    return this.decisions.filter((d) => d.revision === rev);
  }
}

export function run(spec: WorldSpec): { world: World; rec: MemoryRecorder } {
  const rec = new MemoryRecorder();
  const w = new World(spec, rec);
  w.run();
  return { world: w, rec };
}
