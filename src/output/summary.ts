import { LatencyHistogram, type LatencySummary } from './latency.js';
import type { RequestOutcome } from './records.js';
import type { CostSummary, NodesSummary } from './cluster-accounting.js';

/** Request outcome counts, as summary.json reports them. */
export interface RequestCounts {
  total: number;
  ok: number;
  status503: number;
  status504: number;
  clientTimeouts: number;
  /** Sent while no revision of the service was routable (the Route was not ready). */
  noRoute: number;
  /** 502 Bad Gateway: the user container exited under the request. Absent when there were none. */
  status502?: number;
}

export function emptyCounts(): RequestCounts {
  return { total: 0, ok: 0, status503: 0, status504: 0, clientTimeouts: 0, noRoute: 0 };
}

/** Counts one finished request by its outcome (status502 appears with the first 502). */
export function countOutcome(c: RequestCounts, outcome: RequestOutcome): void {
  c.total++;
  switch (outcome) {
    case 'ok':
      c.ok++;
      break;
    case 'overloaded':
      c.status503++;
      break;
    case 'timeout':
      c.status504++;
      break;
    case 'clientTimeout':
      c.clientTimeouts++;
      break;
    case 'noRoute':
      c.noRoute++;
      break;
    case 'badGateway':
      c.status502 = (c.status502 ?? 0) + 1;
      break;
  }
}

export interface RevisionSummary {
  service: string;
  revision: string;
  requests: RequestCounts;
  /** Percentiles of successful (200) requests, client-side (arrival to response). */
  latencyMs: LatencySummary;
  /** Time to first byte of the 200s (client-side), for a revision whose app streams its response (app.stream); absent otherwise. */
  firstByteMs?: LatencySummary;
  /**
   * In a run where some revision serves WebSocket sessions (app.webSocket): the sessions (counted
   * with the 200s) closed before their own end by a shutdown: their app's at SIGTERM as its pod
   * drained, or the exit of the activator that proxied them. Absent otherwise.
   */
  sessionsClosedAtShutdown?: number;
  coldStartRequests: number;
  /** Pod time from creation until the pod is gone (Pending, Starting, Ready and Terminating all cost). */
  podSeconds: number;
  /** podSeconds in hours (6 decimals). */
  podHours: number;
  /** Hours pods spent Ready (from a Ready row in pods.csv until the pod leaves the endpoints: NotReady, CrashLoopBackOff or Terminating), 6 decimals. */
  readyPodHours: number;
  maxReadyPods: number;
  /**
   * When the revision's first pod became Kubernetes-Ready, seconds from the run start (the
   * time of its first Ready row in pods.csv; 0 for initialPods); null if no pod ever was.
   * For a service's first revision this is its time to first ready.
   */
  timeToFirstReadySeconds: number | null;
  /** Each time the revision's Deployment went from some pods to none (the last pod starts terminating). */
  scaleToZeroAtSeconds: number[];
  panicSeconds: number;
  /**
   * The first time the revision's Ready condition became False, with upstream's reason (the
   * progress deadline, an unschedulable pod, or ContainerHealthy False: `ExitCode<n>` after a
   * container exited while no pod was available). Absent if it never did.
   */
  failure?: { atSeconds: number; reason: string };
  /**
   * Every stretch of Ready False, in order (the first is `failure`): when it began, when Ready
   * was no longer False (null if it still was at the end) and the reason it began with.
   * Present exactly when `failure` is.
   */
  readyFalse?: Array<{ atSeconds: number; untilSeconds: number | null; reason: string }>;
  /**
   * With mesh-compatibility-mode enabled, the KPA's scrapes through the private Service that got no
   * stat (too few distinct pods reached): each left the revision's Metric Ready=False
   * (DidNotReceiveStat) until a good one, and the decider went on without that second's stat.
   * Absent when none failed.
   */
  failedScrapes?: number;
}

export interface RunSummary {
  scenario: string;
  seed: number;
  simulatedSeconds: number;
  events: number;
  wallSeconds: number;
  overall: Omit<RevisionSummary, 'service' | 'revision' | 'timeToFirstReadySeconds' | 'scaleToZeroAtSeconds' | 'failure' | 'failedScrapes'>;
  /**
   * Requests per service sent while none of its revisions was routable (its Route not yet
   * ready, e.g. a fresh deploy before the first pod is Ready): answered "no route", counted
   * in overall.requests.noRoute, and in no revision. Only services with such requests.
   */
  noRouteByService: Record<string, number>;
  revisions: RevisionSummary[];
  /** Only with node pools: node count, node-hours and how long pods waited for a node. */
  nodes?: NodesSummary;
  /** Only with node pools: node cost, per-revision attribution (OpenCost) and idle cost, dollars. */
  cost?: CostSummary;
  /** Scenario keys Knative ignores that look like typos, as `knsim run` printed them; absent when there are none. */
  warnings?: string[];
  /** The activator Deployment scaled by its HPA (only with `cluster.activatorCpu`). */
  activatorPool?: ActivatorPoolSummary;
  /**
   * When Knative's autoscaler process was down (`updates[].restartAutoscaler` within the run):
   * from its restart's `at` until its new process ran (null: still down at the end). Absent without restarts.
   */
  autoscalerDown?: Array<{ fromSeconds: number; untilSeconds: number | null }>;
  /**
   * When an activator's container was down after a crash (`updates[].crashActivator` within the
   * run): the activator, from the crash until its restarted container was ready (null: still
   * down at the end). Absent without crashes.
   */
  activatorDown?: Array<{ activator: string; fromSeconds: number; untilSeconds: number | null }>;
  /**
   * Rolling restarts of the activator Deployment (`updates[].restartActivators` within the run):
   * from its `at`, when it was complete (the last old activator deleted, every new one Ready), when
   * the last old activator exited after draining, and the requests failed because one was killed
   * at its grace period (null: not within the run). Absent without rollouts.
   */
  activatorRollouts?: Array<{ fromSeconds: number; completeSeconds: number | null; drainedSeconds: number | null; failedRequests: number }>;
  /**
   * Activator pods deleted (`updates[].deleteActivator` within the run): the activator and its
   * ReplicaSet's replacement, when it was deleted, when the replacement joined the endpoints, when
   * the deleted one exited after draining, and the requests failed because it was killed at its
   * grace period (null: not within the run). Absent without deletions.
   */
  activatorDeletions?: Array<{
    activator: string;
    replacement: string;
    fromSeconds: number;
    replacementReadySeconds: number | null;
    drainedSeconds: number | null;
    failedRequests: number;
  }>;
  /**
   * Services deleted (`updates[].deleteService` within the run): the Service, when, the
   * revisions deleted with it, how many pods that sent Terminating, and when its last pod was
   * gone (null: some were still draining at the end). Absent without deletions.
   */
  serviceDeletions?: Array<{ service: string; atSeconds: number; revisions: string[]; terminatedPods: number; podsGoneSeconds: number | null }>;
  /**
   * Nodes drained (`updates[].drainNode` within the run): the node, when, what the drain found
   * (Drained; AlreadyRemoving, by the node autoscaler; NotFound), the pods it evicted, and when
   * the node had no pod left and when it was deleted (null: not within the run). Absent without
   * drains. With podDisruptionBudgets, also the evictions a budget refused (each retried 5 s later);
   * with a drain `timeout`, when kubectl gave up (null: it did not).
   */
  nodeDrains?: Array<{
    node: string;
    fromSeconds: number;
    outcome: 'Drained' | 'AlreadyRemoving' | 'NotFound';
    evictedPods: number;
    refusedEvictions?: number;
    emptySeconds: number | null;
    deletedSeconds: number | null;
    gaveUpSeconds?: number | null;
  }>;
  /**
   * The users' PodDisruptionBudgets (top-level `podDisruptionBudgets`): the revisions each selects,
   * the evictions of Ready pods it allowed (disruptions) and those it refused, from every evictor
   * (kubectl drain, the Cluster Autoscaler, Karpenter), and its pods Karpenter deleted without
   * asking, its terminationGracePeriod running out. Absent without budgets.
   */
  podDisruptionBudgets?: Array<{
    name: string;
    revisions: string[];
    disruptions: number;
    refusedEvictions: number;
    forcedDeletions: number;
  }>;
  /**
   * NodePools whose template changed (`updates[].driftNodePool` within the run; Karpenter's
   * drift): the pool, when, its NodeClaims marked Drifted, the nodes launched to hold their pods
   * (replacementNodes; replacementsNotLaunched: NodeClaims created for them that had not launched by
   * the end, deleted after InsufficientCapacity or the launch timeout or still retrying, absent when none),
   * how many drifted nodes were deleted by the end and when the last went (null: not all within
   * the run). Absent without drifts.
   */
  nodePoolDrifts?: Array<{
    pool: string;
    atSeconds: number;
    driftedNodes: number;
    replacementNodes: number;
    replacementsNotLaunched?: number;
    deletedNodes: number;
    completeSeconds: number | null;
  }>;
  /**
   * Nodes the node autoscaler would otherwise have considered taking off (the Cluster
   * Autoscaler: below its utilization threshold; Karpenter: consolidatable, or drifted), kept by
   * their pods' annotations, local volumes or PodDisruptionBudgets, or their own annotation or (Karpenter) nomination: per autoscaler and reason, the revisions whose pods
   * held them, how many distinct nodes, the first and last time one was found held. Absent when none was.
   */
  scaleDownBlocks?: Array<{
    autoscaler: 'cluster-autoscaler' | 'karpenter';
    reason: 'NotSafeToEvictAnnotation' | 'LocalStorageRequested' | 'DoNotDisrupt' | 'NotEnoughPdb' | 'ScaleDownDisabledAnnotation' | 'Nominated';
    revisions: string[];
    /** The pools whose nodes' own state (scale-down-disabled, do-not-disrupt, Karpenter's nomination) held them; then `revisions` is empty. */
    pools?: string[];
    nodes: number;
    firstSeconds: number;
    lastSeconds: number;
  }>;
  /**
   * Pending pods Karpenter gave no new node because NodePool limits refused every pool that could
   * hold them: per pool and scheduler error, the FailedScheduling event's message, the revisions
   * whose pods it held, how many distinct pods, the first and last provisioning pass. Absent when none was.
   */
  provisioningBlocks?: Array<{
    pool: string;
    reason: 'FailedScheduling';
    message: string;
    revisions: string[];
    pods: number;
    firstSeconds: number;
    lastSeconds: number;
  }>;
  /**
   * Requests sent but not answered when the run ended (waiting at an activator, queued or
   * executing): the counts above are of answered requests. Absent when there were none.
   */
  requestsInFlightAtEnd?: number;
}

/** The activator Deployment over a run, scaled by its HPA (`cluster.activatorCpu`). */
export interface ActivatorPoolSummary {
  /** Activator pods (spec.replicas) at the start and the end, and the most at once. */
  initial: number;
  final: number;
  max: number;
  /** CPU-seconds all activators used on proxied requests. */
  cpuSeconds: number;
  /** Each rescale: when, from → to, and the CPU utilization (percent of the request) the HPA saw. */
  scaleEvents: Array<{ timeSeconds: number; from: number; to: number; utilizationPercent: number }>;
}

/** Running aggregates for one revision; O(1) memory per revision. */
export class RevisionStats {
  readonly counts: RequestCounts = emptyCounts();
  readonly coldLatency = new LatencyHistogram();
  readonly warmLatency = new LatencyHistogram();
  /** Time to first byte of the 200s, for a revision whose app streams its response (app.stream). */
  firstByte: LatencyHistogram | undefined = undefined;
  /** WebSocket sessions closed as their pod shut down; undefined in a run without WebSocket sessions. */
  sessionsClosedAtShutdown: number | undefined = undefined;
  cold = 0;
  // Pod accounting.
  existingPods = 0;
  livePods = 0;
  readyPods = 0;
  maxReady = 0;
  podSeconds = 0;
  readyPodSeconds = 0;
  private lastPodChange = 0;
  scaleToZeroAt: number[] = [];
  /** The first Ready pod event (run time). */
  firstReadyAt = Number.NaN;
  failure: { atSeconds: number; reason: string } | undefined;
  readyFalse: ReadonlyArray<{ atSeconds: number; untilSeconds: number | undefined; reason: string }> = [];
  /** Scrapes through the private Service that got no stat (mesh-compatibility-mode enabled). */
  failedScrapes = 0;
  // Panic.
  panicSince = Number.NaN;
  panicSeconds = 0;

  constructor(
    readonly service: string,
    readonly revision: string,
  ) {}

  private merged: LatencyHistogram | undefined;

  /** Latency of every 200: the cold and warm histograms merged (built once, at the end). */
  allLatency(): LatencyHistogram {
    if (this.merged === undefined) {
      this.merged = new LatencyHistogram();
      this.merged.add(this.coldLatency);
      this.merged.add(this.warmLatency);
    }
    return this.merged;
  }

  advancePods(now: number): void {
    const dt = now - this.lastPodChange;
    this.podSeconds += this.existingPods * dt;
    this.readyPodSeconds += this.readyPods * dt;
    this.lastPodChange = now;
  }

  panic(inPanic: boolean, now: number): void {
    if (inPanic && Number.isNaN(this.panicSince)) this.panicSince = now;
    else if (!inPanic && !Number.isNaN(this.panicSince)) {
      this.panicSeconds += now - this.panicSince;
      this.panicSince = Number.NaN;
    }
  }

  finish(now: number): RevisionSummary {
    this.advancePods(now);
    const panic = this.panicSeconds + (Number.isNaN(this.panicSince) ? 0 : now - this.panicSince);
    return {
      service: this.service,
      revision: this.revision,
      requests: { ...this.counts },
      latencyMs: this.allLatency().summary(),
      ...(this.firstByte !== undefined ? { firstByteMs: this.firstByte.summary() } : {}),
      ...(this.sessionsClosedAtShutdown !== undefined ? { sessionsClosedAtShutdown: this.sessionsClosedAtShutdown } : {}),
      coldStartRequests: this.cold,
      podSeconds: round3(this.podSeconds),
      ...podHours([this]),
      maxReadyPods: this.maxReady,
      timeToFirstReadySeconds: Number.isNaN(this.firstReadyAt) ? null : round3(this.firstReadyAt),
      scaleToZeroAtSeconds: this.scaleToZeroAt.map(round3),
      panicSeconds: round3(panic),
      ...(this.failure !== undefined ? { failure: { atSeconds: round3(this.failure.atSeconds), reason: this.failure.reason } } : {}),
      ...(this.failure !== undefined
        ? { readyFalse: this.readyFalse.map((p) => ({ atSeconds: round3(p.atSeconds), untilSeconds: p.untilSeconds === undefined ? null : round3(p.untilSeconds), reason: p.reason })) }
        : {}),
      // Only when some failed: summaries of runs without a mesh keep their shape.
      ...(this.failedScrapes > 0 ? { failedScrapes: this.failedScrapes } : {}),
    };
  }
}

/** The pod-hours of revisions together, from their unrounded pod-seconds (call after finish()). */
export function podHours(stats: readonly RevisionStats[]): Pick<RevisionSummary, 'podHours' | 'readyPodHours'> {
  let all = 0;
  let ready = 0;
  for (const s of stats) {
    all += s.podSeconds;
    ready += s.readyPodSeconds;
  }
  return { podHours: round6(all / 3600), readyPodHours: round6(ready / 3600) };
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
