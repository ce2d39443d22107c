import type { DecisionLoopInit, DecisionRecord, KpaScaleOutput, PipelineReconcileInput, PodStat, ReconcileCause, RevisionAutoscaling } from '../core/autoscaler/index.js';
import type { ClusterNode } from './cluster-node.js';
import type { Pod, PodPhase } from './pod.js';
import type { Request } from './request.js';
import type { Revision } from './revision.js';
import type { PodMetricsSample } from './metrics-server.js';

/**
 * A pod's lifecycle step; ActivatorHealthy is when the activator's probe succeeds,
 * ErrImagePull a failed image pull, Restarted a user container starting again after a crash,
 * OOMKilled the user container killed for going over its memory limit.
 */
export type PodEvent = PodPhase | 'ActivatorHealthy' | 'ErrImagePull' | 'Restarted' | 'OOMKilled' | 'LivenessFailed' | 'Unschedulable' | 'Scheduled' | 'Evicted';

/**
 * A node's lifecycle step (cluster.ts): provision requested, Ready, tainted for removal, deleted;
 * LaunchFailed and Launched only for a Karpenter NodeClaim whose first create call failed and was retried.
 */
export type NodeEvent = 'Requested' | 'LaunchFailed' | 'Launched' | 'Ready' | 'Tainted' | 'Untainted' | 'Deleted' | 'Drifted' | 'NodeHasInsufficientMemory' | 'NodeHasSufficientMemory';

/**
 * What the model reports as it runs. src/run implements it, turning the live objects into
 * plain records for the output writers; the model never formats anything itself.
 */
export interface Recorder {
  /**
   * True when request() copies what it needs and keeps no reference to the Request: the
   * world may then reuse the object for a later request (fewer allocations on the hot path).
   */
  readonly copiesRequests?: boolean;
  /** A request finished (any status). */
  request(req: Request): void;
  /** One decider evaluation of a revision (`rev`), with the KPA's view after it. */
  decision(d: DecisionRecord, rev: Revision): void;
  podTransition(pod: Pod, event: PodEvent, now: number): void;
  /**
   * Knative's autoscaler process went down: the revision's decider, and any panic it was
   * in, is gone until the restarted process creates a new one. Optional.
   */
  autoscalerDown?(rev: Revision, now: number): void;
  /**
   * Knative's autoscaler process is back and made the revision's decision loop anew from
   * `init` (its settings, and the stored PA status with the ready pods; no `restart` for a
   * revision it had never reconciled). Optional: lets a replay restart its loop the same way.
   */
  autoscalerRestarted?(rev: Revision, now: number, init: { autoscaling: RevisionAutoscaling; restart: DecisionLoopInit['restart'] }): void;
  /** The revision was deleted with its Service: its PA, decider and any panic it was in are gone. Optional. */
  revisionDeleted?(rev: Revision, now: number): void;
  /** The revision's Ready condition became False (each time it does), with upstream's reason. Optional. */
  revisionFailed?(rev: Revision, now: number, reason: string): void;
  /** A service's traffic split changed (percent per revision name, default route). */
  traffic(service: string, now: number, percents: ReadonlyMap<string, number>): void;
  /**
   * A metrics-server scrape of a pod of a revision that models resources: what the metrics
   * API (and so the HPA) reads until the next scrape. Optional.
   */
  podMetrics?(sample: PodMetricsSample): void;
  /** A node's lifecycle step (only with node pools). Optional. */
  node?(node: ClusterNode, event: NodeEvent, now: number): void;
  /** Once a second: a revision's pods and queues, for time-series charts. */
  sample(rev: Revision, now: number): void;
  /**
   * False when sample() would keep nothing (no time series is written): the world then
   * schedules no sampling at all. Sampling only reads the model, so nothing else changes.
   */
  readonly sampling?: boolean;
  /**
   * A stat the autoscaler recorded into the revision's metric collection: a scrape (the
   * estimated revision total) or an activator push (also a poke). Optional: only needed to
   * replay a run's metric inputs elsewhere, e.g. through the controller adapter.
   */
  stat?(rev: Revision, stat: PodStat, source: 'scrape' | 'activator'): void;
  /**
   * A PA reconcile of a revision, with what it was given besides the PA's own state and
   * what it decided. Optional: with `stat` and `decision`, it lets a run's whole decision
   * sequence be replayed through the controller adapter.
   */
  reconcile?(rev: Revision, time: number, input: PipelineReconcileInput, output: KpaScaleOutput, cause: ReconcileCause): void;
}

/** A recorder that keeps nothing (benchmarks, tests that only read the world). */
export const nullRecorder: Recorder = {
  copiesRequests: true,
  request: () => {},
  decision: () => {},
  podTransition: () => {},
  traffic: () => {},
  sample: () => {},
};
