/** Resource amounts in the units the scheduler compares: millicores and bytes. */
export interface Resources {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

/** One container's requests; an absent field means the container sets no request. */
export interface ContainerRequests {
  readonly cpuMillis?: number | undefined;
  readonly memoryBytes?: number | undefined;
}

/** What the scheduler needs to know of a pod. */
export interface PodResources {
  /** Σ container requests, used by the fit filter and by the cluster autoscaler. */
  readonly requests: Resources;
  /** Σ container requests with kube-scheduler's non-zero defaults, used only for scoring. */
  readonly nonZeroRequests: Resources;
  /**
   * Σ the containers' own requests, without init containers or overhead: what OpenCost charges a
   * pod at least (it reads the requests of spec.containers, one container at a time).
   */
  readonly containerRequests: Resources;
}

/** A node as the scheduler sees it at one instant. */
export interface NodeView {
  readonly name: string;
  readonly allocatable: Resources;
  readonly maxPods: number;
  /** Σ requests of the pods bound to it (DaemonSet pods included). */
  readonly requested: Resources;
  /** Σ non-zero requests of the pods bound to it (for scoring). */
  readonly nonZeroRequested: Resources;
  readonly pods: number;
  /**
   * Its PreferNoSchedule taints the pod does not tolerate (absent: none). knsim's only one is the
   * Cluster Autoscaler's DeletionCandidateOfClusterAutoscaler, which no Knative pod tolerates.
   */
  readonly preferNoScheduleTaints?: number;
}

/** The top of every score plugin's range after normalization (framework.MaxNodeScore). */
export const MAX_NODE_SCORE = 100;

export const ZERO_RESOURCES: Resources = { cpuMillis: 0, memoryBytes: 0 };

export function addResources(a: Resources, b: Resources): Resources {
  return { cpuMillis: a.cpuMillis + b.cpuMillis, memoryBytes: a.memoryBytes + b.memoryBytes };
}

export function subtractResources(a: Resources, b: Resources): Resources {
  return { cpuMillis: a.cpuMillis - b.cpuMillis, memoryBytes: a.memoryBytes - b.memoryBytes };
}

/**
 * One pod's metrics as the metrics API serves them after a metrics-server scrape: what the
 * simulator's metrics-server produces and what the run writes to pod-metrics records.
 */
export interface PodMetricsSample {
  time: number;
  service: string;
  revision: string;
  pod: string;
  /** CPU over the last scrape window, millicores rounded up (as the HPA reads it); NaN if CPU is not modelled. */
  cpuMillis: number;
  /** Working set at the scrape (bytes); NaN if memory is not modelled. */
  memoryBytes: number;
  /** The window the CPU rate covers (s). */
  windowSeconds: number;
}
