/**
 * The simulated world as plain, validated data: what the scenario loader produces
 * and the model consumes. Times are seconds from the start of the run.
 */
import type { AutoscalerClass, AutoscalerConfig, RevisionAutoscaling } from '../core/autoscaler/index.js';
import type { KubeletReadinessProbe, LivenessProbe, MeshCompatibilityMode, StartupProbe, TrafficTarget } from '../core/traffic/index.js';
import type { ClusterAutoscalerConfig, DisruptionBudgetSpec, DisruptionControls, KarpenterConfig, LaunchFailureWindow, NodePoolLimits, PodResources } from '../core/capacity/index.js';
import type { DistributionSpec } from '../engine/distributions.js';

export type { DistributionSpec };

/** How a pod comes up: each phase is drawn from its own distribution and added. */
export interface PodStartSpec {
  /** Pod created → scheduled and its address known (the activator starts probing). */
  scheduling: DistributionSpec;
  imagePull: DistributionSpec;
  containerStart: DistributionSpec;
  /** Container started → the queue-proxy readiness check passes (the activator's probe succeeds). */
  readiness: DistributionSpec;
  /** Queue-proxy ready → Kubernetes marks the pod Ready (kubelet probe period); the autoscaler counts it from then. */
  kubeletReadyLag: DistributionSpec;
}

/**
 * A fault injected into a revision's pods (times are seconds from the start of the run).
 * `pods` undefined means every pod of the revision; otherwise the oldest `pods` pods that
 * exist at `atSeconds` and are not terminating.
 */
export type PodFaultSpec =
  /** The readiness probe fails for the window (pods = undefined: also pods started in it); Infinity: never passes again. */
  | { kind: 'readinessFailure'; atSeconds: number; durationSeconds: number; pods: number | undefined }
  /**
   * The user container exits at `atSeconds` (pods whose container is running); after each
   * restart it runs `uptimeSeconds` and exits again, until it has exited `count` times.
   */
  | { kind: 'crash'; atSeconds: number; pods: number | undefined; count: number; uptimeSeconds: number }
  /** Image pulls that start in the window fail (ErrImagePull, then ImagePullBackOff and a retry). */
  | { kind: 'imagePull'; atSeconds: number; durationSeconds: number }
  /**
   * The app stops answering at `atSeconds` (pods whose app answers then) for `durationSeconds`
   * (Infinity: until its container exits: the kubelet's liveness probe, a crash, an OOM kill).
   */
  | { kind: 'hang'; atSeconds: number; durationSeconds: number; pods: number | undefined }
  /**
   * The app takes `factor` times as long for the requests it starts in the window (its service
   * time, or with the CPU model its non-CPU wait); pods = undefined: every pod, also those started in it.
   */
  | { kind: 'slowdown'; atSeconds: number; durationSeconds: number; factor: number; pods: number | undefined };

export interface RevisionSpec {
  name: string;
  service: string;
  /** The Configuration generation that created it; higher is newer. */
  generation: number;
  createdAtSeconds: number;
  /** spec.containerConcurrency; 0 means unlimited. */
  containerConcurrency: number;
  /** spec.timeoutSeconds (revision timeout; queue-proxy and activator answer 504 after it). */
  timeoutSeconds: number;
  /**
   * spec.responseStartTimeoutSeconds and spec.idleTimeoutSeconds as Knative defaulted them
   * (absent or 0: no such timer). knsim's app writes its response only when it is done, so
   * either one bounds the whole request like the revision timeout (see `Revision.requestTimeoutSeconds`).
   */
  responseStartTimeoutSeconds?: number | undefined;
  idleTimeoutSeconds?: number | undefined;
  /**
   * false: the activator sends to a pod only once Kubernetes marks it Ready, not as soon as
   * its own probe reaches the queue-proxy. Knative turns that shortcut off when the kubelet
   * checks something the queue-proxy cannot: an exec readiness probe or a startup probe on
   * the user container, or a startup probe on a sidecar. Undefined: true.
   */
  enableProbeOptimisation?: boolean | undefined;
  /**
   * The pod-level readiness probe the kubelet runs (the queue-proxy's copy of the serving
   * container's probe, defaulted by Knative and Kubernetes): it times NotReady and Ready again
   * around a readiness failure. Undefined: Knative's default probe (every 10 s, 3 failures, 1 success).
   */
  kubeletReadinessProbe?: KubeletReadinessProbe | undefined;
  /**
   * true: the kubelet probes the serving container's readiness itself (an exec readiness probe,
   * which Knative leaves on it), so after a restart it is ready only once that probe passes.
   * Undefined: it is ready as soon as it runs (or, with a startup probe, once that passes).
   */
  servingContainerKubeletProbed?: boolean | undefined;
  /**
   * The serving container's startup probe: the container is not ready until it passes, and is
   * killed and restarted when it fails failureThreshold times first (core startup-probe.ts).
   */
  startupProbe?: StartupProbe | undefined;
  /** The serving container's liveness probe (only a hang fault makes it fail). Undefined: none. */
  livenessProbe?: LivenessProbe | undefined;
  /**
   * true: the serving container's readiness probe waits for the app to answer (httpGet or gRPC),
   * so a hung app fails it. Undefined: it does not (Knative's default TCP probe, an exec one).
   */
  readinessProbeFailsWhenHung?: boolean | undefined;
  /** The other containers' startup probes: each passes at its first probe after the pod's containers start. */
  sidecarStartupProbes?: readonly StartupProbe[] | undefined;
  /** Resolved from config-autoscaler + the revision's annotations + containerConcurrency by core. */
  autoscaling: RevisionAutoscaling;
  /** A request's work: its service time, or with `work.kind` cpu its CPU-seconds (drawn at the request's own uniform). */
  serviceTime: DistributionSpec;
  podStart: PodStartSpec;
  /**
   * For a revision that exists when the run starts: how many Ready pods it has then
   * (0 = scaled to zero long ago). Undefined: it is created at `createdAtSeconds` and
   * starts with initial-scale pods, like a fresh deploy.
   */
  initialPods: number | undefined;
  /** Injected pod faults; undefined or empty: the pods are healthy. */
  faults?: readonly PodFaultSpec[] | undefined;
  /** Requests and limits from the manifest (plus the queue-proxy's); undefined when the scenario does not model resources. */
  resources?: PodResourcesSpec | undefined;
  /** How a request uses the pod (src/model/cpu.ts); undefined: the fixed service time (`serviceTime`). */
  work?: WorkModelSpec | undefined;
  /** Memory per pod (src/model/memory.ts); undefined: memory is not modelled. */
  memory?: MemoryModelSpec | undefined;
  /**
   * A streamed response (app.stream): when the app writes, which the response-start and idle
   * timeouts time; undefined: the app writes its whole response when done.
   */
  stream?: StreamSpec | undefined;
  /**
   * Its requests are WebSocket sessions (app.webSocket) of their service time: as a pod shuts down, its
   * app closes the sessions still open when it gets SIGTERM, at the end of the queue-proxy's drain.
   */
  webSocket?: WebSocketSpec | undefined;
  /** What the scheduler reads of a pod (all containers' requests); set only when the scenario has node pools. */
  podRequests?: PodResources | undefined;
  /**
   * Its pods carry Knative's preferred anti-affinity over nodes (config-deployment
   * default-affinity-type prefer-spread-revision-over-nodes, the template setting no affinity),
   * which kube-scheduler's InterPodAffinity scores; set only when the scenario has node pools.
   */
  spreadOverNodes?: boolean | undefined;
  /**
   * What its pods' annotations and volumes tell the node autoscalers (safe-to-evict, local volumes,
   * do-not-disrupt); set only when the scenario has node pools and the template sets one.
   */
  disruptionControls?: DisruptionControls | undefined;
}

/** One container's requests and limits: CPU in millicores, memory in bytes; undefined = not set. */
export interface ContainerResources {
  cpuRequestMillis?: number | undefined;
  cpuLimitMillis?: number | undefined;
  memoryRequestBytes?: number | undefined;
  memoryLimitBytes?: number | undefined;
}

/** What the pod asks Kubernetes for, after Knative's and Kubernetes' defaulting. */
export interface PodResourcesSpec {
  /** The serving (user) container: its limits bound the CPU and memory models. */
  user: ContainerResources;
  /** Other containers of a multi-container revision (their requests count in the pod's). */
  sidecars: readonly ContainerResources[];
  /** The queue-proxy sidecar (config-deployment queue-sidecar-*; CPU request 25m by default). */
  queueProxy: ContainerResources;
  /** Init containers: they run one at a time before the others, so the pod requests the largest if it exceeds the containers' sum. */
  initContainers?: readonly ContainerResources[] | undefined;
  /**
   * The first container, in the pod's order (the template's containers, then queue-proxy), with
   * no request for each resource: the one the HPA names when it cannot compute a utilization.
   */
  withoutRequest?: Partial<Record<'cpu' | 'memory', string>> | undefined;
}

/**
 * What an app serving WebSocket sessions does when it gets SIGTERM (its pod's drain is over):
 * `close` its open sessions, or `drain`: take no new connection and let them run, which the
 * queue-proxy allows for 60 s more (its hijacked-connection drain, which starts once no request
 * waits in its breaker) before it exits and cuts them.
 */
export interface WebSocketSpec {
  onSigterm: 'close' | 'drain';
}

/** How an app streams its response: the first byte after `firstByteSeconds` of its work, then a write every `intervalSeconds` (+∞: the rest at the end). */
export interface StreamSpec {
  firstByteSeconds: number;
  intervalSeconds: number;
}

/**
 * A request's work when it is not a fixed service time.
 * - cpu: processor sharing of the user container's CPU (`ceilingMillis`, or a larger limit; a smaller limit in CFS periods).
 * - profile: a measured latency-vs-concurrency table of one pod (`hey -c N`), interpolated.
 */
export type WorkModelSpec =
  | {
      kind: 'cpu';
      /** Non-CPU time per request (I/O, downstream calls), before its CPU work; constant 0 when absent. */
      waitSeconds: DistributionSpec;
      /** Cores one request can use at once. */
      parallelism: number;
      /** Millicores its node would give a pod (without a limit, or bursting within a smaller limit's quota); Infinity: its node's allocatable (node pools). */
      ceilingMillis: number;
    }
  | {
      kind: 'profile';
      /** Concurrency (strictly increasing, ≥ 1) → latency (s) of one request at that steady concurrency. */
      concurrency: readonly number[];
      latencySeconds: readonly number[];
      /** The pod's CPU usage (millicores) at each point, if measured; undefined: not reported. */
      cpuMillis: readonly number[] | undefined;
    };

/** Working set = baseline + perRequest × requests in the user container. */
export interface MemoryModelSpec {
  baselineBytes: number;
  perRequestBytes: number;
}

/** A traffic block in force from `atSeconds` (a Service update that only changes traffic, or the initial one). */
export interface TrafficChange {
  atSeconds: number;
  traffic: readonly TrafficTarget[];
}

/**
 * A revision's settings changed in place from `atSeconds` on: its annotations were patched,
 * or config-autoscaler changed. `autoscaling` is resolved as reachable (the route decides that).
 */
export interface AutoscalingChange {
  atSeconds: number;
  revision: string;
  autoscaling: RevisionAutoscaling;
  /** Where the scenario made the change (a field path), for messages. */
  source?: string;
  /**
   * A config-autoscaler change, not a patch of the revision: its PA spec is unchanged, and
   * the PA is reconciled by the resync of every PA that the config change triggers.
   */
  config?: boolean;
}

/** The Service's rollout duration from `atSeconds` on (its annotations were updated). */
export interface RolloutDurationChange {
  atSeconds: number;
  seconds: number;
}

export interface ServiceSpec {
  name: string;
  /** Every revision the scenario creates over time (initial template and template updates), oldest first. */
  revisions: readonly RevisionSpec[];
  /** Traffic blocks over time, first one at 0. An empty block means 100 % to the latest ready revision. */
  traffic: readonly TrafficChange[];
  /** serving.knative.dev/rollout-duration (or config-network), seconds; 0 = no gradual rollout. */
  rolloutDurationSeconds: number;
  /** Later values of the rollout duration (Service annotation updates), in time order (none when absent). */
  rolloutDurationChanges?: readonly RolloutDurationChange[];
  /** In-place changes of its revisions' settings, in time order (none when absent). */
  autoscalingChanges?: readonly AutoscalingChange[];
  /** When the Service is deleted (its Route goes, requests get 404, and its revisions with their pods are deleted); absent: never. */
  deletedAtSeconds?: number;
}

/** Request rate over time, in requests per second. */
export type RateSpec =
  | { shape: 'constant'; rps: number }
  | { shape: 'step'; steps: ReadonlyArray<{ atSeconds: number; rps: number }> }
  | { shape: 'ramp'; fromRps: number; toRps: number; startSeconds: number; endSeconds: number }
  | { shape: 'spike'; baseRps: number; peakRps: number; atSeconds: number; durationSeconds: number }
  | { shape: 'sine'; meanRps: number; amplitudeRps: number; periodSeconds: number; phaseSeconds: number };

interface ClientBase {
  /** Client name, shown in requests.csv. */
  name: string;
  service: string;
  /** Send to this tag's route (tag-<name> URL) instead of the default split. */
  tag?: string;
  /** The client gives up after this long (status "client timeout"). */
  timeoutSeconds?: number;
  /** When the client starts sending (unused with `startWhen`). */
  startSeconds: number;
  /** When it stops sending, in run time (with `startWhen`, also `forSeconds` after its start). */
  endSeconds: number;
  /** Start when a revision first meets a condition instead of at `startSeconds`. */
  startWhen?: StartCondition;
  /** Send for this long after the actual start (the earlier of this and `endSeconds` ends it). */
  forSeconds?: number;
  /**
   * Draw arrivals and request work from the streams of this name instead of the client's
   * own: clients sharing it send the same requests at the same times (common random numbers).
   */
  randomStream?: string;
}

/** What a conditional client waits for, on one revision. */
export type RevisionCondition =
  /** At least this many Kubernetes-Ready pods (true at once if it already has them). */
  | { kind: 'readyPods'; atLeast: number }
  /** The SKS's effective mode switches to this one (a mode it is in when the watch begins does not count). */
  | { kind: 'sksMode'; mode: 'Serve' | 'Proxy' }
  /** Deployment scaled to 0 replicas and no pod Ready (upstream's e2e: ReadyReplicas == 0); true at once if so. */
  | { kind: 'scaledToZero' };

/**
 * A client that starts on a condition, as upstream's e2e tests start load: the client
 * starts `delaySeconds` after the first instant the condition holds, watched from the
 * revision's creation. Its rate's and trace's times then count from its start.
 */
export interface StartCondition {
  revision: string;
  when: RevisionCondition;
  delaySeconds: number;
}

/** Open loop: arrivals do not wait for responses (like vegeta; hey's -q paces workers that still wait for answers). */
export interface OpenLoopSpec extends ClientBase {
  kind: 'open';
  /** poisson: exponential gaps at the current rate; uniform: evenly spaced by the rate's integral. */
  process: 'poisson' | 'uniform';
  rate: RateSpec;
}

/** Closed loop: N users each send, wait for the answer, think, repeat (like `hey -c N`). */
export interface ClosedLoopSpec extends ClientBase {
  kind: 'closed';
  users: number;
  think: DistributionSpec;
  /** hey's `-q`: each user sends at most this many requests per second, paced by its own ticker; undefined: no limit. */
  qps?: number | undefined;
}

/** Replay of recorded arrivals (seconds from the start), optionally with per-request service times. */
export interface TraceReplaySpec extends ClientBase {
  kind: 'trace';
  arrivals: Float64Array;
  durations: Float64Array | undefined;
}

export type ClientSpec = OpenLoopSpec | ClosedLoopSpec | TraceReplaySpec;

export interface ClusterSpec {
  /** Activator pods in the cluster; a revision's SKS subset takes numActivators of them. */
  activatorReplicas: number;
  /** Ingress (gateway) hop latency added to every request on the way in. */
  ingressLatencySeconds: number;
  /** Activator probe period while some address is not yet healthy (PROBE_FREQUENCY, 200 ms). */
  activatorProbePeriodSeconds: number;
  /** config-network mesh-compatibility-mode as the activators read it at their start; absent: auto. */
  meshCompatibilityMode?: MeshCompatibilityMode;
  /** config-network ingress-class: how the ingress spreads requests over a revision's endpoints (absent: round robin). */
  ingressClass?: string;
  /** Queue-proxy drain quiet period after SIGTERM before the pod can go away (30 s). */
  drainSeconds: number;
  /** metrics-server's scrape period (`--metric-resolution`; 15 s in its shipped manifests). Used only when a revision models resources. */
  metricsResolutionSeconds?: number;
  /** Nodes, scheduling and node autoscaling (src/model/cluster.ts); undefined: unbounded capacity, pods never wait for a node. */
  nodes?: NodesSpec | undefined;
  /** The activator's CPU and its own HPA; undefined: activators have unlimited capacity and a fixed count. */
  activatorCpu?: ActivatorCpuSpec;
}

/** One node pool (a CA node group, or one Karpenter instance type): identical nodes. */
export interface NodePoolSpec {
  name: string;
  /** Node allocatable. */
  cpuMillis: number;
  memoryBytes: number;
  /** kubelet maxPods (110). */
  maxPods: number;
  pricePerHour: number;
  minNodes: number;
  /** The most nodes: a CA node group's max size, a Karpenter NodePool's `nodes` limit. */
  maxNodes: number;
  /** A Karpenter NodePool's other limits (spec.limits cpu, memory, pods); none when absent. */
  limits?: Omit<NodePoolLimits, 'nodes'> | undefined;
  /** Nodes Ready when the run starts. */
  initialNodes: number;
  /** Provision request → node Ready. */
  startupLatency: DistributionSpec;
  /**
   * How long before it is Ready its kubelet registers the Node object (absent: 0, at once): from
   * then it is in kube-scheduler's node list, rejected by its node.kubernetes.io/not-ready taint.
   * Taken out of the start-up latency, never before the launch.
   */
  readyAfterRegistrationSeconds?: number | undefined;
  /** Requests of the DaemonSet pods every node runs, and how many pods they are. */
  daemonSet: { cpuMillis: number; memoryBytes: number; pods: number };
  /** Its nodes are annotated cluster-autoscaler.kubernetes.io/scale-down-disabled: "true" (the CA never removes them). */
  scaleDownDisabled?: boolean | undefined;
  /** Its nodes are annotated karpenter.sh/do-not-disrupt: "true" (Karpenter neither consolidates nor drifts them). */
  doNotDisrupt?: boolean | undefined;
  /** When the cloud fails launches of its nodes (Karpenter only); none when absent. */
  launchFailures?: readonly LaunchFailureWindow[] | undefined;
}

export type NodeAutoscalerSpec =
  | { kind: 'none' }
  /** `firstScanSeconds`: the loop's first run (its phase); undefined: drawn from the seeded stream. */
  | { kind: 'cluster-autoscaler'; config: ClusterAutoscalerConfig; firstScanSeconds: number | undefined }
  | { kind: 'karpenter'; config: KarpenterConfig; consolidation: 'WhenEmptyOrUnderutilized' | 'WhenEmpty' | 'Balanced'; firstPollSeconds: number | undefined };

export interface NodesSpec {
  pools: readonly NodePoolSpec[];
  autoscaler: NodeAutoscalerSpec;
  /** config-deployment pod-is-always-schedulable (false): when false an Unschedulable pod fails the revision. */
  podIsAlwaysSchedulable: boolean;
  /** Share of a node's price charged to CPU in per-revision cost (OpenCost; 0.5). */
  cpuCostShare: number;
  /** kube-scheduler's percentageOfNodesToScore, 0..100; 0 or absent: its default, adaptive to the cluster's size. */
  percentageOfNodesToScore?: number | undefined;
}

/** The activator pods' CPU (processor sharing, like a revision's pods) and the activator HPA. */
export interface ActivatorCpuSpec {
  /** CPU-seconds an activator spends on one proxied request. */
  perRequestSeconds: number;
  /** The activator container's CPU request (the HPA's denominator), millicores. */
  requestMillis: number;
  /** Its CPU limit, millicores: its CFS quota, and through automaxprocs its GOMAXPROCS (the cores it runs on). */
  limitMillis: number;
  minReplicas: number;
  maxReplicas: number;
  /** The HPA's target, percent of the request. */
  targetUtilization: number;
  /** A new activator pod's start: created → Ready and in the activator endpoints. */
  startupSeconds: number;
}

/** Which requests get a row in requests.csv. */
export type RequestTraceMode = { mode: 'none' } | { mode: 'full' } | { mode: 'sample'; rate: number };

/** One PodDisruptionBudget: its name, spec, and the revisions whose pods its selector matches (no revision is in two). */
export interface DisruptionBudgetEntry {
  name: string;
  spec: DisruptionBudgetSpec;
  revisions: readonly string[];
}

export interface WorldSpec {
  name: string;
  seed: number;
  durationSeconds: number;
  autoscalerConfig: AutoscalerConfig;
  cluster: ClusterSpec;
  services: readonly ServiceSpec[];
  clients: readonly ClientSpec[];
  /** Autoscaler classes besides the KPA and HPA (user-written ones), by their annotation value. */
  autoscalerClasses?: readonly AutoscalerClass[] | undefined;
  /** Restarts of Knative's autoscaler process, in order, none overlapping (top-level `updates[].restartAutoscaler`). */
  autoscalerRestarts?: ReadonlyArray<{ atSeconds: number; downtimeSeconds: number }> | undefined;
  /** Crashes of activator containers (by index), in order, none overlapping for one activator (top-level `updates[].crashActivator`). */
  activatorCrashes?: ReadonlyArray<{ atSeconds: number; activator: number; downtimeSeconds: number }> | undefined;
  /**
   * Rolling restarts of the activator Deployment, in order, none before the previous is complete
   * (top-level `updates[].restartActivators`): each new pod joins the activator endpoints
   * `startupSeconds` after its creation.
   */
  activatorRollouts?: ReadonlyArray<{ atSeconds: number; startupSeconds: number }> | undefined;
  /**
   * Activator pods deleted (by index, among those the run starts with), in order (top-level
   * `updates[].deleteActivator`): each drains, and its ReplicaSet's replacement joins the
   * activator endpoints `startupSeconds` after the deletion.
   */
  activatorDeletions?: ReadonlyArray<{ atSeconds: number; activator: number; startupSeconds: number }> | undefined;
  /**
   * Nodes drained and removed from their pools, by name, in order (top-level
   * `updates[].drainNode`): `kubectl drain`, then the node's instance deleted.
   */
  nodeDrains?: ReadonlyArray<{ atSeconds: number; node: string; timeoutSeconds?: number; disableEviction?: boolean }> | undefined;
  /**
   * NodePools whose template changed, in order (top-level `updates[].driftNodePool`; Karpenter
   * only): their NodeClaims launched before are Drifted and replaced.
   */
  nodePoolDrifts?: ReadonlyArray<{ atSeconds: number; pool: string }> | undefined;
  /** The users' PodDisruptionBudgets (top-level `podDisruptionBudgets`), each with the revisions whose pods it selects. */
  disruptionBudgets?: readonly DisruptionBudgetEntry[] | undefined;
  /**
   * The most revision pods that may exist at once (knsim's --max-pods). The limits are checked on
   * an estimate before the run; this stops a run whose autoscaler asks for far more (a user
   * class returning 1e15) before it eats the machine. Undefined: no cap.
   */
  podLimit?: number | undefined;
  /** The most requests the clients may send over the run; past it the run stops (RequestLimitExceeded). */
  requestLimit?: number | undefined;
  /** The most requests in flight at once (knsim's --max-in-flight); past it the run stops (InFlightLimitExceeded). Undefined: DEFAULT_IN_FLIGHT_LIMIT. */
  inFlightLimit?: number | undefined;
}
