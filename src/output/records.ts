/**
 * What a run reports, as plain data: the records src/run makes from the live model as it
 * runs, and everything under src/output consumes. No record refers to a model object, so
 * the writers here can be fed from anywhere (a run, a test, a replay) and the model can
 * change its insides without touching them. Times are simulated seconds; NaN where a
 * moment has not happened.
 */
import type { DecisionRecord } from '../core/autoscaler/index.js';
import type { PodMetricsSample } from '../core/capacity/index.js';

/** How a request ended. */
export type RequestOutcome = 'ok' | 'overloaded' | 'timeout' | 'clientTimeout' | 'noRoute' | 'badGateway';

/** One finished request (any outcome). */
export interface RequestRecord {
  id: number;
  /**
   * The request's sender and its place among that sender's requests, as 32 bits: unlike `id`
   * (the run's send order), the same for the same request in runs that differ in settings or in
   * other clients, so `trace: sample=R` keeps the same requests in both.
   */
  originKey: number;
  service: string;
  /** '' when no revision was routable. */
  revision: string;
  client: string;
  tag: string | undefined;
  /** When the client sent it. */
  arrival: number;
  /** When the user container took it; NaN if it never started. */
  serviceStart: number;
  end: number;
  /** As requests.csv writes it: 200, 502 (the container crashed under it), 503, 504, 404 (no route) or -1 (the client gave up). */
  status: number;
  outcome: RequestOutcome;
  route: 'activator' | 'direct' | 'none';
  /** The pod that served or queued it; '' if none. */
  pod: string;
  /** It waited at an activator while the revision had no pod to send it to. */
  cold: boolean;
  /** Time in an activator (until sent on, or until the end); NaN if it never went through one. */
  activatorQueueSeconds: number;
  /** Time in a queue-proxy before the app took it (or until the end); NaN if it never reached a pod. */
  podQueueSeconds: number;
  /** A 200 from an app that streams (app.stream): from sending to the response's first byte; NaN or absent otherwise. */
  firstByteSeconds?: number;
  /** A 200 that was a WebSocket session (app.webSocket) closed by a shutdown (its pod's app at SIGTERM, or its activator's exit); absent or false otherwise. */
  closedAtShutdown?: boolean;
}

/** One decider evaluation of a revision with the KPA's view after it: a row of autoscaler.csv. */
export type AutoscalerRecord = Omit<DecisionRecord, 'hold'> & {
  service: string;
  /** The revision's scaling metric and target (from its spec). */
  metric: string;
  target: number;
};

/** A pod lifecycle step; ActivatorHealthy is when the activator's probe first succeeds. */
export type PodEventName =
  | 'Pending'
  | 'Starting'
  | 'Ready'
  | 'Terminating'
  | 'Gone'
  | 'ActivatorHealthy'
  // Only with injected faults:
  | 'NotReady'
  | 'CrashLoopBackOff'
  | 'Restarted'
  | 'ErrImagePull'
  | 'ImagePullBackOff'
  // Only with a memory model and limit:
  | 'OOMKilled'
  // Only with a hang fault: the kubelet's liveness probe failed, so it kills the container.
  | 'LivenessFailed'
  // Only with node pools: the first failed scheduling attempt, and the binding to a node.
  | 'Unschedulable'
  | 'Scheduled'
  // Only with node pools and a memory model: the kubelet evicted it under node memory pressure.
  | 'Evicted';

/** One pod lifecycle step: a row of pods.csv. */
export interface PodRecord {
  time: number;
  service: string;
  revision: string;
  pod: string;
  event: PodEventName;
  /** When the pod became Kubernetes-Ready, NaN if it has not (as of this event). */
  readyAt: number;
  /** When the pod started terminating, NaN if it has not (as of this event). */
  terminatingAt: number;
  /** Only with node pools: the node it is bound to ('' while it has none). */
  node?: string | undefined;
  /** Only on a Scheduled event: its containers' requests, init containers aside (what cost attribution charges at least). */
  requests?: { cpuMillis: number; memoryBytes: number } | undefined;
  /**
   * Only on a Scheduled event of a revision with a resource model: the serving container's own requests.
   * Its use is the pod's measured use, and OpenCost charges max(request, usage) container by container.
   */
  userContainerRequests?: { cpuMillis: number; memoryBytes: number } | undefined;
}

/** A node's lifecycle step: a row of nodes.csv (only with node pools). */
export interface NodeRecord {
  time: number;
  node: string;
  pool: string;
  /**
   * The node's lifecycle, and its MemoryPressure condition turning True (insufficient) and False (sufficient).
   * A node's instance exists from its request, unless its first create call failed (LaunchFailed, at the
   * request): then from its Launched row, or never if it is Deleted first.
   */
  event: 'Requested' | 'LaunchFailed' | 'Launched' | 'Ready' | 'Tainted' | 'Untainted' | 'Deleted' | 'Drifted' | 'NodeHasInsufficientMemory' | 'NodeHasSufficientMemory';
  pricePerHour: number;
  /** Allocatable. */
  cpuMillis: number;
  memoryBytes: number;
  /** Requests of the DaemonSet pods every node of its pool runs (not in nodes.csv; the cost charges them). */
  daemonSets: { cpuMillis: number; memoryBytes: number };
}

/** A service's traffic split changed. */
export interface TrafficRecord {
  time: number;
  service: string;
  /** Percent per revision name on the default route. */
  percents: Readonly<Record<string, number>>;
}

/** One revision at the end of a simulated second: a row of timeseries.csv. */
export interface TimeseriesRecord {
  time: number;
  service: string;
  revision: string;
  /** Pods by phase. */
  pending: number;
  starting: number;
  ready: number;
  terminating: number;
  /** Pods the activators' probes have found healthy. */
  activatorHealthy: number;
  /** Deployment replicas. */
  replicas: number;
  /** Requests waiting at the activators for a pod. */
  activatorWaiting: number;
  /** Requests in the pods' queue-proxies, waiting and executing. */
  podQueued: number;
  podExecuting: number;
  sksMode: 'Serve' | 'Proxy';
  /** The revision's share of the service's default route, percent. */
  trafficPercent: number;
  /** Only for revisions that model resources: metrics-server's view (see ResourceColumns). */
  resources?: ResourceColumns | undefined;
}

/**
 * A revision's resource use as metrics-server last reported it, summed over the pods it has
 * metrics for (NaN where not modelled or unknown).
 */
export interface ResourceColumns {
  /** CPU usage, millicores (each pod's rounded up, as the HPA reads it). */
  cpuUsageMillis: number;
  /** CPU requests of the same pods (all containers), millicores; NaN if a container has none. */
  cpuRequestMillis: number;
  /** floor(100 × usage / request), as the HPA computes utilization; NaN without requests. */
  cpuUtilizationPercent: number;
  /** Working sets, bytes. */
  memoryBytes: number;
  /** Pods with metrics. */
  podsWithMetrics: number;
}

/** One pod's metrics after a metrics-server scrape (only revisions that model resources). */
export type PodMetricsRecord = PodMetricsSample;

/** How a revision ended the run, known only at its end. */
export interface RevisionEndRecord {
  service: string;
  revision: string;
  /** When its Ready condition first became False and why; undefined if it never did. */
  failure?: { atSeconds: number; reason: string } | undefined;
  /** Each time its Ready condition was False: from, until (undefined if still False at the end), and why. */
  readyFalse?: ReadonlyArray<{ atSeconds: number; untilSeconds: number | undefined; reason: string }>;
  /** Scrapes through the private Service (mesh-compatibility-mode enabled) that received no stat. */
  failedScrapes?: number;
}

/** Anything that consumes a run's records as they are made. */
export interface RecordSink {
  /** The record is the sink's only for the call (the run reuses it): copy what you keep. */
  request(r: RequestRecord): void;
  decision(r: AutoscalerRecord): void;
  pod(r: PodRecord): void;
  traffic(r: TrafficRecord): void;
  /** Once a second per revision. */
  sample(r: TimeseriesRecord): void;
  /**
   * false: this sink wants no per-second samples (a run with `series: false`), so the world need
   * not sample for it: a run then has the same events as the CLI's. Default true.
   */
  readonly wantsSamples?: boolean;
  /** A metrics-server scrape of one pod (revisions that model resources). Optional. */
  podMetrics?(r: PodMetricsRecord): void;
  /** A node's lifecycle step (only with node pools). Optional. */
  node?(r: NodeRecord): void;
}
